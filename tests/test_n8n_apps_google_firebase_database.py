"""Importing n8n's Google Cloud Realtime Database node
(editor/n8n/apps_google_firebase_database.py) onto `app.google_firebase_database`: the config
each operation becomes, the refusals (the corpus's own node has no project), and the corpus's
push, its project chosen, run in the engine against the fake Firebase."""

from __future__ import annotations

from typing import Any

import pytest

from credentials import store
from editor.n8n import convert
from editor.validation import validate_graph
from executions import engine
from tests.engine_helpers import make_workflow
from tests.fakes import running
from tests.fakes.google_firebase_database import FakeFirebase
from tests.fakes.google_sheets import new_key
from tests.test_n8n_apps import converted, refusal, single

CORPUS: dict[str, Any] = {
    "path": "iss",
    "operation": "push",
    "projectId": "",
    "attributes": "latitude, longitude, timestamp",
}
CHOSEN = CORPUS | {"projectId": "iss-tracker"}
ISS = {"latitude": 51.5, "longitude": -0.12, "timestamp": 1700000000}


@pytest.mark.parametrize(
    ("params", "config"),
    [
        (
            {**CHOSEN, "operation": "get"},
            {"operation": "get", "project_id": "iss-tracker", "path": "iss"},
        ),
        (
            {**CHOSEN, "operation": "delete"},
            {"operation": "delete", "project_id": "iss-tracker", "path": "iss"},
        ),
        (
            {**CHOSEN, "operation": "create", "attributes": "latitude"},
            {
                "operation": "set",
                "project_id": "iss-tracker",
                "path": "iss",
                "data": {"latitude": "{{ trigger.latitude }}"},
            },
        ),
    ],
)
def test_each_operation_becomes_its_firebase_config(params, config):
    node = converted("googleFirebaseRealtimeDatabase", params)
    assert node["type"] == "app.google_firebase_database"
    assert node["config"] == config
    assert "choose a Google credential (a Google service-account key)" in node["notes"]


@pytest.mark.parametrize(
    ("params", "said"),
    [
        (CORPUS, "has no Project ID"),
        ({**CHOSEN, "attributes": ""}, "writes no attributes"),
        ({**CHOSEN, "operation": "list"}, "does 'list'"),
    ],
)
def test_what_the_firebase_node_lacks_is_refused_naming_node_and_construct(params, said):
    message = refusal("googleFirebaseRealtimeDatabase", params)
    assert "'App' (n8n-nodes-base.googleFirebaseRealtimeDatabase)" in message
    assert said in message


@pytest.mark.django_db(transaction=True)
def test_the_corpus_s_push_runs_once_its_project_is_chosen(alice, settings):
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    graph = convert(single("googleFirebaseRealtimeDatabase", CHOSEN, name="Realtime Database"))
    assert validate_graph(graph) == []
    public, private = new_key()
    with running(FakeFirebase(public.public_key())) as google:
        credential = store.create(
            alice,
            "Acme Google",
            "google_sheets",
            {"service_account_key": private, "base_url": google.url, "token_url": google.token_url},
        )
        for node in graph["nodes"]:
            if node["type"] == "app.google_firebase_database":
                node["config"]["credential"] = credential.pk
        execution = engine.start_execution(make_workflow(alice, graph), ISS)
        execution.refresh_from_db()
        assert execution.status == "succeeded", execution.error
    assert google.tree == {"iss": {"-N00000001": ISS}}
