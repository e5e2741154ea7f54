"""Importing n8n's Microsoft Excel node v1 (editor/n8n/apps_microsoft_excel.py) onto
`app.microsoft_excel`: worksheet getContent and getAll, the refusals, and the corpus's sheet →
Item Lists Remove Duplicates start run in the engine against the fake Microsoft."""

from __future__ import annotations

from typing import Any

import pytest

from credentials import store
from editor.n8n import convert
from editor.validation import validate_graph
from executions import engine
from tests.engine_helpers import make_workflow
from tests.fakes import running
from tests.fakes.microsoft_excel import SHEET, WORKBOOK, FakeExcel
from tests.test_integrations_microsoft_excel import value
from tests.test_n8n_apps import converted, refusal

CONTENT = {
    "range": "A1:E11",
    "resource": "worksheet",
    "workbook": WORKBOOK,
    "operation": "getContent",
    "worksheet": SHEET,
}


@pytest.mark.parametrize(
    ("params", "config"),
    [
        (
            CONTENT,
            {
                "workbook_id": WORKBOOK,
                "operation": "get_range",
                "worksheet": SHEET,
                "range": "A1:E11",
                "key_row": 0,
                "data_start_row": 1,
            },
        ),
        (
            CONTENT | {"rawData": True},
            {
                "workbook_id": WORKBOOK,
                "operation": "get_range",
                "worksheet": SHEET,
                "range": "A1:E11",
                "raw": True,
            },
        ),
        (
            {"resource": "worksheet", "workbook": WORKBOOK, "returnAll": True},
            {"operation": "list_worksheets", "workbook_id": WORKBOOK},
        ),
    ],
)
def test_each_operation_becomes_its_excel_config(params, config):
    node = converted("microsoftExcel", params)
    assert node["type"] == "app.microsoft_excel"
    assert node["config"] == config


@pytest.mark.parametrize(
    ("params", "version", "said"),
    [
        ({"resource": "table", "operation": "addRow"}, 1, "does 'table / addRow'"),
        (
            {"resource": "worksheet", "operation": "getContent", "workbook": "w"},
            1,
            "names no Worksheet",
        ),
        (CONTENT, 2, "is version 2"),
    ],
)
def test_what_the_excel_node_lacks_is_refused_naming_node_and_construct(params, version, said):
    message = refusal("microsoftExcel", params, version)
    assert "'App' (n8n-nodes-base.microsoftExcel)" in message
    assert said in message


def node(name: str, kind: str, params: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": name,
        "type": f"n8n-nodes-base.{kind}",
        "typeVersion": 1,
        "position": [0, 0],
        "parameters": params,
    }


def link(target: str) -> dict[str, Any]:
    return {"main": [[{"node": target, "type": "main", "index": 0}]]}


# The start of the corpus's workflow (…0258_Microsoftexcel_Manual_Create_Triggered.json).
WORKFLOW = {
    "nodes": [
        node("On clicking 'execute'", "manualTrigger", {}),
        node("Microsoft Excel", "microsoftExcel", CONTENT),
        node(
            "Remove duplicate companies",
            "itemLists",
            {
                "compare": "selectedFields",
                "options": {},
                "operation": "removeDuplicates",
                "fieldsToCompare": {"fields": [{"fieldName": "Company Name"}]},
            },
        ),
    ],
    "connections": {
        "On clicking 'execute'": link("Microsoft Excel"),
        "Microsoft Excel": link("Remove duplicate companies"),
    },
}


@pytest.mark.django_db(transaction=True)
def test_the_corpus_s_sheet_is_read_and_its_companies_deduplicated(alice, settings):
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    graph = convert(WORKFLOW)
    assert validate_graph(graph) == []
    with running(FakeExcel()) as excel:
        excel.cells = [
            ["Company Name", "First Name"],
            ["Acme", "Ada"],
            ["Beta", "Bo"],
            ["Acme", "Al"],
        ]
        credential = store.create(alice, "Sheets", "microsoft_excel", value(excel))
        for converted_node in graph["nodes"]:
            if converted_node["type"] == "app.microsoft_excel":
                converted_node["config"]["credential"] = credential.pk
        execution = engine.start_execution(make_workflow(alice, graph), {})
        execution.refresh_from_db()
        assert execution.status == "succeeded", execution.error
    kept = execution.steps.get(key="remove_duplicate_companies").output["items"]
    # A1:E11 past the filled cells: Graph answers empty strings, so n8n's rows too (one kept).
    assert [(r["Company Name"], r["First Name"]) for r in kept] == [
        ("Acme", "Ada"),
        ("Beta", "Bo"),
        ("", ""),
    ]
