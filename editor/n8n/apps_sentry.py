"""n8n's Sentry.io node (version 1) as WorkFuse's `app.sentry`, for its release resource
(created, got, listed, updated, deleted) and its issue resource (listed, got, updated,
deleted), on sentry.io or a self-hosted Sentry."""

from __future__ import annotations

import dataclasses
from typing import Any

from editor.n8n.apps_base import credential_note, operation, required, text, unsupported
from editor.n8n.converter import BASE, Converted, Converter, N8nNode, Refusal, Spec

SUPPORTED = (
    "it creates, gets, lists, updates and deletes releases, and lists, gets, updates and "
    "deletes issues"
)
LIMIT, MAX_RESULTS = 100, 5000
OPS = {
    "create": "create_release",
    "get": "get_release",
    "getAll": "list_releases",
    "update": "update_release",
    "delete": "delete_release",
}
ISSUE_OPS = {
    "getAll": "list_issues",
    "get": "get_issue",
    "update": "update_issue",
    "delete": "delete_issue",
}
# Release settings WorkFuse sends, by n8n name.
SENT = {"url": "url", "dateReleased": "date_released", "ref": "ref"}
ISSUE_FLAGS = {
    "hasSeen": "has_seen",
    "isBookmarked": "is_bookmarked",
    "isSubscribed": "is_subscribed",
    "isPublic": "is_public",
}


def _fields(cx: Converter, node: N8nNode, name: str, allowed: set[str]) -> dict[str, Any]:
    fields = dict(node.params.get(name) or {})
    other = sorted(set(fields) - allowed)
    if other:
        raise Refusal(
            f"sends {', '.join(other)} with the release; WorkFuse's Sentry node sends "
            f"{', '.join(sorted(allowed))} only. Remove them in n8n (or call Sentry's API "
            "with an HTTP Request node) and export again."
        )
    return {SENT[k]: text(cx, node, v) for k, v in fields.items() if v not in ("", None)}


def _projects(cx: Converter, node: N8nNode) -> list[Any]:
    value = node.params.get("projects") or []
    projects = [text(cx, node, p) for p in (value if isinstance(value, list) else [value])]
    projects = [p for p in projects if p not in ("", None)]
    if not projects:
        raise Refusal("names no Projects; choose them in n8n and export again.")
    return projects


def _limit(node: N8nNode, config: dict[str, Any], notes: list[str], what: str) -> None:
    if node.params.get("returnAll"):
        config["max_results"] = MAX_RESULTS
        notes.append(f"n8n read every page; WorkFuse reads at most {MAX_RESULTS} {what}.")
    else:
        limit = node.params.get("limit")
        config["max_results"] = limit if isinstance(limit, int) and limit >= 1 else LIMIT


def _issue(node: N8nNode, cx: Converter, op: str, notes: list[str]) -> Converted:
    name = ISSUE_OPS[op]
    config: dict[str, Any] = {"operation": name}
    fields = dict(node.params.get("additionalFields") or {})
    if name == "list_issues":
        config["organization"] = required(cx, node, "organizationSlug", "Organization Slug")
        config["project"] = required(cx, node, "projectSlug", "Project Slug")
        # n8n's form names it shortIdLookUp where its code reads shortIdLookup: never sent.
        fields.pop("shortIdLookUp", None)
        _only(fields, {"query", "statsPeriod"})
        if fields.get("query"):
            config["query"] = text(cx, node, fields["query"])
        if fields.get("statsPeriod"):
            config["stats_period"] = fields["statsPeriod"]
        _limit(node, config, notes, "issues")
        return Converted("app.sentry", config, notes=notes)
    config["issue_id"] = required(cx, node, "issueId", "Issue ID")
    if name == "update_issue":
        _only(fields, {"status", "assignedTo", *ISSUE_FLAGS})
        if fields.get("status"):
            config["status"] = fields["status"]
        if fields.get("assignedTo"):
            config["assigned_to"] = text(cx, node, fields["assignedTo"])
        for flag, field in ISSUE_FLAGS.items():
            value = fields.get(flag)
            if isinstance(value, str):
                raise Refusal(
                    f"sets {flag} by an expression; WorkFuse's Sentry node takes it on or off."
                )
            if value:
                config[field] = True
    return Converted("app.sentry", config, notes=notes)


def _only(fields: dict[str, Any], allowed: set[str]) -> None:
    other = sorted(set(fields) - allowed)
    if other:
        raise Refusal(
            f"sets {', '.join(other)}, which WorkFuse's Sentry node does not send. Remove "
            "them in n8n and export again."
        )


def _sentry(node: N8nNode, cx: Converter) -> Converted:
    resource, op = operation(node, "event", {"release": "get", "issue": "get"})
    notes = [credential_note("Sentry", "an auth token, and a self-hosted server's address")]
    if resource == "issue" and op in ISSUE_OPS:
        return _issue(node, cx, op, notes)
    if resource != "release" or op not in OPS:
        raise unsupported("Sentry.io", resource, op, SUPPORTED)
    p = node.params
    name = OPS[op]
    config: dict[str, Any] = {
        "operation": name,
        "organization": required(cx, node, "organizationSlug", "Organization Slug"),
    }
    if name != "list_releases":
        config["version"] = required(cx, node, "version", "Version")
    if name == "create_release":
        config["projects"] = _projects(cx, node)
        if p.get("url"):
            config["url"] = text(cx, node, p["url"])
        config |= _fields(cx, node, "additionalFields", {"dateReleased"})
    if name == "update_release":
        config |= _fields(cx, node, "updateFields", {"url", "ref", "dateReleased"})
    if name == "list_releases":
        query = dict(p.get("additionalFields") or {})
        if query.get("query"):
            config["query"] = text(cx, node, query["query"])
        _limit(node, config, notes, "releases")
    return Converted("app.sentry", config, notes=notes)


def _spec(node: N8nNode, cx: Converter) -> Spec:
    resource, op = operation(node, "event", {"release": "get", "issue": "get"})
    many = {"release": "releases", "issue": "issues"}.get(resource) if op == "getAll" else None
    return dataclasses.replace(SPECS[f"{BASE}sentryIo"], per_node=None, items=many)


SPECS: dict[str, Spec] = {f"{BASE}sentryIo": Spec(_sentry, "", per_node=_spec)}
