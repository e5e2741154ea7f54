"""trigger.webhook's `start_when` (editor/nodes/trigger_webhook.py, executions/webhooks.py): a
call its rules do not hold for is answered 200 and starts no run, one they hold for runs as
usual; the rules read the call as the run would receive it, a missing field as null; a rule
that cannot be read is refused 400 naming it; the settings refuse rules reading anything but
`trigger`."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client
from pydantic import ValidationError

from editor.models import Workflow
from editor.nodes.trigger_webhook import Config, meets_start_when
from editor.validation import validate_graph
from executions.models import Execution

EVENT_TYPE = "{{ trigger.body.event.type }}"
ONLY_MESSAGES = {
    "combinator": "and",
    "rules": [
        {"left": EVENT_TYPE, "operator": "eq", "right": "message"},
        {
            "combinator": "or",
            "rules": [
                {"left": "{{ trigger.body.event.channel }}", "operator": "eq", "right": "C1"},
                {"left": "{{ trigger.query.all }}", "operator": "exists"},
            ],
        },
    ],
}


def workflow_starting_when(owner: Any, rules: dict[str, Any]) -> Workflow:
    graph = {"nodes": [{"id": "hook", "type": "trigger.webhook", "config": {"start_when": rules}}]}
    assert validate_graph(graph) == []
    workflow = Workflow.create(owner, "filtered", graph=graph)
    workflow.is_active = True
    workflow.save()
    return workflow


def post(workflow: Workflow, body: Any, query: str = "") -> Any:
    return Client().post(
        f"/hooks/{workflow.webhook_token}{query}",
        data=json.dumps(body),
        content_type="application/json",
    )


@pytest.mark.django_db(transaction=True)
def test_a_call_the_rules_hold_for_runs_and_the_others_start_nothing(alice):
    workflow = workflow_starting_when(alice, ONLY_MESSAGES)
    other_channel = post(workflow, {"event": {"type": "message", "channel": "C2"}})
    other_type = post(workflow, {"event": {"type": "reaction_added", "channel": "C1"}})
    for answer in (other_channel, other_type):
        assert answer.status_code == 200
        assert answer.json()["started"] is False
    assert Execution.objects.count() == 0
    matching = post(workflow, {"event": {"type": "message", "channel": "C1", "text": "hi"}})
    assert matching.status_code == 202
    execution = Execution.objects.get()
    assert str(execution.pk) == matching.json()["execution_id"]
    assert execution.status == "succeeded"
    assert execution.trigger_data["body"]["event"]["text"] == "hi"


@pytest.mark.django_db(transaction=True)
def test_a_missing_field_reads_as_null(alice):
    workflow = workflow_starting_when(alice, ONLY_MESSAGES)
    assert post(workflow, {"no_event": True}).json()["started"] is False
    assert post(workflow, "plain text").json()["started"] is False
    # The group's other rule: the query has `all`, so any channel (or none) will do.
    anywhere = post(workflow, {"event": {"type": "message"}}, query="?all=1")
    assert anywhere.status_code == 202
    assert Execution.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_rule_that_cannot_be_read_is_refused_400_naming_it_and_starts_nothing(alice):
    rules = {"rules": [{"left": "{{ trigger.body.n + 1 }}", "operator": "gt", "right": 1}]}
    workflow = workflow_starting_when(alice, rules)
    answer = post(workflow, {"n": "text"})
    assert answer.status_code == 400
    assert answer.json()["message"].startswith(
        "The call could not be checked against start_when: start_when.rules[0].left:"
    )
    assert Execution.objects.count() == 0


def test_the_rules_read_the_call_as_the_run_receives_it():
    config = Config.model_validate(
        {
            "start_when": {
                "rules": [{"left": "{{ trigger.method }}", "operator": "eq", "right": "PUT"}]
            }
        }
    )
    assert meets_start_when(config, {"method": "PUT", "headers": {}, "query": {}, "body": {}})
    assert not meets_start_when(config, {"method": "POST", "headers": {}, "query": {}, "body": {}})


def test_the_templates_globals_other_than_n8n_are_there():
    rules = {"rules": [{"left": "{{ range(2) | list }}", "operator": "eq", "right": [0, 1]}]}
    assert meets_start_when(Config.model_validate({"start_when": rules}), {"body": {}})


def test_without_rules_every_call_starts_a_run():
    for empty in (None, {"combinator": "and", "rules": []}):
        config = Config.model_validate({"start_when": empty})
        assert config.start_when is None
        assert meets_start_when(config, {"body": None})


@pytest.mark.parametrize(
    ("left", "says"),
    [
        ("{{ nodes.hook.body }}", "rules[0].left reads nodes;"),
        ("{{ execution.id }}", "rules[0].left reads execution;"),
        ("{{ n8n('$json.a', json=trigger.body) }}", "rules[0].left reads n8n;"),
    ],
)
def test_rules_reading_anything_but_the_call_are_refused_naming_the_rule(left, says):
    with pytest.raises(ValidationError) as refused:
        Config.model_validate({"start_when": {"rules": [{"left": left, "operator": "exists"}]}})
    [error] = refused.value.errors()
    assert error["loc"] == ("start_when",)
    assert says in error["msg"] and "only trigger (the call)" in error["msg"]
