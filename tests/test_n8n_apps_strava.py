"""Importing n8n's Strava node (editor/n8n/apps_strava.py, version 1) onto `app.strava`: each
activity operation's config, the refusals, and the corpus's workflow (create an activity,
describe it, read it back) run by hand against the fake Strava."""

from __future__ import annotations

from typing import Any

import pytest

from credentials import store
from editor.n8n import convert
from editor.validation import validate_graph
from executions import engine
from tests.engine_helpers import make_workflow
from tests.fakes import running
from tests.fakes.strava import FakeStrava
from tests.test_integrations_strava import fields
from tests.test_n8n_apps import converted, refusal

CREATE = {
    "name": "Morning Run",
    "type": "Run",
    "startDate": "2020-10-01T18:30:00.000Z",
    "elapsedTime": 3600,
    "additionalFields": {"distance": 1000, "trainer": True},
}
BY_ID = {"activityId": "={{ $json.id }}"}


@pytest.mark.parametrize(
    ("params", "config"),
    [
        (
            CREATE,
            {
                "operation": "create_activity",
                "name": "Morning Run",
                "activity_type": "Run",
                "start_date": "2020-10-01T18:30:00.000Z",
                "elapsed_time": 3600,
                "distance": 1000,
                "trainer": True,
            },
        ),
        (
            BY_ID | {"operation": "update", "updateFields": {"name": "Run", "gear_id": "none"}},
            {
                "operation": "update_activity",
                "activity_id": "{{ trigger.id }}",
                "name": "Run",
                "gear_id": "none",
            },
        ),
        (
            BY_ID | {"operation": "get"},
            {"operation": "get_activity", "activity_id": "{{ trigger.id }}"},
        ),
        (
            {"operation": "getAll", "returnAll": True},
            {"operation": "list_activities", "max_results": 5000},
        ),
        ({"operation": "getAll"}, {"operation": "list_activities", "max_results": 50}),
        (
            {"operation": "getKudos", "activityId": "7", "limit": 5},
            {"operation": "list_kudos", "activity_id": "7", "max_results": 5},
        ),
        (
            {"operation": "getStreams", "activityId": "7", "keys": ["heartrate", "watts"]},
            {"operation": "get_streams", "activity_id": "7", "stream_keys": ["heartrate", "watts"]},
        ),
    ],
)
def test_each_operation_becomes_its_config(params, config):
    node = converted("strava", params)
    assert node["type"] == "app.strava"
    assert node["config"] == config


@pytest.mark.parametrize(
    ("params", "said"),
    [
        ({"operation": "get"}, "names no Activity ID"),
        (CREATE | {"startDate": ""}, "names no Start Date"),
        ({"resource": "segment", "operation": "get"}, "does 'segment / get'"),
    ],
)
def test_what_the_node_lacks_is_refused_naming_node_and_construct(params, said):
    message = refusal("strava", params)
    assert "'App' (n8n-nodes-base.strava)" in message
    assert said in message


def node(name: str, kind: str, params: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": name,
        "type": f"n8n-nodes-base.{kind}",
        "typeVersion": 1,
        "position": [0, 0],
        "parameters": params,
    }


def link(source: str, target: str) -> dict[str, Any]:
    return {source: {"main": [[{"node": target, "type": "main", "index": 0}]]}}


# The corpus's 1206_Manual_Strava_Create_Triggered, as exported.
WORKFLOW = {
    "nodes": [
        node("On clicking 'execute'", "manualTrigger", {}),
        node("Strava", "strava", {k: v for k, v in CREATE.items() if k != "additionalFields"}),
        node(
            "Strava1",
            "strava",
            {
                "operation": "update",
                "activityId": '={{$node["Strava"].json["id"]}}',
                "updateFields": {"description": "Morning run in the park"},
            },
        ),
        node(
            "Strava2",
            "strava",
            {"operation": "get", "activityId": '={{$node["Strava"].json["id"]}}'},
        ),
    ],
    "connections": link("On clicking 'execute'", "Strava")
    | link("Strava", "Strava1")
    | link("Strava1", "Strava2"),
}


@pytest.mark.django_db(transaction=True)
def test_the_corpus_workflow_creates_describes_and_reads_an_activity(alice, settings):
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    graph = convert(WORKFLOW)
    assert validate_graph(graph) == []
    with running(FakeStrava()) as strava:
        credential = store.create(alice, "Ada's Strava", "strava", fields(strava))
        for step in graph["nodes"]:
            if step["type"] == "app.strava":
                step["config"]["credential"] = credential.pk
        trigger = next(n["id"] for n in graph["nodes"] if n["type"] == "trigger.manual")
        execution = engine.start_execution(make_workflow(alice, graph), {}, trigger_node=trigger)
        execution.refresh_from_db()
        assert execution.status == "succeeded", execution.error
    [activity] = strava.activities
    assert activity["description"] == "Morning run in the park"
    assert activity["start_date_local"] == "2020-10-01T18:30:00.000Z"
    read = execution.steps.get(key="strava2").output
    assert read["id"] == activity["id"] and read["description"] == "Morning run in the park"
    assert [r.method for r in strava.requests if r.path.startswith("/api/v3")] == [
        "POST",
        "PUT",
        "GET",
    ]
