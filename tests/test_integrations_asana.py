"""app.asana against a fake Asana API (tests/fakes/asana.py): each task operation's request and
output, paging by offset, Asana's errors, the token's test, and a run through the engine with a
stored credential."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from credentials import store
from executions import engine
from integrations.asana import node, rest_api
from tests.app_nodes import app_error, run_app
from tests.engine_helpers import make_workflow
from tests.fakes import running
from tests.fakes.asana import TOKEN, WORKSPACE, FakeAsana
from workfuse.lib.node_run import Secret

AS = "app.asana"


@pytest.fixture
def asana(settings: Any) -> Iterator[FakeAsana]:
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    with running(FakeAsana()) as fake:
        yield fake


def token(fake: FakeAsana, value: str = TOKEN) -> Secret:
    return Secret("asana", {"access_token": value}, {"base_url": fake.url}, name="Work")


def test_a_task_is_created_with_its_fields_and_output_as_asanas_data(asana):
    config = {"workspace": WORKSPACE, "name": "Ticket", "fields": {"notes": "It broke"}}
    task = run_app(AS, config, token(asana))
    [request] = asana.requests
    assert (request.method, request.path) == ("POST", "/api/1.0/tasks")
    assert request.headers["authorization"] == f"Bearer {TOKEN}"
    assert request.json == {"data": {"name": "Ticket", "workspace": WORKSPACE, "notes": "It broke"}}
    assert task["name"] == "Ticket" and task["notes"] == "It broke" and task["gid"]


def test_a_task_is_read_updated_and_deleted(asana):
    gid = asana.add("Ticket")["gid"]
    assert run_app(AS, {"operation": "get_task", "task_id": gid}, token(asana))["name"] == "Ticket"
    done = {"operation": "update_task", "task_id": gid, "fields": {"completed": True}}
    assert run_app(AS, done, token(asana))["completed"] is True
    assert asana.requests[-1].json == {"data": {"completed": True}}
    assert run_app(AS, {"operation": "delete_task", "task_id": gid}, token(asana)) == {}
    assert asana.tasks == {}


def test_tasks_are_listed_page_by_page(asana, monkeypatch):
    monkeypatch.setattr(node, "PAGE", 2)
    for n in range(5):
        asana.add(f"T{n}", projects=["42"])
    config = {"operation": "list_tasks", "filters": {"project": "42"}, "max_results": 4}
    listed = run_app(AS, config, token(asana))
    assert [t["name"] for t in listed["tasks"]] == ["T0", "T1", "T2", "T3"]
    assert listed["count"] == 4
    assert [r.query.get("offset") for r in asana.requests] == [None, ["2"]]


def test_asanas_errors_are_quoted_and_a_wrong_token_names_the_credential(asana):
    bad = {"workspace": "999", "name": "x"}
    assert "workspace: Not a recognized ID: 999" in str(app_error(AS, bad, token(asana)))
    message = str(app_error(AS, {"workspace": WORKSPACE, "name": "x"}, token(asana, "no")))
    assert "Not Authorized" in message and "Work" in message


def test_the_token_test_names_the_user(asana):
    assert rest_api.check_token(token(asana)) == "Connected to Asana as Ada Lovelace."


@pytest.mark.django_db(transaction=True)
def test_a_workflow_creates_a_task_through_a_stored_credential(alice, asana):
    credential = store.create(
        alice, "Work", "asana", {"access_token": TOKEN, "base_url": asana.url}
    )
    graph = {
        "nodes": [
            {"id": "start", "type": "trigger.manual", "config": {}},
            {
                "id": "task",
                "type": AS,
                "config": {
                    "credential": credential.pk,
                    "workspace": WORKSPACE,
                    "name": "Ticket from {{ trigger.who }}",
                },
            },
        ],
        "edges": [{"source": "start", "target": "task"}],
    }
    execution = engine.start_execution(make_workflow(alice, graph), {"who": "Ada"})
    execution.refresh_from_db()
    assert execution.status == "succeeded", execution.error
    [task] = asana.tasks.values()
    assert task["name"] == "Ticket from Ada"
