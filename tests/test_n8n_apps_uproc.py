"""Importing n8n's uProc node (editor/n8n/apps_uproc.py) onto `app.uproc`: the corpus's tools
become a tool name and its parameters, a node without a tool is refused, and an imported
workflow runs in the engine against the fake uProc."""

from __future__ import annotations

import pytest

from credentials import store
from editor.n8n import convert, import_n8n
from editor.nodes import NODE_TYPES
from editor.validation import validate_graph
from executions import engine
from executions.models import Step
from tests.engine_helpers import make_workflow
from tests.fakes import running
from tests.fakes.uproc import API_KEY, EMAIL, FakeUproc
from tests.test_n8n_apps import converted, refusal, single

COMPANY = {
    "name": '={{$json["company"]}}',
    "tool": "getCompanyByName",
    "group": "company",
    "country": '={{$json["country"]}}',
    "additionalOptions": {},
}


@pytest.mark.parametrize(
    ("params", "config"),
    [
        (
            COMPANY,
            {
                "operation": "run_tool",
                "tool": "getCompanyByName",
                "params": {"name": "{{ trigger.company }}", "country": "{{ trigger.country }}"},
            },
        ),
        (
            {
                "url": "https://acme.test",
                "tool": "getUrlScreenshot",
                "group": "image",
                "width": "640",
                "fullpage": "yes",
                "additionalOptions": {"dataWebhook": "https://hooks.acme.test/x"},
            },
            {
                "operation": "run_tool",
                "tool": "getUrlScreenshot",
                "params": {"url": "https://acme.test", "width": "640", "fullpage": "yes"},
                "data_webhook": "https://hooks.acme.test/x",
            },
        ),
    ],
)
def test_each_tool_becomes_its_uproc_config(params, config):
    node = converted("uproc", params, 1)
    assert (node["type"], node["config"]) == ("app.uproc", config)
    assert "choose a uProc credential" in node["notes"]
    NODE_TYPES["app.uproc"].Config.model_validate(config)


def test_a_node_without_a_tool_is_refused_naming_it():
    message = refusal("uproc", {"group": "image"}, 1)
    assert "'App' (n8n-nodes-base.uproc)" in message and "names no tool" in message


def test_the_report_asks_for_a_uproc_credential():
    data = single("uproc", COMPANY)
    data["nodes"][1]["credentials"] = {"uprocApi": "miquel-uproc"}
    [slot] = import_n8n(data).report.credentials
    assert slot.kind == "uproc"


@pytest.mark.django_db(transaction=True)
def test_an_imported_workflow_looks_up_the_company(alice, settings):
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    graph = convert(single("uproc", COMPANY))
    assert validate_graph(graph) == []
    with running(FakeUproc()) as fake:
        value = {"api_key": API_KEY, "email": EMAIL, "base_url": fake.url}
        credential = store.create(alice, "uP", "uproc", value)
        for node in graph["nodes"]:
            if node["type"] == "app.uproc":
                node["config"]["credential"] = credential.pk
        trigger = {"company": "Acme", "country": "Spain"}
        execution = engine.start_execution(make_workflow(alice, graph), trigger)
        execution.refresh_from_db()
        assert execution.status == "succeeded", execution.error
        assert fake.requests[0].json["processor"] == "get-company-by-name"
    assert Step.objects.get(execution=execution, key="app").output["result"]["name"] == "Acme"
