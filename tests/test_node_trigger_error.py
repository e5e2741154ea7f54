"""trigger.error: its output, and the example a test run starts with."""

from __future__ import annotations

from editor.nodes import NODE_TYPES, trigger_error
from editor.nodes.base import RunContext
from editor.validation import validate_graph


def test_the_output_is_the_payload_the_run_started_with():
    payload = trigger_error.example()
    ctx = RunContext(execution_id="e", node_id="failure", step_key="failure", input=payload)
    assert trigger_error.run(trigger_error.Config(), ctx) is payload


def test_the_example_has_the_shape_a_real_failure_has():
    example = trigger_error.example()
    assert set(example) == {"workflow", "execution"}
    assert set(example["workflow"]) == {"id", "name"}
    assert set(example["execution"]) == {"id", "url", "error", "failed_node", "trigger"}
    assert set(example["execution"]["failed_node"]) == {"id", "key", "type", "label", "error"}
    assert set(example["execution"]["trigger"]) == {"kind", "node"}


def test_it_is_a_trigger_with_no_settings():
    node = NODE_TYPES["trigger.error"]
    assert node.is_trigger and node.handles == ("main",)
    assert node.Config.model_json_schema()["properties"] == {}
    graph = {
        "nodes": [
            {"id": "failure", "type": "trigger.error", "config": {}},
            {
                "id": "say",
                "type": "utility.transform",
                "config": {"language": "template", "expression": "{{ trigger.execution.url }}"},
            },
        ],
        "edges": [{"source": "failure", "target": "say"}],
    }
    assert validate_graph(graph) == []
    graph["nodes"][0]["config"] = {"workflow": 3}
    [issue] = validate_graph(graph)
    assert (issue.node_id, issue.field) == ("failure", "config.workflow")
