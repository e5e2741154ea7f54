"""app.clickup against a fake ClickUp API v2 (tests/fakes/clickup.py): each operation's request
and output, a list's tasks across pages, ClickUp's errors, the token's test, and a run through
the engine with a stored credential."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from pydantic import ValidationError

from credentials import store
from executions import engine
from executions.models import Step
from integrations.clickup import rest_api
from integrations.clickup.node import Config
from tests.app_nodes import app_error, run_app
from tests.engine_helpers import chain, make_workflow
from tests.fakes import running
from tests.fakes.clickup import LIST, TOKEN, FakeClickUp
from workfuse.lib.node_run import NodeError, Secret

CU = "app.clickup"


@pytest.fixture
def clickup(settings: Any) -> Iterator[FakeClickUp]:
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    with running(FakeClickUp()) as fake:
        yield fake


def token(fake: FakeClickUp, value: str = TOKEN) -> Secret:
    return Secret("clickup", {"api_token": value}, {"base_url": fake.url}, name="Work")


def test_create_task_sends_the_fields_with_the_due_date_in_milliseconds(clickup):
    config = {
        "list_id": LIST,
        "name": "Write docs",
        "content": "For the Wekan node",
        "priority": "2",
        "due_date": "2026-12-24T17:00:00Z",
        "tags": ["docs"],
        "assignees": ["183"],
    }
    output = run_app(CU, config, token(clickup))
    [request] = clickup.requests
    assert (request.method, request.path) == ("POST", f"/api/v2/list/{LIST}/task")
    assert request.headers["authorization"] == TOKEN
    assert request.json == {
        "name": "Write docs",
        "description": "For the Wekan node",
        "priority": 2,
        "due_date": 1798131600000,
        "tags": ["docs"],
        "assignees": [183],
    }
    assert output["id"] == clickup.tasks[0]["id"] and output["name"] == "Write docs"


def test_get_update_list_and_delete(clickup, monkeypatch):
    monkeypatch.setattr(FakeClickUp, "page_size", 2)
    monkeypatch.setattr("integrations.clickup.node.PAGE", 2)
    first = clickup.add("One")
    for n in range(4):
        clickup.add(f"More {n}")
    got = run_app(CU, {"operation": "get_task", "task_id": first["id"]}, token(clickup))
    assert got["name"] == "One"
    updated = run_app(
        CU, {"operation": "update_task", "task_id": first["id"], "status": "done"}, token(clickup)
    )
    assert updated["status"] == {"status": "done"}
    listed = run_app(CU, {"operation": "list_tasks", "list_id": LIST}, token(clickup))
    assert listed["count"] == 5 and [r.query.get("page") for r in clickup.requests[-3:]] == [
        ["0"],
        ["1"],
        ["2"],
    ]
    deleted = run_app(CU, {"operation": "delete_task", "task_id": first["id"]}, token(clickup))
    assert deleted == {"success": True} and len(clickup.tasks) == 4


def test_settings_and_values_are_checked():
    with pytest.raises(ValidationError) as caught:
        Config.model_validate({"operation": "get_task"})
    assert caught.value.errors()[0]["loc"] == ("task_id",)
    with pytest.raises(ValidationError) as caught:
        Config.model_validate({"name": "x"})
    assert caught.value.errors()[0]["loc"] == ("list_id",)


def test_errors_name_the_credential_or_quote_clickup(clickup):
    failed = app_error(CU, {"operation": "get_task", "task_id": "x"}, token(clickup, "old"))
    assert not failed.retryable
    assert failed.message.startswith("ClickUp did not accept the credential “Work”")
    missing = app_error(CU, {"operation": "get_task", "task_id": "nope"}, token(clickup))
    assert (
        missing.message == "ClickUp refused get_task (HTTP 404): ITEM_013: Task not found, deleted"
    )
    bad = app_error(CU, {"list_id": LIST, "name": "x", "due_date": "soon"}, token(clickup))
    assert bad.message.startswith("due_date must be a date")
    with pytest.raises(NodeError, match="needs something to change"):
        run_app(CU, {"operation": "update_task", "task_id": "x"}, token(clickup))


def test_the_token_test_reads_the_user(clickup):
    assert rest_api.check_token(token(clickup)) == "Connected to ClickUp as Ada."


@pytest.mark.django_db(transaction=True)
def test_a_run_creates_the_rendered_task_with_the_stored_credential(alice, clickup):
    credential = store.create(
        alice, "Work", "clickup", {"api_token": TOKEN, "base_url": clickup.url}
    )
    node = {
        "id": "task",
        "type": CU,
        "config": {"credential": credential.pk, "list_id": LIST, "name": "Call {{ trigger.name }}"},
    }
    execution = engine.start_execution(make_workflow(alice, chain(node)), {"name": "Ada"})
    execution.refresh_from_db()
    assert execution.status == "succeeded", execution.error
    [task] = clickup.tasks
    assert task["name"] == "Call Ada"
    step = Step.objects.get(execution=execution, key="task")
    assert step.output is not None and step.output["id"] == task["id"]
    assert TOKEN not in json.dumps([step.input, step.output])
