"""app.securityscorecard against a fake SecurityScorecard API (tests/fakes/securityscorecard.py):
each report type's body as n8n sends it, the recent reports, a report downloaded as a file (and
a URL off the API refused, since the key goes with it), a company's scorecard, errors, the key's
test, and a run through the engine with a stored credential."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from typing import Any

import pytest
from pydantic import ValidationError

from credentials import store
from executions import engine
from integrations.securityscorecard import rest_api
from integrations.securityscorecard.node import Config
from tests.app_nodes import app_error, run_app
from tests.engine_helpers import chain, make_workflow
from tests.fakes import running
from tests.fakes.securityscorecard import KEY, PDF, FakeSecurityScorecard
from workfuse.lib.node_run import NodeError, Secret

SSC = "app.securityscorecard"


@pytest.fixture
def ssc(settings: Any) -> Iterator[FakeSecurityScorecard]:
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    with running(FakeSecurityScorecard()) as fake:
        yield fake


def key(fake: FakeSecurityScorecard, value: str = KEY) -> Secret:
    return Secret("securityscorecard", {"api_key": value}, {"base_url": fake.url}, name="Risk")


@pytest.mark.parametrize(
    ("config", "body"),
    [
        (
            {"report": "full-scorecard-json", "scorecard_identifier": "n8n.io"},
            {"params": {"scorecard_identifier": "n8n.io"}},
        ),
        (
            {"report": "events-json", "scorecard_identifier": "n8n.io", "date": "2024-05-01"},
            {"params": {"scorecard_identifier": "n8n.io", "date": "2024-05-01"}},
        ),
        (
            {"report": "summary", "scorecard_identifier": "n8n.io", "branding": "company"},
            {"scorecard_identifier": "n8n.io", "branding": "company"},
        ),
        ({"report": "portfolio", "portfolio_id": "p1"}, {"portfolio_id": "p1", "format": "pdf"}),
        (
            {"report": "issues", "scorecard_identifier": "n8n.io", "options": {"format": "csv"}},
            {"scorecard_identifier": "n8n.io", "format": "csv"},
        ),
        (
            {
                "report": "scorecard-footprint",
                "scorecard_identifier": "n8n.io",
                "options": {"ips": ["1.2.3.4"]},
            },
            {"scorecard_identifier": "n8n.io", "ips": ["1.2.3.4"]},
        ),
    ],
)
def test_each_report_type_sends_its_settings_as_n8n_does(ssc, config, body):
    answer = run_app(SSC, {"operation": "generate_report", **config}, key(ssc))
    assert answer["status"] == "pending"
    [request] = ssc.requests
    assert request.path == f"/reports/{config['report']}" and request.json == body
    assert request.headers["authorization"] == f"Token {KEY}"


def test_the_recent_reports_are_listed_and_one_downloaded_as_a_file(ssc):
    for domain in ("n8n.io", "example.com"):
        config = {"report": "detailed", "scorecard_identifier": domain}
        run_app(SSC, {"operation": "generate_report", **config}, key(ssc))
    listed = run_app(SSC, {"operation": "list_reports", "max_results": 1}, key(ssc))
    assert listed["count"] == 1
    [latest] = listed["reports"]
    assert latest["params"]["scorecard_identifier"] == "example.com"
    got = run_app(SSC, {"operation": "download_report", "url": latest["download_url"]}, key(ssc))
    assert got["file"]["filename"] == "r2.pdf"
    assert got["file"]["content_type"] == "application/pdf"
    assert base64.b64decode(got["file"]["content"]) == PDF


def test_a_report_url_off_the_api_is_refused_before_the_key_leaves(ssc):
    refused = app_error(
        SSC, {"operation": "download_report", "url": "https://elsewhere.example/r1.pdf"}, key(ssc)
    )
    assert refused.message.startswith("The report URL must be on the SecurityScorecard API")
    assert ssc.requests == []


def test_a_company_s_scorecard_is_read_and_errors_are_quoted(ssc):
    card = run_app(SSC, {"operation": "get_scorecard", "scorecard_identifier": "n8n.io"}, key(ssc))
    assert card["grade"] == "A"
    missing = app_error(
        SSC, {"operation": "get_scorecard", "scorecard_identifier": "nope.io"}, key(ssc)
    )
    assert missing.message == (
        "SecurityScorecard refused get_scorecard (HTTP 404): Company nope.io not found"
    )
    wrong = app_error(SSC, {"operation": "list_reports"}, key(ssc, "old"))
    assert not wrong.retryable
    assert wrong.message.startswith("SecurityScorecard did not accept the credential “Risk”")


def test_a_report_without_its_company_is_refused_before_any_call(ssc):
    refused = app_error(SSC, {"operation": "generate_report", "report": "detailed"}, key(ssc))
    assert "needs scorecard_identifier" in refused.message and ssc.requests == []
    with pytest.raises(ValidationError) as caught:
        Config.model_validate({"operation": "download_report"})
    assert caught.value.errors()[0]["loc"] == ("url",)


def test_the_key_test_reads_the_portfolios(ssc):
    assert rest_api.check_key(key(ssc)) == "Connected to SecurityScorecard (1 portfolios)."
    with pytest.raises(NodeError, match="did not accept the credential “Risk”"):
        rest_api.check_key(key(ssc, "old"))


@pytest.mark.django_db(transaction=True)
def test_a_run_generates_the_trigger_s_company_report(alice, ssc):
    credential = store.create(
        alice, "Risk", "securityscorecard", {"api_key": KEY, "base_url": ssc.url}
    )
    nodes = (
        {
            "id": "report",
            "type": SSC,
            "config": {
                "credential": credential.pk,
                "operation": "generate_report",
                "report": "full-scorecard-json",
                "scorecard_identifier": "{{ trigger.domain }}",
            },
        },
    )
    execution = engine.start_execution(make_workflow(alice, chain(*nodes)), {"domain": "n8n.io"})
    execution.refresh_from_db()
    assert execution.status == "succeeded", execution.error
    assert execution.steps.get(key="report").output["id"] == "r1"
    assert KEY not in json.dumps([s.input for s in execution.steps.all()])
