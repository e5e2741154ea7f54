"""app.google_analytics against a fake Analytics Data API (tests/fakes/google_analytics.py): the
token with Analytics' read-only scope from the Sheets credential, the runReport request (dates,
metrics, dimensions, options), simplified and whole answers, paging by offset, the API's errors,
and a run through the engine with a stored credential."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from credentials import store
from executions import engine
from executions.models import Step
from tests.app_nodes import app_error, run_app
from tests.engine_helpers import chain, make_workflow
from tests.fakes import running
from tests.fakes.google_analytics import FakeAnalytics
from tests.fakes.google_sheets import new_key
from workfuse.lib.node_run import Secret

GA = "app.google_analytics"
PROPERTY = "460520224"


@pytest.fixture(scope="module")
def keys() -> tuple[Any, str]:
    return new_key()


@pytest.fixture
def google(keys: tuple[Any, str], settings: Any) -> Iterator[FakeAnalytics]:
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    with running(FakeAnalytics(keys[0].public_key())) as fake:
        fake.metric_names = {"activeUsers", "sessions", "totalUsers"}
        fake.properties[PROPERTY] = [
            {
                "country": "France",
                "date": "20260301",
                "activeUsers": 12,
                "sessions": 20,
                "totalUsers": 13,
            },
            {
                "country": "Spain",
                "date": "20260301",
                "activeUsers": 5,
                "sessions": 6,
                "totalUsers": 5,
            },
            {
                "country": "Chad",
                "date": "20260301",
                "activeUsers": 0,
                "sessions": 0,
                "totalUsers": 0,
            },
        ]
        yield fake


@pytest.fixture
def key(google: FakeAnalytics, keys: tuple[Any, str]) -> Secret:
    settings = {"base_url": google.url, "token_url": google.token_url}
    return Secret("google_sheets", {"service_account_key": keys[1]}, settings, name="Acme Google")


def reports(fake: FakeAnalytics) -> list[Any]:
    return [r for r in fake.requests if r.path != "/token"]


def test_a_simplified_report_of_metrics_by_dimension(google, key):
    config = {
        "property_id": PROPERTY,
        "metrics": ["activeUsers", "sessions"],
        "dimensions": ["country"],
        "start_date": "2026-03-01T00:00:00.000+01:00",
        "end_date": "yesterday",
    }
    output = run_app(GA, config, key)
    assert output == {
        "rows": [
            {"country": "France", "activeUsers": "12", "sessions": "20"},
            {"country": "Spain", "activeUsers": "5", "sessions": "6"},
        ],
        "count": 2,
        "truncated": False,
    }
    [claims] = google.assertions
    assert claims["scope"] == "https://www.googleapis.com/auth/analytics.readonly"
    [request] = reports(google)
    assert request.path == f"/v1beta/properties/{PROPERTY}:runReport"
    assert request.json == {
        "dateRanges": [{"startDate": "2026-03-01", "endDate": "yesterday"}],
        "metrics": [{"name": "activeUsers"}, {"name": "sessions"}],
        "dimensions": [{"name": "country"}],
        "offset": 0,
        "limit": 50,
    }


def test_the_defaults_are_n8ns_total_users_by_date_over_seven_days(google, key):
    output = run_app(GA, {"property_id": f"properties/{PROPERTY}", "keep_empty_rows": True}, key)
    assert [r["totalUsers"] for r in output["rows"]] == ["13", "5", "0"]
    [request] = reports(google)
    assert request.json["dateRanges"] == [{"startDate": "7daysAgo", "endDate": "today"}]
    assert request.json["dimensions"] == [{"name": "date"}] and request.json["keepEmptyRows"]


def test_the_whole_answer_reads_every_page_up_to_the_limit(google, key):
    google.properties[PROPERTY] = [
        {"date": f"2026{n:04d}", "activeUsers": n + 1} for n in range(120)
    ]
    config = {"property_id": PROPERTY, "metrics": ["activeUsers"], "simple": False, "limit": 100}
    google.page_size = 60
    output = run_app(GA, config, key)
    assert output["rowCount"] == 120 and len(output["rows"]) == 100
    assert [(r.json["offset"], r.json["limit"]) for r in reports(google)] == [(0, 100), (60, 40)]
    assert output["dimensionHeaders"] == [{"name": "date"}]
    assert output["rows"][0] == {
        "dimensionValues": [{"value": "20260000"}],
        "metricValues": [{"value": "1"}],
    }
    simple = run_app(GA, {**config, "simple": True}, key)
    assert simple["count"] == 100 and simple["truncated"] is True


def test_errors_name_the_problem(google, key):
    error = app_error(GA, {"property_id": PROPERTY, "metrics": ["bogus"]}, key)
    assert "INVALID_ARGUMENT: Field bogus is not a valid metric." in str(error)
    error = app_error(GA, {"property_id": "999"}, key)
    assert "PERMISSION_DENIED" in str(error)
    error = app_error(GA, {"property_id": "UA-12345-1"}, key)
    assert "Universal Analytics" in str(error)
    error = app_error(GA, {"property_id": PROPERTY, "start_date": "last week"}, key)
    assert "start_date 'last week' is not a date" in str(error)
    assert len(reports(google)) == 2  # the UA id and the bad date were refused before asking


@pytest.mark.django_db(transaction=True)
def test_a_workflow_reads_a_report_with_a_stored_credential(alice, google, keys):
    credential = store.create(
        alice,
        "Acme Google",
        "google_sheets",
        {"service_account_key": keys[1], "base_url": google.url, "token_url": google.token_url},
    )
    graph = chain(
        {
            "id": "report",
            "type": GA,
            "config": {
                "credential": credential.pk,
                "property_id": "{{ trigger.property }}",
                "metrics": ["sessions"],
                "dimensions": ["country"],
            },
        }
    )
    execution = engine.start_execution(make_workflow(alice, graph), {"property": PROPERTY})
    execution.refresh_from_db()
    assert execution.status == "succeeded", execution.error
    output = Step.objects.get(execution=execution, key="report").output
    assert output["rows"][0] == {"country": "France", "sessions": "20"}
