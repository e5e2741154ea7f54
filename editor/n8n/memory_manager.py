"""n8n's Chat Memory Manager (`memoryManager`, versions 1 and 1.1) as `utility.agent_memory`
on the session its attached memory names, the session an imported agent with that memory keeps
(ai_parts.memory: Simple Memory's key scoped to the workflow, as n8n scopes it).

MemoryManager `execute`: "Get Many Messages" (load, the default) outputs the messages as
`simplifyMessages` groups them (`{human, ai, system}` per exchange), grouped into one item
`{messages, messagesCount}` (version 1.1 unless Group Messages is off; version 1 only when it
is on) or one item per exchange. "Insert Messages" adds the messages (Override All Messages
clears first) and "Delete Messages" drops the last N (none when fewer are stored) or all;
version 1.1 outputs `{success: true}` after them, version 1 one item per message stored
afterwards, LangChain's serialized message (`message.toJSON()`: `{lc, type, id, kwargs:
{content, ...}}`): WorkFuse's items are those messages as `{role, content}`, `kwargs.content`
read as `content`. Refused: Simplify Output off (LangChain's serialized messages).
"""

from __future__ import annotations

from typing import Any

from editor.n8n.ai_parts import MEMORY, attached, described, memory
from editor.n8n.converter import LANGCHAIN, Converted, Converter, N8nNode, Refusal, Spec

ROLES = {"user": "user", "ai": "assistant", "system": "system"}
SERIALIZED = (
    "Version 1 of n8n's Chat Memory Manager output, after '{mode}', one item per message stored, "
    "in LangChain's serialized form ({{lc, type, id, kwargs: {{content, ...}}}}); WorkFuse's items "
    "are those messages as {{role, content}}, with kwargs.content read as content: read no other "
    "field of them."
)
HIDDEN = "n8n hid some inserted messages in its chat window; WorkFuse's memory has no such mark."


def _session(node: N8nNode, cx: Converter, notes: list[str]) -> str:
    found = memory(node, cx, notes)
    if found is None:
        raise Refusal("has no memory attached; attach the agent's memory in n8n.")
    sub = attached(cx, node, MEMORY)[0]
    notes.append(
        f"The session of {described(sub)}: an imported agent with that memory keeps this "
        "conversation, its last messages only (the memory's window), where n8n's memory "
        "store kept the whole conversation."
    )
    return str(found["session_key"])


def _manager(node: N8nNode, cx: Converter) -> Converted:
    p = node.params
    mode = str(p.get("mode") or "load")
    notes: list[str] = []
    config: dict[str, Any] = {"session_key": _session(node, cx, notes)}
    if mode == "load":
        if p.get("simplifyOutput", True) is False:
            raise Refusal(
                "outputs LangChain's serialized messages (Simplify Output off); WorkFuse gives "
                "each message's kind and text. Turn Simplify Output on in n8n and export again."
            )
        group = (p.get("options") or {}).get("groupMessages")
        grouped = group is True if node.version < 1.1 else group is not False
        config["operation"] = "get"
        if grouped:
            spec: dict[str, Any] = {
                "data": "",
                "items": None,
                "aliases": (("messages", "exchanges"), ("messagesCount", "count")),
            }
            return Converted("utility.agent_memory", config, notes=notes, spec=spec)
        spec = {"data": "", "items": "exchanges"}
        return Converted("utility.agent_memory", config, notes=notes, spec=spec)
    if mode == "insert":
        config["operation"] = "insert"
        config["messages"] = [_message(node, cx, m, notes) for m in _values(p)]
        if p.get("insertMode") == "override":
            config["replace"] = True
    elif mode == "delete":
        config["operation"] = "delete"
        if p.get("deleteMode") == "all":
            config["delete"] = "all"
        else:
            count = p.get("lastMessagesCount", 2)
            if not isinstance(count, int) or isinstance(count, bool) or count < 0:
                raise Refusal(f"deletes {count!r} messages; set a whole number in n8n.")
            config["count"] = count
    else:
        raise Refusal(f"has the operation mode '{mode}', which n8n does not have.")
    if node.version < 1.1:
        notes.append(SERIALIZED.format(mode=mode))
        spec = {"data": "", "items": "messages", "item_aliases": (("kwargs.content", "content"),)}
        return Converted("utility.agent_memory", config, notes=notes, spec=spec)
    # n8n outputs {success: true}; WorkFuse's output adds the messages' count.
    return Converted("utility.agent_memory", config, notes=notes, spec={"data": ""})


def _values(p: dict[str, Any]) -> list[dict[str, Any]]:
    values = (p.get("messages") or {}).get("messageValues") or []
    return [v for v in values if isinstance(v, dict)]


def _message(
    node: N8nNode, cx: Converter, value: dict[str, Any], notes: list[str]
) -> dict[str, Any]:
    kind = str(value.get("type") or "system")
    if kind not in ROLES:
        raise Refusal(f"inserts a message of type '{kind}', which n8n does not have.")
    if value.get("hideFromUI") and HIDDEN not in notes:
        notes.append(HIDDEN)
    content = cx.value(value.get("message", ""), node)
    return {"role": ROLES[kind], "content": content if isinstance(content, str) else str(content)}


SPECS: dict[str, Spec] = {f"{LANGCHAIN}memoryManager": Spec(_manager, "")}
