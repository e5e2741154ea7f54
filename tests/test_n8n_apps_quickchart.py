"""Importing n8n's QuickChart node (editor/n8n/apps_quickchart.py) onto `app.quickchart`: labels
by hand or from an array, data, the dataset's and the image's options, the refusals, and the
corpus's chart of a company's effect sizes (`.keys()` and `.values()` of an object) run in the
engine against the fake QuickChart, its image where n8n's binary property is read."""

from __future__ import annotations

import json
from typing import Any

import pytest

from editor.n8n import convert
from editor.validation import validate_graph
from executions import engine
from integrations.quickchart import node as quickchart_node
from tests.engine_helpers import make_workflow
from tests.fakes import running
from tests.fakes.quickchart import FakeQuickChart
from tests.test_n8n_apps import converted, refusal

CORPUS = {
    "data": "={{ $json.population_analysis.effect_sizes.values() }}",
    "output": "bar_chart",
    "labelsMode": "array",
    "labelsArray": "={{ $json.population_analysis.effect_sizes.keys() }}",
    "chartOptions": {"format": "png"},
    "datasetOptions": {
        "label": "={{ $('SET company_name').item.json.company_name }} Effect Size on Employee "
        "Experience"
    },
}


@pytest.mark.parametrize(
    ("params", "config"),
    [
        (
            {
                "labelsUi": {"labelsValues": [{"label": "Berlin"}, {"label": "Paris"}]},
                "data": "[60, 10]",
            },
            {
                "operation": "chart",
                "chart_type": "bar",
                "labels": ["Berlin", "Paris"],
                "data": "[60, 10]",
            },
        ),
        (
            {
                "chartType": "line",
                "labelsMode": "array",
                "labelsArray": '["a", "b"]',
                "data": "[1, 2]",
                "datasetOptions": {"label": "Visits", "fill": False},
                "chartOptions": {"width": 800, "horizontal": True},
            },
            {
                "operation": "chart",
                "chart_type": "line",
                "labels": '["a", "b"]',
                "data": "[1, 2]",
                "label": "Visits",
                "dataset_options": {"fill": False},
                "chart_options": {"width": 800},
            },
        ),
    ],
)
def test_each_setting_becomes_its_quickchart_config(params, config):
    node = converted("quickChart", params)
    assert node["type"] == "app.quickchart"
    assert node["config"] == config


@pytest.mark.parametrize(
    ("params", "said"),
    [
        ({"labelsUi": {}}, "has no Data"),
        ({"data": "[1]", "labelsMode": "array"}, "names no Labels Array"),
        ({"data": "[1]", "chartType": "radar"}, "draws a 'radar' chart"),
    ],
)
def test_what_the_quickchart_node_lacks_is_refused_naming_node_and_construct(params, said):
    message = refusal("quickChart", params)
    assert "'App' (n8n-nodes-base.quickChart)" in message
    assert said in message


def n8n_node(name: str, kind: str, params: dict[str, Any], version: float = 1) -> dict[str, Any]:
    return {
        "name": name,
        "type": f"n8n-nodes-base.{kind}",
        "typeVersion": version,
        "position": [0, 0],
        "parameters": params,
    }


def link(target: str) -> dict[str, Any]:
    return {"main": [[{"node": target, "type": "main", "index": 0}]]}


SIZES = {"population_analysis": {"effect_sizes": {"pay": -0.4, "growth": 0.1, "culture": 0.3}}}
WORKFLOW = {
    "nodes": [
        n8n_node("Start", "manualTrigger", {}),
        n8n_node(
            "SET company_name",
            "set",
            {"values": {"string": [{"name": "company_name", "value": "Acme"}]}},
        ),
        n8n_node(
            "Sort Effect Sizes", "code", {"jsCode": f"return [{{json: {json.dumps(SIZES)}}}];"}, 2
        ),
        n8n_node("QuickChart Bar Chart", "quickChart", CORPUS),
    ],
    "connections": {
        "Start": link("SET company_name"),
        "SET company_name": link("Sort Effect Sizes"),
        "Sort Effect Sizes": link("QuickChart Bar Chart"),
    },
}


def test_the_chart_is_the_file_in_n8n_s_binary_property():
    upload = n8n_node(
        "Upload",
        "httpRequest",
        {
            "method": "POST",
            "url": "https://example.com/upload",
            "sendBody": True,
            "contentType": "binaryData",
            "inputDataFieldName": "bar_chart",
        },
        4.2,
    )
    workflow = {
        "nodes": [*WORKFLOW["nodes"], upload],
        "connections": WORKFLOW["connections"] | {"QuickChart Bar Chart": link("Upload")},
    }
    sent = next(n for n in convert(workflow)["nodes"] if n["label"] == "Upload")
    assert "nodes.quickchart_bar_chart.file" in json.dumps(sent["config"])


@pytest.mark.django_db(transaction=True)
def test_the_corpus_s_effect_size_chart_is_drawn(alice, settings, monkeypatch):
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    graph = convert(WORKFLOW)
    assert validate_graph(graph) == []
    with running(FakeQuickChart()) as fake:
        monkeypatch.setattr(quickchart_node, "PUBLIC_URL", fake.url)
        execution = engine.start_execution(make_workflow(alice, graph), {})
        execution.refresh_from_db()
        assert execution.status == "succeeded", execution.error
    [chart] = fake.charts
    assert chart["data"]["labels"] == ["pay", "growth", "culture"]
    [dataset] = chart["data"]["datasets"]
    assert dataset["data"] == [-0.4, 0.1, 0.3]
    assert dataset["label"] == "Acme Effect Size on Employee Experience"
    [drawn] = execution.steps.filter(key__startswith="quickchart_bar_chart")
    assert drawn.output["file"]["size"] > 0
