"""n8n's Google Cloud Storage node (version 1) as WorkFuse's `app.google_cloud_storage`: object
getAll (the default; by prefix and delimiter), get (metadata) and delete. Buckets, uploads,
downloads and updates are refused by name.

n8n emits one item per object of a getAll; WorkFuse's node outputs them as `objects`, which the
Spec names so the nodes after it run once per object."""

from __future__ import annotations

import dataclasses
from typing import Any

from editor.n8n.apps_base import credential_note, operation, text, unsupported
from editor.n8n.converter import BASE, Converted, Converter, N8nNode, Refusal, Spec
from integrations.google_cloud_storage.node import MAX_LIST

SERVICE = "Google Cloud Storage"
SUPPORTED = "it lists objects, reads an object's metadata and deletes objects"
DEFAULTS = {"object": "getAll"}
OPERATIONS = {"getAll": "list_objects", "get": "get_object", "delete": "delete_object"}
FILTERS = {"prefix": "prefix", "delimiter": "delimiter"}


def _storage(node: N8nNode, cx: Converter) -> Converted:
    resource, op = operation(node, "bucket", DEFAULTS)
    if resource != "object" or op not in OPERATIONS:
        raise unsupported(SERVICE, resource, op, SUPPORTED)
    p = node.params
    if any(v not in ("", None, {}, False) for v in dict(p.get("requestOptions") or {}).values()):
        raise Refusal("sets request options (batching, proxy, timeout), which WorkFuse does not.")
    notes = [credential_note(SERVICE, "a Google service-account key")]
    config: dict[str, Any] = {
        "operation": OPERATIONS[op],
        "bucket": _required(node, cx, "bucketName", "Bucket Name"),
    }
    if op == "getAll":
        filters = {
            k: v for k, v in dict(p.get("listFilters") or {}).items() if v not in ("", None, False)
        }
        unknown = sorted(k for k in filters if k not in FILTERS)
        if unknown:
            raise Refusal(
                f"filters by {', '.join(unknown)}, which WorkFuse's {SERVICE} node does not "
                "send; remove the filter in n8n."
            )
        config |= {FILTERS[k]: text(cx, node, v) for k, v in filters.items()}
        if p.get("returnAll"):
            notes.append(f"n8n read every object; WorkFuse keeps at most {MAX_LIST}.")
            config["max_results"] = MAX_LIST
        else:
            config["max_results"] = min(
                max(int(p.get("maxResults") or p.get("limit") or 100), 1), MAX_LIST
            )
        return Converted("app.google_cloud_storage", config, notes=notes)
    if op == "get" and p.get("alt") == "media":
        raise Refusal(
            f"downloads the object's content, which WorkFuse's {SERVICE} node does not (it reads "
            "the metadata; its mediaLink is the download address for an HTTP Request node)."
        )
    config["object_name"] = _required(node, cx, "objectName", "Object Name")
    return Converted("app.google_cloud_storage", config, notes=notes)


def _required(node: N8nNode, cx: Converter, param: str, label: str) -> Any:
    value = text(cx, node, node.params.get(param))
    if value in ("", None):
        raise Refusal(f"has no {label}; set it in n8n.")
    return value


def _spec(node: N8nNode, cx: Converter) -> Spec:
    items = "objects" if operation(node, "bucket", DEFAULTS) == ("object", "getAll") else None
    return dataclasses.replace(SPECS[f"{BASE}googleCloudStorage"], per_node=None, items=items)


SPECS: dict[str, Spec] = {f"{BASE}googleCloudStorage": Spec(_storage, "", per_node=_spec)}
