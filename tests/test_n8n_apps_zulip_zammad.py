"""Importing n8n's Zulip node (editor/n8n/apps_zulip.py) onto `app.zulip` and its Zammad node
(editor/n8n/apps_zammad.py) onto `app.zammad`: each operation's config, the refusals, and the
corpus's standup workflow (Zammad's tickets counted by state in a Function node, the summary
posted to a Zulip stream) run in the engine against the fakes."""

from __future__ import annotations

from typing import Any

import pytest

from credentials import store
from editor.n8n import convert
from editor.validation import validate_graph
from executions import engine
from tests.engine_helpers import make_workflow
from tests.fakes import running
from tests.fakes.zammad import TOKEN, FakeZammad
from tests.fakes.zulip import EMAIL, KEY, FakeZulip
from tests.test_n8n_apps import converted, refusal


@pytest.mark.parametrize(
    ("kind", "params", "config"),
    [
        (
            "zulip",
            {"operation": "sendStream", "stream": "=general", "topic": "=t", "content": "hi"},
            {"operation": "send_stream", "stream": "general", "topic": "t", "content": "hi"},
        ),
        (
            "zulip",
            {"to": ["ada@example.com"], "content": "hi"},
            {"operation": "send_private", "to": ["ada@example.com"], "content": "hi"},
        ),
        (
            "zulip",
            {"operation": "update", "messageId": "4", "updateFields": {"content": "x"}},
            {"operation": "update_message", "message_id": "4", "content": "x"},
        ),
        (
            "zammad",
            {"resource": "ticket", "operation": "getAll", "returnAll": True},
            {"operation": "list_tickets", "max_results": 5000},
        ),
        (
            "zammad",
            {"resource": "ticket", "operation": "getAll", "limit": 10},
            {"operation": "list_tickets", "max_results": 10},
        ),
        (
            "zammad",
            {"resource": "ticket", "operation": "get", "id": "7"},
            {"operation": "get_ticket", "ticket_id": "7"},
        ),
    ],
)
def test_each_operation_becomes_its_config(kind, params, config):
    node = converted(kind, params)
    assert node["type"] == f"app.{kind}"
    assert node["config"] == config


@pytest.mark.parametrize(
    ("kind", "params", "said"),
    [
        ("zulip", {"resource": "stream", "operation": "getAll"}, "does 'stream / getAll'"),
        ("zulip", {"operation": "sendStream", "topic": "t", "content": "c"}, "names no Stream"),
        (
            "zulip",
            {"operation": "update", "messageId": "4", "updateFields": {"topic": "x"}},
            "updates topic",
        ),
        ("zammad", {"resource": "ticket", "operation": "create"}, "does 'ticket / create'"),
        ("zammad", {"resource": "user", "operation": "getAll"}, "does 'user / getAll'"),
        (
            "zammad",
            {"resource": "ticket", "operation": "getAll", "authentication": "basicAuth"},
            "signs in with a user name and password",
        ),
    ],
)
def test_what_the_nodes_lack_is_refused_naming_node_and_construct(kind, params, said):
    message = refusal(kind, params)
    assert f"'App' (n8n-nodes-base.{kind})" in message
    assert said in message


COUNT = """let newTickets = 0
let openTickets = 0
let pendingReminder = 0
let pendingClose = 0

for (let i = 0; i < items.length; i++) {
  const ticket = items[i]
  if (ticket.json.state_id === 1) {
    newTickets++
  }
  if (ticket.json.state_id === 2) {
    openTickets++
  }
  if (ticket.json.state_id === 3) {
    pendingReminder++
  }
  if (ticket.json.state_id === 7) {
    pendingClose++
  }
}

return [{
  json: {
    "new": newTickets,
    open: openTickets,
    pendingReminder: pendingReminder,
    pendingClose: pendingClose
  }
}];"""
SUMMARY = (
    '=:ticket: Support Tickets Summary:\n* Open: {{$node["Ticket Filtering"].json["open"]}}\n'
    '* New:{{$node["Ticket Filtering"].json["new"]}}\n'
    '* Pending Close {{$node["Ticket Filtering"].json["pendingClose"]}}\n'
    '* Pending Reminder {{$node["Ticket Filtering"].json["pendingReminder"]}}'
)


def node(name: str, kind: str, params: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": name,
        "type": f"n8n-nodes-base.{kind}",
        "typeVersion": 1,
        "position": [0, 0],
        "parameters": params,
    }


def link(target: str) -> dict[str, Any]:
    return {"main": [[{"node": target, "type": "main", "index": 0}]]}


# The corpus's workflow (workflows_backup__Manual__0975_Manual_Zulip_Automation_Scheduled.json).
CORPUS = {
    "nodes": [
        node("On clicking 'execute'", "manualTrigger", {}),
        node("Ticket Filtering", "function", {"functionCode": COUNT}),
        node(
            "List Tickets",
            "zammad",
            {"resource": "ticket", "operation": "getAll", "returnAll": True},
        ),
        node(
            "Notify for Standup",
            "zulip",
            {
                "topic": "=tickets",
                "stream": "=customer support",
                "content": SUMMARY,
                "operation": "sendStream",
            },
        ),
        node(
            "Standup Cron",
            "cron",
            {"triggerTimes": {"item": [{"mode": "custom", "cronExpression": "0 30 8 * * 1-5"}]}},
        ),
    ],
    "connections": {
        "List Tickets": link("Ticket Filtering"),
        "Standup Cron": link("List Tickets"),
        "Ticket Filtering": link("Notify for Standup"),
        "On clicking 'execute'": link("List Tickets"),
    },
}


@pytest.mark.django_db(transaction=True)
def test_the_corpus_s_standup_summary_is_posted(alice, settings):
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    graph = convert(CORPUS)
    assert validate_graph(graph) == []
    with running(FakeZammad()) as zammad, running(FakeZulip()) as zulip:
        for state in (1, 2, 2, 3, 7, 7, 7, 4):
            zammad.add(f"state {state}", state_id=state)
        desk = store.create(
            alice, "Desk", "zammad", {"access_token": TOKEN, "base_url": zammad.url}
        )
        bot = store.create(
            alice, "Bot", "zulip", {"email": EMAIL, "api_key": KEY, "base_url": zulip.url}
        )
        for converted_node in graph["nodes"]:
            if converted_node["type"] in ("app.zammad", "app.zulip"):
                converted_node["config"]["credential"] = (
                    desk.pk if converted_node["type"] == "app.zammad" else bot.pk
                )
        trigger = next(n["id"] for n in graph["nodes"] if n["type"] == "trigger.manual")
        execution = engine.start_execution(make_workflow(alice, graph), {}, trigger_node=trigger)
        execution.refresh_from_db()
        assert execution.status == "succeeded", execution.error
    [message] = zulip.messages.values()
    assert message["to"] == "customer support" and message["topic"] == "tickets"
    assert message["content"] == (
        ":ticket: Support Tickets Summary:\n* Open: 2\n* New:1\n* Pending Close 3\n* Pending Reminder 1"
    )
