"""n8n's Respond to Webhook node as WorkFuse's `logic.respond` (docs/triggers.md, "Answering
from a node"); the webhook it answers has `response: respond_node` (webhook.py).

What n8n sends, by `respondWith`: a JSON body (`json`, `firstIncomingItem`, `allIncomingItems`),
text (`text`, sent by Express as text/html unless a Content-Type header says otherwise), nothing
(`noData`), a redirect (`redirect`: `Location`, status 307 unless set), or a file (`binary`:
the file `Converter.file_ref` finds, with its own type unless a Content-Type header is set). JWT
tokens have no WorkFuse form and are refused. The node passes its input on, as in n8n.
"""

from __future__ import annotations

import json
import re
from typing import Any

from editor.n8n.converter import BASE, Converted, Converter, N8nNode, Refusal, Spec
from editor.n8n.expressions import literal, single
from editor.n8n.items import items_path  # misc
from editor.n8n.last_node import ENDS
from editor.nodes.logic_respond import REFUSED_HEADERS

BLOCK = re.compile(r"\{\{.*?\}\}", re.S)
# Markers standing for the `{{ ... }}` blocks of a JSON body while it is parsed: inside a JSON
# string (kept in it) and in place of a value (the value is the expression's).
IN_TEXT, AS_VALUE = "\ue000", "\ue001"
MARKED = re.compile(f"[{IN_TEXT}{AS_VALUE}](\\d+)[{IN_TEXT}{AS_VALUE}]")


def _respond(node: N8nNode, cx: Converter) -> Converted:
    p = node.params
    options = p.get("options") or {}
    respond_with = p.get("respondWith") or "firstIncomingItem"
    notes: list[str] = []
    headers, content_type = _headers(node, cx, options, notes)
    status = options.get("responseCode")
    body: Any = None
    if respond_with == "json":
        body = _json_body(p.get("responseBody", '{\n  "myField": "value"\n}'), node, cx)
    elif respond_with == "text":
        body = cx.value(p.get("responseBody") or "", node)
        # Express sends a string as HTML unless told otherwise.
        content_type = content_type or "text/html"
    elif respond_with in ("firstIncomingItem", "allIncomingItems"):
        body = _incoming(node, cx, every=respond_with == "allIncomingItems")
        prop = p.get("workfuseProperty")  # a lastNode webhook's property (last_node.py)
        if prop and isinstance(body, str):
            path = "".join(f"[{json.dumps(part)}]" for part in str(prop).split("."))
            body = "{{ (" + body.removeprefix("{{ ").removesuffix(" }}") + ")" + path + " }}"
        key = options.get("responseKey")
        if key:
            for part in reversed(str(key).split(".")):
                body = {part: body}
    elif respond_with == "redirect":
        headers["Location"] = cx.value(p.get("redirectURL") or "", node)
        status = 307 if status is None else status
    # --- files ---
    elif respond_with == "binary":
        automatic = (p.get("responseDataSource") or "automatically") != "set"
        file = cx.file_ref(node, p.get("inputFieldName"), first=automatic)
        # n8n sends the file's own type unless a Content-Type header is set.
        content_type = content_type or file.removesuffix(" }}") + ".content_type }}"
    # --- end files ---
    elif respond_with == "jwt":
        raise Refusal(
            "answers with a signed JWT; WorkFuse has no JWT signing. Sign the token in a Code "
            "node and answer with JSON, then export again."
        )
    elif respond_with != "noData":
        raise Refusal(f"answers with '{respond_with}', which WorkFuse does not know.")
    status = 200 if status is None else status
    if not isinstance(status, int) or not 200 <= status <= 599:
        raise Refusal(
            f"answers with status {status}; WorkFuse answers with 200 to 599 (a 1xx status is "
            "never a final answer). Change it in n8n and export again."
        )
    config: dict[str, Any] = {"status": status, "headers": headers, "body": body}
    config["content_type"] = content_type or "application/json"
    # --- files ---
    if respond_with == "binary":
        config["file"] = file
    # --- end files ---
    outputs = [["main"]]
    if node.version == 1.3 or (node.version >= 1.4 and p.get("enableResponseOutput")):
        outputs.append(["main"])
        notes.append(
            "n8n's second output carried the response sent; here both outputs are the node's "
            "input passed on."
        )
    return Converted("logic.respond", config, outputs=outputs, notes=notes)


def _headers(
    node: N8nNode, cx: Converter, options: dict[str, Any], notes: list[str]
) -> tuple[dict[str, Any], str]:
    """The response headers, Content-Type apart (WorkFuse's `content_type`); headers WorkFuse
    does not let a workflow set are left out, each with a note."""
    headers: dict[str, Any] = {}
    content_type = ""
    entries = (options.get("responseHeaders") or {}).get("entries") or []
    for entry in entries:
        name = str(entry.get("name") or "").strip()
        value = cx.value("" if entry.get("value") is None else str(entry["value"]), node)
        if not name:
            continue
        if name.lower() == "content-type":
            content_type = value if isinstance(value, str) else ""
            continue
        reason = REFUSED_HEADERS.get(name.lower())
        if reason is not None:
            notes.append(f"n8n also sent the header {name}; WorkFuse does not: {reason}.")
            continue
        headers[name] = value
    return headers, content_type


def _incoming(node: N8nNode, cx: Converter, every: bool) -> Any:
    """The items coming into the node: the first one's json, or (`every`) the list of all."""
    ref = cx.input_ref(node)
    if ref is None:
        return [] if every else {}
    collected = _last_end_that_ran(node, cx)
    if collected is not None:
        return "{{ " + collected + " }}" if every else "{{ (" + collected + " or [{}])[0] }}"
    many = _many(node, cx)
    if many is not None:
        return "{{ " + many + " }}" if every else "{{ " + many + "[0] }}"
    return "{{ [" + ref[0] + "] }}" if every else "{{ " + ref[0] + " }}"


def _last_end_that_ran(node: N8nNode, cx: Converter) -> str | None:
    """For a lastNode webhook's answer added after one of several ends of the flow
    (last_node.py), when those ends ran inside a loop the import added over items: their items
    are all known only after the loop, so every such answer hangs from the loop's end and the
    first to run answers. n8n answered with the last end that ran (one that got no items does
    not run), so each answers the same: the items of the last end, in n8n's order, that has
    any. None otherwise (each end's answer runs only if its end did)."""
    ends = node.params.get(ENDS)
    parents = cx.parents.get(node.name)
    if not isinstance(ends, list) or len(ends) < 2 or not parents:
        return None
    own = cx.flow.out.get(parents[0])
    if own is None or own.scope == cx.flow.scope.get(node.name):
        return None  # its end is not in an added loop: this answer runs only if the end did
    # The ends in the same loop (others, in other loops or branches, answer on their own).
    lists = [
        f"({cx.flow.items_of((end, 0), ()).jinja()})"
        for end in reversed(ends)
        if (out := cx.flow.out.get((end, 0))) is not None and out.scope == own.scope
    ]
    return "(" + " or ".join(lists) + ")" if len(lists) > 1 else None


def _many(node: N8nNode, cx: Converter) -> str | None:
    """The list path of the node's input when the node before it may emit several items."""
    parents = cx.parents.get(node.name)
    seen: set[str] = set()
    while parents and parents[0][0] not in seen:
        name = parents[0][0]
        seen.add(name)
        before = cx.nodes.get(name)
        if before is None or before.type not in cx.specs:
            return None
        spec = cx.spec_of(name)
        items = items_path(spec, parents[0][1])  # misc: the output's own list (Compare Datasets)
        if items is not None:
            return f"nodes.{before.id}" + (f".{items}" if items else "")
        if spec.data is not None or spec.loop_handle is not None:
            return None
        parents = cx.parents.get(name)
    return None


def _json_body(raw: Any, node: N8nNode, cx: Converter) -> Any:
    """n8n's JSON body (JSON text, with expressions in it when it starts with `=`) as the JSON
    value it makes, its expressions as templates: a `{{ ... }}` in place of a value keeps the
    value's type, one inside a string is part of the text."""
    if not isinstance(raw, str):
        return _literal(raw)
    expression = raw.startswith("=")
    text = raw[1:] if expression else raw
    if not text.strip():
        return None
    blocks: list[str] = []
    if expression:
        text = _mark(text, blocks)
    try:
        parsed = json.loads(text)
    except ValueError:
        if expression:
            return cx.value(raw, node)
        raise Refusal(
            "has a response body that is not JSON; fix it in n8n and export again."
        ) from None
    return _unmark(parsed, blocks, node, cx) if expression else _literal(parsed)


def _mark(text: str, blocks: list[str]) -> str:
    """`text` with each `{{ ... }}` replaced by a numbered marker, as a string value where a
    value stands and as part of the string inside one."""
    out, last, in_string, escaped = [], 0, False, False
    position = 0
    while position < len(text):
        char = text[position]
        if text.startswith("{{", position):
            end = text.find("}}", position + 2)
            if end != -1:
                out.append(text[last:position])
                blocks.append(text[position : end + 2])
                n = len(blocks) - 1
                out.append(f"{IN_TEXT}{n}{IN_TEXT}" if in_string else f'"{AS_VALUE}{n}{AS_VALUE}"')
                position = last = end + 2
                continue
        if in_string and char == "\\" and not escaped:
            escaped = True
        else:
            if char == '"' and not escaped:
                in_string = not in_string
            escaped = False
        position += 1
    out.append(text[last:])
    return "".join(out)


def _unmark(value: Any, blocks: list[str], node: N8nNode, cx: Converter) -> Any:
    if isinstance(value, dict):
        return {
            _unmark(k, blocks, node, cx): _unmark(v, blocks, node, cx) for k, v in value.items()
        }
    if isinstance(value, list):
        return [_unmark(v, blocks, node, cx) for v in value]
    if not isinstance(value, str):
        return value
    if not MARKED.search(value):
        return literal(value)
    template = cx.value("=" + MARKED.sub(lambda m: blocks[int(m.group(1))], value), node)
    expression = single(template)
    if value.startswith(AS_VALUE) and expression is not None:
        # n8n writes the value into the JSON text and parses it: text holding JSON ("6",
        # '{"a": 1}') becomes that value.
        return (
            "{{ (("
            + expression
            + ") | fromjson) if ("
            + expression
            + ") is string else ("
            + expression
            + ") }}"
        )
    return template


def _literal(value: Any) -> Any:
    """A JSON value typed in n8n, kept from being read as templates."""
    if isinstance(value, dict):
        return {k: _literal(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_literal(v) for v in value]
    return literal(value) if isinstance(value, str) else value


SPECS: dict[str, Spec] = {f"{BASE}respondToWebhook": Spec(_respond, None)}
