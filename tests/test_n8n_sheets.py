"""The import of n8n's Google Sheets operations beyond append/read/update-by-row
(editor/n8n/apps_google.py): reads with lookup filters as each version applies them, update by
a matching column, append or update, delete rows, sheets chosen by id (gid), what `$json` reads
after each, and an imported read-then-update workflow run against the fake Google."""

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
from tests.engine_helpers import make_workflow
from tests.fakes import running
from tests.fakes.google_sheets import FakeGoogle, new_key
from tests.test_n8n_apps import BASE, single

DOC = {"__rl": True, "mode": "id", "value": "1XyZ"}
BY_NAME = {"__rl": True, "mode": "name", "value": "Orders"}
BY_LIST = {"__rl": True, "mode": "list", "value": 2000, "cachedResultName": "Orders"}


def sheets(params: dict[str, Any], version: float = 4.5) -> dict[str, Any]:
    graph = convert(single("googleSheets", copy.deepcopy(params), version))
    assert validate_graph(graph) == []
    node = next(n for n in graph["nodes"] if n["label"] == "App")
    NODE_TYPES["app.google_sheets"].Config.model_validate(node["config"])
    return node


def refusal(params: dict[str, Any], version: float = 4.5) -> str:
    with pytest.raises(ImportRefused) as refused:
        convert(single("googleSheets", params, version))
    [issue] = refused.value.issues
    assert issue.message.startswith(f"n8n node 'App' ({BASE}googleSheets): ")
    return issue.message


FILTERS = {
    "values": [
        {"lookupColumn": "Status", "lookupValue": "open"},
        {"lookupColumn": "Owner", "lookupValue": "={{ $json.owner }}"},
    ]
}


@pytest.mark.parametrize(
    ("version", "extra", "expected"),
    [
        (4.5, {}, {"combine": "AND", "first_match": False}),
        (4.5, {"options": {"returnFirstMatch": True}}, {"combine": "AND", "first_match": True}),
        (4.2, {"combineFilters": "AND"}, {"combine": "AND", "first_match": True}),
        (
            4.2,
            {"options": {"returnAllMatches": "returnAllMatches"}},
            {"combine": "OR", "first_match": False},
        ),
        (4.3, {}, {"combine": "AND", "first_match": True}),
        (4.6, {"combineFilters": "OR"}, {"combine": "OR", "first_match": False}),
    ],
)
def test_read_filters_combine_as_each_version_does(version, extra, expected):
    params = {"documentId": DOC, "sheetName": BY_NAME, "filtersUI": FILTERS, **extra}
    config = sheets(params, version)["config"]
    assert config["filters"] == [
        {"column": "Status", "value": "open"},
        {"column": "Owner", "value": "{{ trigger.owner }}"},  # compared as text at run time
    ]
    assert {k: config[k] for k in expected} == expected
    assert config["value_render"] == "UNFORMATTED_VALUE"


def test_first_match_of_each_or_filter_before_4_6_is_refused():
    params = {"documentId": DOC, "sheetName": BY_NAME, "filtersUI": FILTERS}
    assert "keeps the first match of each of its OR filters" in refusal(params, 4.2)  # OR: 4.2's
    params["combineFilters"] = "OR"
    assert "keeps the first match of each of its OR filters" in refusal(params, 4.4)


def test_a_read_of_an_a1_range_and_of_only_the_first_row():
    options = {
        "dataLocationOnSheet": {"values": {"rangeDefinition": "specifyRangeA1", "range": "A:B"}},
        "returnFirstMatch": True,
    }
    config = sheets({"documentId": DOC, "sheetName": BY_NAME, "options": options})["config"]
    assert config["range"] == "Orders!A:B" and config["max_rows"] == 1
    options = {"dataLocationOnSheet": {"values": {"rangeDefinition": "specifyRange"}}}
    assert "reads the sheet with 'specifyRange'" in refusal(
        {"documentId": DOC, "sheetName": BY_NAME, "options": options}
    )


def test_update_matching_a_column_and_append_or_update():
    columns = {
        "mappingMode": "defineBelow",
        "value": {"Order ID": "={{ $json.id }}", "Status": "paid"},
        "matchingColumns": ["Order ID"],
    }
    node = sheets(
        {"operation": "update", "documentId": DOC, "sheetName": BY_LIST, "columns": columns}
    )
    assert node["config"] == {
        "spreadsheet_id": "1XyZ",
        "sheet_gid": "2000",
        "operation": "update_by_column",
        "match_column": "Order ID",
        "values": {"Order ID": "{{ trigger.id }}", "Status": "paid"},
    }
    assert "n8n emitted no item when no row matched" in node["notes"]
    assert "chosen by its id 2000 ('Orders' when exported)" in node["notes"]
    upsert = sheets(
        {"operation": "appendOrUpdate", "documentId": DOC, "sheetName": BY_NAME, "columns": columns}
    )
    assert upsert["config"]["operation"] == "append_or_update"
    assert upsert["config"]["range"] == "Orders"


def test_version_3_append_or_update_of_the_whole_item_by_sheet_id_from_the_run():
    params = {
        "operation": "appendOrUpdate",
        "dataMode": "autoMapInputData",
        "columnToMatchOn": "ID",
        "documentId": {"__rl": True, "mode": "id", "value": "={{ $json.spreadsheetId }}"},
        "sheetName": {"__rl": True, "mode": "id", "value": "={{ $json.worksheetId }}"},
        "options": {"cellFormat": "RAW"},
    }
    config = sheets(params, 3)["config"]
    assert config == {
        "spreadsheet_id": "{{ trigger.spreadsheetId }}",
        "sheet_gid": "{{ trigger.worksheetId }}",
        "operation": "append_or_update",
        "match_column": "ID",
        "values": "{{ trigger }}",
        "value_input_option": "RAW",
    }


def test_a_sheet_url_from_the_run_chooses_spreadsheet_and_sheet():
    url = {"__rl": True, "mode": "url", "value": "={{ $json.sheet_url }}"}
    config = sheets({"documentId": url, "sheetName": url})["config"]
    assert config["spreadsheet_id"] == "{{ trigger.sheet_url }}"
    assert config["sheet_gid"] == "{{ trigger.sheet_url }}"


def test_delete_rows():
    params = {
        "operation": "delete",
        "documentId": DOC,
        "sheetName": BY_NAME,
        "startIndex": "={{ $json.rowNumber }}",
    }
    config = sheets(params)["config"]
    assert config == {
        "spreadsheet_id": "1XyZ",
        "range": "Orders",
        "operation": "delete_rows",
        "start_row": "{{ trigger.rowNumber }}",
        "row_count": 1,
    }
    assert "deletes columns" in refusal({**params, "toDelete": "columns"})
    # An agent's tool: the model says how many ($fromAI).
    counted = sheets({**params, "numberToDelete": "={{ $json.count }}"})["config"]
    assert counted["row_count"] == '{{ trigger["count"] }}'


def spec(params: dict[str, Any], version: float = 4.5) -> Any:
    cx = Converter(single("googleSheets", params, version), SPECS, SUB_NODES)
    cx.run()
    return cx.spec_of("App")


def test_after_a_matching_update_json_is_the_mapped_columns_or_the_input():
    columns = {"value": {"A": "1"}, "matchingColumns": ["A"]}
    base = {"operation": "update", "documentId": DOC, "sheetName": BY_NAME}
    assert spec({**base, "columns": columns}).data == "values"
    assert spec({**base, "columns": {**columns, "mappingMode": "autoMapInputData"}}).data is None
    assert spec({**base, "operation": "appendOrUpdate", "columnToMatchOn": "A"}, 3).data is None


def read_then_mark() -> dict[str, Any]:
    """n8n: read the open orders of the Orders sheet (by its id), then mark each shipped."""
    data = single(
        "googleSheets",
        {
            "documentId": DOC,
            "sheetName": BY_LIST,
            "filtersUI": {"values": [{"lookupColumn": "Status", "lookupValue": "open"}]},
        },
        4.5,
        name="Open orders",
    )
    data["nodes"].append(
        {
            "parameters": {
                "operation": "update",
                "documentId": DOC,
                "sheetName": BY_LIST,
                "columns": {
                    "mappingMode": "defineBelow",
                    "value": {"Order ID": "={{ $json['Order ID'] }}", "Status": "shipped"},
                    "matchingColumns": ["Order ID"],
                },
            },
            "name": "Mark shipped",
            "type": f"{BASE}googleSheets",
            "typeVersion": 4.5,
            "position": [480, 0],
        }
    )
    data["connections"]["Open orders"] = {
        "main": [[{"node": "Mark shipped", "type": "main", "index": 0}]]
    }
    return data


@pytest.mark.django_db(transaction=True)
def test_an_imported_read_then_update_runs_once_per_matching_row(alice, settings):
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    graph = convert(read_then_mark())
    assert validate_graph(graph) == []
    private, key_file = new_key()
    with running(FakeGoogle(private.public_key())) as google:
        google.sheets["1XyZ"] = {
            "Summary": [["x"]],
            "Other": [],
            "Orders": [
                ["Order ID", "Status"],
                ["1001", "open"],
                ["1002", "paid"],
                ["1003", "open"],
            ],
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
    assert google.sheets["1XyZ"]["Orders"] == [
        ["Order ID", "Status"],
        ["1001", "shipped"],
        ["1002", "paid"],
        ["1003", "shipped"],
    ]


def test_create_a_sheet():
    params = {"operation": "create", "documentId": DOC, "title": "={{ $json.name }}"}
    assert sheets(params)["config"] == {
        "spreadsheet_id": "1XyZ",
        "operation": "create_sheet",
        "title": "{{ trigger.name }}",
    }
    assert "creates a sheet with tabColor" in refusal({**params, "options": {"tabColor": "x"}})


def test_a_sheet_chosen_by_an_id_that_is_no_number_is_refused_as_n8n_fails_on_it():
    # n8n looks the id up among the sheets' numeric ids and stops: "Sheet with ID Sheet1 not
    # found". A numeric id without its name is read by id (sheet_gid).
    said = refusal(
        {
            "documentId": {"__rl": True, "mode": "id", "value": "1AbC"},
            "sheetName": {"__rl": True, "mode": "id", "value": "=Sheet1"},
        }
    )
    assert "by the id 'Sheet1', which is not a sheet id" in said
    assert "Sheet with ID Sheet1 not found" in said
    by_number = sheets(
        {
            "documentId": {"__rl": True, "mode": "id", "value": "1AbC"},
            "sheetName": {"__rl": True, "mode": "id", "value": "12"},
        }
    )
    assert by_number["config"]["sheet_gid"] == "12"
