"""`trigger.chat`: starts a workflow with a chat message (DESIGN §4, §12; docs/chat.md).

A run starts from the chat page (`/chat/<workflow_id>/`, or the public link when `public` is on)
or from `POST /api/workflows/{id}/chat`; the `chat` app stores the conversation and answers
with the run's last node output. The trigger's output is `{session_id, message}`: an agent
reads `{{ trigger.message }}` and keeps its memory per `{{ trigger.session_id }}`.
"""

from __future__ import annotations

from typing import Any

from pydantic import Field, ValidationError

from editor.nodes.base import NodeConfig, NodeError, NodeType, RunContext

WELCOME_LIMIT = 2000


class Config(NodeConfig):
    public: bool = Field(
        False,
        description="Anyone with the chat's public link may chat (while the workflow is active); "
        "off: only you, signed in, or the API.",
    )
    welcome: str = Field(
        "",
        max_length=WELCOME_LIMIT,
        description="The first message the chat page shows, before anything is said.",
    )


def config_in(graph: Any) -> Config | None:
    """The `trigger.chat` settings of a graph, or None when it has no valid one (then it cannot
    be chatted with)."""
    node = node_in(graph)
    if node is None:
        return None
    try:
        return Config.model_validate(node.get("config") or {})
    except ValidationError:
        return None


def node_in(graph: Any) -> dict[str, Any] | None:
    """The graph's `trigger.chat` node (a workflow has at most one)."""
    nodes = graph.get("nodes") if isinstance(graph, dict) else None
    for node in nodes if isinstance(nodes, list) else []:
        if isinstance(node, dict) and node.get("type") == NODE.type:
            return node
    return None


def run(config: Config, ctx: RunContext) -> dict[str, str]:
    """The output is the message the run was started with and its conversation's id. A test
    run from the editor without them gets empty strings, so templates still render."""
    given = ctx.input if ctx.input is not None else {}
    if not isinstance(given, dict):
        raise NodeError(
            'A chat trigger starts with {"session_id", "message"}, not a list or value.'
        )
    return {
        "session_id": _text(given.get("session_id")),
        "message": _text(given.get("message")),
    }


def _text(value: Any) -> str:
    return "" if value is None else str(value)


NODE = NodeType(
    type="trigger.chat",
    label="Chat message",
    category="trigger",
    description="Starts the workflow when someone sends a chat message (its chat page, public "
    "link or the chat API); the reply is the last node's output.",
    Config=Config,
    run=run,
    icon="❝",
    examples=(
        (
            "A support chat anyone with the link can use, greeting people first.",
            {"public": True, "welcome": "Hi! Ask me anything about your order."},
        ),
        ("A private chat to try my agent.", {"public": False, "welcome": ""}),
    ),
)
