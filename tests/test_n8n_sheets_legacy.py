"""The import of n8n's Google Sheets versions 1 and 2 (editor/n8n/apps_sheets_legacy.py): each
operation's settings as n8n's v1 description gives them (range "A:F" by default, key row and
data start row, RAW Data, the update key, lookup column and value), what `$json` reads after
each, the refusals, and n8n's own "append, lookup, update and read" example workflow imported
and run against the fake Google."""

from __future__ import annotations

import copy
import itertools
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
from tests.fakes.google_sheets import FakeGoogle, new_key
from tests.test_n8n_apps import BASE, single

SHEET = "1remFwo--5ehUgIU7UUndKldPI0Xm93e1T3DldD9GOg0"
VERSIONS = pytest.mark.parametrize("version", [1, 2])


def legacy(params: dict[str, Any], version: float = 1) -> dict[str, Any]:
    graph = convert(single("googleSheets", copy.deepcopy(params), version))
    assert validate_graph(graph) == []
    node = next(n for n in graph["nodes"] if n["label"] == "App")
    NODE_TYPES["app.google_sheets"].Config.model_validate(node["config"])
    return node


def refusal(params: dict[str, Any], version: float = 1) -> str:
    with pytest.raises(ImportRefused) as refused:
        convert(single("googleSheets", params, version))
    [issue] = refused.value.issues
    assert issue.message.startswith(f"n8n node 'App' ({BASE}googleSheets): ")
    return issue.message


def spec(params: dict[str, Any], version: float = 1) -> Any:
    cx = Converter(single("googleSheets", params, version), SPECS, SUB_NODES)
    cx.run()
    return cx.spec_of("App")


@VERSIONS
def test_read_is_the_default_operation_over_n8ns_default_range(version):
    node = legacy({"sheetId": SHEET}, version)
    assert node["config"] == {
        "spreadsheet_id": SHEET,
        "operation": "read_rows",
        "max_rows": 10000,
        "value_render": "UNFORMATTED_VALUE",
        "range": "A:F",
    }
    assert "Credentials are not imported" in node["notes"]
    assert "n8n left out empty rows" in node["notes"]
    assert spec({"sheetId": SHEET}, version).items == "rows"


def test_a_key_row_below_the_first_shifts_the_range():
    params = {"sheetId": SHEET, "range": "Data!A:G", "keyRow": 2, "dataStartRow": 3}
    assert legacy(params)["config"]["range"] == "Data!A3:G"
    params = {"sheetId": SHEET, "range": "Leads", "keyRow": 1, "dataStartRow": 2}
    assert legacy(params)["config"]["range"] == "Leads!A2:ZZZ"
    params = {"sheetId": SHEET, "range": "B2:D50", "keyRow": 1, "dataStartRow": 2}
    assert legacy(params)["config"]["range"] == "B3:D50"
    assert "reads data from row index 4 with its keys in row index 0" in refusal(
        {"sheetId": SHEET, "dataStartRow": 4}
    )
    assert "a range from an expression" in refusal(
        {"sheetId": SHEET, "range": "={{ $json.range }}", "keyRow": 1, "dataStartRow": 2}
    )


def test_a_raw_read_lists_the_cells_under_the_data_property():
    params = {"sheetId": SHEET, "range": "A:B", "rawData": True, "dataProperty": "cells"}
    node = legacy(params)
    assert node["config"]["header_row"] is False
    assert spec(params).aliases == (("cells", "rows"),) and spec(params).items is None


def test_lookup_reads_the_rows_matching_a_column_first_or_all():
    params = {
        "operation": "lookup",
        "sheetId": SHEET,
        "range": "A:D",
        "lookupColumn": "City",
        "lookupValue": "={{ $json.city }}",
        "options": {"valueRenderMode": "FORMATTED_VALUE", "continue": True},
    }
    node = legacy(params)
    assert node["config"] == {
        "spreadsheet_id": SHEET,
        "operation": "read_rows",
        "max_rows": 10000,
        "value_render": "FORMATTED_VALUE",
        "range": "A:D",
        "filters": [{"column": "City", "value": "{{ trigger.city }}"}],
        "combine": "AND",
        "first_match": True,
    }
    assert "Continue If Empty" in node["notes"]
    assert "n8n left out empty rows" not in node["notes"]  # n8n's lookup pads rows too
    params["options"] = {"returnAllMatches": True}
    assert legacy(params)["config"]["first_match"] is False
    assert "looks up no column" in refusal({**params, "lookupColumn": ""})
    assert "reads cells as FORMULA" in refusal(
        {**params, "options": {"valueRenderMode": "FORMULA"}}
    )


@VERSIONS
def test_append_writes_the_whole_item_leaving_out_unknown_fields(version):
    params = {"operation": "append", "sheetId": SHEET, "range": "Data!A:G"}
    node = legacy(params, version)
    assert node["config"] == {
        "spreadsheet_id": SHEET,
        "range": "Data!A:G",
        "values": "{{ trigger }}",
        "extra_fields": "ignore",
        "value_input_option": "RAW",  # n8n's v1 default
        "operation": "append_row",
    }
    assert spec(params, version).data is None  # n8n passes its input items on
    assert "starts right of column A" in refusal({**params, "range": "C:F"})
    assert "headers below the first row" in refusal({**params, "keyRow": 1})


def test_update_and_upsert_find_each_items_row_by_its_key():
    params = {
        "operation": "update",
        "sheetId": f"https://docs.google.com/spreadsheets/d/{SHEET}/edit#gid=0",
        "range": "A:D",
        "options": {"valueInputMode": "USER_ENTERED"},
    }
    node = legacy(params)
    assert node["config"] == {
        "spreadsheet_id": SHEET,
        "range": "A:D",
        "values": "{{ trigger }}",
        "extra_fields": "ignore",
        "value_input_option": "USER_ENTERED",
        "operation": "update_by_column",
        "match_column": "id",  # n8n's default key
    }
    assert "n8n skipped it when an item had no 'id' field" in node["notes"]
    upsert = legacy({**params, "operation": "upsert", "key": "Email"})
    assert upsert["config"]["operation"] == "append_or_update"
    assert upsert["config"]["match_column"] == "Email"
    assert spec({**params, "operation": "upsert"}).data is None
    assert "writes RAW Data" in refusal({**params, "rawData": True})


def test_clear_delete_and_create():
    clear = legacy({"operation": "clear", "sheetId": SHEET, "range": "Sheet1!A2:Z"})
    assert clear["config"] == {
        "spreadsheet_id": SHEET,
        "operation": "clear_range",
        "range": "Sheet1!A2:Z",
    }
    rows = {"rows": [{"sheetId": 1234, "startIndex": 4, "amount": 3}]}
    delete = legacy({"operation": "delete", "sheetId": SHEET, "toDelete": rows})
    assert delete["config"] == {
        "spreadsheet_id": SHEET,
        "sheet_gid": "1234",
        "operation": "delete_rows",
        "start_row": 5,  # n8n's index 4 counts from 0
        "row_count": 3,
    }
    rows = {"rows": [{"sheetId": 0, "startIndex": "={{ $json.row }}", "amount": 1}]}
    delete = legacy({"operation": "delete", "sheetId": SHEET, "toDelete": rows})
    assert delete["config"]["start_row"] == "{{ (trigger.row) | int + 1 }}"
    assert "deletes columns" in refusal(
        {"operation": "delete", "sheetId": SHEET, "toDelete": {"columns": rows["rows"]}}
    )
    create = legacy({"operation": "create", "sheetId": SHEET, "options": {"title": "Q3"}})
    assert create["config"] == {"spreadsheet_id": SHEET, "operation": "create_sheet", "title": "Q3"}
    assert "creates a sheet with tabColor" in refusal(
        {"operation": "create", "sheetId": SHEET, "options": {"title": "Q3", "tabColor": "ff0000"}}
    )


def test_what_is_refused_names_the_reason():
    assert "has no Spreadsheet ID" in refusal({"operation": "append", "sheetId": ""})
    assert "does 'sheet / remove'" in refusal({"operation": "remove", "sheetId": SHEET, "id": "3"})
    assert "does 'spreadsheet / create'" in refusal({"resource": "spreadsheet", "title": "New"})


def example() -> dict[str, Any]:
    """n8n's example "Append, lookup, update, and read data from a Google Sheets spreadsheet"
    as exported by n8n (Google Sheets v1, Set v1), with a fixed ID in place of a random one and
    the rent read as a number."""

    def sheets(name: str, x: int, params: dict[str, Any]) -> dict[str, Any]:
        return {
            "parameters": {"sheetId": SHEET, "range": "A:D", **params},
            "name": name,
            "type": f"{BASE}googleSheets",
            "typeVersion": 1,
            "position": [x, 300],
            "credentials": {"googleApi": {"id": "3", "name": "Google"}},
        }

    looked_up = '$node["Google Sheets1"].json'
    nodes = [
        {
            "parameters": {},
            "name": "On clicking 'execute'",
            "type": f"{BASE}manualTrigger",
            "typeVersion": 1,
            "position": [250, 300],
        },
        {
            "parameters": {
                "keepOnlySet": True,
                "values": {
                    "number": [{"name": "ID", "value": 7}, {"name": "Rent", "value": 1000}],
                    "string": [
                        {"name": "Name", "value": "John's Place"},
                        {"name": "City", "value": "Berlin"},
                    ],
                },
                "options": {},
            },
            "name": "Set",
            "type": f"{BASE}set",
            "typeVersion": 1,
            "position": [450, 300],
        },
        sheets("Google Sheets", 650, {"operation": "append"}),
        sheets(
            "Google Sheets1",
            850,
            {
                "operation": "lookup",
                "lookupColumn": "City",
                "lookupValue": "Berlin",
                "options": {"returnAllMatches": True},
            },
        ),
        {
            "parameters": {
                "keepOnlySet": True,
                "values": {
                    "number": [
                        {"name": "Rent", "value": f"={{{{Number({looked_up}['Rent'])+100}}}}"},
                        {"name": "ID", "value": f"={{{{{looked_up}['ID']}}}}"},
                    ],
                    "string": [
                        {"name": "Name", "value": f"={{{{{looked_up}['Name']}}}}"},
                        {"name": "City", "value": f"={{{{{looked_up}['City']}}}}"},
                    ],
                },
                "options": {},
            },
            "name": "Set1",
            "type": f"{BASE}set",
            "typeVersion": 1,
            "position": [1050, 300],
        },
        sheets("Google Sheets2", 1250, {"operation": "update", "key": "ID"}),
        sheets("Google Sheets3", 1450, {"options": {"valueRenderMode": "FORMATTED_VALUE"}}),
    ]
    order = [n["name"] for n in nodes]
    connections = {
        a: {"main": [[{"node": b, "type": "main", "index": 0}]]}
        for a, b in itertools.pairwise(order)
    }
    return {"name": "Google Sheets example", "nodes": nodes, "connections": connections}


@pytest.mark.django_db(transaction=True)
def test_n8ns_sheets_example_appends_looks_up_updates_and_reads(alice, settings):
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    graph = convert(example())
    assert validate_graph(graph) == []
    private, key_file = new_key()
    with running(FakeGoogle(private.public_key())) as google:
        google.sheets[SHEET] = {
            "Flats": [
                ["ID", "Name", "Rent", "City"],
                [1, "Altbau", 900, "Berlin"],
                [2, "Loft", 1500, "Paris"],
            ],
            "Notes": [],
        }
        credential = store.create(
            alice,
            "Acme Google",
            "google_sheets",
            {
                "service_account_key": key_file,
                "base_url": google.url,
                "token_url": google.token_url,
            },
        )
        for node in graph["nodes"]:
            if node["type"] == "app.google_sheets":
                node["config"]["credential"] = credential.pk
        execution = engine.start_execution(make_workflow(alice, graph), {})
    execution.refresh_from_db()
    assert execution.status == "succeeded", execution.error
    # "A:D" names no sheet: the first one, as Google reads it.
    assert google.sheets[SHEET]["Flats"] == [
        ["ID", "Name", "Rent", "City"],
        [1, "Altbau", "1000", "Berlin"],
        [2, "Loft", 1500, "Paris"],
        ["7", "John's Place", "1100", "Berlin"],
    ]
    steps = {s.key: s for s in Step.objects.filter(execution=execution)}
    lookup = steps["google_sheets1"].output
    assert lookup["rows"] == [
        {"ID": 1, "Name": "Altbau", "Rent": 900, "City": "Berlin"},
        {"ID": "7", "Name": "John's Place", "Rent": "1000", "City": "Berlin"},
    ]
    reads = [s.output for k, s in steps.items() if k.startswith("google_sheets3")]
    assert reads and reads[-1]["rows"][-1] == {
        "ID": "7",
        "Name": "John's Place",
        "Rent": "1100",
        "City": "Berlin",
    }


@pytest.mark.django_db(transaction=True)
def test_header_names_as_json_paths_read_nested_fields_as_lodash_get_does(alice, settings):
    """'Use Header Names as JSON Paths': n8n writes get(item, header) under each header: a key
    of the item as it is first, else a path (a.b, a[0].b, a.0.b); a missing one stays empty."""
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    params = {
        "operation": "append",
        "sheetId": SHEET,
        "range": "Data!A:F",
        "options": {"usePathForKeyRow": True},
    }
    graph = convert(single("googleSheets", params, 1))
    assert validate_graph(graph) == []
    private, key_file = new_key()
    with running(FakeGoogle(private.public_key())) as google:
        headers = ["id", "user.name", "tags[1]", "lines.0.sku", "a.b", "none.here"]
        google.sheets[SHEET] = {"Data": [headers]}
        credential = store.create(
            alice,
            "Acme Google",
            "google_sheets",
            {
                "service_account_key": key_file,
                "base_url": google.url,
                "token_url": google.token_url,
            },
        )
        graph["nodes"][1]["config"]["credential"] = credential.pk
        item = {
            "id": 7,
            "user": {"name": "Ada"},
            "tags": ["x", "y"],
            "lines": [{"sku": "S-1"}],
            "a": {"b": "nested"},
            "a.b": "the key itself",
        }
        execution = engine.start_execution(make_workflow(alice, graph), item)
    execution.refresh_from_db()
    assert execution.status == "succeeded", execution.error
    assert google.sheets[SHEET]["Data"][1] == ["7", "Ada", "y", "S-1", "the key itself", ""]
