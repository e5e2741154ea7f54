"""Importing n8n's app nodes (editor/n8n/apps_*.py) onto WorkFuse's `app.<service>` nodes: the
config each supported operation becomes, refusals naming the operation, credential slots left to
choose, where many-item operations put their items, and an imported Telegram node run against
the fake Bot API."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from credentials import store
from editor.graph import ImportRefused
from editor.n8n import SPECS, SUB_NODES, convert
from editor.n8n.converter import Converter
from editor.nodes import NODE_TYPES
from editor.validation import validate_graph
from executions import engine
from executions.models import Step
from tests.engine_helpers import make_workflow
from tests.fakes import running
from tests.fakes.telegram import BOT_TOKEN, FakeTelegram

BASE = "n8n-nodes-base."


def single(kind: str, params: dict[str, Any], version: float = 1, name: str = "App") -> dict:
    """Manual trigger -> the node under test, as n8n exports it."""
    return {
        "name": "Apps",
        "nodes": [
            {
                "parameters": {},
                "name": "Start",
                "type": f"{BASE}manualTrigger",
                "typeVersion": 1,
                "position": [0, 0],
            },
            {
                "parameters": params,
                "name": name,
                "type": f"{BASE}{kind}",
                "typeVersion": version,
                "position": [240, 0],
                "credentials": {"someApi": {"id": "1", "name": "Theirs"}},
            },
        ],
        "connections": {"Start": {"main": [[{"node": name, "type": "main", "index": 0}]]}},
    }


def converted(kind: str, params: dict[str, Any], version: float = 1) -> dict[str, Any]:
    graph = convert(single(kind, params, version))
    return next(n for n in graph["nodes"] if n["label"] == "App")


def refusal(kind: str, params: dict[str, Any], version: float = 1) -> str:
    with pytest.raises(ImportRefused) as refused:
        convert(single(kind, params, version))
    [issue] = refused.value.issues
    return issue.message


RL = {"__rl": True, "mode": "list"}

CASES = [
    (
        "slack v2 post to a channel",
        "slack",
        2.2,
        {
            "select": "channel",
            "channelId": {**RL, "value": "C0123"},
            "text": "=Deployed {{ $json.version }}",
            "otherOptions": {"thread_ts": {"replyValues": {"thread_ts": "171.5"}}},
        },
        "app.slack",
        {
            "operation": "post_message",
            "channel": "C0123",
            "text": "Deployed {{ trigger.version | n8n_text }}",
            "thread_ts": "171.5",
        },
    ),
    (
        "slack v2 blocks by channel name",
        "slack",
        2.3,
        {
            "select": "channel",
            "channelId": {"__rl": True, "mode": "name", "value": "alerts"},
            "messageType": "block",
            "blocksUi": '{"blocks": [{"type": "divider"}]}',
            "text": "fallback",
        },
        "app.slack",
        {
            "operation": "post_message",
            "channel": "#alerts",
            "text": "fallback",
            "blocks": [{"type": "divider"}],
        },
    ),
    (
        "slack v2 update",
        "slack",
        2.2,
        {"operation": "update", "channelId": {**RL, "value": "C9"}, "ts": "1.2", "text": "Done"},
        "app.slack",
        {"operation": "update_message", "channel": "C9", "text": "Done", "ts": "1.2"},
    ),
    (
        "slack v1 post",
        "slack",
        1,
        {"channel": "#general", "text": "hi", "otherOptions": {"thread_ts": "9.9"}},
        "app.slack",
        {"operation": "post_message", "channel": "#general", "text": "hi", "thread_ts": "9.9"},
    ),
    (
        "telegram send message, Markdown by default",
        "telegram",
        1.2,
        {"chatId": "=4242", "text": "=Order {{ $json.id }}"},
        "app.telegram",
        {
            "operation": "send_message",
            "chat_id": "4242",
            "text": "Order {{ trigger.id | n8n_text }}",
            "parse_mode": "Markdown",
            "disable_web_page_preview": True,  # version 1.2 turns previews off
        },
    ),
    (
        "discord v2 webhook message with an embed",
        "discord",
        2,
        {
            "authentication": "webhook",
            "content": "New sign-up",
            "options": {"username": "Bot"},
            "embeds": {
                "values": [{"title": "Ada", "color": "#ff0000", "image": "https://i/x.png"}]
            },
        },
        "app.discord",
        {
            "operation": "send_message",
            "content": "New sign-up",
            "username": "Bot",
            "embeds": [{"title": "Ada", "image": {"url": "https://i/x.png"}, "color": 16711680}],
        },
    ),
    (
        "discord v1 webhook",
        "discord",
        1,
        {"webhookUri": "https://discord.com/api/webhooks/1/secret", "text": "hello"},
        "app.discord",
        {"operation": "send_message", "content": "hello"},
    ),
    (
        "twilio sms",
        "twilio",
        1,
        {"from": "+14155550199", "to": "={{ $json.phone }}", "message": "Your code"},
        "app.twilio",
        {
            "operation": "send_sms",
            "to": "{{ trigger.phone }}",
            "from_number": "+14155550199",
            "body": "Your code",
        },
    ),
    (
        "send email v2.1 (html by default)",
        "emailSend",
        2.1,
        {
            "fromEmail": "ops@acme.test",
            "toEmail": "a@acme.test, b@acme.test",
            "subject": "Report",
            "html": "<b>ok</b>",
            "options": {"ccEmail": "c@acme.test"},
        },
        "app.email",
        {
            "operation": "send",
            "to": ["a@acme.test", "b@acme.test"],
            "subject": "Report",
            "cc": ["c@acme.test"],
            "html": "<b>ok</b>",
        },
    ),
    (
        "send email v1 text",
        "emailSend",
        1,
        {"toEmail": "a@acme.test", "subject": "Hi", "text": "plain"},
        "app.email",
        {"operation": "send", "to": ["a@acme.test"], "subject": "Hi", "text": "plain"},
    ),
    (
        "gmail send",
        "gmail",
        2.1,
        {
            "sendTo": "={{ $json.email }}",
            "subject": "Welcome",
            "emailType": "text",
            "message": "Hello",
            "options": {"bccList": "audit@acme.test"},
        },
        "app.gmail",
        {
            "operation": "send",
            "to": ["{{ trigger.email }}"],
            "subject": "Welcome",
            "text": "Hello",
            "bcc": ["audit@acme.test"],
        },
    ),
    (
        "sendgrid dynamic template",
        "sendGrid",
        1,
        {
            "resource": "mail",
            "fromEmail": "hi@acme.test",
            "toEmail": "a@acme.test",
            "dynamicTemplate": True,
            "templateId": "d-123",
            "dynamicTemplateFields": {"fields": [{"key": "name", "value": "={{ $json.name }}"}]},
        },
        "app.sendgrid",
        {
            "operation": "send",
            "from_email": "hi@acme.test",
            "to": ["a@acme.test"],
            "template_id": "d-123",
            "dynamic_template_data": {"name": "{{ trigger.name }}"},
        },
    ),
    (
        "google sheets v4.5 append by column",
        "googleSheets",
        4.5,
        {
            "operation": "append",
            "documentId": {
                "__rl": True,
                "mode": "url",
                "value": "https://docs.google.com/spreadsheets/d/1AbC_d-9/edit#gid=0",
            },
            "sheetName": {**RL, "value": "gid=0", "cachedResultName": "Leads"},
            "columns": {"mappingMode": "defineBelow", "value": {"Name": "={{ $json.name }}"}},
        },
        "app.google_sheets",
        {
            "spreadsheet_id": "1AbC_d-9",
            "sheet_gid": "0",  # by its id, as n8n: found though renamed since
            "operation": "append_row",
            "values": {"Name": "{{ trigger.name }}"},
        },
    ),
    (
        "google sheets read",
        "googleSheets",
        4.5,
        {
            "documentId": {"__rl": True, "mode": "id", "value": "1XyZ"},
            "sheetName": {"__rl": True, "mode": "name", "value": "Orders"},
        },
        "app.google_sheets",
        {
            "spreadsheet_id": "1XyZ",
            "range": "Orders",
            "operation": "read_rows",
            "max_rows": 10000,
            "value_render": "UNFORMATTED_VALUE",  # n8n's default reading
        },
    ),
    (
        "google sheets update by row_number read from the run",
        "googleSheets",
        4.5,
        {
            "operation": "update",
            "documentId": {"__rl": True, "mode": "id", "value": "1XyZ"},
            "sheetName": {"__rl": True, "mode": "name", "value": "Orders"},
            "columns": {
                "mappingMode": "defineBelow",
                "value": {"row_number": "={{ $json.row }}", "Status": "done"},
                "matchingColumns": ["row_number"],
            },
        },
        "app.google_sheets",
        {
            "spreadsheet_id": "1XyZ",
            "range": "Orders!{{ trigger.row }}:{{ trigger.row }}",
            "operation": "update_row",
            "values": {"Status": "done"},
        },
    ),
    (
        "google sheets update by row_number, columns mapped automatically",
        "googleSheets",
        4.5,
        {
            "operation": "update",
            "documentId": {"__rl": True, "mode": "id", "value": "1XyZ"},
            "sheetName": {"__rl": True, "mode": "name", "value": "Orders"},
            "columns": {
                "mappingMode": "autoMapInputData",
                "value": {},
                "matchingColumns": ["row_number"],
            },
        },
        "app.google_sheets",
        {
            "spreadsheet_id": "1XyZ",
            "range": "Orders!{{ (trigger).row_number }}:{{ (trigger).row_number }}",
            "operation": "update_row",
            "values": "{{ dict((trigger) | items | rejectattr('0', 'eq', 'row_number')) }}",
        },
    ),
    (
        "airtable v2 search",
        "airtable",
        2.1,
        {
            "operation": "search",
            "base": {
                "__rl": True,
                "mode": "url",
                "value": "https://airtable.com/appAbCdEfGhIj1234/tbl",
            },
            "table": {**RL, "value": "tblZyXwVuTsRq9876"},
            "filterByFormula": "{Status} = 'Open'",
            "returnAll": False,
            "limit": 25,
        },
        "app.airtable",
        {
            "operation": "list_records",
            "filter_by_formula": "{Status} = 'Open'",
            "flatten": True,  # n8n puts each record's fields beside its id
            "base_id": "appAbCdEfGhIj1234",
            "table": "tblZyXwVuTsRq9876",
            "max_records": 25,
        },
    ),
    (
        "airtable v2 update by id",
        "airtable",
        2.1,
        {
            "operation": "update",
            "base": {**RL, "value": "appAbCdEfGhIj1234"},
            "table": {**RL, "value": "Tasks"},
            "columns": {
                "mappingMode": "defineBelow",
                "value": {"id": "={{ $json.id }}", "Status": "Done"},
                "matchingColumns": ["id"],
            },
            "options": {"typecast": True},
        },
        "app.airtable",
        {
            "operation": "update_records",
            "records": [{"id": "{{ trigger.id }}", "fields": {"Status": "Done"}}],
            "typecast": True,
            "base_id": "appAbCdEfGhIj1234",
            "table": "Tasks",
        },
    ),
    (
        "notion database page with properties",
        "notion",
        2.2,
        {
            "resource": "databasePage",
            "databaseId": {**RL, "value": "0123456789abcdef0123456789abcdef"},
            "propertiesUi": {
                "propertyValues": [
                    {"key": "Task|title", "title": "={{ $json.task }}"},
                    {"key": "Status|select", "selectValue": "Open"},
                    {"key": "Points|number", "numberValue": 3},
                ]
            },
        },
        "app.notion",
        {
            "operation": "create_page",
            "parent_type": "database",
            "parent_id": "0123456789abcdef0123456789abcdef",
            "title": "{{ trigger.task }}",
            "title_property": "Task",
            "properties": {"Status": {"select": {"name": "Open"}}, "Points": {"number": 3}},
            "simplify": True,  # n8n's simplified page, its default
        },
    ),
    (
        "postgres query with parameters",
        "postgres",
        2.5,
        {
            "operation": "executeQuery",
            "query": "SELECT * FROM orders WHERE id = $1 AND note LIKE '10%' AND a = $2",
            "options": {"queryReplacement": "={{ $json.id }}, {{ $json.a }}"},
        },
        "app.postgres",
        {
            "operation": "query",
            "sql": "SELECT * FROM orders WHERE id = %(p1)s AND note LIKE '10%%' AND a = %(p2)s",
            "parameters": {"p1": "{{ trigger.id }}", "p2": "{{ trigger.a }}"},
        },
    ),
    (
        "s3 upload text",
        "awsS3",
        2,
        {
            "operation": "upload",
            "bucketName": "reports",
            "fileName": "={{ $json.day }}.txt",
            "binaryData": False,
            "fileContent": "hello",
            "additionalFields": {"parentFolderKey": "daily/"},
        },
        "app.s3",
        {
            "bucket": "reports",
            "operation": "put_object",
            "key": "daily/{{ trigger.day | n8n_text }}.txt",
            "content": "hello",
        },
    ),
    (
        "s3 list",
        "s3",
        1,
        {"operation": "getAll", "bucketName": "b", "limit": 20, "options": {"folderKey": "in/"}},
        "app.s3",
        {"bucket": "b", "operation": "list_objects", "prefix": "in/", "max_keys": 20},
    ),
    (
        "github issue",
        "github",
        1.1,
        {
            "owner": {**RL, "value": "acme"},
            "repository": {**RL, "value": "shop"},
            "title": "=Order {{ $json.id }} failed",
            "labels": [{"label": "bug"}],
        },
        "app.github",
        {
            "owner": "acme",
            "repo": "shop",
            "operation": "create_issue",
            "title": "Order {{ trigger.id | n8n_text }} failed",
            "labels": ["bug"],
        },
    ),
    (
        "github file from a repository URL",
        "github",
        1,
        {
            "resource": "file",
            "operation": "get",
            "owner": "",
            "repository": {"__rl": True, "mode": "url", "value": "https://github.com/acme/docs"},
            "filePath": "README.md",
        },
        "app.github",
        {
            "owner": "acme",
            "repo": "docs",
            "operation": "get_file",
            "path": "README.md",
            "as_file": True,  # files2: n8n's default "As Binary Property"
        },
    ),
]


@pytest.mark.parametrize(
    ("kind", "version", "params", "node_type", "config"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_each_operation_becomes_its_workfuse_config(kind, version, params, node_type, config):
    graph = convert(single(kind, copy.deepcopy(params), version))
    node = next(n for n in graph["nodes"] if n["label"] == "App")
    assert (node["type"], node["config"]) == (node_type, config)
    # Credentials are never imported: the slot is left for the user, with a note.
    assert "credential" not in node["config"]
    assert "Credentials are not imported: choose a" in node["notes"]
    NODE_TYPES[node_type].Config.model_validate(config)
    assert validate_graph(graph) == []


@pytest.mark.parametrize(
    ("kind", "version", "params", "said"),
    [
        ("slack", 2.2, {"resource": "channel"}, "does 'channel (its default operation)'"),
        ("slack", 2.2, {"operation": "getPermalink"}, "does 'message / getPermalink', which"),
        ("telegram", 1.2, {"operation": "sendLocation"}, "does 'message / sendLocation'"),
        (
            "telegram",
            1.2,
            {"operation": "sendPhoto", "chatId": "1", "binaryData": True},
            "reads the file in binary property 'data' of its input item",
        ),
        (
            "gmail",
            2.1,
            {"operation": "sendAndWait", "options": {"limitWaitTime": {"values": {}}}},
            "limits the wait time",
        ),
        ("googleSheets", 4.5, {"operation": "clear"}, "does 'sheet / clear'"),
        ("googleSheets", 2, {"operation": "remove"}, "does 'sheet / remove'"),
        ("airtable", 1, {"operation": "search"}, "does 'search'"),
        (
            "postgres",
            2.5,
            {"operation": "upsert", "table": "orders"},
            "does 'upsert', which WorkFuse's PostgreSQL",
        ),
        # files2: the file is followed; here no node before it makes one
        ("awsS3", 2, {"operation": "upload", "bucketName": "b"}, "binary property 'data'"),
        ("twilio", 1, {"toWhatsapp": True}, "sends a WhatsApp message"),
        ("sendGrid", 1, {"resource": "mail", "additionalFields": {"ccEmail": "x@y.z"}}, "ccEmail"),
        ("github", 1, {"resource": "file", "operation": "list"}, "does 'file / list'"),
        (
            "notion",
            2.2,
            {
                "resource": "databasePage",
                "operation": "getAll",
                "filterType": "manual",
                "databaseId": {**RL, "value": "d"},
            },
            "filters with the condition builder but sets no condition",
        ),
    ],
)
def test_operations_workfuse_lacks_are_refused_naming_node_and_operation(
    kind, version, params, said
):
    message = refusal(kind, params, version)
    assert message.startswith(f"n8n node 'App' ({BASE}{kind}): ")
    assert said in message


def test_gmail_is_sent_through_the_gmail_api_with_a_credential_note():
    node = converted("gmail", {"sendTo": "a@b.co", "subject": "s", "message": "<p>x</p>"}, 2.1)
    assert node["type"] == "app.gmail"
    assert node["config"]["html"] == "<p>x</p>"  # Gmail sends HTML unless told otherwise
    assert "choose a Gmail OAuth2 credential" in node["notes"]


def test_a_discord_webhook_url_in_the_export_is_never_copied():
    node = converted(
        "discord", {"webhookUri": "https://discord.com/api/webhooks/1/tok", "text": "x"}
    )
    assert "tok" not in str(node["config"])


def spec_items(kind: str, params: dict[str, Any], version: float) -> str | None:
    cx = Converter(single(kind, params, version), SPECS, SUB_NODES)
    cx.run()
    return cx.spec_of("App").items


@pytest.mark.parametrize(
    ("kind", "version", "params", "items"),
    [
        ("googleSheets", 4.5, {"documentId": "1", "sheetName": "S"}, "rows"),
        (
            "googleSheets",
            4.5,
            {
                "operation": "append",
                "documentId": "1",
                "sheetName": "S",
                "columns": {"value": {"A": "1"}},
            },
            None,
        ),
        (
            "airtable",
            2.1,
            {"operation": "search", "base": "appAbCdEfGhIj1234", "table": "T"},
            "records",
        ),
        ("github", 1, {"resource": "repository", "owner": "a", "repository": "b"}, "issues"),
        ("github", 1, {"title": "t", "owner": "a", "repository": "b"}, None),
        ("postgres", 2.5, {"operation": "executeQuery", "query": "SELECT 1"}, "rows"),
    ],
)
def test_many_item_operations_say_where_their_items_lie(kind, version, params, items):
    assert spec_items(kind, params, version) == items


def test_the_telegram_trigger_is_a_webhook_whose_body_is_the_update():
    data = single(
        "telegram",
        {"chatId": "={{ $json.message.chat.id }}", "text": "=Echo: {{ $json.message.text }}"},
        1.2,
    )
    data["nodes"][0] = {
        "parameters": {"updates": ["message"]},
        "name": "Start",
        "type": f"{BASE}telegramTrigger",
        "typeVersion": 1.1,
        "position": [0, 0],
    }
    graph = convert(data)
    assert validate_graph(graph) == []
    trigger, reply = graph["nodes"]
    assert trigger["type"] == "trigger.webhook" and trigger["config"]["methods"] == ["POST"]
    assert "setWebhook" in trigger["notes"] and "allowed_updates" in trigger["notes"]
    assert reply["config"]["chat_id"] == "{{ trigger.body.message.chat.id }}"
    assert reply["config"]["text"] == "Echo: {{ trigger.body.message.text | n8n_text }}"


def test_the_sheets_trigger_polls_the_sheet_for_new_rows():
    data = single("set", {}, 3.4)
    data["nodes"][0] = {
        "parameters": {
            "pollTimes": {"item": [{"mode": "everyX", "value": 5, "unit": "minutes"}]},
            "documentId": {"__rl": True, "mode": "id", "value": "1Sheet"},
            "sheetName": {**RL, "value": 0, "cachedResultName": "Signups"},
            "event": "rowAdded",
        },
        "name": "Start",
        "type": f"{BASE}googleSheetsTrigger",
        "typeVersion": 1,
        "position": [0, 0],
    }
    trigger = convert(data)["nodes"][0]
    assert (trigger["type"], trigger["config"]) == (
        "trigger.poll",
        {
            "source": "google_sheets",
            "spreadsheet_id": "1Sheet",
            "sheet_range": "Signups",
            "id_field": "row_number",
            "interval_seconds": 300,
        },
    )
    data["nodes"][0]["parameters"]["event"] = "rowUpdate"  # tests/test_n8n_sheets_trigger.py
    assert convert(data)["nodes"][0]["config"]["emit"] == "changed"


@pytest.mark.django_db(transaction=True)
def test_an_imported_telegram_node_sends_once_its_credential_is_chosen(alice, settings):
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    data = single(
        "telegram", {"chatId": "={{ $json.chat }}", "text": "=*Deployed* {{ $json.v }}"}, 1.2
    )
    graph = convert(data)
    with running(FakeTelegram()) as telegram:
        credential = store.create(
            alice, "Ops bot", "telegram", {"bot_token": BOT_TOKEN, "base_url": telegram.url}
        )
        graph["nodes"][1]["config"]["credential"] = credential.pk  # the user's one choice
        execution = engine.start_execution(make_workflow(alice, graph), {"chat": 4242, "v": "2.0"})
    execution.refresh_from_db()
    assert execution.status == "succeeded", execution.error
    assert telegram.messages == [
        {
            "chat_id": "4242",
            "text": "*Deployed* 2.0",
            "parse_mode": "Markdown",  # n8n's default, so the text renders the same
            "disable_web_page_preview": True,  # and version 1.2's
            "message_id": 1,
        }
    ]
    output = Step.objects.get(execution=execution, key="app").output
    assert isinstance(output, dict) and output["text"] == "*Deployed* 2.0"
