"""app.taiga against a fake Taiga API (tests/fakes/taiga.py): the sign-in, each operation's
request and output, an update carrying the version it applies to, lists across pages, Taiga's
errors, the login's test, and a run through the engine with a stored credential."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from pydantic import ValidationError

from credentials import store
from executions import engine
from executions.models import Step
from integrations.taiga import rest_api
from integrations.taiga.node import Config
from tests.app_nodes import app_error, run_app
from tests.engine_helpers import chain, make_workflow
from tests.fakes import running
from tests.fakes.taiga import AUTH_TOKEN, PASSWORD, PROJECT, USER, FakeTaiga
from workfuse.lib.node_run import NodeError, Secret

TG = "app.taiga"


@pytest.fixture
def taiga(settings: Any) -> Iterator[FakeTaiga]:
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    with running(FakeTaiga()) as fake:
        yield fake


def login(fake: FakeTaiga, password: str = PASSWORD) -> Secret:
    settings = {"base_url": fake.url, "username": USER}
    return Secret("taiga", {"password": password}, settings, name="Board")


def test_create_issue_signs_in_then_posts_the_issue(taiga):
    config = {
        "project_id": str(PROJECT),
        "subject": "n8n-docs",
        "description": "Docs",
        "fields": {"priority": 3, "tags": ["docs"]},
    }
    output = run_app(TG, config, login(taiga))
    sign_in, create = taiga.requests
    assert (sign_in.method, sign_in.path) == ("POST", "/api/v1/auth")
    assert sign_in.json == {"type": "normal", "username": USER, "password": PASSWORD}
    assert (create.method, create.path) == ("POST", "/api/v1/issues")
    assert create.headers["authorization"] == f"Bearer {AUTH_TOKEN}"
    assert create.json == {
        "priority": 3,
        "tags": ["docs"],
        "subject": "n8n-docs",
        "description": "Docs",
        "project": PROJECT,
    }
    assert output["id"] == taiga.issues[0]["id"] and output["tags"] == ["docs"]


def test_update_sends_the_version_it_read_and_get_and_delete_follow(taiga):
    issue = taiga.add("Old", version=4)
    by_id = {"issue_id": str(issue["id"])}
    updated = run_app(TG, by_id | {"operation": "update_issue", "description": "New"}, login(taiga))
    got = run_app(TG, by_id | {"operation": "get_issue"}, login(taiga))
    deleted = run_app(TG, by_id | {"operation": "delete_issue"}, login(taiga))
    calls = [(r.method, r.path) for r in taiga.requests if r.path != "/api/v1/auth"]
    path = f"/api/v1/issues/{issue['id']}"
    assert calls == [("GET", path), ("PATCH", path), ("GET", path), ("DELETE", path)]
    assert taiga.requests[2].json == {"description": "New", "version": 4}
    assert updated["version"] == got["version"] == 5 and got["description"] == "New"
    assert deleted == {"success": True} and taiga.issues == [] and taiga.sign_ins == 3


def test_list_issues_reads_every_page_of_the_project(taiga):
    for n in range(70):
        taiga.add(f"Issue {n}")
    taiga.add("Elsewhere", project=1)
    output = run_app(TG, {"operation": "list_issues", "project_id": str(PROJECT)}, login(taiga))
    pages = [r.query for r in taiga.requests if r.path == "/api/v1/issues"]
    assert pages == [{"project": [str(PROJECT)], "page": [str(n)]} for n in (1, 2, 3)]
    assert output["count"] == 70 and output["issues"][-1]["subject"] == "Issue 69"
    few = run_app(
        TG, {"operation": "list_issues", "project_id": str(PROJECT), "max_results": 5}, login(taiga)
    )
    assert few["count"] == 5


@pytest.mark.parametrize(
    ("config", "field"),
    [
        ({"operation": "create_issue", "subject": "x"}, "project_id"),
        ({"operation": "get_issue"}, "issue_id"),
    ],
)
def test_each_operation_names_the_fields_it_needs(config, field):
    with pytest.raises(ValidationError) as caught:
        Config.model_validate(config)
    assert caught.value.errors()[0]["loc"] == (field,)


def test_taiga_s_refusals_are_quoted_and_a_wrong_password_names_the_credential(taiga):
    failed = app_error(TG, {"operation": "get_issue", "issue_id": "1"}, login(taiga, "old"))
    assert not failed.retryable
    assert failed.message.startswith(
        "Taiga did not accept the credential “Board” (Username or password does not matches user.)"
    )
    missing = app_error(TG, {"operation": "get_issue", "issue_id": "9"}, login(taiga))
    assert (
        missing.message == "Taiga refused get_issue (HTTP 404): No Issue matches the given query."
    )
    empty = app_error(TG, {"operation": "update_issue", "issue_id": "9"}, login(taiga))
    assert empty.message.startswith("update_issue changes nothing")
    words = app_error(TG, {"operation": "get_issue", "issue_id": "abc"}, login(taiga))
    assert words.message == "issue_id must be Taiga's numeric id, not “abc”."


def test_the_login_test_signs_in(taiga):
    assert rest_api.check_login(login(taiga)) == "Connected to Taiga as Ada Lovelace."
    with pytest.raises(NodeError, match="did not accept the credential “Board”"):
        rest_api.check_login(login(taiga, "old"))


@pytest.mark.django_db(transaction=True)
def test_a_run_creates_the_rendered_issue_with_the_stored_credential(alice, taiga):
    value = {"password": PASSWORD, "username": USER, "base_url": taiga.url}
    credential = store.create(alice, "Board", "taiga", value)
    node = {
        "id": "issue",
        "type": TG,
        "config": {
            "credential": credential.pk,
            "project_id": "{{ trigger.project }}",
            "subject": "Docs for {{ trigger.node }}",
        },
    }
    execution = engine.start_execution(
        make_workflow(alice, chain(node)), {"project": PROJECT, "node": "Taiga"}
    )
    execution.refresh_from_db()
    assert execution.status == "succeeded", execution.error
    [issue] = taiga.issues
    assert issue["subject"] == "Docs for Taiga"
    step = Step.objects.get(execution=execution, key="issue")
    assert step.output is not None and step.output["id"] == issue["id"]
    assert PASSWORD not in json.dumps([step.input, step.output])
