"""app.pipedrive against a fake Pipedrive (tests/fakes/pipedrive.py): each operation's request
(method, path, the token in the x-api-token header and never in the URL, body or query) and
output, paging, search hits flattened as n8n does, custom fields by name, Pipedrive's errors and
rate limits, the token's test, and a run through the engine with a stored credential."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from pydantic import ValidationError

from credentials import store
from executions import engine
from executions.models import Step
from integrations.pipedrive import rest_api
from integrations.pipedrive.node import Config
from tests.app_nodes import app_error, run_app
from tests.engine_helpers import chain, make_workflow
from tests.fakes import Answer, running
from tests.fakes.pipedrive import API_TOKEN, SIZE, WEBSITE, FakePipedrive
from workfuse.lib.node_run import NodeError, Secret

PD = "app.pipedrive"


@pytest.fixture
def pipedrive(settings: Any) -> Iterator[FakePipedrive]:
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    with running(FakePipedrive()) as fake:
        yield fake


def token(fake: FakePipedrive, value: str = API_TOKEN) -> Secret:
    return Secret("pipedrive", {"api_token": value}, {"base_url": fake.url}, name="CRM")


def test_create_person_posts_the_fields_with_the_token_in_a_header(pipedrive):
    fields = {"name": "Ada", "email": ["ada@example.com"], "org_id": 12}
    output = run_app(PD, {"resource": "person", "fields": fields}, token(pipedrive))
    [request] = pipedrive.requests
    assert (request.method, request.path, request.query) == ("POST", "/v1/persons", {})
    assert request.headers["x-api-token"] == API_TOKEN
    assert request.json == fields
    assert output == {"id": 1, "active_flag": True, **fields}


def test_update_get_and_delete_address_the_record_and_leads_are_patched(pipedrive):
    deal = pipedrive.add("deals", title="Renewal", status="open")
    lead = pipedrive.add("leads", title="Inbound")
    secret = token(pipedrive)
    updated = run_app(
        PD,
        {"operation": "update", "resource": "deal", "record_id": 1, "fields": {"status": "won"}},
        secret,
    )
    run_app(
        PD,
        {
            "operation": "update",
            "resource": "lead",
            "record_id": lead["id"],
            "fields": {"title": "X"},
        },
        secret,
    )
    got = run_app(PD, {"operation": "get", "resource": "deal", "record_id": "1"}, secret)
    deleted = run_app(PD, {"operation": "delete", "resource": "deal", "record_id": "1"}, secret)
    assert [(r.method, r.path) for r in pipedrive.requests] == [
        ("PUT", "/v1/deals/1"),
        ("PATCH", f"/v1/leads/{lead['id']}"),
        ("GET", "/v1/deals/1"),
        ("DELETE", "/v1/deals/1"),
    ]
    assert updated["status"] == "won" and got["id"] == deal["id"]
    assert deleted == {"id": 1} and pipedrive.records["deals"] == []


def test_get_many_pages_until_max_results_with_the_filters(pipedrive):
    for n in range(250):
        pipedrive.add("persons", name=f"P{n}")
    output = run_app(
        PD,
        {
            "operation": "get_many",
            "resource": "person",
            "filters": {"first_char": "p"},
            "max_results": 230,
        },
        token(pipedrive),
    )
    assert [r.query["start"] for r in pipedrive.requests] == [["0"], ["100"], ["200"]]
    assert pipedrive.requests[-1].query["limit"] == ["30"]
    assert pipedrive.requests[0].query["first_char"] == ["p"]
    assert output["count"] == 230 and output["items"][-1]["name"] == "P229"


def test_search_flattens_each_hit_with_its_score(pipedrive):
    pipedrive.add("persons", name="Ada", email=["ada@example.com"])
    pipedrive.add("persons", name="Bob", email=["bob@example.com"])
    output = run_app(
        PD,
        {
            "operation": "search",
            "resource": "person",
            "term": "ada@example.com",
            "search_fields": "email",
            "exact_match": True,
            "max_results": 1,
        },
        token(pipedrive),
    )
    [request] = pipedrive.requests
    assert request.path == "/v1/persons/search"
    assert request.query == {
        "term": ["ada@example.com"],
        "exact_match": ["true"],
        "fields": ["email"],
        "start": ["0"],
        "limit": ["1"],
    }
    assert output == {
        "items": [
            {
                "result_score": 1.0,
                "id": 1,
                "active_flag": True,
                "name": "Ada",
                "email": ["ada@example.com"],
            }
        ],
        "count": 1,
    }


def test_custom_fields_are_written_and_read_by_name(pipedrive):
    secret = token(pipedrive)
    org = pipedrive.add("organizations", name="Acme")
    run_app(
        PD,
        {
            "operation": "update",
            "resource": "organization",
            "record_id": org["id"],
            "custom_field_names": True,
            "fields": {"Website": "https://acme.io", "Size": "11-50", "Unknown": "x"},
        },
        secret,
    )
    assert pipedrive.requests[0].path == "/v1/organizationFields"
    assert pipedrive.requests[1].json == {WEBSITE: "https://acme.io", SIZE: 32, "Unknown": "x"}
    got = run_app(
        PD,
        {
            "operation": "get",
            "resource": "organization",
            "record_id": 1,
            "custom_field_names": True,
        },
        secret,
    )
    assert (got["Website"], got["Size"], got["Name"]) == ("https://acme.io", "11-50", "Acme")
    assert WEBSITE not in got


@pytest.mark.parametrize(
    ("config", "field"),
    [
        ({"resource": "person"}, "fields"),
        ({"operation": "get", "resource": "deal"}, "record_id"),
        ({"operation": "search", "resource": "person"}, "term"),
        ({"operation": "search", "resource": "note", "term": "x"}, "resource"),
        (
            {"operation": "get", "resource": "lead", "record_id": "1", "custom_field_names": True},
            "custom_field_names",
        ),
        ({"resource": "person", "fields": "[1]"}, "fields"),
    ],
)
def test_each_operation_names_the_fields_it_needs(config, field):
    with pytest.raises(ValidationError) as caught:
        Config.model_validate(config)
    assert caught.value.errors()[0]["loc"] == (field,)


def test_a_wrong_token_names_the_credential_and_a_missing_record_quotes_pipedrive(pipedrive):
    get = {"operation": "get", "resource": "person", "record_id": "9"}
    error = app_error(PD, get, token(pipedrive, "old"))
    assert not error.retryable
    assert error.message.startswith(
        "Pipedrive did not accept the credential “CRM” (unauthorized access (Please check"
    )
    missing = app_error(PD, get, token(pipedrive))
    assert missing.message.startswith("Pipedrive refused get person (HTTP 404): Person not found")


def test_a_rate_limit_is_retried_after_pipedrives_wait(pipedrive):
    pipedrive.script(
        Answer(429, {"success": False, "error": "Too many requests"}, {"Retry-After": "2"})
    )
    error = app_error(
        PD, {"operation": "get", "resource": "deal", "record_id": "1"}, token(pipedrive)
    )
    assert error.retryable and error.retry_after == 2
    assert "Too many requests" in error.message


def test_the_token_test_reads_the_user(pipedrive):
    assert (
        rest_api.check_token(token(pipedrive)) == "Connected to Pipedrive as Ada Lovelace (Acme)."
    )
    with pytest.raises(NodeError, match="did not accept the credential “CRM”"):
        rest_api.check_token(token(pipedrive, "old"))


@pytest.mark.django_db(transaction=True)
def test_a_run_creates_the_rendered_note_with_the_stored_credential(alice, pipedrive):
    credential = store.create(
        alice, "CRM", "pipedrive", {"api_token": API_TOKEN, "base_url": pipedrive.url}
    )
    node = {
        "id": "note",
        "type": PD,
        "config": {
            "credential": credential.pk,
            "resource": "note",
            "fields": {"content": "Call {{ trigger.name }}", "org_id": "{{ trigger.org }}"},
        },
    }
    execution = engine.start_execution(make_workflow(alice, chain(node)), {"name": "Ada", "org": 7})
    execution.refresh_from_db()
    assert execution.status == "succeeded", execution.error
    [note] = pipedrive.records["notes"]
    assert (note["content"], note["org_id"]) == ("Call Ada", 7)
    step = Step.objects.get(execution=execution, key="note")
    assert step.output is not None and step.output["id"] == note["id"]
    assert API_TOKEN not in json.dumps([step.input, step.output])
    assert all("api_token" not in r.query for r in pipedrive.requests)
