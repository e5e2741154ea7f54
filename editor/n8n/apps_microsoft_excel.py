"""n8n's Microsoft Excel node (version 1) as WorkFuse's `app.microsoft_excel`: a worksheet's
content (getContent: rows keyed by the key row, or Graph's range object with RAW Data) and a
workbook's worksheets (getAll)."""

from __future__ import annotations

import dataclasses
from typing import Any

from editor.n8n.apps_base import credential_note, locator, operation, required, unsupported
from editor.n8n.converter import BASE, Converted, Converter, N8nNode, Refusal, Spec

SUPPORTED = "it reads a worksheet's content and lists a workbook's worksheets"


def _excel(node: N8nNode, cx: Converter) -> Converted:
    if node.version >= 2:
        raise Refusal(
            "is version 2, whose operations WorkFuse does not import yet; version 1's are."
        )
    resource, op = operation(node, "workbook", {"worksheet": "getAll", "workbook": "addWorksheet"})
    if (resource, op) not in (("worksheet", "getContent"), ("worksheet", "getAll")):
        raise unsupported("Microsoft Excel", resource, op, SUPPORTED)
    p = node.params
    notes = [credential_note("Microsoft Excel 365", "an OAuth2 refresh token")]
    config: dict[str, Any] = {"workbook_id": required(cx, node, "workbook", "Workbook")}
    if op == "getAll":
        if not p.get("returnAll"):
            notes.append("n8n read at most Limit worksheets; WorkFuse lists them all.")
        return Converted(
            "app.microsoft_excel", {"operation": "list_worksheets", **config}, notes=notes
        )
    config |= {
        "operation": "get_range",
        "worksheet": required(cx, node, "worksheet", "Worksheet"),
        "range": str(locator(p.get("range")) or ""),
    }
    if p.get("rawData"):
        config["raw"] = True
        if (p.get("filters") or {}).get("fields"):
            notes.append(
                "n8n asked Graph for the range's chosen fields only; WorkFuse reads them all."
            )
    else:
        config["key_row"] = int(p.get("keyRow", 0) or 0)
        config["data_start_row"] = int(
            p.get("dataStartRow", 1) if p.get("dataStartRow") is not None else 1
        )
    return Converted("app.microsoft_excel", config, notes=notes)


def _spec(node: N8nNode, cx: Converter) -> Spec:
    spec = dataclasses.replace(SPECS[f"{BASE}microsoftExcel"], per_node=None)
    _, op = operation(node, "workbook", {"worksheet": "getAll"})
    if op == "getAll":
        return dataclasses.replace(spec, items="worksheets")
    if node.params.get("rawData"):
        # n8n's one item holds the range under Data Property (`data` by default).
        prop = str(node.params.get("dataProperty") or "data")
        return dataclasses.replace(spec, aliases=((prop, "range"),))
    return dataclasses.replace(spec, items="rows")


SPECS: dict[str, Spec] = {f"{BASE}microsoftExcel": Spec(_excel, "", per_node=_spec)}
