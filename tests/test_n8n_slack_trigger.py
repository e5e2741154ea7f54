"""Importing n8n's Slack Trigger (editor/n8n/slack_trigger.py): the webhook trigger it becomes,
the events its start_when rules let through (n8n's SlackTrigger `webhook()` decision, event by
event, on Slack's documented payloads), `$json` read as the event, the refusals, and an export
imported through POST /api/workflows/import that answers Slack's signed URL check, runs for a
signed event of its channel and for nothing else."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from editor.graph import ImportRefused
from editor.models import Workflow
from editor.n8n import convert, import_n8n
from editor.nodes.trigger_webhook import Config, meets_start_when
from editor.validation import validate_graph
from executions.models import Execution, Step
from executions.signatures import sign

BASE = "n8n-nodes-base."
SIGNING_SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
CHANNEL = {"__rl": True, "value": "C0123ABCD", "mode": "list", "cachedResultName": "support"}


def export(params: dict[str, Any]) -> dict[str, Any]:
    """A Slack Trigger -> Edit Fields workflow, as n8n 1.x exports it."""
    return {
        "name": "Slack questions",
        "nodes": [
            {
                "parameters": params,
                "id": "e1f41863-12e5-4d35-8d6c-2f14884fb4ad",
                "name": "Slack Trigger",
                "type": f"{BASE}slackTrigger",
                "typeVersion": 1,
                "position": [0, 0],
                "webhookId": "a95a0f15-3d4d-4e26-b320-e6a285c63dc6",
                "credentials": {"slackApi": {"id": "bmLMktmeZdmPlgBG", "name": "Slack account"}},
            },
            {
                "parameters": {
                    "assignments": {
                        "assignments": [
                            {
                                "id": "a1",
                                "name": "question",
                                "value": "={{ $json.text }}",
                                "type": "string",
                            },
                            {
                                "id": "a2",
                                "name": "asker",
                                "value": "={{ $('Slack Trigger').item.json.user }}",
                                "type": "string",
                            },
                            {
                                "id": "a3",
                                "name": "thread",
                                "value": "={{ $json.ts }}",
                                "type": "string",
                            },
                        ]
                    },
                    "options": {},
                },
                "id": "6b0d1c1e-3c0a-4c8e-9d56-1b2f1f5a0c11",
                "name": "Edit Fields",
                "type": f"{BASE}set",
                "typeVersion": 3.4,
                "position": [220, 0],
            },
        ],
        "connections": {
            "Slack Trigger": {"main": [[{"node": "Edit Fields", "type": "main", "index": 0}]]}
        },
        "settings": {"executionOrder": "v1"},
    }


def hook_config(params: dict[str, Any]) -> dict[str, Any]:
    graph = convert(export(params))
    assert validate_graph(graph) == []
    return next(n for n in graph["nodes"] if n["type"] == "trigger.webhook")["config"]


def envelope(event: dict[str, Any], kind: str = "event_callback") -> dict[str, Any]:
    """Slack's Events API envelope around an event (api.slack.com/apis/events-api)."""
    return {
        "token": "XXYYZZ",
        "team_id": "T123ABC456",
        "api_app_id": "A123ABC456",
        "event": event,
        "type": kind,
        "event_id": "Ev123ABC456",
        "event_time": 1355517523,
    }


def message(channel: str = "C0123ABCD", user: str = "U0ASKER01", **extra: Any) -> dict[str, Any]:
    return {
        "type": "message",
        "channel": channel,
        "user": user,
        "text": "Where is the VPN guide?",
        "ts": "1355517523.000005",
        "event_ts": "1355517523.000005",
        "channel_type": "channel",
        **extra,
    }


def reaction(emoji: str, channel: str = "C0123ABCD") -> dict[str, Any]:
    return {
        "type": "reaction_added",
        "user": "U0ASKER01",
        "reaction": emoji,
        "item_user": "U0OTHER01",
        "item": {"type": "message", "channel": channel, "ts": "1360782400.498405"},
        "event_ts": "1360782804.083113",
    }


TEAM_JOIN = {"type": "team_join", "user": {"id": "U0NEW0001", "name": "ada"}}
HOME = {"type": "app_home_opened", "user": "U0ASKER01", "channel": "D0HOME001", "tab": "home"}
CREATED = {
    "type": "channel_created",
    "channel": {"id": "C0NEW0001", "name": "fun", "created": 1360782804, "creator": "U0ASKER01"},
}
MENTION = {
    "type": "app_mention",
    "user": "U0ASKER01",
    "text": "<@U0BOT0001> is it everything a river should be?",
    "ts": "1515449522.000016",
    "channel": "C0123ABCD",
}
EDITED_BY_BOT = message(
    subtype="message_changed",
    user=None,
    message={"type": "message", "user": "U0BOT0001", "text": "edited"},
)

ONLY_MESSAGES = {"trigger": ["message"], "channelId": CHANNEL, "options": {}}
ANY = {"trigger": ["any_event"], "channelId": CHANNEL}
EMOJIS = {"trigger": ["reaction_added"], "watchWorkspace": True}
IGNORING = {"userIds": '={{ ["U0BOT0001"] }}'}


# Each: the node's settings, the event, and whether n8n's webhook() started a run for it.
DECISIONS = [
    (ONLY_MESSAGES, message(), True),
    (ONLY_MESSAGES, message(channel="C0OTHER01"), False),
    (ONLY_MESSAGES, MENTION, False),
    (ONLY_MESSAGES, TEAM_JOIN, False),
    (
        {"trigger": ["app_mention"], "watchWorkspace": True},
        {**MENTION, "channel": "C0OTHER01"},
        True,
    ),
    ({"trigger": ["app_mention"], "watchWorkspace": True}, message(), False),
    (ANY, TEAM_JOIN, True),  # no channel to compare
    (ANY, HOME, True),  # its channel is not compared
    (ANY, reaction("eyes"), True),  # item.channel
    (ANY, reaction("eyes", channel="C0OTHER01"), False),
    (ANY, message(channel=None, channel_id="C0123ABCD"), True),  # channel ?? ... ?? channel_id
    (ANY, CREATED, False),  # its channel is an object, never the id n8n compared
    ({"trigger": ["file_share"], "channelId": CHANNEL}, MENTION, True),  # lets every type in
    ({**ONLY_MESSAGES, "options": IGNORING}, message(user="U0BOT0001"), False),
    ({**ONLY_MESSAGES, "options": IGNORING}, EDITED_BY_BOT, False),  # user ?? message.user
    ({**ONLY_MESSAGES, "options": IGNORING}, message(), True),
    ({**ONLY_MESSAGES, "options": {"userIds": ["U0ASKER01", "U0BOT0001"]}}, message(), False),
    ({**EMOJIS, "options": {"reactionEmojis": "ThumbsUp, eyes"}}, reaction("thumbsup"), True),
    ({**EMOJIS, "options": {"reactionEmojis": "ThumbsUp, eyes"}}, reaction("EYES"), True),
    ({**EMOJIS, "options": {"reactionEmojis": "ThumbsUp, eyes"}}, reaction("heart"), False),
    ({**EMOJIS, "options": {"reactionEmojis": ""}}, reaction("heart"), True),
    (
        {
            "trigger": ["message", "reaction_added"],
            "channelId": CHANNEL,
            "options": {"reactionEmojis": "eyes"},
        },
        message(),
        True,  # the emoji filter is for reactions only
    ),
    (
        {
            "trigger": ["message", "reaction_added"],
            "channelId": CHANNEL,
            "options": {"reactionEmojis": "eyes"},
        },
        reaction("heart"),
        False,
    ),
    (
        {
            "trigger": ["message"],
            "channelId": {
                "__rl": True,
                "mode": "url",
                "value": "https://app.slack.com/client/T0001/C0123ABCD",
            },
        },
        message(),
        True,
    ),
    ({"trigger": ["message"], "channelId": "C0123ABCD"}, message(), True),  # a plain string
]


@pytest.mark.parametrize(("params", "event", "starts"), DECISIONS)
def test_the_start_rules_let_through_the_events_n8n_ran_for(params, event, starts):
    config = Config.model_validate(hook_config(params))
    call = {"method": "POST", "headers": {}, "query": {}, "body": envelope(event)}
    assert meets_start_when(config, call) is starts


def test_a_call_that_is_not_an_event_starts_nothing():
    config = Config.model_validate(hook_config(ANY | {"watchWorkspace": True}))
    rate_limited = {"type": "app_rate_limited", "team_id": "T1", "minute_rate_limited": 1518467820}
    assert not meets_start_when(config, {"body": rate_limited})
    assert meets_start_when(config, {"body": envelope(message())})


def test_the_trigger_is_a_post_webhook_answering_slacks_check_with_slacks_signature_ready():
    graph = convert(export(ONLY_MESSAGES))
    hook, fields = graph["nodes"]
    assert hook["config"] == {
        "methods": ["POST"],
        "response": "immediate",
        "auth": "none",
        "hmac_preset": "slack",
        "challenge": "slack",
        "start_when": {
            "combinator": "and",
            "rules": [
                {"left": "{{ trigger.body.type }}", "operator": "eq", "right": "event_callback"},
                {"left": "{{ trigger.body.event.type }}", "operator": "eq", "right": "message"},
                {
                    "left": "{{ trigger.body.event.channel | default((trigger.body.event.item "
                    "| default({})).channel | default(trigger.body.event.channel_id "
                    "| default(none, true), true), true) }}",
                    "operator": "eq",
                    "right": "C0123ABCD",
                },
            ],
        },
    }
    assert "Signing Secret" in hook["notes"] and "set auth to hmac" in hook["notes"]
    # $json after the trigger is Slack's event, as n8n's item was.
    expression = fields["config"]["expression"]
    assert "trigger.body.event.text" in expression and "trigger.body.event.user" in expression
    assert "trigger.text" not in expression


def test_the_report_asks_for_a_webhook_secret_where_n8n_had_its_slack_credential():
    [slot] = import_n8n(export(ONLY_MESSAGES)).report.credentials
    assert (slot.node_id, slot.kind, slot.n8n_type) == (
        "slack_trigger",
        "webhook_secret",
        "slackApi",
    )


def test_notes_say_which_events_n8n_never_matched_and_an_empty_channel():
    graph = convert(
        export({"trigger": ["channel_created"], "channelId": {"__rl": True, "value": ""}})
    )
    notes = graph["nodes"][0]["notes"]
    assert "channel_created events" in notes and "drop the channel rule" in notes
    assert "Channel to Watch is empty" in notes


@pytest.mark.parametrize(
    ("params", "says"),
    [
        ({"trigger": []}, "listens to no events (n8n started no run)"),
        ({}, "listens to no events"),
        ({"trigger": "={{ ['message'] }}"}, "listens to no events"),
        ({**ONLY_MESSAGES, "options": {"resolveIds": True}}, "has Resolve IDs on"),
        ({**ANY, "downloadFiles": True}, "has Download Files on"),
        (
            {
                "trigger": ["message"],
                "channelId": {"__rl": True, "mode": "id", "value": "={{ $json.c }}"},
            },
            "names Channel to Watch with an expression",
        ),
        (
            {
                "trigger": ["message"],
                "channelId": {"__rl": True, "mode": "url", "value": "https://x.test/C1"},
            },
            "is not a Slack channel URL",
        ),
        (
            {**ONLY_MESSAGES, "options": {"userIds": "={{ $json.bot }}"}},
            "an expression other than a list of IDs",
        ),
        (
            {**EMOJIS, "options": {"reactionEmojis": "={{ $json.e }}"}},
            "Emoji Names to Filter with an expression",
        ),
    ],
)
def test_settings_without_a_faithful_form_are_refused_by_name(params, says):
    with pytest.raises(ImportRefused) as refused:
        convert(export(params))
    [issue] = refused.value.issues
    assert says in issue.message


def test_download_files_without_file_events_is_ignored_as_n8n_did():
    config = hook_config({**ONLY_MESSAGES, "downloadFiles": True})
    assert config["challenge"] == "slack"


# --- through the API, with Slack's signed calls --------------------------------------------


def slack_post(workflow: Workflow, body: dict[str, Any], secret: str = SIGNING_SECRET) -> Any:
    raw = json.dumps(body).encode()
    signing = Config.model_validate({"auth": "hmac", "hmac_preset": "slack", "credential": 1})
    headers = {
        "HTTP_" + name.upper().replace("-", "_"): value
        for name, value in sign(signing, secret, raw).items()
    }
    return Client().post(
        f"/hooks/{workflow.webhook_token}", data=raw, content_type="application/json", **headers
    )


def imported_and_signed(api: Any) -> Workflow:
    """The export imported through the API, then set up as its note says: auth hmac with a
    webhook secret credential holding the app's Signing Secret; then activated."""
    answer = api.post("/api/workflows/import", export({**ONLY_MESSAGES, "options": IGNORING}))
    assert answer.status_code == 201, answer.json()
    imported = answer.json()
    credential = api.post(
        "/api/credentials",
        {"name": "Slack signing secret", "kind": "webhook_secret", "value": SIGNING_SECRET},
    )
    assert credential.status_code == 201, credential.json()
    graph = imported["graph"]
    hook = next(n for n in graph["nodes"] if n["type"] == "trigger.webhook")
    hook["config"] |= {"auth": "hmac", "credential": credential.json()["id"]}
    updated = api.patch(f"/api/workflows/{imported['id']}", {"graph": graph})
    assert updated.status_code == 200, updated.json()
    assert api.post(f"/api/workflows/{imported['id']}/activate").status_code == 200
    return Workflow.objects.get(pk=imported["id"])


@pytest.mark.django_db(transaction=True)
def test_an_imported_slack_trigger_answers_the_check_and_runs_for_its_channels_events(
    alice, alice_api
):
    workflow = imported_and_signed(alice_api)
    check = {
        "token": "Jhj5dZrV",
        "challenge": "3eZbrw1aBm2rZgRNFdxV2595E9C",
        "type": "url_verification",
    }
    answered = slack_post(workflow, check)
    assert (answered.status_code, answered.json()) == (200, {"challenge": check["challenge"]})
    for dropped in (message(channel="C0OTHER01"), message(user="U0BOT0001"), reaction("eyes")):
        answer = slack_post(workflow, envelope(dropped))
        assert answer.status_code == 200 and answer.json()["started"] is False
    assert slack_post(workflow, envelope(message()), secret="forged").status_code == 401
    assert Execution.objects.count() == 0

    ran = slack_post(workflow, envelope(message()))
    assert ran.status_code == 202, ran.json()
    execution = Execution.objects.get()
    assert execution.status == "succeeded", execution.error
    fields = Step.objects.get(execution=execution, node_id="edit_fields").output
    assert fields["result"] == {
        "question": "Where is the VPN guide?",
        "asker": "U0ASKER01",
        "thread": "1355517523.000005",
    }
