"""n8n's Linear node (version 1) as WorkFuse's `app.linear`: issues created, updated, got,
got many and deleted, with the same GraphQL fields answered. Comments, issue links and
version 2's other resources are refused by name."""

from __future__ import annotations

import dataclasses
from typing import Any

from editor.n8n.apps_base import credential_note, operation, text, unsupported
from editor.n8n.converter import BASE, Converted, Converter, N8nNode, Refusal, Spec

SUPPORTED = "it creates, updates, gets, lists and deletes issues"
OPERATIONS = {
    "create": "create_issue",
    "update": "update_issue",
    "get": "get_issue",
    "getAll": "list_issues",
    "delete": "delete_issue",
}
FIELDS = {
    "title": "title",
    "teamId": "team_id",
    "description": "description",
    "assigneeId": "assignee_id",
    "stateId": "state_id",
    "priorityId": "priority",
}
LIMIT = 50  # n8n's default
MAX_ISSUES = 1000


def _linear(node: N8nNode, cx: Converter) -> Converted:
    if node.version >= 2:
        raise Refusal(
            "is the Linear node's version 2, which WorkFuse does not import yet; use version 1's "
            "issue operations in n8n or an HTTP Request node."
        )
    resource, op = operation(node, "issue", {"issue": "create"})
    if resource != "issue" or op not in OPERATIONS:
        raise unsupported("Linear", resource, op, SUPPORTED)
    p = node.params
    config: dict[str, Any] = {"operation": OPERATIONS[op]}
    notes = [credential_note("Linear", "a personal API key")]
    if op in ("update", "get", "delete"):
        issue = text(cx, node, p.get("issueId"))
        if issue in ("", None):
            raise Refusal("names no issue; set the Issue ID in n8n and export again.")
        config["issue_id"] = issue
    if op == "create":
        config["team_id"] = text(cx, node, p.get("teamId"))
        config["title"] = text(cx, node, p.get("title"))
        config |= _fields(node, cx, "additionalFields")
    if op == "update":
        config |= _fields(node, cx, "updateFields")
    if op == "getAll":
        if p.get("returnAll"):
            config["max_results"] = MAX_ISSUES
            notes.append(f"n8n read every issue; WorkFuse reads at most {MAX_ISSUES}.")
        else:
            config["max_results"] = min(max(int(p.get("limit") or LIMIT), 1), MAX_ISSUES)
    return Converted("app.linear", config, notes=notes)


def _fields(node: N8nNode, cx: Converter, param: str) -> dict[str, Any]:
    given = dict(node.params.get(param) or {})
    unknown = sorted(set(given) - set(FIELDS))
    if unknown:
        raise Refusal(f"sets the field(s) {', '.join(unknown)}, which WorkFuse lacks.")
    fields = {FIELDS[k]: text(cx, node, v) for k, v in given.items() if v not in ("", None)}
    if "priority" in fields and not isinstance(fields["priority"], str):
        fields["priority"] = str(fields["priority"])
    return fields


def _spec(node: N8nNode, cx: Converter) -> Spec:
    many = "issues" if operation(node, "issue", {"issue": "create"})[1] == "getAll" else None
    return dataclasses.replace(SPECS[f"{BASE}linear"], per_node=None, items=many)


SPECS: dict[str, Spec] = {f"{BASE}linear": Spec(_linear, "", per_node=_spec)}
