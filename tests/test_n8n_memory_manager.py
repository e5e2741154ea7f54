"""Importing n8n's Chat Memory Manager (editor/n8n/memory_manager.py) as
`utility.agent_memory` on its memory's session: each mode's config, where its items lie, the
refusals naming the construct, and imported runs in the engine: insert then get (the agent of
the same memory keeps the same session), and version 1's insert handing on the stored messages."""

from __future__ import annotations

from typing import Any

import pytest

from aiconfig.models import AgentMemory
from editor.graph import ImportRefused
from editor.n8n import SPECS, SUB_NODES, convert
from editor.n8n.converter import Converter
from editor.validation import validate_graph
from executions import engine
from tests.engine_helpers import make_workflow, steps_by_key

LC = "@n8n/n8n-nodes-langchain."
MEMORY = {
    "parameters": {
        "sessionKey": "=chat:{{ $('Start').item.json.from }}",
        "sessionIdType": "customKey",
    },
    "name": "Memory",
    "type": f"{LC}memoryBufferWindow",
    "typeVersion": 1.2,
    "position": [0, 200],
}


def managers(*nodes: tuple[str, dict[str, Any], float]) -> dict[str, Any]:
    """Manual trigger -> the managers in a line, each attached to the one Simple Memory."""
    data: dict[str, Any] = {
        "name": "Memory",
        "nodes": [
            {
                "parameters": {},
                "name": "Start",
                "type": "n8n-nodes-base.manualTrigger",
                "typeVersion": 1,
                "position": [0, 0],
            },
            MEMORY,
        ],
        "connections": {"Memory": {"ai_memory": [[]]}},
    }
    previous = "Start"
    for index, (name, params, version) in enumerate(nodes):
        data["nodes"].append(
            {
                "parameters": params,
                "name": name,
                "type": f"{LC}memoryManager",
                "typeVersion": version,
                "position": [200 * (index + 1), 0],
            }
        )
        data["connections"][previous] = {"main": [[{"node": name, "type": "main", "index": 0}]]}
        data["connections"]["Memory"]["ai_memory"][0].append(
            {"node": name, "type": "ai_memory", "index": 0}
        )
        previous = name
    return data


def one(params: dict[str, Any], version: float = 1.1) -> dict[str, Any]:
    graph = convert(managers(("Manager", params, version)))
    return next(n for n in graph["nodes"] if n["label"] == "Manager")


KEY = "{{ workflow.id }}__chat:{{ trigger.from | n8n_text }}"


@pytest.mark.parametrize(
    ("params", "version", "config"),
    [
        ({"options": {}}, 1.1, {"operation": "get"}),
        ({"options": {"groupMessages": False}}, 1.1, {"operation": "get"}),
        (
            {
                "mode": "insert",
                "insertMode": "override",
                "messages": {
                    "messageValues": [
                        {"type": "user", "message": "={{ $json.text }}"},
                        {"type": "ai", "message": "Noted"},
                    ]
                },
            },
            1.1,
            {
                "operation": "insert",
                "messages": [
                    {"role": "user", "content": "{{ trigger.text }}"},
                    {"role": "assistant", "content": "Noted"},
                ],
                "replace": True,
            },
        ),
        ({"mode": "delete"}, 1.1, {"operation": "delete", "count": 2}),
        ({"mode": "delete", "deleteMode": "all"}, 1.1, {"operation": "delete", "delete": "all"}),
        ({"options": {}}, 1, {"operation": "get"}),
    ],
)
def test_each_mode_becomes_an_agent_memory_config_on_the_memorys_session(params, version, config):
    node = one(params, version)
    assert node["type"] == "utility.agent_memory"
    assert node["config"] == {"session_key": KEY, **config}
    assert "its last messages only" in node["notes"]


@pytest.mark.parametrize(
    ("params", "version", "items"),
    [
        ({"options": {}}, 1.1, None),  # one item {messages, messagesCount}
        ({"options": {"groupMessages": False}}, 1.1, "exchanges"),
        ({"options": {}}, 1, "exchanges"),  # version 1 groups only when told to
        ({"options": {"groupMessages": True}}, 1, None),
    ],
)
def test_load_groups_as_n8n_does_per_version(params, version, items):
    cx = Converter(managers(("Manager", params, version)), SPECS, SUB_NODES)
    cx.run()
    assert cx.spec_of("Manager").items == items


@pytest.mark.parametrize(
    ("params", "version", "said"),
    [
        ({"simplifyOutput": False}, 1.1, "Simplify Output off"),
        ({"mode": "delete", "lastMessagesCount": "=2"}, 1.1, "deletes '=2' messages"),
    ],
)
def test_what_n8n_outputs_differently_is_refused_by_name(params, version, said):
    with pytest.raises(ImportRefused) as refused:
        convert(managers(("Manager", params, version)))
    [issue] = refused.value.issues
    assert issue.message.startswith(f"n8n node 'Manager' ({LC}memoryManager): ")
    assert said in issue.message


@pytest.mark.parametrize("params", [{"mode": "insert"}, {"mode": "delete"}])
def test_version_1_insert_and_delete_emit_the_stored_messages_as_items(params):
    cx = Converter(managers(("Manager", params, 1)), SPECS, SUB_NODES)
    cx.run()
    spec = cx.spec_of("Manager")
    assert (spec.items, spec.item_aliases) == ("messages", (("kwargs.content", "content"),))
    [note] = [n for n in cx.converted["Manager"].notes if "Version 1" in n]
    assert f"after '{params['mode']}'" in note and "LangChain's serialized form" in note


@pytest.mark.django_db(transaction=True)
def test_an_imported_version_1_insert_hands_each_stored_message_on(alice):
    """n8n's version 1 insert outputs every message the memory holds afterwards, one item
    each; the node after it reads `kwargs.content` of each."""
    data = managers(
        (
            "Remember",
            {
                "mode": "insert",
                "messages": {
                    "messageValues": [
                        {"type": "user", "message": "={{ $('Start').item.json.text }}"},
                        {"type": "ai", "message": "Noted"},
                    ]
                },
            },
            1,
        ),
    )
    data["nodes"].append(
        {
            "parameters": {
                "assignments": {
                    "assignments": [
                        {
                            "id": "a",
                            "name": "said",
                            "value": "={{ $json.kwargs.content }}",
                            "type": "string",
                        }
                    ]
                },
                "options": {},
            },
            "name": "Said",
            "type": "n8n-nodes-base.set",
            "typeVersion": 3.4,
            "position": [800, 0],
        }
    )
    data["connections"]["Remember"] = {"main": [[{"node": "Said", "type": "main", "index": 0}]]}
    graph = convert(data)
    assert validate_graph(graph) == []
    workflow = make_workflow(alice, graph)
    earlier = [{"role": "user", "content": "Hi"}]
    AgentMemory.objects.create(
        owner=alice, session_key=f"{workflow.pk}__chat:+4915", messages=earlier
    )
    execution = engine.start_execution(workflow, {"from": "+4915", "text": "Blue one"})
    execution.refresh_from_db()
    assert execution.status == "succeeded", execution.error
    steps = steps_by_key(execution)
    assert [steps[f"said[{i}]"].output["result"] for i in range(3)] == [
        {"said": "Hi"},
        {"said": "Blue one"},
        {"said": "Noted"},
    ]
    assert "said[3]" not in steps


def test_a_manager_without_memory_is_refused():
    data = managers(("Manager", {}, 1.1))
    data["connections"].pop("Memory")
    with pytest.raises(ImportRefused, match="has no memory attached"):
        convert(data)


@pytest.mark.django_db(transaction=True)
def test_an_imported_insert_then_get_runs_on_the_same_session(alice):
    data = managers(
        (
            "Remember",
            {
                "mode": "insert",
                "messages": {
                    "messageValues": [
                        {"type": "user", "message": "={{ $json.text }}"},
                        {"type": "ai", "message": "Noted"},
                    ]
                },
            },
            1.1,
        ),
        ("Recall", {"options": {"groupMessages": True}}, 1.1),
    )
    graph = convert(data)
    assert validate_graph(graph) == []
    workflow = make_workflow(alice, graph)
    execution = engine.start_execution(workflow, {"from": "+4915", "text": "Blue one"})
    execution.refresh_from_db()
    assert execution.status == "succeeded", execution.error
    recall = steps_by_key(execution)["recall"].output
    assert recall["exchanges"] == [{"human": "Blue one", "ai": "Noted"}]
    assert recall["count"] == 2
    [row] = AgentMemory.objects.filter(owner=alice)
    assert row.session_key == f"{workflow.pk}__chat:+4915"
