"""app.zendesk against a fake Zendesk (tests/fakes/zendesk.py): each operation's request (method,
path, Basic email/token or bearer auth, body or query) and output, search paging by next_page,
the idempotency key on ticket creation, Zendesk's errors and rate limits, the credential's
fields and test, and a run through the engine with a stored credential."""

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
from integrations.zendesk import rest_api
from integrations.zendesk.credentials import ApiToken, OAuthToken
from integrations.zendesk.node import Config
from tests.app_nodes import app_error, run_app
from tests.engine_helpers import chain, make_workflow
from tests.fakes import Answer, running
from tests.fakes.zendesk import API_TOKEN, EMAIL, OAUTH_TOKEN, FakeZendesk
from workfuse.lib.node_run import NodeError, Secret

ZD = "app.zendesk"


@pytest.fixture
def zendesk(settings: Any) -> Iterator[FakeZendesk]:
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    with running(FakeZendesk()) as fake:
        yield fake


def agent(fake: FakeZendesk, value: str = API_TOKEN) -> Secret:
    settings = {"subdomain": "acme", "email": EMAIL, "base_url": fake.url}
    return Secret("zendesk", {"api_token": value}, settings, name="Support")


def oauth(fake: FakeZendesk) -> Secret:
    return Secret(
        "zendesk_oauth", {"access_token": OAUTH_TOKEN}, {"subdomain": "acme", "base_url": fake.url}
    )


def test_create_ticket_sends_the_comment_fields_and_an_idempotency_key(zendesk):
    config = {
        "subject": "Order 1027",
        "comment": "Customer: ada@example.com",
        "fields": {"status": "open", "external_id": "1027"},
    }
    first = run_app(ZD, config, agent(zendesk))
    again = run_app(ZD, config, agent(zendesk))
    request = zendesk.requests[0]
    assert (request.method, request.path) == ("POST", "/api/v2/tickets.json")
    basic = base64.b64encode(f"{EMAIL}/token:{API_TOKEN}".encode()).decode()
    assert request.headers["authorization"] == f"Basic {basic}"
    assert request.headers["idempotency-key"] == "exec-1:app"
    assert request.json == {
        "ticket": {
            "status": "open",
            "external_id": "1027",
            "subject": "Order 1027",
            "comment": {"body": "Customer: ada@example.com", "public": True},
        }
    }
    assert first["id"] == again["id"] == 1 and len(zendesk.tickets) == 1
    assert first["status"] == "open" and first["external_id"] == "1027"


def test_update_ticket_adds_an_internal_html_note_and_get_reads_it(zendesk):
    zendesk.ticket("Broken")
    updated = run_app(
        ZD,
        {
            "operation": "update_ticket",
            "ticket_id": 1,
            "comment": "<b>Summary</b>",
            "comment_public": False,
            "comment_html": True,
            "fields": {"custom_fields": [{"id": 344, "value": "T1059"}]},
        },
        oauth(zendesk),
    )
    got = run_app(ZD, {"operation": "get_ticket", "ticket_id": "1"}, oauth(zendesk))
    assert [(r.method, r.path) for r in zendesk.requests] == [
        ("PUT", "/api/v2/tickets/1.json"),
        ("GET", "/api/v2/tickets/1.json"),
    ]
    assert zendesk.requests[0].headers["authorization"] == f"Bearer {OAUTH_TOKEN}"
    assert zendesk.comments[1] == [{"html_body": "<b>Summary</b>", "public": False}]
    assert updated["custom_fields"] == [{"id": 344, "value": "T1059"}] == got["custom_fields"]


def test_search_tickets_adds_type_ticket_and_follows_next_page(zendesk):
    for n in range(300):
        zendesk.ticket(f"T{n}", status="open" if n % 4 else "pending")
    output = run_app(
        ZD,
        {
            "operation": "search_tickets",
            "query": "status<pending assignee:none",
            "max_results": 120,
        },
        agent(zendesk),
    )
    first, second = zendesk.requests
    assert first.path == "/api/v2/search.json"
    assert first.query == {
        "query": ["type:ticket status<pending assignee:none"],
        "per_page": ["100"],
    }
    assert second.query["page"] == ["2"]
    assert output["count"] == 120 and output["items"][0]["subject"] == "T1"
    assert {t["status"] for t in output["items"]} == {"open"}


def test_users_are_created_updated_read_and_searched(zendesk):
    secret = agent(zendesk)
    made = run_app(
        ZD,
        {
            "operation": "create_user",
            "name": "Ada",
            "email": "ada@example.com",
            "fields": {"role": "end-user"},
        },
        secret,
    )
    run_app(
        ZD, {"operation": "update_user", "user_id": made["id"], "fields": {"phone": "+44"}}, secret
    )
    got = run_app(ZD, {"operation": "get_user", "user_id": made["id"]}, secret)
    found = run_app(ZD, {"operation": "search_users", "query": "email:ada@example.com"}, secret)
    assert zendesk.requests[0].json == {
        "user": {"role": "end-user", "name": "Ada", "email": "ada@example.com"}
    }
    assert zendesk.requests[1].json == {"user": {"phone": "+44"}}
    assert zendesk.requests[3].path == "/api/v2/users/search.json"
    assert got["phone"] == "+44" and found == {"items": [got], "count": 1}


@pytest.mark.parametrize(
    ("config", "field"),
    [
        ({"subject": "x"}, "comment"),
        ({"operation": "get_ticket"}, "ticket_id"),
        ({"operation": "create_user"}, "name"),
        ({"operation": "search_users"}, "query"),
        ({"operation": "update_user", "user_id": "1", "fields": "[]"}, "fields"),
    ],
)
def test_each_operation_names_the_fields_it_needs(config, field):
    with pytest.raises(ValidationError) as caught:
        Config.model_validate(config)
    assert caught.value.errors()[0]["loc"] == (field,)


@pytest.mark.parametrize(
    ("kind", "fields", "said"),
    [
        (ApiToken, {"subdomain": "acme", "email": EMAIL}, "api_token"),
        (OAuthToken, {"subdomain": "acme.zendesk.com/x", "access_token": "t"}, "subdomain alone"),
        (OAuthToken, {"subdomain": "acme", "access_token": "t", "api_token": "a"}, "api_token"),
    ],
)
def test_each_credential_kind_needs_its_token_and_a_bare_subdomain(kind, fields, said):
    with pytest.raises(ValidationError, match=said):
        kind.model_validate(fields)
    bare = OAuthToken.model_validate({"subdomain": "Acme.zendesk.com", "access_token": "t"})
    assert bare.subdomain == "acme"


def test_a_credential_of_another_kind_is_refused_naming_it():
    other = Secret("trello", {"api_key": "k", "api_token": "t"}, {}, name="Board")
    error = app_error(ZD, {"operation": "get_user", "user_id": "1"}, other)
    assert (
        "needs a Zendesk credential" in error.message
        and "“Board” is of kind trello" in error.message
    )


def test_errors_name_the_credential_or_quote_zendesk(zendesk):
    error = app_error(ZD, {"operation": "get_ticket", "ticket_id": "1"}, agent(zendesk, "old"))
    assert not error.retryable
    assert error.message.startswith("Zendesk did not accept the credential “Support” (Couldn't")
    missing = app_error(ZD, {"operation": "get_ticket", "ticket_id": "9"}, agent(zendesk))
    assert missing.message == "Zendesk refused get_ticket (HTTP 404): RecordNotFound: Not found"
    invalid = app_error(ZD, {"operation": "create_user", "name": " "}, agent(zendesk))
    assert "RecordInvalid: Record validation errors (name Name: cannot be blank)" in invalid.message


def test_a_rate_limit_is_retried_after_zendesks_wait(zendesk):
    zendesk.script(Answer(429, "Too Many Requests", {"Retry-After": "7"}))
    error = app_error(ZD, {"operation": "get_user", "user_id": "1"}, agent(zendesk))
    assert error.retryable and error.retry_after == 7


def test_the_credential_test_reads_the_current_user(zendesk):
    assert (
        rest_api.check_credential(agent(zendesk)) == "Connected to Zendesk as Agent Smith (admin)."
    )
    zendesk.script(Answer(200, {"user": {"id": None, "name": "Anonymous user"}}))
    with pytest.raises(NodeError, match="answered as an anonymous user"):
        rest_api.check_credential(agent(zendesk))


@pytest.mark.django_db(transaction=True)
def test_a_run_opens_the_rendered_ticket_with_the_stored_credential(alice, zendesk):
    credential = store.create(
        alice,
        "Support",
        "zendesk",
        {"subdomain": "acme", "email": EMAIL, "api_token": API_TOKEN, "base_url": zendesk.url},
    )
    node = {
        "id": "ticket",
        "type": ZD,
        "config": {
            "credential": credential.pk,
            "subject": "Order {{ trigger.number }}",
            "comment": "New order",
        },
    }
    execution = engine.start_execution(make_workflow(alice, chain(node)), {"number": 42})
    execution.refresh_from_db()
    assert execution.status == "succeeded", execution.error
    [ticket] = zendesk.tickets
    assert ticket["subject"] == "Order 42"
    step = Step.objects.get(execution=execution, key="ticket")
    assert step.output is not None and step.output["id"] == ticket["id"]
    assert API_TOKEN not in json.dumps([step.input, step.output])
    key = zendesk.requests[0].headers["idempotency-key"]
    assert key == f"{execution.pk}:ticket"
