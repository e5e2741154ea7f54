"""n8n's BambooHR node (version 1) as WorkFuse's `app.bamboohr`: the employees got many (the
directory), the company files got many (flat, or by category without Simplify Output) and a
company file downloaded.

Getting many emits one n8n item per employee, file or category; WorkFuse lists them under
`employees`, `files` or `categories`, so the nodes after them run once per item as in n8n. A
download passes its input item's json on in n8n, so `$json` after it still reads that item; the
file is the output's `file`, under the binary property n8n put it in (Put Output In Field)."""

from __future__ import annotations

import dataclasses
from typing import Any

from editor.n8n.apps_base import credential_note, operation, text, unsupported
from editor.n8n.converter import BASE, Converted, Converter, N8nNode, Refusal, Spec

SUPPORTED = "it lists employees and company files and downloads company files"
DEFAULTS = {"employee": "create", "file": "delete"}
LIMIT = 5  # n8n's default
MAX_RESULTS = 5000


def _limit(node: N8nNode, notes: list[str], what: str) -> int:
    p = node.params
    if p.get("returnAll"):
        notes.append(f"n8n read every {what}; WorkFuse reads at most {MAX_RESULTS}.")
        return MAX_RESULTS
    return min(max(int(p.get("limit") or LIMIT), 1), MAX_RESULTS)


def _bamboohr(node: N8nNode, cx: Converter) -> Converted:
    resource, op = operation(node, "employee", DEFAULTS)
    notes = [credential_note("BambooHR", "an API key and the company's subdomain")]
    config: dict[str, Any]
    if (resource, op) == ("employee", "getAll"):
        config = {"operation": "list_employees", "max_results": _limit(node, notes, "employee")}
    elif (resource, op) == ("file", "getAll"):
        simplify = node.params.get("simplifyOutput", True)
        config = {"operation": "list_files", "max_results": _limit(node, notes, "file")}
        if not simplify:
            config["by_category"] = True
    elif (resource, op) == ("file", "download"):
        file_id = text(cx, node, node.params.get("fileId"))
        if file_id in ("", None):
            raise Refusal(
                "downloads a file but names none; set its File ID in n8n and export again."
            )
        config = {"operation": "download_file", "file_id": file_id}
    else:
        raise unsupported("BambooHR", resource, op, SUPPORTED)
    return Converted("app.bamboohr", config, notes=notes)


def _spec(node: N8nNode, cx: Converter) -> Spec:
    spec = dataclasses.replace(SPECS[f"{BASE}bambooHr"], per_node=None)
    resource, op = operation(node, "employee", DEFAULTS)
    if (resource, op) == ("employee", "getAll"):
        return dataclasses.replace(spec, items="employees")
    if (resource, op) == ("file", "getAll"):
        simplify = node.params.get("simplifyOutput", True)
        return dataclasses.replace(spec, items="files" if simplify else "categories")
    if (resource, op) == ("file", "download"):
        made = ((str(node.params.get("output") or "data"), f"nodes.{node.id}.file"),)
        return dataclasses.replace(spec, data=None, binary=made)
    return spec


SPECS: dict[str, Spec] = {f"{BASE}bambooHr": Spec(_bamboohr, "", per_node=_spec)}
