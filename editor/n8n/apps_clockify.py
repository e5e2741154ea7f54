"""n8n's Clockify node (version 1) as WorkFuse's `app.clockify`, for its project resource:
projects listed (n8n's Additional Fields are Clockify's own query filters, sent as they are),
got, created and deleted."""

from __future__ import annotations

import dataclasses
from typing import Any

from editor.n8n.apps_base import credential_note, operation, setting_of, text, unsupported
from editor.n8n.converter import BASE, Converted, Converter, N8nNode, Refusal, Spec

SUPPORTED = "it lists, gets, creates and deletes projects"
OPERATIONS = {
    "getAll": "list_projects",
    "get": "get_project",
    "create": "create_project",
    "delete": "delete_project",
}
LIMIT, MAX_RESULTS = 50, 5000


def _required(node: N8nNode, cx: Converter, name: str, label: str) -> Any:
    value = text(cx, node, setting_of(cx, node.params.get(name)))
    if value in ("", None):
        raise Refusal(f"names no {label}; set it in n8n and export again.")
    return value if isinstance(value, str) else str(value)


def _given(node: N8nNode, cx: Converter, given: dict[str, Any]) -> dict[str, Any]:
    return {k: text(cx, node, v) for k, v in given.items() if v not in ("", None, [], {})}


def _clockify(node: N8nNode, cx: Converter) -> Converted:
    resource, op = operation(node, "project", {})
    if resource != "project" or op not in OPERATIONS:
        raise unsupported("Clockify", resource, op, SUPPORTED)
    p = node.params
    config: dict[str, Any] = {
        "operation": OPERATIONS[op],
        "workspace_id": _required(node, cx, "workspaceId", "Workspace"),
    }
    notes = [credential_note("Clockify", "an API key")]
    extra = _given(node, cx, dict(p.get("additionalFields") or {}))
    if op == "getAll":
        if "name" in extra:
            config["name"] = extra.pop("name")
        if extra:
            config["filters"] = extra
        if p.get("returnAll"):
            config["max_results"] = MAX_RESULTS
            notes.append(f"n8n read every project; WorkFuse reads at most {MAX_RESULTS}.")
        else:
            limit = p.get("limit")
            config["max_results"] = limit if isinstance(limit, int) and limit >= 1 else LIMIT
    elif op == "create":
        config["name"] = _required(node, cx, "name", "Project Name")
        if extra:
            config["fields"] = extra
    else:
        config["project_id"] = _required(node, cx, "projectId", "Project ID")
    return Converted("app.clockify", config, notes=notes)


def _spec(node: N8nNode, cx: Converter) -> Spec:
    many = "projects" if operation(node, "project", {})[1] == "getAll" else None
    return dataclasses.replace(SPECS[f"{BASE}clockify"], per_node=None, items=many)


SPECS: dict[str, Spec] = {f"{BASE}clockify": Spec(_clockify, "", per_node=_spec)}
