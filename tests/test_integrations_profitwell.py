"""app.profitwell against a fake ProfitWell API v2 (tests/fakes/profitwell.py): monthly and
daily metrics simplified as n8n simplifies them or whole, a plan and metrics chosen, the
company's settings, ProfitWell's refusals, the token's test, and a run through the engine."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from pydantic import ValidationError

from credentials import store
from executions import engine
from integrations.profitwell import rest_api
from integrations.profitwell.node import Config
from tests.app_nodes import app_error, run_app
from tests.engine_helpers import chain, make_workflow
from tests.fakes import running
from tests.fakes.profitwell import DAILY, MONTHLY, TOKEN, FakeProfitWell
from workfuse.lib.node_run import NodeError, Secret

PW = "app.profitwell"


@pytest.fixture
def profitwell(settings: Any) -> Iterator[FakeProfitWell]:
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    with running(FakeProfitWell()) as fake:
        yield fake


def token(fake: FakeProfitWell, value: str = TOKEN) -> Secret:
    return Secret("profitwell", {"api_token": value}, {"base_url": fake.url}, name="Metrics")


def test_monthly_metrics_simplified_are_the_latest_values_and_their_date(profitwell):
    output = run_app(PW, {}, token(profitwell))
    [request] = profitwell.requests
    assert request.path == "/v2/metrics/monthly" and request.query == {}
    assert request.headers["authorization"] == TOKEN
    assert output == {
        "recurring_revenue": 1250.5,
        "active_customers": 47,
        "growth_rate": 0.25,
        "date": "2024-05",
    }


def test_monthly_metrics_whole_for_a_plan_and_chosen_metrics(profitwell):
    config = {"simple": False, "plan_id": "pro", "metrics": "recurring_revenue"}
    output = run_app(PW, config, token(profitwell))
    assert profitwell.requests[0].query == {"plan_id": ["pro"], "metrics": ["recurring_revenue"]}
    assert output == {
        "recurring_revenue": [
            {"date": p["date"], "value": p["value"] / 2} for p in MONTHLY["recurring_revenue"]
        ]
    }


def test_daily_metrics_simplified_are_one_object_per_day(profitwell):
    config = {"operation": "get_daily_metrics", "month": "2024-05"}
    output = run_app(PW, config, token(profitwell))
    assert profitwell.requests[0].query == {"month": ["2024-05"]}
    assert output == {
        "days": [
            {"date": "2024-05-01", "recurring_revenue": 1200.0, "active_customers": 45},
            {"date": "2024-05-02", "recurring_revenue": 1210.0, "active_customers": 46},
        ],
        "count": 2,
    }
    whole = run_app(PW, config | {"simple": False}, token(profitwell))
    assert whole == DAILY


def test_the_company_settings_are_read(profitwell):
    output = run_app(PW, {"operation": "get_company_settings"}, token(profitwell))
    assert output == {"currency": "usd", "exclude_trialing": False}


def test_a_daily_month_is_needed_and_checked(profitwell):
    with pytest.raises(ValidationError) as caught:
        Config.model_validate({"operation": "get_daily_metrics"})
    assert caught.value.errors()[0]["loc"] == ("month",)
    bad = app_error(PW, {"operation": "get_daily_metrics", "month": "May"}, token(profitwell))
    assert bad.message == "The month must look like 2024-05, not “May”."
    old = {"operation": "get_daily_metrics", "month": "2023-01"}
    refused = app_error(PW, old, token(profitwell))
    assert refused.message == (
        "ProfitWell refused get_daily_metrics (HTTP 400): month must be the current or the "
        "previous one"
    )


def test_a_wrong_token_names_the_credential_and_the_test_reads_the_settings(profitwell):
    wrong = app_error(PW, {}, token(profitwell, "old"))
    assert wrong.message.startswith("ProfitWell did not accept the credential “Metrics”")
    assert rest_api.check_token(token(profitwell)) == "Connected to ProfitWell (amounts in usd)."
    with pytest.raises(NodeError, match="did not accept the credential “Metrics”"):
        rest_api.check_token(token(profitwell, "old"))


@pytest.mark.django_db(transaction=True)
def test_a_run_reads_the_month_s_revenue(alice, profitwell):
    credential = store.create(
        alice, "Metrics", "profitwell", {"api_token": TOKEN, "base_url": profitwell.url}
    )
    nodes = ({"id": "metrics", "type": PW, "config": {"credential": credential.pk}},)
    execution = engine.start_execution(make_workflow(alice, chain(*nodes)), {})
    execution.refresh_from_db()
    assert execution.status == "succeeded", execution.error
    output = execution.steps.get(key="metrics").output
    assert output is not None and output["recurring_revenue"] == 1250.5
    assert TOKEN not in json.dumps([s.input for s in execution.steps.all()])
