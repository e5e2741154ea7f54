"""The n8n Telegram, Airtable, Notion and Slack operations beyond the first ones: each becomes
its app node's config (validated by the node's Config), the ones left are refused by name, and
an imported node of each service runs in the engine against its fake."""

from __future__ import annotations

import base64
import copy
import json
from typing import Any

import pytest

from credentials import store
from credentials.models import Credential
from editor.n8n import SPECS, SUB_NODES, convert
from editor.n8n.converter import Converter
from editor.nodes import NODE_TYPES
from editor.validation import validate_graph
from executions import engine
from executions.models import Step
from tests.engine_helpers import make_workflow
from tests.fakes import running
from tests.fakes.airtable import BASE as AIRTABLE_BASE
from tests.fakes.airtable import TOKEN as AIRTABLE_TOKEN
from tests.fakes.airtable import FakeAirtable
from tests.fakes.notion import DATABASE as NOTION_DATABASE
from tests.fakes.notion import PAGE as NOTION_PAGE
from tests.fakes.notion import TOKEN as NOTION_TOKEN
from tests.fakes.notion import FakeNotion
from tests.fakes.slack import USER_TOKEN as SLACK_USER_TOKEN
from tests.fakes.slack import FakeSlack, Posted
from tests.fakes.telegram import BOT_TOKEN as TELEGRAM_TOKEN
from tests.fakes.telegram import FakeTelegram
from tests.test_n8n_apps import RL, converted, refusal, single

KEYBOARD_ROWS = {
    "rows": [
        {
            "row": {
                "buttons": [
                    {
                        "text": "Retry",
                        "additionalFields": {"callback_data": "=retry {{ $json.id }}"},
                    },
                    {"text": "Docs", "additionalFields": {"url": "https://example.com"}},
                ]
            }
        }
    ]
}

CASES = [
    (
        "telegram photo by URL with a caption",
        "telegram",
        1,
        {
            "operation": "sendPhoto",
            "chatId": "-485365454",
            "file": "={{ $json.url }}",
            "additionalFields": {"caption": "={{ $json.title }}"},
        },
        {
            "operation": "send_photo",
            "chat_id": "-485365454",
            "file": "{{ trigger.url }}",
            "caption": '{{ trigger["title"] }}',
            "parse_mode": "Markdown",
        },
    ),
    (
        "telegram message with an inline keyboard, as a reply",
        "telegram",
        1.2,
        {
            "chatId": "42",
            "text": "Failed",
            "replyMarkup": "inlineKeyboard",
            "inlineKeyboard": KEYBOARD_ROWS,
            "additionalFields": {
                "appendAttribution": False,
                "reply_to_message_id": "={{ $json.message_id }}",
            },
        },
        {
            "operation": "send_message",
            "chat_id": "42",
            "text": "Failed",
            "parse_mode": "Markdown",
            "disable_web_page_preview": True,
            "reply_to_message_id": "{{ trigger.message_id }}",
            "reply_markup": {
                "inline_keyboard": [
                    [
                        {"text": "Retry", "callback_data": "retry {{ trigger.id | n8n_text }}"},
                        {"text": "Docs", "url": "https://example.com"},
                    ]
                ]
            },
        },
    ),
    (
        "telegram reply keyboard, resized",
        "telegram",
        1.1,
        {
            "chatId": "42",
            "text": "Pick",
            "replyMarkup": "replyKeyboard",
            "replyKeyboard": {"rows": [{"row": {"buttons": [{"text": "Yes"}, {"text": "No"}]}}]},
            "replyKeyboardOptions": {"resize_keyboard": True},
        },
        {
            "operation": "send_message",
            "chat_id": "42",
            "text": "Pick",
            "parse_mode": "Markdown",
            "reply_markup": {
                "keyboard": [[{"text": "Yes"}, {"text": "No"}]],
                "resize_keyboard": True,
            },
        },
    ),
    (
        "telegram file get downloads by default",
        "telegram",
        1.2,
        {"resource": "file", "fileId": "={{ $json.message.voice.file_id }}"},
        {
            "operation": "get_file",
            "file_id": "{{ trigger.message.voice.file_id }}",
            "download": True,
        },
    ),
    (
        "telegram chat action, typing by default",
        "telegram",
        1.2,
        {"operation": "sendChatAction", "chatId": "={{ $json.message.chat.id }}"},
        {
            "operation": "send_chat_action",
            "chat_id": "{{ trigger.message.chat.id }}",
            "action": "typing",
        },
    ),
    (
        "telegram n8n's record_audio is Telegram's record_voice",
        "telegram",
        1,
        {"operation": "sendChatAction", "chatId": "1", "action": "record_audio"},
        {"operation": "send_chat_action", "chat_id": "1", "action": "record_voice"},
    ),
    (
        "telegram delete message",
        "telegram",
        1.2,
        {"operation": "deleteMessage", "chatId": "1", "messageId": "={{ $json.message_id }}"},
        {"operation": "delete_message", "chat_id": "1", "message_id": "{{ trigger.message_id }}"},
    ),
    (
        "telegram edit message text",
        "telegram",
        1.2,
        {"operation": "editMessageText", "chatId": "1", "messageId": "7", "text": "Done"},
        {
            "operation": "edit_message_text",
            "chat_id": "1",
            "message_id": "7",
            "text": "Done",
            "parse_mode": "Markdown",
            "disable_web_page_preview": True,
        },
    ),
    (
        "airtable upsert on Email is performUpsert",
        "airtable",
        2.1,
        {
            "operation": "upsert",
            "base": {**RL, "value": "appAbCdEfGhIj1234"},
            "table": {**RL, "value": "tblAbCdEfGhIj1234"},
            "columns": {
                "mappingMode": "defineBelow",
                "matchingColumns": ["Email"],
                "value": {"Email": "={{ $json.email }}", "Name": "Ada"},
            },
            "options": {"typecast": True},
        },
        {
            "operation": "upsert_records",
            "fields_to_merge_on": ["Email"],
            "records": [{"Email": "{{ trigger.email }}", "Name": "Ada"}],
            "typecast": True,
            "base_id": "appAbCdEfGhIj1234",
            "table": "tblAbCdEfGhIj1234",
        },
    ),
    (
        "airtable upsert on the id: by id, or created",
        "airtable",
        2.1,
        {
            "operation": "upsert",
            "base": "appAbCdEfGhIj1234",
            "table": "tblAbCdEfGhIj1234",
            "columns": {
                "matchingColumns": ["id"],
                "value": {"id": "={{ $json.rec }}", "URL": "={{ $json.url }}"},
            },
            "options": {"updateAllMatches": True},
        },
        {
            "operation": "upsert_records",
            "fields_to_merge_on": ["id"],
            "records": [{"id": "{{ trigger.rec }}", "fields": {"URL": "{{ trigger.url }}"}}],
            "all_matches": True,
            "base_id": "appAbCdEfGhIj1234",
            "table": "tblAbCdEfGhIj1234",
        },
    ),
    (
        "airtable update matching session_id",
        "airtable",
        2.1,
        {
            "operation": "update",
            "base": {**RL, "value": "appAbCdEfGhIj1234"},
            "table": {**RL, "value": "tblAbCdEfGhIj1234"},
            "columns": {
                "mappingMode": "defineBelow",
                "matchingColumns": ["session_id"],
                "value": {"session_id": "={{ $json.From }}", "Status": "booked"},
            },
            "options": {},
        },
        {
            "operation": "update_records",
            "match_fields": ["session_id"],
            "records": [{"session_id": "{{ trigger.From }}", "Status": "booked"}],
            "base_id": "appAbCdEfGhIj1234",
            "table": "tblAbCdEfGhIj1234",
        },
    ),
    (
        "airtable update matching id and another column is by id, as n8n does",
        "airtable",
        2.1,
        {
            "operation": "update",
            "base": {**RL, "value": "appAbCdEfGhIj1234"},
            "table": {**RL, "value": "tblAbCdEfGhIj1234"},
            "columns": {
                "mappingMode": "defineBelow",
                "matchingColumns": ["id", "Text"],
                "value": {"id": "={{ $json.id }}", "Text": "x"},
            },
        },
        {
            "operation": "update_records",
            "records": [{"id": "{{ trigger.id }}", "fields": {"Text": "x"}}],
            "base_id": "appAbCdEfGhIj1234",
            "table": "tblAbCdEfGhIj1234",
        },
    ),
    (
        "airtable record get (the default operation)",
        "airtable",
        2.1,
        {
            "base": {**RL, "value": "appAbCdEfGhIj1234"},
            "table": {**RL, "value": "tblAbCdEfGhIj1234"},
            "id": "={{ $json.airtableID }}",
        },
        {
            "operation": "get_record",
            "record_id": "{{ trigger.airtableID }}",
            "flatten": True,
            "base_id": "appAbCdEfGhIj1234",
            "table": "tblAbCdEfGhIj1234",
        },
    ),
    (
        "airtable base schema",
        "airtable",
        2.1,
        {
            "resource": "base",
            "operation": "getSchema",
            "base": {"__rl": True, "mode": "id", "value": "={{ $json.base_id }}"},
        },
        {"operation": "get_base_schema", "base_id": "{{ trigger.base_id }}"},
    ),
    (
        "airtable bases (base's default operation)",
        "airtable",
        2.1,
        {"resource": "base", "options": {}},
        {"operation": "list_bases"},
    ),
    (
        "airtable v1 append of the whole input item",
        "airtable",
        1,
        {"operation": "append", "application": "app3wAXUUwalhapFV", "table": "Log"},
        {
            "operation": "create_records",
            "records": "[{{ trigger | tojson }}]",
            "ignore_fields": ["id"],  # n8n leaves out the item's id
            "base_id": "app3wAXUUwalhapFV",
            "table": "Log",
        },
    ),
    (
        "airtable v1 append of named fields",
        "airtable",
        1,
        {
            "operation": "append",
            "application": "app3wAXUUwalhapFV",
            "table": "Log",
            "addAllFields": False,
            "fields": ["chat", "name"],
        },
        {
            "operation": "create_records",
            "records": "[{{ trigger | tojson }}]",
            "keep_fields": ["chat", "name"],
            "base_id": "app3wAXUUwalhapFV",
            "table": "Log",
        },
    ),
    (
        "slack v1 legacy attachments, their fields moved up as n8n sends them",
        "slack",
        1,
        {
            "channel": "team-accounts",
            "text": "New invoice",
            "attachments": [
                {
                    "color": "#FFBF00",
                    "fields": {
                        "item": [{"short": True, "title": "Amount", "value": "={{ $json.total }}"}]
                    },
                    "footer": "=*Date:* {{ $json.date }}",
                }
            ],
            "otherOptions": {},
        },
        {
            "operation": "post_message",
            "text": "New invoice",
            "channel": "team-accounts",
            "attachments": [
                {
                    "color": "#FFBF00",
                    "footer": "*Date:* {{ trigger.date | n8n_text }}",
                    "fields": [{"short": True, "title": "Amount", "value": "{{ trigger.total }}"}],
                }
            ],
        },
    ),
    (
        "slack v2 delete",
        "slack",
        2.2,
        {
            "operation": "delete",
            "select": "channel",
            "channelId": {"__rl": True, "mode": "id", "value": "C0001"},
            "timestamp": "={{ $json.ts }}",
        },
        {"operation": "delete_message", "channel": "C0001", "ts": "{{ trigger.ts }}"},
    ),
    (
        "slack v2 search, newest first by default",
        "slack",
        2.2,
        {"operation": "search", "query": "in:#n8n-tickets has::ticket:", "limit": 10},
        {
            "operation": "search_messages",
            "query": "in:#n8n-tickets has::ticket:",
            "sort": "timestamp",
            "sort_dir": "desc",
            "count": 10,
        },
    ),
    (
        "notion manual filter: one url condition inside n8n's default 'any'",
        "notion",
        2.2,
        {
            "resource": "databasePage",
            "operation": "getAll",
            "databaseId": {**RL, "value": "17b67aba-1fcc-80ae-baa1-d88ffda7ae83"},
            "filterType": "manual",
            "filters": {
                "conditions": [
                    {"condition": "equals", "key": "URL|url", "urlValue": "={{ $json.url }}"},
                    {"condition": "is_empty", "key": "Done|checkbox"},
                    {"condition": "past_week", "key": "Due|date"},
                ]
            },
            "returnAll": True,
        },
        {
            "operation": "query_database",
            "database_id": "17b67aba-1fcc-80ae-baa1-d88ffda7ae83",
            "filter": {
                "or": [
                    {"property": "URL", "url": {"equals": "{{ trigger.url }}"}},
                    {"property": "Done", "checkbox": {"is_empty": True}},
                    {"property": "Due", "date": {"past_week": {}}},
                ]
            },
            "page_size": 100,
            "simplify": True,
        },
    ),
    (
        "notion manual filter, all of them, last edited time",
        "notion",
        2.2,
        {
            "resource": "databasePage",
            "operation": "getAll",
            "databaseId": {**RL, "value": "d1"},
            "filterType": "manual",
            "matchType": "allFilters",
            "filters": {
                "conditions": [
                    {
                        "condition": "after",
                        "key": "Edited|last_edited_time",
                        "lastEditedTime": "2024-05-01T00:00:00Z",
                    },
                    {"condition": "equals", "key": "Status|status", "statusValue": "Open"},
                ]
            },
            "limit": 10,
        },
        {
            "operation": "query_database",
            "database_id": "d1",
            "filter": {
                "and": [
                    {
                        "property": "Edited",
                        "last_edited_time": {"after": "2024-05-01T00:00:00Z"},
                    },
                    {"property": "Status", "status": {"equals": "Open"}},
                ]
            },
            "page_size": 10,
            "simplify": True,
        },
    ),
    (
        "notion database page update",
        "notion",
        2.2,
        {
            "resource": "databasePage",
            "operation": "update",
            "pageId": {"__rl": True, "mode": "url", "value": "={{ $json.url }}"},
            "propertiesUi": {
                "propertyValues": [
                    {"key": "Status|status", "statusValue": "Done"},
                    {"key": "Name|title", "title": "Renamed"},
                ]
            },
        },
        {
            "operation": "update_page",
            "page_id": "{{ trigger.url }}",
            "properties": {
                "Status": {"status": {"name": "Done"}},
                "Name": {"title": [{"text": {"content": "Renamed"}}]},
            },
            "simplify": True,
        },
    ),
    (
        "notion database page get",
        "notion",
        2.2,
        {
            "resource": "databasePage",
            "operation": "get",
            "pageId": {"__rl": True, "mode": "id", "value": "={{ $json.id }}"},
        },
        {"operation": "get_page", "page_id": "{{ trigger.id }}", "simplify": True},
    ),
    (
        "notion database get (the resource's default)",
        "notion",
        2.2,
        {"resource": "database", "databaseId": {**RL, "value": "7ea9697d"}, "simple": False},
        {"operation": "get_database", "database_id": "7ea9697d"},
    ),
    (
        "notion blocks, nested",
        "notion",
        2.2,
        {
            "resource": "block",
            "operation": "getAll",
            "blockId": {"__rl": True, "mode": "id", "value": "={{ $json.id }}"},
            "fetchNestedBlocks": True,
            "returnAll": True,
        },
        {
            "operation": "list_blocks",
            "block_id": "{{ trigger.id }}",
            "nested": True,
            "simplify": True,
        },
    ),
    (
        "telegram chat get",
        "telegram",
        1.2,
        {"resource": "chat", "chatId": "={{ $json.message.chat.id }}"},
        {"operation": "get_chat", "chat_id": "{{ trigger.message.chat.id }}"},
    ),
]


@pytest.mark.parametrize(
    ("kind", "version", "params", "config"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_each_operation_becomes_its_workfuse_config(kind, version, params, config):
    graph = convert(single(kind, copy.deepcopy(params), version))
    node = next(n for n in graph["nodes"] if n["label"] == "App")
    assert node["config"] == config
    assert "Credentials are not imported: choose a" in node["notes"]
    NODE_TYPES[node["type"]].Config.model_validate(config)
    assert validate_graph(graph) == []


@pytest.mark.parametrize(
    ("kind", "version", "params", "said"),
    [
        (
            "telegram",
            1.1,
            {"operation": "sendAudio", "chatId": "1", "binaryData": True},
            "reads the file in binary property 'data' of its input item, and in WorkFuse",
        ),
        (
            "telegram",
            1.2,
            {"operation": "editMessageText", "messageType": "inlineMessage"},
            "edits a message sent through inline mode",
        ),
        ("telegram", 1.2, {"resource": "chat", "operation": "leave"}, "does 'chat / leave'"),
        (
            "airtable",
            2.1,
            {
                "operation": "upsert",
                "base": "appAbCdEfGhIj1234",
                "table": "T",
                "columns": {"matchingColumns": ["a", "b", "c", "d"], "value": {"a": "1"}},
            },
            "upserts matching on 4 columns; Airtable merges on at most 3",
        ),
        (
            "notion",
            2.2,
            {
                "resource": "databasePage",
                "operation": "getAll",
                "databaseId": "d",
                "filterType": "manual",
                "filters": {"conditions": [{"key": "F|formula", "condition": "equals"}]},
            },
            "filters on the formula property 'F', which WorkFuse does not translate",
        ),
        (
            "notion",
            2.2,
            {"resource": "databasePage", "operation": "update", "pageId": "p"},
            "updates no property",
        ),
        ("notion", 2.2, {"resource": "page", "operation": "archive"}, "has no page to archive"),
        (
            "airtable",
            1,
            {"operation": "read", "application": "appA", "table": "T"},
            "names no record id; give the record's id in n8n",
        ),
        (
            "airtable",
            2.1,
            {"resource": "base", "options": {"permissionLevel": ["create"]}},
            "lists only the bases with some permission levels",
        ),
    ],
)
def test_what_is_left_is_refused_naming_the_node_and_the_construct(kind, version, params, said):
    message = refusal(kind, params, version)
    assert message.startswith(f"n8n node 'App' (n8n-nodes-base.{kind}): ")
    assert said in message


def test_a_slack_search_emits_its_matches_as_items():
    cx = Converter(single("slack", {"operation": "search", "query": "x"}, 2.2), SPECS, SUB_NODES)
    cx.run()
    assert cx.spec_of("App").items == "matches"
    assert (
        "choose a Slack credential (a user token (xoxp-…) with search:read)"
        in (converted("slack", {"operation": "search", "query": "x"}, 2.2)["notes"])
    )


def test_notion_blocks_as_n8n_lists_them_and_notes_on_dates():
    blocks = converted("notion", {"resource": "block", "operation": "getAll", "blockId": "b"}, 2.2)
    assert blocks["config"]["limit"] == 50 and blocks["config"]["simplify"] is True
    raw = converted(
        "notion", {"resource": "block", "operation": "getAll", "blockId": "b", "limit": 5}, 2
    )
    assert raw["config"]["limit"] == 5 and "simplify" not in raw["config"]
    dated = converted(
        "notion",
        {
            "resource": "databasePage",
            "operation": "getAll",
            "databaseId": "d",
            "filterType": "manual",
            "filters": {"conditions": [{"key": "Day|date", "condition": "equals", "date": "x"}]},
        },
        2.2,
    )
    assert "sent it in UTC; WorkFuse sends it as written" in dated["notes"]


def test_telegrams_result_fields_read_the_message_workfuse_outputs():
    data = single("telegram", {"chatId": "1", "text": "Working"}, 1.2, name="Send")
    data["nodes"].append(
        {
            "parameters": {
                "operation": "deleteMessage",
                "chatId": "={{ $('Send').item.json.result.chat.id }}",
                "messageId": "={{ $json.result.message_id }}",
            },
            "name": "App",
            "type": "n8n-nodes-base.telegram",
            "typeVersion": 1.2,
            "position": [480, 0],
        }
    )
    data["connections"]["Send"] = {"main": [[{"node": "App", "type": "main", "index": 0}]]}
    graph = convert(data)
    delete = next(n for n in graph["nodes"] if n["label"] == "App")
    assert delete["config"]["chat_id"] == "{{ nodes.send.chat.id }}"
    assert delete["config"]["message_id"] == "{{ nodes.send.message_id }}"


def test_a_file_get_says_where_the_file_goes():
    node = converted("telegram", {"resource": "file", "fileId": "x"}, 1.1)
    assert "WorkFuse puts it in the output's file" in node["notes"]
    node = converted("telegram", {"resource": "file", "fileId": "x", "download": False}, 1.1)
    assert node["config"]["download"] is False and "binary" not in node["notes"]


# --- imported nodes run in the engine against the fakes ----------------------------------------


def run_imported(alice: Any, kind: str, params: dict[str, Any], version: float, kind_fields: Any):
    """Import `single(kind, params)`, choose the credential (`kind_fields`: (credential kind,
    fields)) and run it with the trigger data {"chat": 4242, ...}: the app step's output."""
    graph = convert(single(kind, params, version))
    credential = store.create(alice, "Theirs", kind_fields[0], kind_fields[1])
    graph["nodes"][1]["config"]["credential"] = credential.pk  # the user's one choice
    execution = engine.start_execution(make_workflow(alice, graph), TRIGGER)
    execution.refresh_from_db()
    assert execution.status == "succeeded", execution.error
    return Step.objects.get(execution=execution, key="app").output


TRIGGER = {
    "chat": 4242,
    "message": {"voice": {"file_id": "AwACAgIAAxkBAAIC"}},
    "email": "ada@example.com",
    "ts": "",
    "query": "invoice",
}


@pytest.mark.django_db(transaction=True)
def test_an_imported_telegram_file_get_downloads_the_file(alice, settings):
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    with running(FakeTelegram()) as telegram:
        telegram.add_file("AwACAgIAAxkBAAIC", "voice/file_9.oga", b"OggS-voice")
        output = run_imported(
            alice,
            "telegram",
            {"resource": "file", "fileId": "={{ $json.message.voice.file_id }}"},
            1.2,
            ("telegram", {"bot_token": TELEGRAM_TOKEN, "base_url": telegram.url}),
        )
    assert output["file_path"] == "voice/file_9.oga"
    assert base64.b64decode(output["file"]["content"]) == b"OggS-voice"
    assert TELEGRAM_TOKEN not in json.dumps(output)


@pytest.mark.django_db(transaction=True)
def test_an_imported_airtable_upsert_merges_on_email(alice, settings):
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    with running(FakeAirtable()) as airtable:
        ada = airtable.add("Leads", Email="ada@example.com", Name="Ada")
        output = run_imported(
            alice,
            "airtable",
            {
                "operation": "upsert",
                "base": {**RL, "value": AIRTABLE_BASE},
                "table": {**RL, "value": "Leads"},
                "columns": {
                    "mappingMode": "defineBelow",
                    "matchingColumns": ["Email"],
                    "value": {"Email": "={{ $json.email }}", "Name": "Ada Lovelace"},
                },
            },
            2.1,
            ("airtable", {"token": AIRTABLE_TOKEN, "base_url": airtable.url}),
        )
    assert output["updated_records"] == [ada["id"]]
    assert ada["fields"] == {"Email": "ada@example.com", "Name": "Ada Lovelace"}


@pytest.mark.django_db(transaction=True)
def test_an_imported_notion_filter_builder_query_runs(alice, settings):
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    with running(FakeNotion()) as notion:
        notion.add_row("A", "Open")
        notion.add_row("B", "Done")
        output = run_imported(
            alice,
            "notion",
            {
                "resource": "databasePage",
                "operation": "getAll",
                "databaseId": {**RL, "value": NOTION_DATABASE},
                "filterType": "manual",
                "filters": {
                    "conditions": [
                        {"condition": "equals", "key": "Status|select", "selectValue": "Done"}
                    ]
                },
            },
            2.2,
            ("notion", {"token": NOTION_TOKEN, "base_url": notion.url}),
        )
    # n8n's simplified pages: {id, name, url, property_<name>: value}
    assert [p["property_status"] for p in output["results"]] == ["Done"]


@pytest.mark.django_db(transaction=True)
def test_imported_notion_database_list_and_page_archive_run_as_n8n_asks(alice, settings):
    """n8n's database getAll searches the databases shared with the integration (simplified to
    {id, name, url}); page archive patches the page with archived: true."""
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    credential = ("notion", {"token": NOTION_TOKEN})
    with running(FakeNotion()) as notion:
        row = notion.add_row("Old", "Done")
        listed = run_imported(
            alice,
            "notion",
            {"resource": "database", "operation": "getAll", "returnAll": True},
            2,
            (credential[0], {**credential[1], "base_url": notion.url}),
        )
        Credential.objects.filter(owner=alice).delete()  # run_imported names its credential
        archived = run_imported(
            alice,
            "notion",
            {"operation": "archive", "pageId": {**RL, "value": row["id"]}},
            2,
            (credential[0], {**credential[1], "base_url": notion.url}),
        )
        search = next(r for r in notion.requests if r.path == "/v1/search")
    assert search.json == {"filter": {"property": "object", "value": "database"}, "page_size": 100}
    assert [(d["id"], d["name"]) for d in listed["results"]] == [
        ("01234567-89ab-cdef-0123-456789abcdef", "Tasks")
    ]
    assert row["archived"] is True
    assert archived["id"] == row["id"]
    graph = convert(
        single("notion", {"resource": "database", "operation": "getAll", "limit": 7}, 2)
    )
    assert graph["nodes"][1]["config"] == {
        "operation": "list_databases",
        "page_size": 7,
        "simplify": True,
    }


@pytest.mark.django_db(transaction=True)
def test_notion_blocks_given_field_by_field_are_created_with_the_page(alice, settings):
    """n8n's formatBlocks: each block its type (paragraph by default) with its text as one run;
    a to-do's checked; an image's external URL."""
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    blocks = [
        {"type": "heading_1", "textContent": "Summary"},
        {"textContent": "=Asked for {{ $json.query }}"},
        {"type": "to_do", "textContent": "Reply", "checked": True},
        {"type": "image", "url": "https://img.example/a.png"},
    ]
    params = {
        "resource": "page",
        "operation": "create",
        "pageId": {**RL, "value": NOTION_PAGE},
        "title": "=Report {{ $json.chat }}",
        "blockUi": {"blockValues": blocks},
        "options": {},
    }
    with running(FakeNotion()) as notion:
        output = run_imported(
            alice,
            "notion",
            params,
            2.1,
            ("notion", {"token": NOTION_TOKEN, "base_url": notion.url}),
        )
        [page] = notion.pages
    assert output["name"] == "Report 4242"
    run = [{"type": "text", "text": {"content": "Summary"}}]
    assert page["_children"] == [
        {"object": "block", "type": "heading_1", "heading_1": {"rich_text": run}},
        {
            "object": "block",
            "type": "paragraph",
            "paragraph": {
                "rich_text": [{"type": "text", "text": {"content": "Asked for invoice"}}]
            },
        },
        {
            "object": "block",
            "type": "to_do",
            "to_do": {
                "checked": True,
                "rich_text": [{"type": "text", "text": {"content": "Reply"}}],
            },
        },
        {
            "object": "block",
            "type": "image",
            "image": {"type": "external", "external": {"url": "https://img.example/a.png"}},
        },
    ]
    rich = {"textContent": "", "richText": True, "text": {"text": [{"text": "a"}]}}
    said = refusal("notion", {**params, "blockUi": {"blockValues": [rich]}}, 2.1)
    assert "Rich Text on" in said


@pytest.mark.django_db(transaction=True)
def test_an_imported_slack_search_runs_with_a_user_token(alice, settings):
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    with running(FakeSlack()) as slack:
        slack.messages.append(Posted("C0001", "invoice 7 paid", "1700000001.000100"))
        output = run_imported(
            alice,
            "slack",
            {"operation": "search", "query": "={{ $json.query }}", "limit": 5},
            2.2,
            ("slack", {"bot_token": SLACK_USER_TOKEN, "base_url": slack.api_url}),
        )
    assert [m["text"] for m in output["matches"]] == ["invoice 7 paid"]
