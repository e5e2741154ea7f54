"""app.clockify against a fake Clockify API v1 (tests/fakes/clockify.py): each operation's
request and output, filters and paging, Clockify's errors, the key's test, and a run through the
engine with a stored credential."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from pydantic import ValidationError

from credentials import store
from executions import engine
from integrations.clockify import node, rest_api
from integrations.clockify.node import Config
from tests.app_nodes import app_error, run_app
from tests.engine_helpers import chain, make_workflow
from tests.fakes import running
from tests.fakes.clockify import KEY, WORKSPACE, FakeClockify
from workfuse.lib.node_run import NodeError, Secret

CL = "app.clockify"
WS = {"workspace_id": WORKSPACE}


@pytest.fixture
def clockify(settings: Any) -> Iterator[FakeClockify]:
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    with running(FakeClockify()) as fake:
        yield fake


def key(fake: FakeClockify, value: str = KEY) -> Secret:
    return Secret("clockify", {"api_key": value}, {"base_url": fake.url}, name="Time")


def test_list_filters_by_name_and_archived_page_by_page(clockify, monkeypatch):
    monkeypatch.setattr(node, "PAGE", 2)
    for n, archived in ((1, True), (2, False), (3, True), (4, True)):
        clockify.add(f"Ticket {n}", archived=archived)
    clockify.add("Other", archived=True)
    config = WS | {"name": "ticket", "filters": {"archived": True}}
    output = run_app(CL, config, key(clockify))
    assert [p["name"] for p in output["projects"]] == ["Ticket 1", "Ticket 3", "Ticket 4"]
    assert output["count"] == 3
    first = clockify.requests[0]
    assert first.path == f"/api/v1/workspaces/{WORKSPACE}/projects"
    assert first.headers["x-api-key"] == KEY
    assert first.query == {
        "archived": ["true"],
        "name": ["ticket"],
        "page": ["1"],
        "page-size": ["2"],
    }
    assert [r.query["page"] for r in clockify.requests] == [["1"], ["2"]]


def test_create_get_and_delete_a_project(clockify):
    created = run_app(
        CL,
        WS
        | {
            "operation": "create_project",
            "name": "Website",
            "fields": {"color": "#f44336", "archived": True},
        },
        key(clockify),
    )
    by_id = WS | {"project_id": created["id"]}
    got = run_app(CL, by_id | {"operation": "get_project"}, key(clockify))
    deleted = run_app(CL, by_id | {"operation": "delete_project"}, key(clockify))
    assert clockify.requests[0].json == {"color": "#f44336", "archived": True, "name": "Website"}
    assert got["name"] == "Website" and deleted["id"] == created["id"]
    assert clockify.projects == {}


@pytest.mark.parametrize(
    ("config", "field"),
    [
        ({"operation": "list_projects"}, "workspace_id"),
        ({"operation": "create_project", **WS}, "name"),
        ({"operation": "get_project", **WS}, "project_id"),
    ],
)
def test_each_operation_names_the_fields_it_needs(config, field):
    with pytest.raises(ValidationError) as caught:
        Config.model_validate(config)
    assert caught.value.errors()[0]["loc"] == (field,)


def test_clockify_s_errors_are_quoted_and_a_wrong_key_names_the_credential(clockify):
    active = clockify.add("Live")
    refused = app_error(
        CL, WS | {"operation": "delete_project", "project_id": active["id"]}, key(clockify)
    )
    assert (
        refused.message
        == "Clockify refused delete_project (HTTP 400): Cannot delete an active project"
    )
    wrong = app_error(CL, WS, key(clockify, "old"))
    assert not wrong.retryable
    assert wrong.message.startswith("Clockify did not accept the credential “Time”")


def test_the_key_test_reads_the_user(clockify):
    assert rest_api.check_key(key(clockify)) == "Connected to Clockify as Ada."
    with pytest.raises(NodeError, match="did not accept the credential “Time”"):
        rest_api.check_key(key(clockify, "old"))


@pytest.mark.django_db(transaction=True)
def test_a_run_lists_the_rendered_ticket_s_projects(alice, clockify):
    clockify.add("Ticket 42 - Acme", archived=True)
    clockify.add("Ticket 43 - Acme")
    credential = store.create(alice, "Time", "clockify", {"api_key": KEY, "base_url": clockify.url})
    nodes = (
        {
            "id": "find",
            "type": CL,
            "config": {"credential": credential.pk, **WS, "name": "Ticket {{ trigger.number }}"},
        },
    )
    execution = engine.start_execution(make_workflow(alice, chain(*nodes)), {"number": 42})
    execution.refresh_from_db()
    assert execution.status == "succeeded", execution.error
    output = execution.steps.get(key="find").output
    assert output is not None and [p["name"] for p in output["projects"]] == ["Ticket 42 - Acme"]
    assert KEY not in json.dumps([s.input for s in execution.steps.all()])
