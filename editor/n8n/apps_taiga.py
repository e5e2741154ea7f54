"""n8n's Taiga node (version 1) as WorkFuse's `app.taiga`: issues created, updated, got, got
many and deleted. The issue fields n8n names as Taiga does (status, priority, tags, ...) go
into `fields` as they are; the description and an update's subject have fields of their own.

Getting many emits one n8n item per issue; WorkFuse lists them under `issues`, so the nodes
after it run once per issue as in n8n."""

from __future__ import annotations

import dataclasses
from typing import Any

from editor.n8n.apps_base import credential_note, operation, required, text, unsupported
from editor.n8n.converter import BASE, Converted, Converter, N8nNode, Refusal, Spec

SUPPORTED = "it creates, updates, gets, lists and deletes issues; epics, tasks and user stories do not import"
OPERATIONS = {
    "create": "create_issue",
    "update": "update_issue",
    "get": "get_issue",
    "getAll": "list_issues",
    "delete": "delete_issue",
}
ISSUE_FIELDS = {
    "assigned_to",
    "blocked_note",
    "is_blocked",
    "milestone",
    "priority",
    "severity",
    "status",
    "tags",
    "type",
}
FILTERS = {"assigned_to", "owner", "priority", "role", "severity", "status", "tags", "type"}
LIMIT = 50  # n8n's default
MAX_RESULTS = 5000


def _given(value: Any) -> bool:
    return value not in ("", None, {}, [])


def _fields(node: N8nNode, cx: Converter, given: dict[str, Any], subject: bool) -> dict[str, Any]:
    allowed = ISSUE_FIELDS | {"description"} | ({"subject"} if subject else set())
    unknown = sorted(k for k, v in given.items() if k not in allowed and _given(v))
    if unknown:
        raise Refusal(
            f"sets the field(s) {', '.join(unknown)}, which WorkFuse's Taiga node lacks; remove "
            "them in n8n and export again."
        )
    config: dict[str, Any] = {}
    for name in ("subject", "description"):
        if name in allowed and _given(given.get(name)):
            config[name] = text(cx, node, given[name])
    others = {k: text(cx, node, v) for k, v in given.items() if k in ISSUE_FIELDS and _given(v)}
    if others:
        config["fields"] = others
    return config


def _list(node: N8nNode, cx: Converter, notes: list[str]) -> dict[str, Any]:
    p = node.params
    filters = dict(p.get("filters") or {})
    unknown = sorted(k for k, v in filters.items() if k not in FILTERS and _given(v))
    if unknown:
        raise Refusal(
            f"filters with {', '.join(unknown)}, which WorkFuse's Taiga node lacks; remove them "
            "in n8n and export again."
        )
    config: dict[str, Any] = {
        "operation": "list_issues",
        "project_id": required(cx, node, "projectId", "project (Project Name or ID)"),
    }
    kept = {k: text(cx, node, v) for k, v in filters.items() if _given(v)}
    if kept:
        config["filters"] = kept
    if p.get("returnAll"):
        config["max_results"] = MAX_RESULTS
        notes.append(f"n8n read every issue; WorkFuse reads at most {MAX_RESULTS}.")
    else:
        config["max_results"] = min(max(int(p.get("limit") or LIMIT), 1), MAX_RESULTS)
    return config


def _taiga(node: N8nNode, cx: Converter) -> Converted:
    resource, op = operation(node, "issue", {"issue": "create"})
    if resource != "issue" or op not in OPERATIONS:
        raise unsupported("Taiga", resource, op, SUPPORTED)
    p = node.params
    notes = [credential_note("Taiga", "a user name and password")]
    config: dict[str, Any]
    if op == "getAll":
        config = _list(node, cx, notes)
    elif op == "create":
        config = {
            "operation": "create_issue",
            "project_id": required(cx, node, "projectId", "project (Project Name or ID)"),
            "subject": required(cx, node, "subject", "subject"),
        }
        config |= _fields(node, cx, dict(p.get("additionalFields") or {}), False)
    else:
        config = {
            "operation": OPERATIONS[op],
            "issue_id": required(cx, node, "issueId", "issue (Issue ID)"),
        }
        if op == "update":
            config |= _fields(node, cx, dict(p.get("updateFields") or {}), True)
    return Converted("app.taiga", config, notes=notes)


def _spec(node: N8nNode, cx: Converter) -> Spec:
    spec = dataclasses.replace(SPECS[f"{BASE}taiga"], per_node=None)
    if operation(node, "issue", {"issue": "create"}) == ("issue", "getAll"):
        return dataclasses.replace(spec, items="issues")
    return spec


SPECS: dict[str, Spec] = {f"{BASE}taiga": Spec(_taiga, "", per_node=_spec)}
