"""n8n's Todoist node (versions 2 to 2.2) as WorkFuse's `app.todoist`: tasks created, updated,
got, got many, closed and deleted. WorkFuse calls Todoist's API v1 (n8n's 2.2 does; 2 and 2.1
called the retired REST v2, whose task objects named a few fields otherwise). Moving and
reopening tasks, parent tasks, the filter's language and version 1 are refused by name."""

from __future__ import annotations

import dataclasses
from typing import Any

from editor.n8n.apps_base import credential_note, locator, operation, text, unsupported
from editor.n8n.converter import BASE, Converted, Converter, N8nNode, Refusal, Spec

SUPPORTED = "it creates, updates, gets, lists, closes and deletes tasks"
OPERATIONS = {
    "create": "create_task",
    "update": "update_task",
    "get": "get_task",
    "getAll": "list_tasks",
    "close": "close_task",
    "delete": "delete_task",
}
TASK_FIELDS = {
    "content": "content",
    "description": "description",
    "dueString": "due_string",
    "dueDateTime": "due_datetime",
    "labels": "labels",
    "priority": "priority",
    "section": "section_id",
}
FILTERS = {
    "projectId": "project_id",
    "sectionId": "section_id",
    "labelId": "label",
    "filter": "filter",
    "ids": "ids",
}
LIMIT = 50  # n8n's default
MAX_TASKS = 5000


def _todoist(node: N8nNode, cx: Converter) -> Converted:
    if node.version < 2:
        raise Refusal(
            "is the Todoist node's version 1, which WorkFuse does not import; replace it with "
            "the current Todoist node in n8n and export again."
        )
    resource, op = operation(node, "task", {"task": "create"})
    if resource != "task" or op not in OPERATIONS:
        raise unsupported("Todoist", resource, op, SUPPORTED)
    p = node.params
    config: dict[str, Any] = {"operation": OPERATIONS[op]}
    notes = [credential_note("Todoist", "an API token")]
    if op not in ("create", "getAll"):
        task = text(cx, node, p.get("taskId"))
        if task in ("", None):
            raise Refusal("names no task; set the Task ID in n8n and export again.")
        config["task_id"] = task
    if op == "create":
        config["content"] = text(cx, node, p.get("content"))
        project = text(cx, node, locator(p.get("project")))
        if project not in ("", None):
            config["project_id"] = project
        if p.get("labels"):
            config["labels"] = text(cx, node, p["labels"])
        config |= _fields(node, cx, dict(p.get("options") or {}), ("section",))
    if op == "update":
        config |= _fields(node, cx, dict(p.get("updateFields") or {}), ())
    if op == "getAll":
        config |= _list(node, cx, notes)
    if op in ("create", "update") and "priority" in config:
        config["priority"] = str(config["priority"])
    return Converted("app.todoist", config, notes=notes)


def _fields(
    node: N8nNode, cx: Converter, given: dict[str, Any], extra: tuple[str, ...]
) -> dict[str, Any]:
    allowed = {k for k in TASK_FIELDS if k != "section"} | set(extra)
    unknown = sorted(
        k for k, v in given.items() if k not in allowed and v not in ("", None, {}, [])
    )
    if unknown:
        raise Refusal(f"sets the field(s) {', '.join(unknown)}, which WorkFuse lacks.")
    return {
        TASK_FIELDS[k]: text(cx, node, v)
        for k, v in given.items()
        if k in allowed and v not in ("", None, {}, [])
    }


def _list(node: N8nNode, cx: Converter, notes: list[str]) -> dict[str, Any]:
    p = node.params
    filters = dict(p.get("filters") or {})
    unknown = sorted(k for k, v in filters.items() if k not in FILTERS and v not in ("", None, {}))
    if unknown:
        raise Refusal(f"filters with {', '.join(unknown)}, which WorkFuse lacks.")
    config = {
        FILTERS[k]: text(cx, node, v)
        for k, v in filters.items()
        if k in FILTERS and v not in ("", None, {})
    }
    if p.get("returnAll"):
        config["max_results"] = MAX_TASKS
        notes.append(f"n8n read every task; WorkFuse reads at most {MAX_TASKS}.")
    else:
        config["max_results"] = min(max(int(p.get("limit") or LIMIT), 1), MAX_TASKS)
    return config


def _spec(node: N8nNode, cx: Converter) -> Spec:
    many = "tasks" if operation(node, "task", {"task": "create"})[1] == "getAll" else None
    return dataclasses.replace(SPECS[f"{BASE}todoist"], per_node=None, items=many)


SPECS: dict[str, Spec] = {f"{BASE}todoist": Spec(_todoist, "", per_node=_spec)}
