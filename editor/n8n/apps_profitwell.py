"""n8n's ProfitWell node (version 1) as WorkFuse's `app.profitwell`: metric / get (monthly, or
daily for a month; a plan and the metrics chosen; simplified as n8n simplifies them, or not)
and company / getSetting."""

from __future__ import annotations

import dataclasses
from typing import Any

from editor.n8n.apps_base import credential_note, operation, required, text, unsupported
from editor.n8n.converter import BASE, Converted, Converter, N8nNode, Refusal, Spec

NOTE = credential_note("ProfitWell", "an API token")


def _profitwell(node: N8nNode, cx: Converter) -> Converted:
    resource, op = operation(node, "metric", {"metric": "get", "company": "getSetting"})
    if (resource, op) == ("company", "getSetting"):
        return Converted("app.profitwell", {"operation": "get_company_settings"}, notes=[NOTE])
    if (resource, op) != ("metric", "get"):
        raise unsupported("ProfitWell", resource, op, "it gets metrics and company settings")
    p = node.params
    kind = p.get("type")
    if kind not in ("monthly", "daily"):
        raise Refusal("names no Type (monthly or daily); set it in n8n and export again.")
    config: dict[str, Any] = {
        "operation": f"get_{kind}_metrics",
        "simple": bool(p.get("simple", True)),
    }
    if kind == "daily":
        config["month"] = required(cx, node, "month", "Month")
    options = dict(p.get("options") or {})
    if options.get("plan_id") not in ("", None):
        config["plan_id"] = text(cx, node, options["plan_id"])
    # n8n sends either list as `metrics`, the monthly one when both are set.
    chosen = options.get("monthlyMetrics") or options.get("dailyMetrics")
    if chosen:
        config["metrics"] = list(chosen)
    return Converted("app.profitwell", config, notes=[NOTE])


def _spec(node: N8nNode, cx: Converter) -> Spec:
    p = node.params
    days = p.get("type") == "daily" and p.get("simple", True) and p.get("resource") != "company"
    return dataclasses.replace(
        SPECS[f"{BASE}profitWell"], per_node=None, items="days" if days else None
    )


SPECS: dict[str, Spec] = {f"{BASE}profitWell": Spec(_profitwell, "", per_node=_spec)}
