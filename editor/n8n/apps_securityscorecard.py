"""n8n's SecurityScorecard node (version 1) as WorkFuse's `app.securityscorecard`: reports
generated (each report type's settings as n8n sends them), listed and downloaded as a file, and
a company's scorecard read."""

from __future__ import annotations

import dataclasses
from typing import Any

from editor.n8n.apps_base import credential_note, operation, required, text, unsupported
from editor.n8n.converter import BASE, Converted, Converter, N8nNode, Spec

SUPPORTED = "it generates, lists and downloads reports and reads a company's scorecard"
DEFAULTS = {"report": "getAll", "company": ""}
LIMIT = 50


def _generate(node: N8nNode, cx: Converter) -> dict[str, Any]:
    p = node.params
    kind = str(p.get("report") or "detailed")
    config: dict[str, Any] = {"operation": "generate_report", "report": kind}
    if kind == "portfolio":
        config["portfolio_id"] = required(cx, node, "portfolioId", "Portfolio ID")
    else:
        config["scorecard_identifier"] = required(
            cx, node, "scorecardIdentifier", "Scorecard Identifier"
        )
    if kind == "events-json":
        config["date"] = required(cx, node, "date", "Date")
    if kind in ("detailed", "summary") and p.get("branding"):
        config["branding"] = str(p["branding"])
    given = dict(p.get("options") or p.get("optional") or {})
    options = {k: text(cx, node, v) for k, v in given.items() if v not in ("", None, [])}
    if options and kind in ("issues", "portfolio", "scorecard-footprint"):
        config["options"] = options
    return config


def _securityscorecard(node: N8nNode, cx: Converter) -> Converted:
    resource, op = operation(node, "company", DEFAULTS)
    p = node.params
    notes = [credential_note("SecurityScorecard", "an API key")]
    if (resource, op) == ("report", "generate"):
        config = _generate(node, cx)
    elif (resource, op) == ("report", "getAll"):
        config = {"operation": "list_reports"}
        if p.get("returnAll"):
            config["max_results"] = 1000
        else:
            limit = p.get("limit")
            config["max_results"] = limit if isinstance(limit, int) and limit >= 1 else LIMIT
    elif (resource, op) == ("report", "download"):
        url = required(cx, node, "url", "Report URL")
        config = {"operation": "download_report", "url": url}
        notes.append(
            "WorkFuse sends the API key only to the SecurityScorecard API's own host; n8n sent "
            "it to any Report URL."
        )
    elif (resource, op) == ("company", "getScorecard"):
        config = {
            "operation": "get_scorecard",
            "scorecard_identifier": required(
                cx, node, "scorecardIdentifier", "Scorecard Identifier"
            ),
        }
    else:
        raise unsupported("SecurityScorecard", resource, op, SUPPORTED)
    return Converted("app.securityscorecard", config, notes=notes)


def _spec(node: N8nNode, cx: Converter) -> Spec:
    spec = dataclasses.replace(SPECS[f"{BASE}securityScorecard"], per_node=None)
    resource, op = operation(node, "company", DEFAULTS)
    if (resource, op) == ("report", "getAll"):
        return dataclasses.replace(spec, items="reports")
    if (resource, op) == ("report", "download"):
        # n8n's item is the input item with the report in a binary property.
        prop = str(node.params.get("binaryPropertyName") or "data")
        return dataclasses.replace(spec, data=None, binary=((prop, f"nodes.{node.id}.file"),))
    return spec


SPECS: dict[str, Spec] = {f"{BASE}securityScorecard": Spec(_securityscorecard, "", per_node=_spec)}
