"""Imports that failed on a bug of the importer or with a message naming no n8n node (issue
21): each export is imported as the API does (`transfer.import_n8n`, saving it) and, where it
runs, run through the engine and its run seen as n8n items."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest

from editor import transfer
from editor.graph import ImportRefused
from tests.test_n8n_items import BASE, PEOPLE, code, export, jsons, manual, run_view, set_fields

pytestmark = pytest.mark.django_db(transaction=True)


def refusals(owner: Any, data: dict[str, Any]) -> list[str]:
    with pytest.raises(ImportRefused) as refused:
        transfer.import_n8n(owner, [data])
    return [issue.message for issue in refused.value.issues]


# --- any problem of the converted workflow names the n8n node it came from ------------------


def test_a_setting_workfuse_rejects_is_refused_naming_the_n8n_node_and_the_setting(alice):
    gmail = {
        "name": "Mail the team",
        "type": f"{BASE}gmail",
        "typeVersion": 2.1,
        "parameters": {"sendTo": "SET YOUR EMAIL HERE", "subject": "Hi", "message": "Hello"},
    }
    data = export([manual(), gmail], [("Start", 0, "Mail the team", 0)])
    [message] = [m for m in refusals(alice, data) if "not an email address" in m]
    assert message.startswith(
        "n8n node 'Mail the team' (n8n-nodes-base.gmail), as the WorkFuse node "
        "'mail_the_team' (setting 'to'): "
    )
    assert message.endswith(
        "Change it in n8n and export again, or fix it in WorkFuse after import."
    )


def test_the_preview_names_the_n8n_node_too(alice):
    gmail = {
        "name": "Mail the team",
        "type": f"{BASE}gmail",
        "typeVersion": 2.1,
        "parameters": {"sendTo": "SET YOUR EMAIL HERE", "subject": "Hi", "message": "Hello"},
    }
    preview = transfer.preview_import(
        export([manual(), gmail], [("Start", 0, "Mail the team", 0)]), alice
    )
    assert not preview.importable
    [issue] = [i for i in preview.issues if "not an email address" in i.message]
    assert issue.message.startswith("n8n node 'Mail the team' (n8n-nodes-base.gmail), as ")


# --- Edit Fields (Set): a field name computed by an expression -------------------------------


def test_set_with_a_computed_field_name_writes_the_key_the_expression_gives(alice):
    by_team = {
        "name": "By team",
        "type": f"{BASE}set",
        "typeVersion": 3.4,
        "parameters": {
            "assignments": {
                "assignments": [
                    {
                        "id": "a",
                        "name": "={{ $json.team }}",
                        "value": "={{ $json.name }}",
                        "type": "string",
                    },
                    {"id": "b", "name": "age", "value": "={{ $json.age }}", "type": "number"},
                ]
            }
        },
    }
    data = export(
        [manual(), code("People", PEOPLE), by_team],
        [("Start", 0, "People", 0), ("People", 0, "By team", 0)],
    )
    view, _ = run_view(alice, data)
    assert jsons(view["By team"]) == [{p["team"]: p["name"], "age": p["age"]} for p in PEOPLE]


# --- app nodes: what n8n sends, or the n8n setting that is missing ---------------------------


def test_slack_block_message_with_an_empty_notification_text_imports(alice):
    slack = {
        "name": "Alert",
        "type": f"{BASE}slack",
        "typeVersion": 2.1,
        "parameters": {
            "text": "=",
            "select": "channel",
            "messageType": "block",
            "channelId": {"__rl": True, "mode": "name", "value": "alerts"},
            "blocksUi": '={"blocks": [{"type": "section", "text": {"type": "mrkdwn", '
            '"text": "New reply from {{ $json.name }}"}}]}',
        },
    }
    data = export([manual(), slack], [("Start", 0, "Alert", 0)])
    [workflow] = transfer.import_n8n(alice, [data])
    [node] = [n for n in workflow.graph["nodes"] if n["label"] == "Alert"]
    assert node["config"]["text"] == "" and "New reply from" in node["config"]["blocks"]


def test_telegram_without_a_chat_id_is_refused_naming_the_node_and_the_n8n_setting(alice):
    telegram = {
        "name": "Send the photo",
        "type": f"{BASE}telegram",
        "typeVersion": 1,
        "parameters": {"file": "https://example.com/a.png", "chatId": "", "operation": "sendPhoto"},
    }
    data = export([manual(), telegram], [("Start", 0, "Send the photo", 0)])
    assert refusals(alice, data) == [
        "n8n node 'Send the photo' (n8n-nodes-base.telegram): its 'Chat ID' is empty, so the "
        "sendPhoto operation has no chat to send to (n8n stops it with 'Chat ID' required); "
        "fill it in in n8n and export again."
    ]


# --- Crypto: the HMAC secret becomes a credential slot ----------------------------------------


def test_crypto_hmac_imports_with_an_empty_key_slot_and_runs_once_filled(alice):
    import hashlib
    import hmac as hmac_lib

    from credentials import store
    from executions import engine
    from executions.models import Step

    secret = "whsec_crc_0123456789"
    sign = {
        "name": "Crypto",
        "type": f"{BASE}crypto",
        "typeVersion": 1,
        "parameters": {
            "type": "SHA256",
            "value": "={{ $json.token }}",
            "action": "hmac",
            "secret": secret,
            "encoding": "base64",
        },
    }
    data = export(
        [manual(), code("Token", [{"token": "crc-42"}]), sign],
        [("Start", 0, "Token", 0), ("Token", 0, "Crypto", 0)],
    )
    [workflow] = transfer.import_n8n(alice, [data])
    [node] = [n for n in workflow.graph["nodes"] if n["label"] == "Crypto"]
    assert node["config"].get("credential") is None
    assert secret not in json.dumps(workflow.graph)
    assert "create a webhook secret (or API key) credential" in node["notes"]

    key = store.create(alice, "CRC key", "webhook_secret", secret)
    node["config"]["credential"] = key.pk  # the user fills the slot, as in the editor
    workflow.save_graph(workflow.graph, user=alice, note="Signing key chosen")
    execution = engine.start_execution(workflow, {})
    execution.refresh_from_db()
    assert execution.status == "succeeded", execution.error
    [step] = [s for s in Step.objects.filter(execution=execution) if s.node_id == "crypto"]
    digest = hmac_lib.new(secret.encode(), b"crc-42", hashlib.sha256).digest()
    assert step.output["data"] == base64.b64encode(digest).decode()


# --- IF without conditions: every item goes the way n8n sends it ------------------------------


def if_node(version: float, **params: Any) -> dict[str, Any]:
    return {"name": "Check", "type": f"{BASE}if", "typeVersion": version, "parameters": params}


def branches(check: dict[str, Any]) -> dict[str, Any]:
    yes, no = {"name": "Yes", "type": f"{BASE}noOp"}, {"name": "No", "type": f"{BASE}noOp"}
    return export(
        [manual(), code("People", PEOPLE), check, yes, no],
        [
            ("Start", 0, "People", 0),
            ("People", 0, "Check", 0),
            ("Check", 0, "Yes", 0),
            ("Check", 1, "No", 0),
        ],
    )


@pytest.mark.parametrize(
    ("check", "to_true"),
    [
        # IF 1: "all" of no conditions hold, "any" of them does not.
        (if_node(1, conditions={}), True),
        (if_node(1, conditions={"string": []}, combineOperation="any"), False),
        # IF 2's filter: every() of none is true, some() of none false.
        (if_node(2, conditions={"conditions": [], "combinator": "and"}), True),
        (if_node(2.2, conditions={"conditions": [], "combinator": "or"}), False),
        # IF 2 given IF 1's format reads it as a truthy object, not a filter.
        (
            if_node(
                2, conditions={"boolean": [{"value1": "={{ $json.age > 99 }}", "value2": True}]}
            ),
            True,
        ),
    ],
)
def test_if_without_conditions_sends_every_item_where_n8n_does(alice, check, to_true):
    view, _ = run_view(alice, branches(check))
    # A branch no item took did not run, and n8n's view of the run leaves it out.
    assert jsons(view.get("Yes", [])) == (PEOPLE if to_true else [])
    assert jsons(view.get("No", [])) == ([] if to_true else PEOPLE)


# --- Convert to File: a source field given as a path with an index -----------------------------


def test_convert_to_file_reads_a_path_with_an_index_as_n8n_does(alice):
    # OpenAI's image answer: {data: [{b64_json: ...}]}; n8n reads `data[0].b64_json` (lodash).
    from tests.test_n8n_files import chain as file_chain
    from tests.test_n8n_files import extract, n8n_node, run
    from tests.test_n8n_files import manual as file_manual

    encoded = base64.b64encode(b"a picture").decode()
    answer = n8n_node(
        "Image", "code", {"jsCode": f"return [{{json: {{data: [{{b64_json: '{encoded}'}}]}}}}];"}, 2
    )
    made = n8n_node(
        "Convert to File",
        "convertToFile",
        {
            "operation": "toBinary",
            "sourceProperty": "data[0].b64_json",
            "options": {"fileName": "image.txt", "mimeType": "text/plain"},
        },
        1.1,
    )
    read = extract({"operation": "text", "destinationKey": "content"}, "Read")
    outputs = run(alice, file_chain(file_manual(), answer, made, read))
    # The Code node returns one item (`return [{json: ...}]`): no loop over its items.
    file = outputs["convert_to_file"]["file"]
    assert (file["filename"], file["content_type"]) == ("image.txt", "text/plain")
    assert outputs["read"] == {"content": "a picture"}


# --- another node's settings read in an expression ($node["X"].parameter, $('X').params) -------


def test_an_expression_reading_a_later_nodes_settings_reads_them_as_n8n_does(alice):
    # n8n reads node X's setting, evaluating an expression there for the node reading it.
    check = {
        "name": "Check",
        "type": f"{BASE}set",
        "typeVersion": 3.4,
        "parameters": {
            "assignments": {
                "assignments": [
                    {
                        "id": "a",
                        "name": "table",
                        "value": '={{ $node["Save"].parameter["table"] }}',
                        "type": "string",
                    },
                    {
                        "id": "b",
                        "name": "who",
                        "value": "={{ $('Save').params.note }}",
                        "type": "string",
                    },
                    {
                        "id": "c",
                        "name": "second",
                        "value": "={{ $node[\"Save\"].parameter['fields'][1] }}",
                        "type": "string",
                    },
                ]
            }
        },
    }
    save = {
        "name": "Save",
        "type": f"{BASE}noOp",
        "parameters": {"table": "Leads", "note": "={{ $json.name }}", "fields": ["id", "name"]},
    }
    data = export(
        [manual(), code("People", PEOPLE), check, save],
        [("Start", 0, "People", 0), ("People", 0, "Check", 0), ("Check", 0, "Save", 0)],
    )
    view, _ = run_view(alice, data)
    assert jsons(view["Check"]) == [
        {"table": "Leads", "who": p["name"], "second": "name"} for p in PEOPLE
    ]


# --- a node reading a node of another branch ---------------------------------------------------


def test_reading_a_node_of_another_branch_is_refused_naming_both_nodes(alice):
    search = code("Search", [{"id": 1}])
    listed = {
        "name": "List",
        "type": f"{BASE}set",
        "typeVersion": 1,
        "parameters": {
            "values": {"number": [{"name": "id", "value": '={{ $node["Search"].json["id"] }}'}]}
        },
    }
    data = export(
        [manual(), search, listed],
        [("Start", 0, "Search", 0), ("Start", 0, "List", 0)],
    )
    assert refusals(alice, data) == [
        "n8n node 'List' (n8n-nodes-base.set): reads the n8n node 'Search', which does not run "
        "before it (it is on another branch: n8n reads it only when that branch happened to run "
        "first); connect 'Search' before 'List' in n8n, or read what reaches 'List', then "
        "export again."
    ]


# --- key names n8n takes as text, braces included ----------------------------------------------


def test_rename_keys_takes_names_with_braces_as_text(alice):
    rename = {
        "name": "Rename",
        "type": f"{BASE}renameKeys",
        "typeVersion": 1,
        "parameters": {"keys": {"key": [{"currentKey": "name", "newKey": "{{ who }}"}]}},
    }
    data = export(
        [manual(), code("People", PEOPLE), rename],
        [("Start", 0, "People", 0), ("People", 0, "Rename", 0)],
    )
    view, _ = run_view(alice, data)
    assert jsons(view["Rename"]) == [
        {"team": p["team"], "age": p["age"], "{{ who }}": p["name"]} for p in PEOPLE
    ]


def test_html_extract_takes_a_key_with_braces_as_text(alice):
    from tests.test_n8n_data_nodes import export as data_export
    from tests.test_n8n_data_nodes import node as data_node
    from tests.test_n8n_data_nodes import run as data_run

    extract = data_node(
        "Extract",
        "htmlExtract",
        1,
        dataPropertyName="page",
        extractionValues={"values": [{"key": "{{ $credentials.key }}", "cssSelector": "h1"}]},
        options={},
    )
    out = data_run(alice, data_export(extract, split=False), {"page": "<h1>Shop</h1>"})
    assert out["extract"]["result"] == {"{{ $credentials.key }}": "Shop"}


# --- JavaScript template literals: the data their ${...} parts read ---------------------------


def test_a_template_literal_reads_the_item_and_the_nodes_its_parts_name(alice):
    """`${$json.name}` and `${$('People').item.json.team}` inside backticks: the expression is
    given the item and the node it names (it was given neither, and read nothing)."""
    line = "={{ `${$json.name} of ${$('People').item.json.team} (${`age ${$json.age}`})` }}"
    data = export(
        [manual(), code("People", PEOPLE), set_fields("Line", line=line)],
        [("Start", 0, "People", 0), ("People", 0, "Line", 0)],
    )
    view, _ = run_view(alice, data)
    assert [item["line"] for item in jsons(view["Line"])] == [
        f"{p['name']} of {p['team']} (age {p['age']})" for p in PEOPLE
    ]


def test_env_read_inside_a_template_literal_is_refused(alice):
    data = export(
        [manual(), set_fields("Line", line="={{ `key ${$env.API_KEY}` }}")],
        [("Start", 0, "Line", 0)],
    )
    [message] = refusals(alice, data)
    assert "reads $env" in message
