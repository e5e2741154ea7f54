"""n8n's ClickUp node (version 1) as WorkFuse's `app.clickup`: tasks created, got, updated,
listed and deleted. Other resources (checklists, comments, folders, goals, lists, time
entries...), task fields WorkFuse does not set and list filters are refused by name."""

from __future__ import annotations

import dataclasses
from typing import Any

from editor.n8n.apps_base import credential_note, listed, operation, text, unsupported
from editor.n8n.converter import BASE, Converted, Converter, N8nNode, Refusal, Spec

SUPPORTED = "tasks: create, get, update, getAll, delete"
OPERATIONS = {
    "create": "create_task",
    "get": "get_task",
    "update": "update_task",
    "getAll": "list_tasks",
    "delete": "delete_task",
}
FIELDS = {"content": "content", "priority": "priority", "dueDate": "due_date", "status": "status"}
CREATE_ONLY = {"tags": "tags", "assignees": "assignees"}
UPDATE_ONLY = {"name": "name"}
LIMIT = 50  # n8n's default
MAX_TASKS = 1000


def _fields(cx: Converter, node: N8nNode, given: dict[str, Any], known: dict[str, str]) -> dict:
    extra = sorted(k for k, v in given.items() if k not in known and v not in ("", [], {}, None))
    if extra:
        raise Refusal(
            f"sets {', '.join(extra)}, which WorkFuse's ClickUp node does not; remove them in "
            "n8n (or call the API with an HTTP Request node) and export again."
        )
    config: dict[str, Any] = {}
    for n8n_name, name in known.items():
        value = given.get(n8n_name)
        if value in ("", [], None):
            continue
        if name in ("tags", "assignees"):
            config[name] = (
                [str(v) for v in value] if isinstance(value, list) else listed(cx, node, value)
            )
        else:
            config[name] = text(cx, node, value)
    return config


def _required(cx: Converter, node: N8nNode, name: str, label: str) -> Any:
    value = text(cx, node, node.params.get(name))
    if value in ("", None):
        raise Refusal(f"names no {label}; set it in n8n and export again.")
    return value


def _clickup(node: N8nNode, cx: Converter) -> Converted:
    resource, op = operation(node, "task", {"task": "create"})
    if resource != "task" or op not in OPERATIONS:
        raise unsupported("ClickUp", resource, op, SUPPORTED)
    p = node.params
    config: dict[str, Any] = {"operation": OPERATIONS[op]}
    notes = [credential_note("ClickUp", "a personal API token")]
    if op in ("create", "getAll"):
        config["list_id"] = _required(cx, node, "list", "list (List)")
    if op in ("get", "update", "delete"):
        config["task_id"] = _required(cx, node, "id", "task (Task ID)")
    if op == "create":
        config["name"] = _required(cx, node, "name", "task name (Name)")
        config |= _fields(cx, node, p.get("additionalFields") or {}, FIELDS | CREATE_ONLY)
    elif op == "update":
        config |= _fields(cx, node, p.get("updateFields") or {}, FIELDS | UPDATE_ONLY)
        if len(config) == 2:
            raise Refusal("updates no field; choose one in n8n and export again.")
    elif op == "getAll":
        filters = dict(p.get("filters") or {})
        if filters.pop("includeClosed", False):
            config["include_closed"] = True
        if any(v not in ("", [], {}, None, False) for v in filters.values()):
            raise Refusal(
                f"filters the tasks by {', '.join(sorted(filters))}, which WorkFuse's ClickUp "
                "node does not; filter after it (a Filter node) instead."
            )
        if p.get("returnAll"):
            config["max_results"] = MAX_TASKS
            notes.append(f"n8n read every task; WorkFuse reads at most {MAX_TASKS}.")
        else:
            config["max_results"] = min(max(int(p.get("limit") or LIMIT), 1), MAX_TASKS)
    return Converted("app.clickup", config, notes=notes)


def _spec(node: N8nNode, cx: Converter) -> Spec:
    many = "tasks" if operation(node, "task", {"task": "create"})[1] == "getAll" else None
    return dataclasses.replace(SPECS[f"{BASE}clickUp"], per_node=None, items=many)


SPECS: dict[str, Spec] = {f"{BASE}clickUp": Spec(_clickup, "", per_node=_spec)}
