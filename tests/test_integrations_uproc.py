"""app.uproc against a fake uProc API v2 (tests/fakes/uproc.py): a tool run as n8n sends it
(processor key, parameters as text, the callback), uProc's refusals, the credential's test, and
a run through the engine with a stored credential."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from typing import Any

import pytest
from pydantic import ValidationError

from credentials import store
from executions import engine
from executions.models import Step
from integrations.uproc import process_api
from integrations.uproc.node import Config, processor
from tests.app_nodes import app_error, run_app
from tests.engine_helpers import chain, make_workflow
from tests.fakes import running
from tests.fakes.uproc import API_KEY, EMAIL, FakeUproc
from workfuse.lib.node_run import NodeError, Secret

UP = "app.uproc"


@pytest.fixture
def uproc(settings: Any) -> Iterator[FakeUproc]:
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    with running(FakeUproc()) as fake:
        yield fake


def key(fake: FakeUproc, value: str = API_KEY) -> Secret:
    return Secret("uproc", {"api_key": value}, {"email": EMAIL, "base_url": fake.url}, name="uP")


def test_a_tool_runs_with_its_processor_key_and_text_parameters(uproc):
    output = run_app(
        UP,
        {
            "tool": "getUrlScreenshot",
            "params": {"url": "https://acme.test", "width": 1024, "fullpage": "yes"},
            "data_webhook": "https://hooks.acme.test/shots",
        },
        key(uproc),
    )
    [request] = uproc.requests
    basic = base64.b64encode(f"{EMAIL}:{API_KEY}".encode()).decode()
    assert request.headers["authorization"] == f"Basic {basic}"
    assert (request.method, request.path) == ("POST", "/api/v2/process")
    assert request.json == {
        "processor": "get-url-screenshot",
        "params": {"url": "https://acme.test", "width": "1024", "fullpage": "yes"},
        "callback": {"data": "https://hooks.acme.test/shots"},
    }
    assert output["result"] == "https://cdn.uproc.io/shots/1024-full.png"


def test_tool_names_are_read_as_uproc_or_n8n_writes_them():
    assert processor("getCompanyByName") == "get-company-by-name"
    assert processor("get-company-by-name") == "get-company-by-name"
    with pytest.raises(NodeError, match="is not a uProc tool name"):
        processor("get company")
    with pytest.raises(ValidationError):
        Config.model_validate({"tool": "x", "params": "[1]"})


def test_refusals_name_the_credential_or_quote_uproc(uproc):
    wrong = app_error(UP, {"tool": "get-url-screenshot", "params": {"url": "u"}}, key(uproc, "x"))
    assert wrong.message.startswith("uProc did not accept the credential “uP”")
    unknown = app_error(UP, {"tool": "getMoonPhase"}, key(uproc))
    assert unknown.message == (
        "uProc refused get-moon-phase (HTTP 400): Processor get-moon-phase not found"
    )
    uproc.credits = 0
    broke = app_error(UP, {"tool": "get-company-by-name", "params": {"name": "A"}}, key(uproc))
    assert broke.message == "uProc refused get-company-by-name (HTTP 402): Not enough credits"


def test_the_credential_test_reads_the_profile(uproc):
    assert process_api.check(key(uproc)) == (
        "uProc accepted the key of ada@example.com (100 credits left)."
    )


@pytest.mark.django_db(transaction=True)
def test_a_run_looks_up_the_rendered_company_with_the_stored_key(alice, uproc):
    value = {"api_key": API_KEY, "email": EMAIL, "base_url": uproc.url}
    credential = store.create(alice, "uP", "uproc", value)
    node = {
        "id": "company",
        "type": UP,
        "config": {
            "credential": credential.pk,
            "tool": "get-company-by-name",
            "params": {"name": "{{ trigger.company }}", "country": "{{ trigger.country }}"},
        },
    }
    payload = {"company": "Acme", "country": "Spain"}
    execution = engine.start_execution(make_workflow(alice, chain(node)), payload)
    execution.refresh_from_db()
    assert execution.status == "succeeded", execution.error
    step = Step.objects.get(execution=execution, key="company")
    assert step.output is not None and step.output["result"]["country"] == "Spain"
    assert API_KEY not in json.dumps([step.input, step.output])
