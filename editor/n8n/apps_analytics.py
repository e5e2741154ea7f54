"""n8n's Google Analytics node (version 2, GA4 reports) as `app.google_analytics`.

A GA4 report's metrics and dimensions (n8n's list choices, or "other" with a name; an entry left
at its default is n8n's totalUsers metric or date dimension, and so is an "other" entry whose
name was left at n8n's default: exports leave out values at their defaults), its date range, simplify and
limit. Universal Analytics (version 1, or version 2's "universal" property type, and the user
activity resource) is refused: Google shut that API down in 2024. n8n's named ranges count days
in the n8n instance's time zone; GA4's relative dates (7daysAgo, today) count them in the
property's (a note says so). Simplified rows are one n8n item each, listed under `rows`.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from editor.n8n.apps_base import credential_note, text
from editor.n8n.converter import BASE, Converted, Converter, N8nNode, Refusal, Spec
from integrations.google_analytics.node import MAX_ROWS

TYPE = f"{BASE}googleAnalytics"
CREDENTIAL = credential_note(
    "Google service account key",
    "add the service account to the GA4 property as a Viewer and enable the Analytics Data API",
)
UA_GONE = (
    "reads Universal Analytics, whose API Google shut down in July 2024; WorkFuse reads GA4 "
    "properties: rebuild the node on a GA4 property in n8n and export again."
)
RANGES = {
    "last7days": ("7daysAgo", "today"),
    "last30days": ("30daysAgo", "today"),
    "today": ("today", "today"),
    "yesterday": ("yesterday", "yesterday"),
}
DEFAULT_METRIC = "totalUsers"
DEFAULT_DIMENSION = "date"


def _names(entries: Any, default: str, what: str) -> list[str]:
    names: list[str] = []
    for entry in entries or []:
        entry = entry if isinstance(entry, dict) else {}
        chosen = str(entry.get("listName") or default)
        # "other"'s name field defaults to the list's own default, which the export leaves out.
        named = entry.get("name", default if chosen == "other" else "")
        name = str(named or "") if chosen in ("other", "customEvent") else chosen
        if not name:
            raise Refusal(f"has a {what} set to '{chosen}' with no name; name it in n8n.")
        if name.startswith("="):
            raise Refusal(f"has a {what} named by an expression ({name[1:60]}).")
        names.append(f"customEvent:{name}" if chosen == "customEvent" else name)
    return names


def _analytics(node: N8nNode, cx: Converter) -> Converted:
    p = node.params
    if node.version < 2 or p.get("propertyType", "ga4") != "ga4":
        raise Refusal(UA_GONE)
    resource = str(p.get("resource") or "report")
    if resource != "report":
        raise Refusal(f"reads '{resource}', a Universal Analytics resource; " + UA_GONE)
    notes = [CREDENTIAL]
    property_id = text(cx, node, p.get("propertyId"))
    if property_id in ("", None):
        raise Refusal("has no GA4 property; choose one in n8n and export again.")
    metrics = (p.get("metricsGA4") or {"metricValues": [{}]}).get("metricValues")
    dimensions = (p.get("dimensionsGA4") or {"dimensionValues": [{}]}).get("dimensionValues")
    config: dict[str, Any] = {
        "operation": "report",
        "property_id": property_id,
        "metrics": _names(metrics, DEFAULT_METRIC, "metric"),
        "dimensions": _names(dimensions, DEFAULT_DIMENSION, "dimension"),
    }
    span = str(p.get("dateRange") or "last7days")
    if span == "custom":
        config["start_date"] = text(cx, node, p.get("startDate", ""))
        config["end_date"] = text(cx, node, p.get("endDate", ""))
        if "" in (config["start_date"], config["end_date"]):
            raise Refusal("has a custom date range without its start or end date.")
    elif span in RANGES:
        config["start_date"], config["end_date"] = RANGES[span]
        notes.append(
            f"n8n counted '{span}' in the n8n instance's time zone; GA4 counts it in the "
            "property's."
        )
    else:
        raise Refusal(
            f"reads the date range '{span}'; WorkFuse reads {', '.join(RANGES)} or custom dates."
        )
    extra = p.get("additionalFields") or {}
    unknown = sorted(
        k for k in set(extra) - {"keepEmptyRows", "currencyCode"} if extra[k] not in ("", None, {})
    )
    if unknown:
        raise Refusal(
            f"reports with the option(s) {', '.join(unknown)}, which WorkFuse's Google Analytics "
            "node lacks (filters: filter the rows after it)."
        )
    if extra.get("keepEmptyRows"):
        config["keep_empty_rows"] = True
    if extra.get("currencyCode"):
        config["currency_code"] = text(cx, node, extra["currencyCode"])
    config["simple"] = p.get("simple", True) is not False
    if p.get("returnAll"):
        config["limit"] = MAX_ROWS
        notes.append(
            f"n8n read every row; WorkFuse reads at most {MAX_ROWS} (truncated and rowCount say "
            "when there were more)."
        )
    else:
        config["limit"] = min(max(int(p.get("limit") or 50), 1), MAX_ROWS)
    if not config["simple"]:
        notes.append(
            "n8n emitted one item per answer page; WorkFuse gives one answer with every row read."
        )
    return Converted("app.google_analytics", config, notes=notes)


def _analytics_spec(node: N8nNode, cx: Converter) -> Spec:
    spec = dataclasses.replace(SPECS[TYPE], per_node=None)
    if node.params.get("simple", True) is not False:
        return dataclasses.replace(spec, items="rows")
    return spec


SPECS: dict[str, Spec] = {TYPE: Spec(_analytics, "", per_node=_analytics_spec)}
