"""n8n's XML node in JSON to XML mode imported (editor/n8n/markup.py): utility.parse building
in the xml2js layout with the node's options, its `data` field read as the step's `result`,
and an imported workflow run through the engine."""

from __future__ import annotations

from typing import Any

import pytest

from editor.graph import ImportRefused
from editor.n8n import convert
from editor.validation import validate_graph
from executions import engine
from tests.engine_helpers import make_workflow
from tests.test_n8n_items import BASE, export, manual


def to_xml(params: dict[str, Any]) -> dict[str, Any]:
    return {"name": "XML", "type": f"{BASE}xml", "typeVersion": 1, "parameters": params}


def set_node(value: str) -> dict[str, Any]:
    assignment = {"id": "1", "name": "xml", "type": "string", "value": value}
    return {
        "name": "Keep",
        "type": f"{BASE}set",
        "typeVersion": 3.4,
        "parameters": {"assignments": {"assignments": [assignment]}},
    }


def converted(params: dict[str, Any]) -> dict[str, Any]:
    graph = convert(export([manual(), to_xml(params)], [("Start", 0, "XML", 0)]))
    assert validate_graph(graph) == []
    return next(n for n in graph["nodes"] if n["label"] == "XML")


def test_json_to_xml_builds_the_item_in_the_xml2js_layout_with_n8ns_options():
    node = converted(
        {
            "mode": "jsonToxml",
            "options": {
                "headless": True,
                "rootName": "order",
                "attrkey": "@",
                "charkey": "#",
                "cdata": True,
                "allowSurrogateChars": True,
            },
        }
    )
    assert node["type"] == "utility.parse"
    assert node["config"] == {
        "format": "xml",
        "direction": "build",
        "value": "{{ trigger }}",
        "layout": "xml2js",
        "xml2js": {
            "headless": True,
            "root_name": "order",
            "attrkey": "@",
            "charkey": "#",
            "cdata": True,
        },
    }
    assert "expressions reading 'data' read 'result'" in node["notes"]


def test_an_option_from_an_expression_is_refused_by_name():
    with pytest.raises(ImportRefused) as refused:
        converted({"mode": "jsonToxml", "options": {"rootName": "={{ $json.kind }}"}})
    message = refused.value.issues[0].message
    assert message.startswith(f"n8n node 'XML' ({BASE}xml): sets its XML option 'rootName'")


@pytest.mark.django_db(transaction=True)
def test_an_imported_json_to_xml_writes_what_n8n_writes_and_data_reads_it(alice):
    data = export(
        [manual(), to_xml({"mode": "jsonToxml", "options": {}}), set_node("={{ $json.data }}")],
        [("Start", 0, "XML", 0), ("XML", 0, "Keep", 0)],
    )
    graph = convert(data)
    assert validate_graph(graph) == []
    payload = {"order": {"$": {"id": 7}, "line": ["Tea", {"_": "Cake", "$": {"qty": 2}}]}}

    execution = engine.start_execution(make_workflow(alice, graph), payload)

    execution.refresh_from_db()
    assert execution.status == "succeeded", execution.error
    kept = execution.steps.get(key="keep").output["result"]
    assert kept["xml"] == (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<order id="7">\n  <line>Tea</line>\n  <line qty="2">Cake</line>\n</order>'
    )
