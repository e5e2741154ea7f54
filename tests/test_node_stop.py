"""logic.stop: its settings, what it raises, and the graph rules around it."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from editor.nodes import NODE_TYPES, logic_stop
from editor.nodes.base import NodeError, RunContext
from editor.validation import validate_graph
from tests.engine_helpers import chain


def ctx() -> RunContext:
    return RunContext(execution_id="e", node_id="stop", step_key="stop")


def stop_node(**extra) -> dict:
    return {"id": "stop", "type": "logic.stop", "config": {"message": "No total"}, **extra}


def test_stop_raises_its_message_with_the_code_and_is_not_retryable():
    with pytest.raises(NodeError) as raised:
        logic_stop.run(logic_stop.Config(message="No total", code="E42"), ctx())
    assert raised.value.message == "No total (code E42)"
    assert raised.value.retryable is False


def test_without_a_code_the_message_is_the_error():
    with pytest.raises(NodeError) as raised:
        logic_stop.run(logic_stop.Config(message="  No total  "), ctx())
    assert raised.value.message == "No total"


def test_a_message_is_required():
    with pytest.raises(ValidationError):
        logic_stop.Config.model_validate({"code": "E42"})
    issues = validate_graph(chain({"id": "stop", "type": "logic.stop", "config": {}}))
    assert [(i.node_id, i.field) for i in issues] == [("stop", "config.message")]


def test_stop_has_no_outputs_so_nothing_can_follow_it():
    assert NODE_TYPES["logic.stop"].handles == ()
    graph = chain(stop_node(), {"id": "after", "type": "utility.merge"})
    [issue] = validate_graph(graph)
    assert (issue.node_id, issue.field) == ("stop", "edges[1].source_handle")
    assert "its outputs are: none" in issue.message


@pytest.mark.parametrize("on_error", ["continue", "route"])
def test_on_error_cannot_turn_a_stop_into_output(on_error):
    [issue] = validate_graph(chain(stop_node(on_error=on_error)))
    assert (issue.node_id, issue.field) == ("stop", "on_error")
    assert "always fails the run" in issue.message


def test_a_stop_with_a_retry_policy_or_on_error_fail_is_valid():
    graph = chain(stop_node(on_error="fail", retry={"max_attempts": 5}))
    assert validate_graph(graph) == []


def test_the_message_may_read_the_trigger_and_upstream_nodes():
    graph = chain(
        {"id": "check", "type": "utility.transform", "config": {"expression": "@"}},
        stop_node(config={"message": "{{ nodes.check.result }} for {{ trigger.id }}"}),
    )
    assert validate_graph(graph) == []
    graph["nodes"][-1]["config"]["message"] = "{{ nodes.later.x }}"
    [issue] = validate_graph(graph)
    assert issue.field == "config.message" and "not upstream" in issue.message
