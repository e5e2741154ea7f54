"""app.linear against a fake Linear GraphQL API (tests/fakes/linear.py): each operation's
GraphQL operation and variables, the issue as output, paging, Linear's errors (a wrong key
named, input errors quoted, rate limits retried), the key's test, and a run through the engine
with a stored credential."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from pydantic import ValidationError

from credentials import store
from executions import engine
from executions.models import Step
from integrations.linear import graphql_api
from integrations.linear.node import Config
from tests.app_nodes import app_error, run_app
from tests.engine_helpers import chain, make_workflow
from tests.fakes import running
from tests.fakes.linear import API_KEY, TEAM_ID, FakeLinear, error
from workfuse.lib.node_run import NodeError, Secret

LN = "app.linear"


@pytest.fixture
def linear(settings: Any) -> Iterator[FakeLinear]:
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    with running(FakeLinear()) as fake:
        yield fake


def key(fake: FakeLinear, value: str = API_KEY) -> Secret:
    return Secret("linear", {"api_key": value}, {"base_url": fake.url}, name="Tracker")


def test_create_issue_sends_the_input_and_answers_the_issue(linear):
    output = run_app(
        LN,
        {
            "team_id": TEAM_ID,
            "title": "Checkout fails",
            "description": "## Steps",
            "state_id": "s-doing",
            "priority": "2",
        },
        key(linear),
    )
    [request] = linear.requests
    assert (request.method, request.path) == ("POST", "/graphql")
    assert request.headers["authorization"] == API_KEY
    assert request.json["query"].startswith("mutation IssueCreate(")
    assert request.json["variables"] == {
        "input": {
            "teamId": TEAM_ID,
            "title": "Checkout fails",
            "description": "## Steps",
            "stateId": "s-doing",
            "priority": 2,
        }
    }
    assert output["identifier"] == "ENG-1" and output["priority"] == 2
    assert output["state"] == {"id": "s-doing", "name": "In Progress"}
    assert output["team"] == {"id": TEAM_ID, "name": "Engineering"}


def test_update_get_and_delete_address_the_issue_by_identifier(linear):
    linear.add("Old")
    updated = run_app(
        LN, {"operation": "update_issue", "issue_id": "ENG-1", "team_id": "t-support"}, key(linear)
    )
    got = run_app(LN, {"operation": "get_issue", "issue_id": "ENG-1"}, key(linear))
    deleted = run_app(LN, {"operation": "delete_issue", "issue_id": "ENG-1"}, key(linear))
    assert linear.requests[0].json["variables"] == {"id": "ENG-1", "input": {"teamId": "t-support"}}
    assert updated["team"]["id"] == "t-support" and got["title"] == "Old"
    assert deleted == {"success": True} and linear.issues == []


def test_list_issues_follows_the_cursor_up_to_max_results(linear):
    for n in range(130):
        linear.add(f"Issue {n}")
    output = run_app(LN, {"operation": "list_issues", "max_results": 120}, key(linear))
    assert [r.json["variables"] for r in linear.requests] == [
        {"first": 100, "after": None},
        {"first": 20, "after": "100"},
    ]
    assert output["count"] == 120 and output["issues"][119]["title"] == "Issue 119"


@pytest.mark.parametrize(
    ("config", "field"),
    [
        ({"title": "x"}, "team_id"),
        ({"team_id": "t"}, "title"),
        ({"operation": "get_issue"}, "issue_id"),
    ],
)
def test_each_operation_names_the_fields_it_needs(config, field):
    with pytest.raises(ValidationError) as caught:
        Config.model_validate(config)
    assert caught.value.errors()[0]["loc"] == (field,)


def test_a_wrong_key_names_the_credential_and_input_errors_quote_linear(linear):
    error_ = app_error(LN, {"operation": "get_issue", "issue_id": "x"}, key(linear, "old"))
    assert not error_.retryable
    assert error_.message.startswith("Linear did not accept the credential “Tracker”")
    missing = app_error(LN, {"operation": "get_issue", "issue_id": "ENG-9"}, key(linear))
    assert missing.message == (
        "Linear refused get_issue (HTTP 400): ENTITY_NOT_FOUND: Entity not found: Issue"
    )
    bad = app_error(LN, {"team_id": "nope", "title": "x"}, key(linear))
    assert "INVALID_INPUT: Argument Validation Error" in bad.message
    priority = app_error(LN, {"team_id": TEAM_ID, "title": "x", "priority": "high"}, key(linear))
    assert priority.message.startswith("The priority field must be a number from 0 to 4")


def test_a_rate_limit_is_retried(linear):
    linear.script(error("RATELIMITED", "Rate limit exceeded"))
    failed = app_error(LN, {"operation": "get_issue", "issue_id": "x"}, key(linear))
    assert failed.retryable and "RATELIMITED: Rate limit exceeded" in failed.message


def test_the_key_test_reads_the_viewer(linear):
    assert graphql_api.check_key(key(linear)) == "Connected to Linear as Ada."
    with pytest.raises(NodeError, match="did not accept the credential “Tracker”"):
        graphql_api.check_key(key(linear, "old"))


@pytest.mark.django_db(transaction=True)
def test_a_run_creates_the_rendered_issue_with_the_stored_credential(alice, linear):
    credential = store.create(
        alice, "Tracker", "linear", {"api_key": API_KEY, "base_url": linear.url}
    )
    node = {
        "id": "ticket",
        "type": LN,
        "config": {
            "credential": credential.pk,
            "team_id": TEAM_ID,
            "title": "{{ trigger.title }}",
            "priority": "{{ trigger.priority }}",
        },
    }
    execution = engine.start_execution(
        make_workflow(alice, chain(node)), {"title": "Crash", "priority": 1}
    )
    execution.refresh_from_db()
    assert execution.status == "succeeded", execution.error
    [issue] = linear.issues
    assert (issue["title"], issue["priority"]) == ("Crash", 1)
    step = Step.objects.get(execution=execution, key="ticket")
    assert step.output is not None and step.output["identifier"] == "ENG-1"
    assert API_KEY not in json.dumps([step.input, step.output])
