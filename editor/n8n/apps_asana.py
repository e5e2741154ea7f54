"""n8n's Asana node (version 1) as WorkFuse's `app.asana`, for its task resource (n8n's
default): create (`otherProperties` are Asana's own task fields, sent as they are), get, update,
delete and getAll (`filters` are Asana's query filters)."""

from __future__ import annotations

import dataclasses
from typing import Any

from editor.n8n.apps_base import credential_note, operation, required, text, unsupported
from editor.n8n.converter import BASE, Converted, Converter, N8nNode, Refusal, Spec

SUPPORTED = "it creates, gets, updates, deletes and lists tasks"
OPERATIONS = {
    "create": "create_task",
    "get": "get_task",
    "update": "update_task",
    "delete": "delete_task",
    "getAll": "list_tasks",
}
LIMIT, MAX_RESULTS = 100, 5000
# n8n's date-time fields, which it sends as the date picker wrote them; Asana's due_on wants
# a date (YYYY-MM-DD) and rejects a date-time.
TIMES = ("completed_since", "modified_since")


def _given(node: N8nNode, cx: Converter, given: dict[str, Any]) -> dict[str, Any]:
    return {k: text(cx, node, v) for k, v in given.items() if v not in ("", None, [], {})}


def _asana(node: N8nNode, cx: Converter) -> Converted:
    resource, op = operation(node, "task", {"task": "create"})
    if resource != "task" or op not in OPERATIONS:
        raise unsupported("Asana", resource, op, SUPPORTED)
    p = node.params
    config: dict[str, Any] = {"operation": OPERATIONS[op]}
    notes = [credential_note("Asana", "a personal access token")]
    if op == "create":
        config["workspace"] = required(cx, node, "workspace", "Workspace")
        config["name"] = required(cx, node, "name", "Name")
    elif op != "getAll":
        config["task_id"] = required(cx, node, "id", "Task ID")
    if op in ("create", "update"):
        fields = _given(node, cx, dict(p.get("otherProperties") or {}))
        if fields:
            config["fields"] = fields
    if op == "getAll":
        filters = _given(node, cx, dict(p.get("filters") or {}))
        if not any(k in filters for k in ("project", "section", "assignee", "tag")):
            raise Refusal(
                "lists tasks without a project, section or assignee filter; Asana refuses "
                "such a list, so n8n's node failed too."
            )
        if any(k in filters for k in TIMES):
            notes.append(
                "n8n sent Completed/Modified Since in the workflow's timezone; WorkFuse sends "
                "the value as written (add an offset for another zone than UTC)."
            )
        config["filters"] = filters
        if p.get("returnAll"):
            config["max_results"] = MAX_RESULTS
            notes.append(f"n8n read every task; WorkFuse reads at most {MAX_RESULTS}.")
        else:
            limit = p.get("limit")
            config["max_results"] = limit if isinstance(limit, int) and limit >= 1 else LIMIT
    return Converted("app.asana", config, notes=notes)


def _spec(node: N8nNode, cx: Converter) -> Spec:
    many = "tasks" if operation(node, "task", {"task": "create"})[1] == "getAll" else None
    return dataclasses.replace(SPECS[f"{BASE}asana"], per_node=None, items=many)


SPECS: dict[str, Spec] = {f"{BASE}asana": Spec(_asana, "", per_node=_spec)}
