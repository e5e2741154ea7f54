"""`utility.agent_memory` (editor/nodes/utility_agent_memory.py): get, insert and delete on the
conversation `action.agent` keeps in AgentMemory, per workflow owner and session key, with
n8n's grouping of the messages into exchanges."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from aiconfig.models import AgentMemory
from editor.nodes import NODE_TYPES
from editor.nodes.utility_agent_memory import Config, exchanges
from executions import engine
from tests.engine_helpers import chain, make_workflow, steps_by_key

NODE = "utility.agent_memory"
TALK = [
    {"role": "user", "content": "Hi"},
    {"role": "assistant", "content": "Hello!"},
    {"role": "user", "content": "Price?"},
    {"role": "user", "content": "Of the blue one"},
    {"role": "assistant", "content": "12 EUR"},
]


def test_exchanges_group_the_messages_as_n8n_simplifies_them():
    assert exchanges(TALK) == [
        {"human": "Hi", "ai": "Hello!"},
        {"human": "Price?"},
        {"human": "Of the blue one", "ai": "12 EUR"},
    ]
    assert exchanges([{"role": "system", "content": "Be brief"}]) == [{"system": "Be brief"}]
    assert exchanges([]) == []


def test_a_session_key_is_needed():
    with pytest.raises(ValidationError):
        Config.model_validate({"operation": "get"})


def step(node_id: str, **config: Any) -> dict[str, Any]:
    return {"id": node_id, "type": NODE, "config": {"session_key": "s-{{ trigger.who }}", **config}}


@pytest.mark.django_db(transaction=True)
def test_a_run_inserts_deletes_and_gets_the_owners_session(alice, bob):
    AgentMemory.objects.create(owner=alice, session_key="s-ada", messages=TALK[:2])
    AgentMemory.objects.create(owner=bob, session_key="s-ada", messages=[TALK[0]])
    graph = chain(
        step(
            "add",
            operation="insert",
            messages=[
                {"role": "user", "content": "Price?"},
                {"role": "assistant", "content": "{{ trigger.answer }}"},
            ],
        ),
        step("forget", operation="delete", count=1),
        step("read"),
    )
    execution = engine.start_execution(
        make_workflow(alice, graph), {"who": "ada", "answer": "12 EUR"}
    )
    execution.refresh_from_db()
    assert execution.status == "succeeded", execution.error
    steps = steps_by_key(execution)
    added = [*TALK[:2], {"role": "user", "content": "Price?"}]
    added.append({"role": "assistant", "content": "12 EUR"})
    assert steps["add"].output == {"success": True, "count": 4, "messages": added}
    assert steps["forget"].output == {"success": True, "count": 3, "messages": added[:3]}
    read = steps["read"].output
    assert read["count"] == 3
    assert read["exchanges"] == [{"human": "Hi", "ai": "Hello!"}, {"human": "Price?"}]
    assert AgentMemory.objects.get(owner=bob).messages == [TALK[0]]  # another owner's


@pytest.mark.django_db(transaction=True)
def test_delete_last_keeps_everything_when_fewer_are_stored_and_all_clears(alice):
    AgentMemory.objects.create(owner=alice, session_key="s-ada", messages=TALK[:1])
    graph = chain(
        step("few", operation="delete", count=2),
        step("all", operation="delete", delete="all"),
        step("replace", operation="insert", replace=True, messages=[TALK[2]]),
    )
    execution = engine.start_execution(make_workflow(alice, graph), {"who": "ada"})
    execution.refresh_from_db()
    assert execution.status == "succeeded", execution.error
    steps = steps_by_key(execution)
    assert [steps[k].output["count"] for k in ("few", "all", "replace")] == [1, 0, 1]
    assert AgentMemory.objects.get(owner=alice).messages == [TALK[2]]


def test_the_examples_are_valid_configs():
    for _, config in NODE_TYPES[NODE].examples:
        Config.model_validate(config)
