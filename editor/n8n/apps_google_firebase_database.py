"""n8n's Google Cloud Realtime Database node (googleFirebaseRealtimeDatabase, version 1) as
WorkFuse's `app.google_firebase_database`: create (PUT: set), push (POST), update (PATCH),
get and delete at a path; the written data is the input item's fields named in
`attributes`."""

from __future__ import annotations

from typing import Any

from editor.n8n.apps_base import credential_note, operation, text, unsupported
from editor.n8n.converter import BASE, Converted, Converter, N8nNode, Refusal, Spec

SERVICE = "Google Cloud Realtime Database"
SUPPORTED = "it creates, pushes, updates, gets and deletes data at a path"
OPERATIONS = {"create": "set", "push": "push", "update": "update", "get": "get", "delete": "delete"}


def _firebase(node: N8nNode, cx: Converter) -> Converted:
    _, op = operation(node, "", {"": "create"})
    if op not in OPERATIONS:
        raise unsupported(SERVICE, "", op, SUPPORTED)
    p = node.params
    project = text(cx, node, p.get("projectId"))
    if project in ("", None):
        raise Refusal(
            "has no Project ID (n8n would call https://.firebaseio.com and fail); choose the "
            "project in n8n and export again."
        )
    config: dict[str, Any] = {"operation": OPERATIONS[op], "project_id": project}
    path = text(cx, node, p.get("path"))
    if path not in ("", None):
        config["path"] = path
    if op in ("create", "push", "update"):
        attributes = [a.strip() for a in str(p.get("attributes") or "").split(",") if a.strip()]
        if not attributes:
            raise Refusal("writes no attributes; list them in n8n and export again.")
        config["data"] = {a: cx.value("={{ $json[" + repr(a) + "] }}", node) for a in attributes}
    notes = [credential_note("Google", "a Google service-account key")]
    return Converted("app.google_firebase_database", config, notes=notes)


SPECS: dict[str, Spec] = {f"{BASE}googleFirebaseRealtimeDatabase": Spec(_firebase, "")}
