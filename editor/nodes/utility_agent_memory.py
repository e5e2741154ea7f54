"""`utility.agent_memory`: reads or edits the conversation `action.agent` remembers under a
session key (aiconfig.models.AgentMemory, the workflow owner's): n8n's Chat Memory Manager.

get: `{messages: [{role, content}], count, exchanges}`, where `exchanges` groups the messages
as n8n's Chat Memory Manager simplifies them (`simplifyMessages`: consecutive messages of
different kinds in one object, `{human, ai, system}`). insert: adds messages after the stored
ones (or replaces them all); delete: the last `count` messages (none when fewer are stored, as
n8n does) or all of them. insert and delete output `{success: true, count, messages}`: the
messages stored afterwards and their number (n8n's version 1 manager outputs them). Like every step they run at least once: an insert repeated after a crash
adds its messages again.
"""

from __future__ import annotations

from typing import Any, Literal

from django.db import transaction
from pydantic import BaseModel, Field

from aiconfig.models import AgentMemory
from editor.models import Workflow
from editor.nodes.base import NodeConfig, NodeError, NodeType, RunContext

# n8n's (LangChain's) message kinds for WorkFuse's roles.
KINDS = {"user": "human", "assistant": "ai", "system": "system"}


class Message(BaseModel):
    role: Literal["user", "assistant", "system"] = Field(
        description="user: the person's message; assistant: the agent's; system: instructions."
    )
    content: str = Field(description="The message's text; may use templates.")


class Config(NodeConfig):
    operation: Literal["get", "insert", "delete"] = Field(
        "get",
        description="get: the remembered messages; insert: add messages; delete: forget the "
        "last messages or all of them.",
    )
    session_key: str = Field(
        min_length=1,
        description="The memory's session key, as the agent's memory names it, e.g. "
        "'{{ trigger.session_id }}'.",
    )
    messages: list[Message] = Field(
        default_factory=list, description="insert: the messages to add, oldest first."
    )
    replace: bool = Field(False, description="insert: forget the stored messages first.")
    delete: Literal["last", "all"] = Field(
        "last", description="delete: the last `count` messages, or all of them."
    )
    count: int = Field(
        2,
        ge=0,
        description="delete last: how many messages to forget (none when fewer are stored).",
    )


def exchanges(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """n8n's simplifyMessages: each message's kind and text in the current group, a new group
    starting at a kind the current one already has."""
    groups: list[dict[str, Any]] = []
    current: dict[str, Any] = {}
    for message in messages:
        kind = KINDS.get(str(message.get("role")), str(message.get("role")))
        if kind in current:
            groups.append(current)
            current = {}
        current[kind] = message.get("content")
    return [*groups, current] if current else groups


def _owner(ctx: RunContext) -> int:
    found = None
    if ctx.workflow_id is not None:
        owners = Workflow.objects.filter(pk=ctx.workflow_id).values_list("owner_id", flat=True)
        found = owners.first()
    if found is None:
        raise NodeError("The agent memory is kept per workflow owner; this run has no workflow.")
    return int(found)


def run(config: Config, ctx: RunContext) -> dict[str, Any]:
    owner_id = _owner(ctx)
    key = config.session_key.strip()
    if config.operation == "get":
        stored = (
            AgentMemory.objects.filter(owner_id=owner_id, session_key=key)
            .values_list("messages", flat=True)
            .first()
        )
        messages = list(stored or [])
        return {"messages": messages, "count": len(messages), "exchanges": exchanges(messages)}
    with transaction.atomic():
        AgentMemory.objects.get_or_create(owner_id=owner_id, session_key=key)
        row = AgentMemory.objects.select_for_update().get(owner_id=owner_id, session_key=key)
        messages = list(row.messages or [])
        if config.operation == "insert":
            added = [m.model_dump() for m in config.messages]
            messages = added if config.replace else [*messages, *added]
        elif config.delete == "all":
            messages = []
        elif len(messages) >= config.count:
            messages = messages[: len(messages) - config.count]
        row.messages = messages
        row.save(update_fields=["messages", "updated_at"])
    return {"success": True, "count": len(messages), "messages": messages}


NODE = NodeType(
    type="utility.agent_memory",
    label="Agent memory",
    category="utility",
    description="Reads, adds to or trims the conversation an AI agent remembers under a "
    "session key.",
    Config=Config,
    run=run,
    icon="☷",
    examples=(
        (
            "Get the conversation the agent remembers for the chat's session",
            {"operation": "get", "session_key": "{{ trigger.session_id }}"},
        ),
        (
            "Remember that the user said the webhook's text and the assistant answered the AI's "
            "response, under the session support:<phone>",
            {
                "operation": "insert",
                "session_key": "support:{{ trigger.body.From }}",
                "messages": [
                    {"role": "user", "content": "{{ trigger.body.text }}"},
                    {"role": "assistant", "content": "{{ nodes.answer.response }}"},
                ],
            },
        ),
    ),
)
