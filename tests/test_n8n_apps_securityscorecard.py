"""Importing n8n's SecurityScorecard node (editor/n8n/apps_securityscorecard.py) onto
`app.securityscorecard`: report generate, getAll and download and company getScorecard, the
refusals, and the corpus's generate → latest report → download workflow run in the engine
against the fake SecurityScorecard (its literal Report URL fails, as in n8n)."""

from __future__ import annotations

import base64
from typing import Any

import pytest

from credentials import store
from editor.n8n import convert
from editor.validation import validate_graph
from executions import engine
from tests.engine_helpers import make_workflow
from tests.fakes import running
from tests.fakes.securityscorecard import KEY, PDF, FakeSecurityScorecard
from tests.test_n8n_apps import converted, refusal

GENERATE = {
    "report": "full-scorecard-json",
    "resource": "report",
    "operation": "generate",
    "scorecardIdentifier": "n8n.io",
}


@pytest.mark.parametrize(
    ("params", "config"),
    [
        (
            GENERATE,
            {
                "operation": "generate_report",
                "report": "full-scorecard-json",
                "scorecard_identifier": "n8n.io",
            },
        ),
        (
            GENERATE | {"report": "issues", "options": {"format": "csv"}},
            {
                "operation": "generate_report",
                "report": "issues",
                "scorecard_identifier": "n8n.io",
                "options": {"format": "csv"},
            },
        ),
        (
            {
                "resource": "report",
                "operation": "generate",
                "report": "portfolio",
                "portfolioId": "p1",
            },
            {"operation": "generate_report", "report": "portfolio", "portfolio_id": "p1"},
        ),
        ({"limit": 1, "resource": "report"}, {"operation": "list_reports", "max_results": 1}),
        (
            {"resource": "report", "operation": "download", "url": '={{$json["download_url"]}}'},
            {"operation": "download_report", "url": "{{ trigger.download_url }}"},
        ),
        (
            {"resource": "company", "operation": "getScorecard", "scorecardIdentifier": "n8n.io"},
            {"operation": "get_scorecard", "scorecard_identifier": "n8n.io"},
        ),
    ],
)
def test_each_operation_becomes_its_securityscorecard_config(params, config):
    node = converted("securityScorecard", params)
    assert node["type"] == "app.securityscorecard"
    assert node["config"] == config
    assert "choose a SecurityScorecard credential (an API key)" in node["notes"]


@pytest.mark.parametrize(
    ("params", "said"),
    [
        ({"resource": "portfolio", "operation": "getAll"}, "does 'portfolio / getAll'"),
        ({"resource": "company", "operation": "getFactor"}, "does 'company / getFactor'"),
        ({"resource": "report", "operation": "generate"}, "names no Scorecard Identifier"),
        ({"resource": "report", "operation": "download"}, "names no Report URL"),
    ],
)
def test_what_the_securityscorecard_node_lacks_is_refused_naming_node_and_construct(params, said):
    message = refusal("securityScorecard", params)
    assert "'App' (n8n-nodes-base.securityScorecard)" in message
    assert said in message


def node(name: str, params: dict[str, Any], kind: str = "securityScorecard") -> dict[str, Any]:
    return {
        "name": name,
        "type": f"n8n-nodes-base.{kind}",
        "typeVersion": 1,
        "position": [0, 0],
        "parameters": params,
    }


def link(target: str) -> dict[str, Any]:
    return {"main": [[{"node": target, "type": "main", "index": 0}]]}


def corpus(url: str) -> dict[str, Any]:
    """The corpus's workflow (…1196_Manual_Securityscorecard_Automate_Triggered.json), its
    download's Report URL given."""
    return {
        "nodes": [
            node("On clicking 'execute'", {}, "manualTrigger"),
            node("SecurityScorecard", GENERATE),
            node("SecurityScorecard1", {"limit": 1, "resource": "report"}),
            node("SecurityScorecard2", {"url": url, "resource": "report", "operation": "download"}),
        ],
        "connections": {
            "On clicking 'execute'": link("SecurityScorecard"),
            "SecurityScorecard": link("SecurityScorecard1"),
            "SecurityScorecard1": link("SecurityScorecard2"),
        },
    }


def run(alice: Any, fake: FakeSecurityScorecard, url: str) -> Any:
    graph = convert(corpus(url))
    assert validate_graph(graph) == []
    credential = store.create(
        alice, f"ssc {len(url)}", "securityscorecard", {"api_key": KEY, "base_url": fake.url}
    )
    for converted_node in graph["nodes"]:
        if converted_node["type"] == "app.securityscorecard":
            converted_node["config"]["credential"] = credential.pk
    execution = engine.start_execution(make_workflow(alice, graph), {})
    execution.refresh_from_db()
    return execution


@pytest.mark.django_db(transaction=True)
def test_the_corpus_s_report_workflow_downloads_the_latest_report(alice, settings):
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    with running(FakeSecurityScorecard()) as ssc:
        execution = run(alice, ssc, '={{$json["download_url"]}}')
        assert execution.status == "succeeded", execution.error
        corpus_s = run(alice, ssc, "{{ $env.BASE_URL }}")
    downloaded = execution.steps.get(key="securityscorecard2[0]").output
    assert base64.b64decode(downloaded["file"]["content"]) == PDF
    # The corpus's Report URL is the text "{{ $env.BASE_URL }}" (no "=": not an expression),
    # which n8n could not fetch either.
    assert corpus_s.status == "failed"
    assert "The report URL must be on the SecurityScorecard API" in corpus_s.error
