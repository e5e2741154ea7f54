"""trigger.chat: its settings, its output, and its place among a workflow's triggers."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from editor.nodes import NODE_TYPES, catalog, trigger_chat
from editor.nodes.base import NodeError, RunContext
from editor.validation import validate_graph
from executions import engine
from executions.models import Execution
from tests.engine_helpers import make_workflow


def ctx(given: object) -> RunContext:
    return RunContext(execution_id="e", node_id="chat", step_key="chat", input=given)


def test_the_output_is_the_session_and_the_message():
    output = trigger_chat.run(
        trigger_chat.Config(), ctx({"session_id": "abc", "message": "Where is my order?"})
    )
    assert output == {"session_id": "abc", "message": "Where is my order?"}


def test_a_test_run_without_a_message_gets_empty_strings_and_a_list_is_refused():
    assert trigger_chat.run(trigger_chat.Config(), ctx(None)) == {"session_id": "", "message": ""}
    with pytest.raises(NodeError, match="session_id"):
        trigger_chat.run(trigger_chat.Config(), ctx(["hi"]))


def test_settings_are_public_and_welcome_and_nothing_else():
    config = trigger_chat.Config.model_validate({"public": True, "welcome": "Hi!"})
    assert (config.public, config.welcome) == (True, "Hi!")
    assert trigger_chat.Config().public is False
    with pytest.raises(ValidationError, match="extra"):
        trigger_chat.Config.model_validate({"title": "x"})
    with pytest.raises(ValidationError, match="welcome"):
        trigger_chat.Config.model_validate({"welcome": "x" * (trigger_chat.WELCOME_LIMIT + 1)})
    with pytest.raises(ValidationError, match="public"):
        trigger_chat.Config.model_validate({"public": "sometimes"})


def test_it_is_a_trigger_in_the_catalog_with_its_schema():
    node = NODE_TYPES["trigger.chat"]
    assert node.is_trigger and node.handles == ("main",)
    entry = next(e for e in catalog() if e["type"] == "trigger.chat")
    assert entry["category"] == "trigger"
    assert set(entry["schema"]["properties"]) == {"public", "welcome"}
    for _, example in node.examples:
        trigger_chat.Config.model_validate(example)


def graph(*triggers: dict) -> dict:
    reply = {
        "id": "reply",
        "type": "utility.transform",
        "config": {"language": "template", "expression": "{{ trigger.message }}"},
    }
    edges = [{"source": t["id"], "target": "reply"} for t in triggers]
    return {"nodes": [*triggers, reply], "edges": edges}


def test_one_chat_trigger_per_workflow_beside_other_kinds():
    chat = {"id": "chat", "type": "trigger.chat", "config": {"welcome": "Hello"}}
    manual = {"id": "start", "type": "trigger.manual", "config": {}}
    assert validate_graph(graph(chat, manual)) == []
    second = {"id": "chat2", "type": "trigger.chat", "config": {}}
    [issue] = validate_graph(graph(chat, second))
    assert issue.node_id == "chat2" and "only one 'trigger.chat'" in issue.message
    bad = {"id": "chat", "type": "trigger.chat", "config": {"public": "maybe"}}
    [issue] = validate_graph(graph(bad))
    assert (issue.node_id, issue.field) == ("chat", "config.public")


def test_config_in_finds_the_trigger_or_none():
    chat = {"id": "talk", "type": "trigger.chat", "config": {"public": True}}
    assert trigger_chat.config_in(graph(chat)) == trigger_chat.Config(public=True)
    assert trigger_chat.node_in(graph(chat))["id"] == "talk"
    manual = {"id": "start", "type": "trigger.manual", "config": {}}
    assert trigger_chat.config_in(graph(manual)) is None
    assert trigger_chat.config_in({"nodes": "nonsense"}) is None


@pytest.mark.django_db(transaction=True)
def test_a_chat_run_starts_at_the_chat_trigger_of_a_workflow_with_several(alice):
    chat = {"id": "chat", "type": "trigger.chat", "config": {}}
    manual = {"id": "start", "type": "trigger.manual", "config": {}}
    workflow = make_workflow(alice, graph(manual, chat))
    execution = engine.start_execution(
        workflow, {"session_id": "s1", "message": "ping"}, trigger_kind=Execution.Trigger.CHAT
    )
    execution.refresh_from_db()
    assert execution.trigger_node == "chat" and execution.status == "succeeded"
    assert execution.last_output() == {"result": "ping"}
