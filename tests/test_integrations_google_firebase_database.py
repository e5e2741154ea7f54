"""app.google_firebase_database against a fake Firebase Realtime Database
(tests/fakes/google_firebase_database.py) with the service-account key credential: each
operation's method and `<path>.json` address, the token's Firebase scopes, Firebase's refusal,
the database address from the project, and a run through the engine."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from pydantic import ValidationError

from credentials import store
from executions import engine
from executions.models import Step
from integrations.google_firebase_database.node import SCOPES, Config, _url
from tests.app_nodes import app_error, run_app
from tests.engine_helpers import chain, make_workflow
from tests.fakes import running
from tests.fakes.google_firebase_database import FakeFirebase
from tests.fakes.google_sheets import new_key
from workfuse.lib.node_run import Secret

FB = "app.google_firebase_database"


@pytest.fixture(scope="module")
def keys() -> tuple[Any, str]:
    return new_key()


@pytest.fixture
def google(keys: tuple[Any, str], settings: Any) -> Iterator[FakeFirebase]:
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    with running(FakeFirebase(keys[0].public_key())) as fake:
        yield fake


@pytest.fixture
def key(google: FakeFirebase, keys: tuple[Any, str]) -> Secret:
    settings = {"base_url": google.url, "token_url": google.token_url}
    return Secret("google_sheets", {"service_account_key": keys[1]}, settings, name="Acme Google")


def test_each_operation_is_its_method_on_the_paths_json(google, key):
    ada = {"path": "users/ada"}
    assert run_app(FB, {"operation": "set", **ada, "data": {"name": "Ada"}}, key) == {"name": "Ada"}
    assert google.assertions[0]["scope"] == SCOPES
    assert run_app(FB, {"operation": "update", **ada, "data": {"score": 10}}, key) == {"score": 10}
    pushed = run_app(FB, {"operation": "push", "path": "iss", "data": {"latitude": 51.5}}, key)
    assert pushed == {"name": "-N00000001"}
    assert run_app(FB, {"operation": "get", **ada}, key) == {"name": "Ada", "score": 10}
    assert run_app(FB, {"operation": "get", "path": "users/ada/score"}, key) == {"value": 10}
    calls = [(r.method, r.path) for r in google.requests if r.path != "/token"]
    assert calls[:3] == [
        ("PUT", "/users/ada.json"),
        ("PATCH", "/users/ada.json"),
        ("POST", "/iss.json"),
    ]
    assert run_app(FB, {"operation": "delete", **ada}, key) == {"success": True}
    assert google.tree == {"users": {}, "iss": {"-N00000001": {"latitude": 51.5}}}


def test_firebases_refusal_names_the_credential(google, key):
    google.rules_deny = True
    refused = app_error(FB, {"operation": "get", "path": "x"}, key)
    assert "Permission denied" in refused.message and "Acme Google" in refused.message
    assert not refused.retryable


def test_the_database_address_comes_from_the_project_or_is_given():
    config = Config.model_validate({"project_id": "acme-app", "path": "/a b/c/"})
    assert _url(config, None) == "https://acme-app.firebaseio.com/a%20b/c.json"
    given = Config.model_validate({"database_url": "https://x.firebasedatabase.app/"})
    assert _url(given, None) == "https://x.firebasedatabase.app/.json"


@pytest.mark.parametrize(
    ("config", "field"),
    [({"operation": "push"}, "data"), ({"operation": "set", "data": "[1]"}, "data")],
)
def test_writes_need_a_json_object(config, field):
    with pytest.raises(ValidationError) as caught:
        Config.model_validate(config)
    assert caught.value.errors()[0]["loc"] == (field,)


@pytest.mark.django_db(transaction=True)
def test_a_run_pushes_the_triggers_position_with_the_stored_key(alice, google, keys):
    credential = store.create(
        alice,
        "Acme Google",
        "google_sheets",
        {"service_account_key": keys[1], "base_url": google.url, "token_url": google.token_url},
    )
    node = {
        "id": "push",
        "type": FB,
        "config": {
            "credential": credential.pk,
            "operation": "push",
            "path": "iss",
            "data": {"latitude": "{{ trigger.latitude }}"},
        },
    }
    execution = engine.start_execution(make_workflow(alice, chain(node)), {"latitude": 51.5})
    execution.refresh_from_db()
    assert execution.status == "succeeded", execution.error
    step = Step.objects.get(execution=execution, key="push")
    assert step.output == {"name": "-N00000001"}
    assert google.tree == {"iss": {"-N00000001": {"latitude": 51.5}}}
