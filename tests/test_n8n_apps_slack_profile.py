"""Importing n8n's Slack user profile operations (version 1's userProfile, version 2's user
getProfile / updateProfile) onto app.slack's get_profile and update_profile: the config, the
refusals, and the corpus's calendar-status node run in the engine against the fake Slack, its
output the profile n8n outputs."""

from __future__ import annotations

import pytest

from credentials import store
from editor.n8n import convert
from editor.validation import validate_graph
from executions import engine
from tests.engine_helpers import make_workflow
from tests.fakes import running
from tests.fakes.slack import USER_TOKEN, FakeSlack
from tests.test_n8n_apps import RL, converted, refusal, single

# 0078_Manual_Slack_Monitor_Webhook's 'Slack - Status' (version 1).
CORPUS = {
    "resource": "userProfile",
    "operation": "update",
    "additionalFields": {
        "status_text": '={{$json["summary"]}}',
        "status_emoji": '=:{{$json["calColor"]}}:',
    },
}


def test_the_corpus_s_v1_status_update_becomes_update_profile():
    node = converted("slack", CORPUS)
    assert node["type"] == "app.slack"
    assert node["config"] == {
        "operation": "update_profile",
        "status_text": "{{ trigger.summary }}",
        "status_emoji": ":{{ trigger.calColor | n8n_text }}:",
    }
    assert "a user token (xoxp-…) with users.profile:write" in node["notes"]


def test_v1_fields_custom_fields_user_and_expiration_in_the_workflow_s_zone():
    params = {
        "resource": "userProfile",
        "operation": "update",
        "additionalFields": {
            "first_name": "Ada",
            "email": "ada@example.com",
            "user": "U0003",
            "status_expiration": "2026-12-24T18:00:00",
            "customFieldUi": {"customFieldValues": [{"id": "Xf0001", "value": "Eng", "alt": ""}]},
        },
    }
    data = single("slack", params)
    data["settings"] = {"timezone": "Europe/Berlin"}
    [node] = [n for n in convert(data)["nodes"] if n["type"] == "app.slack"]
    assert node["config"] == {
        "operation": "update_profile",
        "user": "U0003",
        "first_name": "Ada",
        "email": "ada@example.com",
        "status_expiration": "2026-12-24T18:00:00",
        "time_zone": "Europe/Berlin",
        "custom_fields": [{"id": "Xf0001", "value": "Eng", "alt": ""}],
    }
    assert "time_zone" not in node["notes"]


def test_v2_update_profile_reads_set_status_and_an_empty_status_clears_it():
    params = {
        "resource": "user",
        "operation": "updateProfile",
        "options": {
            "status": {"set_status": [{"status_text": "Out", "status_emoji": ":palm_tree:"}]},
            "last_name": "Byron",
        },
    }
    node = converted("slack", params, 2.2)
    assert node["config"] == {
        "operation": "update_profile",
        "status_text": "Out",
        "status_emoji": ":palm_tree:",
        "last_name": "Byron",
    }
    empty = {"status": {"set_status": [{"status_text": "", "status_emoji": ""}]}}
    node = converted("slack", {**params, "options": empty}, 2.2)
    assert node["config"] == {"operation": "update_profile", "clear_status": True}


def test_get_profile_in_both_versions():
    v1 = {
        "resource": "userProfile",
        "operation": "get",
        "additionalFields": {"user": "U0003", "include_labels": True},
    }
    assert converted("slack", v1)["config"] == {
        "operation": "get_profile",
        "user": "U0003",
        "include_labels": True,
    }
    v2 = {"resource": "user", "operation": "getProfile", "user": {**RL, "value": "U0003"}}
    assert converted("slack", v2, 2.2)["config"] == {"operation": "get_profile", "user": "U0003"}


@pytest.mark.parametrize(
    ("params", "version", "said"),
    [
        ({"resource": "user", "operation": "getPresence"}, 2.2, "does 'user / getPresence'"),
        (
            {"resource": "userProfile", "operation": "update", "additionalFields": {"x": "1"}},
            1,
            "sets x, which n8n's Slack update_profile does not send",
        ),
    ],
)
def test_what_the_slack_node_lacks_is_refused_naming_node_and_construct(params, version, said):
    message = refusal("slack", params, version)
    assert "'App' (n8n-nodes-base.slack)" in message
    assert said in message


@pytest.mark.django_db(transaction=True)
def test_the_corpus_s_status_node_runs_and_outputs_slack_s_profile(alice, settings):
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    graph = convert(single("slack", CORPUS))
    assert validate_graph(graph) == []
    with running(FakeSlack()) as slack:
        credential = store.create(
            alice, "Ada", "slack", {"bot_token": USER_TOKEN, "base_url": slack.api_url}
        )
        [node] = [n for n in graph["nodes"] if n["type"] == "app.slack"]
        node["config"]["credential"] = credential.pk
        payload = {"summary": "Weekly sync", "calColor": "4dw_doing"}
        execution = engine.start_execution(make_workflow(alice, graph), payload)
        execution.refresh_from_db()
        assert execution.status == "succeeded", execution.error
    assert slack.requests[0].json == {
        "profile": {
            "status_text": "Weekly sync",
            "status_emoji": ":4dw_doing:",
            "status_expiration": 0,
        }
    }
    step = execution.steps.get(node_id=node["id"])
    assert step.output["status_text"] == "Weekly sync"
    assert step.output["status_emoji"] == ":4dw_doing:"
    assert step.output["real_name"] == "Ada Lovelace"
