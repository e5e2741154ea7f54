"""The import of n8n's Google Analytics node (editor/n8n/apps_analytics.py): GA4 reports'
metrics, dimensions, date ranges and options as config, Universal Analytics and what WorkFuse
lacks refused naming node and construct, simplified rows as the node's items, and an imported
report run against the fake Analytics Data API."""

from __future__ import annotations

import copy
from collections.abc import Iterator
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
from tests.fakes.google_analytics import FakeAnalytics
from tests.fakes.google_sheets import new_key
from tests.test_n8n_apps import BASE, single

PROPERTY = {"__rl": True, "mode": "id", "value": "460520224"}
OTHER = [{"name": "activeUsers", "listName": "other"}, {"listName": "sessions"}]


def analytics(params: dict[str, Any], version: float = 2) -> dict[str, Any]:
    graph = convert(single("googleAnalytics", copy.deepcopy(params), version))
    assert validate_graph(graph) == []
    node = next(n for n in graph["nodes"] if n["label"] == "App")
    assert node["type"] == "app.google_analytics" and "credential" not in node["config"]
    assert "choose a Google service account key credential" in node["notes"]
    NODE_TYPES["app.google_analytics"].Config.model_validate(node["config"])
    return node


def refusal(params: dict[str, Any], version: float = 2) -> str:
    with pytest.raises(ImportRefused) as refused:
        convert(single("googleAnalytics", params, version))
    [issue] = refused.value.issues
    assert issue.message.startswith(f"n8n node 'App' ({BASE}googleAnalytics): ")
    return issue.message


def test_a_custom_range_whole_answer_every_row():
    node = analytics(
        {
            "simple": False,
            "returnAll": True,
            "dateRange": "custom",
            "startDate": "={{$today.minus({days: 14})}}",
            "endDate": "2024-10-23T00:00:00",
            "propertyId": PROPERTY,
            "metricsGA4": {"metricValues": OTHER},
            "dimensionsGA4": {"dimensionValues": [{"name": "country", "listName": "other"}]},
            "additionalFields": {"keepEmptyRows": True, "currencyCode": "EUR"},
        }
    )
    assert node["config"] == {
        "operation": "report",
        "property_id": "460520224",
        "metrics": ["activeUsers", "sessions"],
        "dimensions": ["country"],
        "start_date": "{{ n8n('$today.minus({days: 14})') }}",
        "end_date": "2024-10-23T00:00:00",
        "keep_empty_rows": True,
        "currency_code": "EUR",
        "simple": False,
        "limit": 10000,
    }
    assert "WorkFuse reads at most 10000" in node["notes"]


def test_n8ns_defaults_total_users_by_date_over_the_last_seven_days():
    node = analytics({"propertyId": PROPERTY, "metricsGA4": {"metricValues": [{}]}})
    config = node["config"]
    assert (config["metrics"], config["dimensions"]) == (["totalUsers"], ["date"])
    assert (config["start_date"], config["end_date"]) == ("7daysAgo", "today")
    assert config["simple"] is True and config["limit"] == 50
    assert "GA4 counts it in the property's" in node["notes"]
    yesterday = analytics({"propertyId": PROPERTY, "dateRange": "yesterday", "limit": 5})
    assert yesterday["config"]["start_date"] == yesterday["config"]["end_date"] == "yesterday"


def spec(params: dict[str, Any]) -> Any:
    cx = Converter(single("googleAnalytics", params, 2), SPECS, SUB_NODES)
    cx.run()
    return cx.spec_of("App")


def test_other_left_at_its_default_name_is_the_default_metric_or_dimension():
    """n8n's "Other metrics…" name field defaults to totalUsers (dimensions: date); an export
    leaves a value at its default out, so `{"listName": "other"}` alone names that default."""
    node = analytics(
        {
            "propertyId": PROPERTY,
            "metricsGA4": {
                "metricValues": [{"name": "sessions", "listName": "other"}, {"listName": "other"}]
            },
            "dimensionsGA4": {"dimensionValues": [{"listName": "other"}]},
        }
    )
    assert node["config"]["metrics"] == ["sessions", "totalUsers"]
    assert node["config"]["dimensions"] == ["date"]


def test_simplified_rows_are_the_items():
    assert spec({"propertyId": PROPERTY}).items == "rows"
    assert spec({"propertyId": PROPERTY, "simple": False}).items is None


@pytest.mark.parametrize(
    ("params", "version", "said"),
    [
        ({"viewId": "123"}, 1, "reads Universal Analytics, whose API Google shut down"),
        ({"propertyType": "universal", "viewId": "1"}, 2, "reads Universal Analytics"),
        ({"resource": "userActivity"}, 2, "reads 'userActivity'"),
        (
            {
                "propertyId": PROPERTY,
                "metricsGA4": {"metricValues": [{"listName": "other", "name": ""}]},
            },
            2,
            "has a metric set to 'other' with no name",
        ),
        ({"propertyId": PROPERTY, "dateRange": "lastCalendarWeek"}, 2, "'lastCalendarWeek'"),
        (
            {"propertyId": PROPERTY, "additionalFields": {"dimensionFiltersUI": {"x": [1]}}},
            2,
            "with the option(s) dimensionFiltersUI",
        ),
    ],
)
def test_refusals_name_the_node_and_the_construct(params, version, said):
    assert said in refusal(params, version)


@pytest.fixture
def google(settings: Any) -> Iterator[tuple[FakeAnalytics, str]]:
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    private, key_file = new_key()
    with running(FakeAnalytics(private.public_key())) as fake:
        fake.metric_names = {"activeUsers", "sessions"}
        fake.properties["460520224"] = [
            {"country": "France", "activeUsers": 12, "sessions": 20},
            {"country": "Spain", "activeUsers": 5, "sessions": 6},
        ]
        yield fake, key_file


@pytest.mark.django_db(transaction=True)
def test_an_imported_report_runs_against_the_api(alice, google):
    fake, key_file = google
    params = {
        "propertyId": PROPERTY,
        "dateRange": "last30days",
        "metricsGA4": {"metricValues": OTHER},
        "dimensionsGA4": {"dimensionValues": [{"name": "country", "listName": "other"}]},
    }
    graph = convert(single("googleAnalytics", params, 2))
    node = next(n for n in graph["nodes"] if n["label"] == "App")
    fields = {"service_account_key": key_file, "base_url": fake.url, "token_url": fake.token_url}
    node["config"]["credential"] = store.create(alice, "Google", "google_sheets", fields).pk
    execution = engine.start_execution(make_workflow(alice, graph), {})
    execution.refresh_from_db()
    assert execution.status == "succeeded", execution.error
    output = Step.objects.get(execution=execution, key=node["id"]).output
    assert output["rows"] == [
        {"country": "France", "activeUsers": "12", "sessions": "20"},
        {"country": "Spain", "activeUsers": "5", "sessions": "6"},
    ]
    request = [r for r in fake.requests if r.path != "/token"][-1]
    assert request.json["dateRanges"] == [{"startDate": "30daysAgo", "endDate": "today"}]
