"""n8n's webhook answer "when the last node finishes" (`responseMode: lastNode`), as n8n gives it.

n8n answers with the first item's JSON of the last node that ran (`responseData`:
`firstEntryJson` by default; `allEntries` for every item's, `firstEntryBinary` for its file,
`noData` for none). WorkFuse's `response: last_node` answers the last step's output, which is
not an n8n item (a Set's step output is `{"result": ...}`, a loop's `{"results": [...]}`). So
the export is rewritten before conversion: a Respond to Webhook node, which maps exactly
(respond.py), is put after each node where the webhook's flow ends, and the webhook answers
from it (`response: respond_node`). Where the flow ends in several places (IF branches), each
end answers: the first to run does, where n8n answered with the last; the report says so.
"""

from __future__ import annotations

import copy
from collections import defaultdict
from typing import Any

from editor.n8n.converter import BASE

WEBHOOK = f"{BASE}webhook"
RESPOND = f"{BASE}respondToWebhook"
# The key that marks a node the import added (the report lists it as added, not as n8n's).
ADDED = "workfuseAdded"
# n8n's `responsePropertyName`, passed to the added node (respond.py reads it).
PROPERTY = "workfuseProperty"
# Every end of the flow, in the order n8n runs them, passed to each added node: where the ends
# run inside a loop the import adds over items, they all answer after it (respond.py).
ENDS = "workfuseEnds"
# n8n's responseData -> the Respond to Webhook setting that answers the same.
RESPOND_WITH = {
    "firstEntryJson": "firstIncomingItem",
    "allEntries": "allIncomingItems",
    "firstEntryBinary": "binary",
    "noData": "noData",
}


def answered_by_respond_nodes(data: dict[str, Any]) -> dict[str, Any]:
    """The export with each `lastNode` webhook answered by Respond to Webhook nodes added at
    the ends of its flow (a copy; the export is left as it was)."""
    nodes = data.get("nodes")
    connections = data.get("connections")
    if not isinstance(nodes, list) or not isinstance(connections, dict):
        return data
    hooks = [
        n
        for n in nodes
        if isinstance(n, dict)
        and n.get("type") == WEBHOOK
        and (n.get("parameters") or {}).get("responseMode") == "lastNode"
        and ((n.get("parameters") or {}).get("responseData") or "firstEntryJson") in RESPOND_WITH
    ]
    if not hooks:
        return data
    copied = copy.deepcopy(data)
    children = _children(copied["connections"])
    taken = {str(n.get("name")) for n in copied["nodes"] if isinstance(n, dict)}
    for hook in hooks:
        ends = _ends(str(hook.get("name")), children)
        if not ends:
            continue  # the webhook alone: its own output is n8n's answer, as last_node gives
        mine = next(n for n in copied["nodes"] if n.get("name") == hook.get("name"))
        params = mine["parameters"]
        for end in ends:
            name = _free_name(f"Answer the webhook after {end}", taken)
            taken.add(name)
            node = _respond_node(name, params, len(ends) > 1)
            if len(ends) > 1:
                node["parameters"][ENDS] = list(ends)
            node["position"] = _beside(copied["nodes"], end)
            copied["nodes"].append(node)
            copied["connections"].setdefault(end, {}).setdefault("main", [[]])
            outputs = copied["connections"][end]["main"]
            if not outputs:
                outputs.append([])
            outputs[0] = [*(outputs[0] or []), {"node": name, "type": "main", "index": 0}]
        params["responseMode"] = "responseNode"
    return copied


def _children(connections: dict[str, Any]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = defaultdict(list)
    for source, kinds in connections.items():
        main = kinds.get("main") if isinstance(kinds, dict) else None
        for targets in main or []:
            for target in targets or []:
                if isinstance(target, dict) and isinstance(target.get("node"), str):
                    out[source].append(target["node"])
    return out


def _ends(start: str, children: dict[str, list[str]]) -> list[str]:
    """The nodes reachable from `start` with nothing after them, in the order they are found."""
    ends: list[str] = []
    seen = {start}
    todo = list(children.get(start, []))
    while todo:
        name = todo.pop(0)
        if name in seen:
            continue
        seen.add(name)
        after = children.get(name, [])
        if not after:
            ends.append(name)
        todo.extend(after)
    return ends


def _free_name(wanted: str, taken: set[str]) -> str:
    name, n = wanted, 2
    while name in taken:
        name, n = f"{wanted} ({n})", n + 1
    return name


def _beside(nodes: list[Any], name: str) -> list[float]:
    for node in nodes:
        if isinstance(node, dict) and node.get("name") == name:
            position = node.get("position")
            if isinstance(position, list) and len(position) == 2:
                try:
                    return [float(position[0]) + 240, float(position[1])]
                except (TypeError, ValueError):
                    break
    return [0, 0]


def _respond_node(name: str, hook: dict[str, Any], several: bool) -> dict[str, Any]:
    options = hook.get("options") or {}
    respond_with = RESPOND_WITH[hook.get("responseData") or "firstEntryJson"]
    params: dict[str, Any] = {"respondWith": respond_with, "options": {}}
    if options.get("responseCode") is not None:
        params["options"]["responseCode"] = options["responseCode"]
    headers = list(((options.get("responseHeaders") or {}).get("entries")) or [])
    if options.get("responseContentType"):
        headers.append({"name": "Content-Type", "value": options["responseContentType"]})
    if headers:
        params["options"]["responseHeaders"] = {"entries": headers}
    prop = options.get("responsePropertyName")
    if respond_with == "firstIncomingItem" and prop:
        params[PROPERTY] = str(prop)  # n8n answers only that property of the first item's JSON
    if respond_with == "binary":
        params["responseDataSource"] = "set"
        params["inputFieldName"] = options.get("binaryPropertyName") or "data"
    why = (
        "Added on import: n8n answered the webhook with the first item of the last node that "
        "ran" + (" (every item)" if respond_with == "allIncomingItems" else "") + "."
    )
    if several:
        why += (
            " The flow ends in several places: the first end to run answers here, where n8n "
            "answered with the last one to run."
        )
    return {
        "parameters": params,
        "name": name,
        "type": RESPOND,
        "typeVersion": 1.1,
        "notes": why,
        ADDED: why,
    }
