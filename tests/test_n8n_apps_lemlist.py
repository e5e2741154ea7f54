"""Importing n8n's lemlist node (editor/n8n/apps_lemlist.py) onto `app.lemlist` and its lemlist
Trigger (editor/n8n/service_triggers.py) onto a webhook with an output step: the config each
lead operation becomes (from the corpus's own settings), the refusals, and an imported
"unsubscribe whoever replies" workflow run against the fake lemlist."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from credentials import store
from editor.models import Workflow
from editor.n8n import convert
from editor.validation import validate_graph
from executions.models import Execution
from tests.fakes import running
from tests.fakes.lemlist import CAMPAIGN, KEY, FakeLemlist
from tests.test_n8n_apps import BASE, converted, refusal


@pytest.mark.parametrize(
    ("params", "config"),
    [
        (  # workflows_backup 1220 Airtable → Lemlist
            {
                "email": '={{$json["fields"]["Email"]}}',
                "resource": "lead",
                "campaignId": "cam_H5pYEryq6mRKBiy5v",
                "additionalFields": {"firstName": '={{$json["fields"]["Name"]}}'},
            },
            {
                "operation": "add_lead",
                "email": "{{ trigger.fields.Email }}",
                "campaign_id": "cam_H5pYEryq6mRKBiy5v",
                "first_name": "{{ trigger.fields.Name }}",
            },
        ),
        (
            {"email": "a@b.c", "resource": "lead", "operation": "get"},
            {"operation": "get_lead", "email": "a@b.c"},
        ),
        (
            {"email": "a@b.c", "resource": "lead", "operation": "unsubscribe", "campaignId": "c"},
            {"operation": "unsubscribe_lead", "email": "a@b.c", "campaign_id": "c"},
        ),
        (
            {"email": "a@b.c", "resource": "lead", "operation": "delete", "campaignId": "c"},
            {"operation": "delete_lead", "email": "a@b.c", "campaign_id": "c"},
        ),
    ],
)
def test_each_operation_becomes_its_lemlist_config(params, config):
    node = converted("lemlist", params)
    assert node["type"] == "app.lemlist"
    assert node["config"] == config
    assert "choose a lemlist credential (the team's API key)" in node["notes"]


@pytest.mark.parametrize(
    ("params", "said"),
    [
        ({"operation": "getAll"}, "does 'activity / getAll'"),
        ({"resource": "lead", "campaignId": "c"}, "names no lead (Email)"),
        ({"resource": "lead", "operation": "delete", "email": "a@b.c"}, "names no campaign"),
    ],
)
def test_what_the_lemlist_node_lacks_is_refused_naming_node_and_construct(params, said):
    message = refusal("lemlist", params)
    assert "'App' (n8n-nodes-base.lemlist)" in message
    assert said in message


def reply_workflow() -> dict[str, Any]:
    """The corpus's "Classify lemlist replies": the trigger, then an unsubscribe of the lead."""
    return {
        "name": "Replies",
        "nodes": [
            {
                "parameters": {"event": "emailsReplied", "options": {"isFirst": True}},
                "name": "Lemlist Trigger - On new reply",
                "type": f"{BASE}lemlistTrigger",
                "typeVersion": 1,
                "position": [0, 0],
                "credentials": {"lemlistApi": {"id": "1", "name": "Lemlist"}},
            },
            {
                "parameters": {
                    "email": '={{ $json["leadEmail"] }}',
                    "resource": "lead",
                    "operation": "unsubscribe",
                    "campaignId": '={{$json["campaignId"]}}',
                },
                "name": "Lemlist - Unsubscribe",
                "type": f"{BASE}lemlist",
                "typeVersion": 1,
                "position": [240, 0],
            },
        ],
        "connections": {
            "Lemlist Trigger - On new reply": {
                "main": [[{"node": "Lemlist - Unsubscribe", "type": "main", "index": 0}]]
            }
        },
    }


def test_the_trigger_becomes_an_unsigned_webhook_with_a_note_on_adding_the_hook():
    graph = convert(reply_workflow())
    assert validate_graph(graph) == []
    [hook] = [n for n in graph["nodes"] if n["type"] == "trigger.webhook"]
    assert hook["config"] == {"methods": ["POST"], "response": "immediate", "auth": "none"}
    assert "type emailsReplied with isFirst true" in hook["notes"]
    [unsubscribe] = [n for n in graph["nodes"] if n["type"] == "app.lemlist"]
    assert (
        unsubscribe["config"]["email"]
        == "{{ nodes.lemlist_trigger_on_new_reply.result.leadEmail }}"
    )


@pytest.mark.django_db(transaction=True)
def test_a_reply_lemlist_posts_unsubscribes_its_lead(alice, settings):
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    graph = convert(reply_workflow())
    with running(FakeLemlist()) as lemlist:
        lemlist.leads["ada@acme.test"] = {"_id": "lea_1", "email": "ada@acme.test"}
        credential = store.create(
            alice, "Outreach", "lemlist", {"api_key": KEY, "base_url": lemlist.url}
        )
        for node in graph["nodes"]:
            if node["type"] == "app.lemlist":
                node["config"]["credential"] = credential.pk
        workflow = Workflow.create(alice, "replies", graph=graph)
        workflow.is_active = True
        workflow.save()
        activity = {
            "type": "emailsReplied",
            "leadEmail": "ada@acme.test",
            "campaignId": CAMPAIGN,
            "text": "Not interested",
        }
        response = Client().post(
            f"/hooks/{workflow.webhook_token}",
            data=json.dumps(activity),
            content_type="application/json",
        )
        assert response.status_code == 202, response.content
        execution = Execution.objects.get(pk=response.json()["execution_id"])
        assert execution.status == "succeeded", execution.error
        assert lemlist.leads["ada@acme.test"]["state"] == "unsubscribed"
