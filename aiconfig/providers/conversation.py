"""A multi-turn conversation with tools, in neutral form: what `Provider.converse` takes and
gives back, the same whichever provider answers.

Messages are plain JSON-serialisable dicts, so an agent stores them and may replay them later
to any provider (a history written with OpenAI continues on Anthropic):

* `{"role": "user", "content": str}`
* `{"role": "assistant", "content": str, "tool_calls": [ToolCall.as_dict(), ...]}`, maybe with
  `"provider_data": {"<provider name>": {...}}`: what only that provider needs replayed
  verbatim (Gemini's thought signatures, Claude's thinking blocks); other providers ignore it.
* `{"role": "tool", "tool_call_id": str, "name": str, "content": str}`, maybe with
  `"is_error": true` when the tool failed (Anthropic flags such results for the model). The
  tool messages after an assistant message answer its calls, each call exactly once.

`conversation_problem` says what is wrong with a conversation before anything is sent, naming
the field, so a malformed history is a clear 400 rather than a provider's riddle.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from aiconfig.providers.usage import Usage

TOOL_NAME = re.compile(r"[A-Za-z0-9_-]{1,64}")
ROLES = ("user", "assistant", "tool")


@dataclass(frozen=True)
class Tool:
    """A function the model may call. `parameters` is the JSON Schema of an object (may be
    `{"type": "object", "properties": {}}`); adapters adjust it to what their provider takes."""

    name: str
    description: str
    parameters: dict[str, Any]


@dataclass(frozen=True)
class ToolCall:
    """A call the model asked for. `arguments` is {} when the model sent text that is not a
    JSON object; the text is then in `invalid_arguments`, so the agent can tell the model."""

    id: str
    name: str
    arguments: dict[str, Any]
    invalid_arguments: str | None = None

    def as_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id, "name": self.name, "arguments": self.arguments}
        if self.invalid_arguments is not None:
            data["invalid_arguments"] = self.invalid_arguments
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ToolCall:
        invalid = data.get("invalid_arguments")
        return cls(
            id=str(data["id"]),
            name=str(data["name"]),
            arguments=dict(data.get("arguments") or {}),
            invalid_arguments=invalid if isinstance(invalid, str) else None,
        )


@dataclass(frozen=True)
class Conversation:
    model: str
    messages: list[dict[str, Any]]
    system: str = ""
    tools: tuple[Tool, ...] = ()
    temperature: float | None = None
    max_tokens: int | None = None

    @property
    def turn_number(self) -> int:
        """How many assistant turns came before the one being asked for."""
        return sum(1 for m in self.messages if m.get("role") == "assistant")


@dataclass
class Turn:
    """One answer of the model. `message` is the assistant message to append to the history;
    `finish_reason` is "tool_calls" whenever the model asked for tools."""

    text: str
    tool_calls: list[ToolCall]
    model: str
    finish_reason: str | None
    usage: Usage
    message: dict[str, Any]
    warnings: list[str] = field(default_factory=list)


def make_turn(
    *,
    text: str,
    tool_calls: list[ToolCall],
    model: str,
    finish_reason: str | None,
    usage: Usage,
    provider_data: dict[str, Any] | None = None,
) -> Turn:
    """A Turn whose neutral message matches its parts. A finish reason of "stop" with tool
    calls (Gemini always, some OpenAI-compatible servers) becomes "tool_calls"."""
    if tool_calls and finish_reason in (None, "stop"):
        finish_reason = "tool_calls"
    message: dict[str, Any] = {
        "role": "assistant",
        "content": text,
        "tool_calls": [call.as_dict() for call in tool_calls],
    }
    if provider_data:
        message["provider_data"] = provider_data
    return Turn(text, tool_calls, model, finish_reason, usage, message)


def parse_arguments(raw: str | None) -> tuple[dict[str, Any], str | None]:
    """A call's JSON-text arguments as (arguments, invalid text or None). Empty text is no
    arguments; anything but a JSON object is invalid."""
    if raw is None or not raw.strip():
        return {}, None
    try:
        value = json.loads(raw)
    except ValueError:
        return {}, raw
    return (value, None) if isinstance(value, dict) else ({}, raw)


def tool_calls_of(message: dict[str, Any]) -> list[ToolCall]:
    return [ToolCall.from_dict(c) for c in message.get("tool_calls") or []]


def provider_data(message: dict[str, Any], provider: str) -> dict[str, Any]:
    """What `provider` stored on an assistant message for its own replay ({} for others)."""
    data = (message.get("provider_data") or {}).get(provider)
    return data if isinstance(data, dict) else {}


def result_value(content: str) -> Any:
    """A tool result as data when it is JSON, else the text (Gemini takes results as data)."""
    try:
        return json.loads(content)
    except ValueError:
        return content


def object_schema(parameters: dict[str, Any]) -> dict[str, Any]:
    """The tool's parameters with `type: object` spelled out (OpenAI and Anthropic insist)."""
    schema = dict(parameters)
    schema.setdefault("type", "object")
    if "properties" not in schema:
        schema["properties"] = {}
    return schema


# --- checks ------------------------------------------------------------------------------------


def conversation_problem(conversation: Conversation) -> str | None:
    """What makes the conversation unsendable, naming the field, or None."""
    return _tools_problem(conversation.tools) or _messages_problem(conversation.messages)


def _tools_problem(tools: tuple[Tool, ...]) -> str | None:
    seen: set[str] = set()
    for i, tool in enumerate(tools):
        where = f"tools[{i}]"
        if not isinstance(tool, Tool):
            return f"{where}: expected a Tool, got {type(tool).__name__}."
        if not isinstance(tool.name, str) or not TOOL_NAME.fullmatch(tool.name):
            return (
                f"{where}.name: {tool.name!r} is not a tool name: use 1 to 64 letters, digits, "
                "'_' or '-'."
            )
        if tool.name in seen:
            return f"{where}.name: two tools are called '{tool.name}'; tool names must differ."
        seen.add(tool.name)
        if not isinstance(tool.description, str):
            return f"{where}.description: must be text."
        if not isinstance(tool.parameters, dict):
            return f"{where}.parameters: must be a JSON Schema object."
        kind = tool.parameters.get("type", "object")
        if kind != "object":
            return (
                f"{where}.parameters: a tool's parameters must be a JSON Schema of type "
                f"'object' (got {kind!r}); put other values inside a property."
            )
    return None


def _messages_problem(messages: Any) -> str | None:
    if not isinstance(messages, list) or not messages:
        return "messages: a conversation needs at least one message."
    unanswered: dict[str, str] = {}  # id -> name: the last assistant message's open calls
    for i, message in enumerate(messages):
        where = f"messages[{i}]"
        if not isinstance(message, dict):
            return f"{where}: a message must be an object with a role."
        role = message.get("role")
        if role not in ROLES:
            return f"{where}.role: {role!r} is not one of {', '.join(ROLES)}."
        if i == 0 and role != "user":
            return f"{where}.role: a conversation starts with a user message, not {role!r}."
        content = message.get("content")
        if not isinstance(content, str) and not (role == "assistant" and content is None):
            return f"{where}.content: must be text."
        if role != "tool" and unanswered:
            return (
                f"{where}: the tool calls {', '.join(sorted(unanswered))} of the assistant "
                "message before it have no tool message answering them."
            )
        if role == "user" and not str(content).strip():
            return f"{where}.content: a user message needs some text."
        if role == "assistant":
            problem = _calls_problem(message.get("tool_calls"), where)
            if problem:
                return problem
            unanswered = {c["id"]: c["name"] for c in message.get("tool_calls") or []}
        if role == "tool":
            call_id = message.get("tool_call_id")
            if not isinstance(call_id, str) or call_id not in unanswered:
                return (
                    f"{where}.tool_call_id: {call_id!r} answers no open tool call of the "
                    "assistant message before it."
                )
            name = message.get("name")
            if name is not None and name != unanswered[call_id]:
                return (
                    f"{where}.name: '{name}' differs from the call it answers "
                    f"('{unanswered[call_id]}')."
                )
            del unanswered[call_id]
    if unanswered:
        return (
            f"messages: the tool calls {', '.join(sorted(unanswered))} of the last assistant "
            "message have no tool message answering them."
        )
    return None


def _calls_problem(calls: Any, where: str) -> str | None:
    if calls is None:
        return None
    if not isinstance(calls, list):
        return f"{where}.tool_calls: must be a list."
    ids: set[str] = set()
    for j, call in enumerate(calls):
        at = f"{where}.tool_calls[{j}]"
        if not isinstance(call, dict):
            return f"{at}: must be an object with id, name and arguments."
        call_id, name = call.get("id"), call.get("name")
        if not isinstance(call_id, str) or not call_id:
            return f"{at}.id: must be non-empty text."
        if call_id in ids:
            return f"{at}.id: '{call_id}' is used twice in one message."
        ids.add(call_id)
        if not isinstance(name, str) or not TOOL_NAME.fullmatch(name):
            return f"{at}.name: {name!r} is not a tool name."
        if not isinstance(call.get("arguments", {}), dict):
            return f"{at}.arguments: must be an object."
    return None
