"""app.todoist against a fake Todoist API v1 (tests/fakes/todoist.py): each operation's request
and output, lists by project, label and filter across pages, Todoist's errors, the token's
test, and a run through the engine with a stored credential."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from pydantic import ValidationError

from credentials import store
from executions import engine
from executions.models import Step
from integrations.todoist import rest_api
from integrations.todoist.node import Config
from tests.app_nodes import app_error, run_app
from tests.engine_helpers import chain, make_workflow
from tests.fakes import running
from tests.fakes.todoist import INBOX, TOKEN, FakeTodoist
from workfuse.lib.node_run import NodeError, Secret

TD = "app.todoist"


@pytest.fixture
def todoist(settings: Any) -> Iterator[FakeTodoist]:
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    with running(FakeTodoist()) as fake:
        yield fake


def token(fake: FakeTodoist, value: str = TOKEN) -> Secret:
    return Secret("todoist", {"api_token": value}, {"base_url": fake.url}, name="Tasks")


def test_create_task_sends_the_fields_and_priority_one_by_default(todoist):
    output = run_app(
        TD,
        {
            "content": "Call Ada",
            "project_id": INBOX,
            "labels": ["calls"],
            "due_datetime": "2026-12-24T17:00:00.000Z",
        },
        token(todoist),
    )
    [request] = todoist.requests
    assert (request.method, request.path) == ("POST", "/api/v1/tasks")
    assert request.headers["authorization"] == f"Bearer {TOKEN}"
    assert request.json == {
        "content": "Call Ada",
        "labels": ["calls"],
        "due_datetime": "2026-12-24T17:00:00Z",
        "project_id": INBOX,
        "priority": 1,
    }
    assert output["content"] == "Call Ada" and output["id"] == todoist.tasks[0]["id"]


def test_update_close_and_delete_answer_success_as_n8n_does(todoist):
    task = todoist.add("Old")
    path = f"/api/v1/tasks/{task['id']}"
    updated = run_app(
        TD, {"operation": "update_task", "task_id": task["id"], "priority": "4"}, token(todoist)
    )
    got = run_app(TD, {"operation": "get_task", "task_id": task["id"]}, token(todoist))
    closed = run_app(TD, {"operation": "close_task", "task_id": task["id"]}, token(todoist))
    deleted = run_app(TD, {"operation": "delete_task", "task_id": task["id"]}, token(todoist))
    assert [(r.method, r.path) for r in todoist.requests] == [
        ("POST", path),
        ("GET", path),
        ("POST", f"{path}/close"),
        ("DELETE", path),
    ]
    assert todoist.requests[0].json == {"priority": 4}
    assert updated == closed == deleted == {"success": True}
    assert got["priority"] == 4 and todoist.tasks == []


def test_list_tasks_by_project_and_label_reads_every_page(todoist):
    for n in range(250):
        todoist.add(f"Task {n}", labels=["work"] if n % 2 else [])
    todoist.add("Elsewhere", project_id="other", labels=["work"])
    output = run_app(TD, {"operation": "list_tasks", "project_id": INBOX}, token(todoist))
    assert todoist.requests[0].query == {"project_id": [INBOX], "limit": ["200"]}
    assert todoist.requests[1].query == {"project_id": [INBOX], "limit": ["200"], "cursor": ["200"]}
    assert output["count"] == 250 and output["tasks"][249]["content"] == "Task 249"
    labelled = run_app(TD, {"operation": "list_tasks", "label": "work"}, token(todoist))
    assert labelled["count"] == 126 and labelled["tasks"][-1]["content"] == "Elsewhere"


@pytest.mark.parametrize(
    ("config", "field"),
    [({"operation": "create_task"}, "content"), ({"operation": "get_task"}, "task_id")],
)
def test_each_operation_names_the_fields_it_needs(config, field):
    with pytest.raises(ValidationError) as caught:
        Config.model_validate(config)
    assert caught.value.errors()[0]["loc"] == (field,)


def test_a_wrong_token_names_the_credential_and_other_refusals_quote_todoist(todoist):
    failed = app_error(TD, {"operation": "get_task", "task_id": "x"}, token(todoist, "old"))
    assert not failed.retryable
    assert failed.message.startswith("Todoist did not accept the credential “Tasks” (Unauthorized)")
    missing = app_error(TD, {"operation": "get_task", "task_id": "nope"}, token(todoist))
    assert missing.message == "Todoist refused get_task (HTTP 404): NOT_FOUND: Task not found"
    bad = app_error(TD, {"content": "x", "priority": "urgent"}, token(todoist))
    assert bad.message.startswith("The priority field must be a number from 1 to 4")


def test_the_token_test_reads_the_user(todoist):
    assert rest_api.check_token(token(todoist)) == "Connected to Todoist as Ada Lovelace."
    with pytest.raises(NodeError, match="did not accept the credential “Tasks”"):
        rest_api.check_token(token(todoist, "old"))


@pytest.mark.django_db(transaction=True)
def test_a_run_creates_the_rendered_task_with_the_stored_credential(alice, todoist):
    credential = store.create(
        alice, "Tasks", "todoist", {"api_token": TOKEN, "base_url": todoist.url}
    )
    node = {
        "id": "task",
        "type": TD,
        "config": {
            "credential": credential.pk,
            "content": "Call {{ trigger.name }}",
            "priority": "{{ trigger.p }}",
        },
    }
    execution = engine.start_execution(make_workflow(alice, chain(node)), {"name": "Ada", "p": 3})
    execution.refresh_from_db()
    assert execution.status == "succeeded", execution.error
    [task] = todoist.tasks
    assert (task["content"], task["priority"]) == ("Call Ada", 3)
    step = Step.objects.get(execution=execution, key="task")
    assert step.output is not None and step.output["id"] == task["id"]
    assert TOKEN not in json.dumps([step.input, step.output])
