"""app.quickchart against a fake QuickChart (tests/fakes/quickchart.py): the Chart.js
configuration n8n's node sends, the image as a file in each format, the optional credential's
API key and server, errors, the server's test, and a run through the engine drawing the
previous step's values without any credential."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from typing import Any

import pytest
from pydantic import ValidationError

from executions import engine
from integrations.quickchart import node
from integrations.quickchart.node import Config
from tests.app_nodes import app_error, run_app
from tests.engine_helpers import chain, make_workflow
from tests.fakes import running
from tests.fakes.quickchart import PNG, FakeQuickChart
from workfuse.lib.node_run import NodeError, Secret

QC = "app.quickchart"
BAR = {"labels": ["Berlin", "Paris"], "data": [60, 10], "label": "Sales"}


@pytest.fixture
def quickchart(settings: Any) -> Iterator[FakeQuickChart]:
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    with running(FakeQuickChart()) as fake:
        yield fake


def server(fake: FakeQuickChart, key: str | None = None) -> Secret:
    value = {"api_key": key} if key else {}
    return Secret("quickchart", value, {"base_url": fake.url}, name="Charts")


def test_a_bar_chart_is_drawn_as_n8n_configures_it(quickchart):
    output = run_app(QC, BAR | {"horizontal": True}, server(quickchart))
    chart = {
        "type": "horizontalBar",
        "data": {
            "labels": ["Berlin", "Paris"],
            "datasets": [{"label": "Sales", "data": [60, 10], "type": "horizontalBar"}],
        },
    }
    assert output["chart"] == chart and quickchart.charts == [chart]
    assert output["file"]["filename"] == "chart.png"
    assert output["file"]["content_type"] == "image/png"
    assert base64.b64decode(output["file"]["content"]) == PNG


def test_the_dataset_s_look_and_the_image_options_are_sent(quickchart):
    config = {
        "chart_type": "line",
        "labels": '["a", "b"]',
        "data": "[1, 2]",
        "dataset_options": {"fill": False, "pointStyle": "star", "borderColor": "#000"},
        "chart_options": {"format": "svg", "width": 800, "height": 400},
    }
    output = run_app(QC, config, server(quickchart))
    [dataset] = output["chart"]["data"]["datasets"]
    assert dataset == {
        "label": "Chart",
        "data": [1, 2],
        "type": "line",
        "fill": False,
        "pointStyle": "star",
        "borderColor": "#000",
    }
    query = quickchart.requests[0].query
    assert (query["format"], query["width"], query["height"]) == (["svg"], ["800"], ["400"])
    assert output["file"]["filename"] == "chart.svg"


def test_an_api_key_goes_as_the_key_parameter(settings):
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    with running(FakeQuickChart(key="qc-key-1")) as fake:
        run_app(QC, BAR, server(fake, "qc-key-1"))
        refused = app_error(QC, BAR, server(fake, "old"))
    assert fake.requests[0].query["key"] == ["qc-key-1"]
    assert refused.message.startswith("QuickChart did not accept the credential “Charts”")


@pytest.mark.parametrize(
    ("config", "field"),
    [
        ({"data": "not json"}, "data"),
        ({"data": [1], "chart_options": {"chart": "{}"}}, "chart_options"),
        ({"data": [1], "dataset_options": {"type": "pie"}}, "dataset_options"),
    ],
)
def test_settings_are_checked(config, field):
    with pytest.raises(ValidationError) as caught:
        Config.model_validate(config)
    assert caught.value.errors()[0]["loc"] == (field,)


def test_data_that_renders_to_no_list_is_refused(quickchart):
    refused = app_error(QC, {"data": "{{ 'x' }}"}, None)
    assert refused.message == "data must render to a JSON list of values."


def test_the_server_test_reads_its_health(quickchart):
    assert node.check_server(server(quickchart)) == f"Connected to QuickChart at {quickchart.url}."
    with running(FakeQuickChart(key="k")) as locked, pytest.raises(NodeError, match="Charts"):
        node.check_server(server(locked))


@pytest.mark.django_db(transaction=True)
def test_a_run_draws_the_previous_step_s_values(alice, quickchart, monkeypatch):
    # Without a credential the node draws on the public service: here, the fake.
    monkeypatch.setattr(node, "PUBLIC_URL", quickchart.url)
    nodes = (
        {
            "id": "chart",
            "type": QC,
            "config": {"labels": "{{ trigger.cities }}", "data": "{{ trigger.sales }}"},
        },
    )
    payload = {"cities": ["Berlin", "Rome"], "sales": [3, 4]}
    execution = engine.start_execution(make_workflow(alice, chain(*nodes)), payload)
    execution.refresh_from_db()
    assert execution.status == "succeeded", execution.error
    output = execution.steps.get(key="chart").output
    assert output["chart"]["data"]["labels"] == ["Berlin", "Rome"]
    assert output["file"]["content_type"] == "image/png"
