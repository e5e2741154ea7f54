"""n8n's Date & Time node (versions 1 and 2) as a WorkFuse date-time step.

n8n writes the result into a field: version 1 into a copy of the item (`dataPropertyName`),
version 2 into a new item (`outputFieldName`) or, with "Include Input Fields", into a copy of the
item. The WorkFuse step does the same with its `output_field` and `input`.
"""

from __future__ import annotations

from typing import Any

from editor.n8n.converter import BASE, Converted, Converter, N8nNode, Refusal, Spec
from editor.n8n.data_input import with_field

UNITS = {
    "years",
    "months",
    "weeks",
    "days",
    "hours",
    "minutes",
    "seconds",
    "milliseconds",
}
V2_FORMATS = {
    "MM/dd/yyyy": "MM/dd/yyyy",
    "yyyy/MM/dd": "yyyy/MM/dd",
    "MMMM dd yyyy": "MMMM dd yyyy",
    "MM-dd-yyyy": "MM-dd-yyyy",
    "yyyy-MM-dd": "yyyy-MM-dd",
}


def _unit(raw: Any) -> str:
    unit = str(raw or "days")
    if unit not in UNITS:
        raise Refusal(f"counts in '{unit}', which WorkFuse dates do not have.")
    return unit


def _v2(node: N8nNode, cx: Converter) -> tuple[dict[str, Any], str]:
    p = node.params
    operation = p.get("operation", "getCurrentDate")
    field = str(p.get("outputFieldName") or "")
    options = p.get("options") or {}
    config: dict[str, Any]
    if operation == "getCurrentDate":
        config = {"operation": "now"}
        field = field or "currentDate"
    elif operation in ("addToDate", "subtractFromDate"):
        config = {
            "operation": "add" if operation == "addToDate" else "subtract",
            "value": cx.value(p.get("magnitude", ""), node),
            "amount": cx.value(p.get("duration", 0), node),
            "unit": _unit(p.get("timeUnit")),
        }
        field = field or "newDate"
    elif operation == "formatDate":
        fmt = p.get("format", "MM/dd/yyyy")
        if fmt in ("X", "x"):
            raise Refusal(
                "formats a date as a Unix timestamp, which WorkFuse formats do not write."
            )
        config = {
            "operation": "format",
            "value": cx.value(p.get("date", ""), node),
            "format": str(p.get("customFormat", "") if fmt == "custom" else fmt),
        }
        field = field or "formattedDate"
    else:
        raise Refusal(
            f"runs '{operation}', which this importer does not map yet; use add, subtract, "
            "format or the current date."
        )
    if options.get("timezone"):
        config["timezone"] = cx.value(options["timezone"], node)
    return config, field


def _v1(node: N8nNode, cx: Converter) -> tuple[dict[str, Any], str]:
    p = node.params
    options = p.get("options") or {}
    action = p.get("action", "format")
    field = str(p.get("dataPropertyName") or "data")
    value = cx.value(p.get("value", ""), node)
    if action == "calculate":
        config = {
            "operation": "add" if p.get("operation", "add") == "add" else "subtract",
            "value": value,
            "amount": cx.value(p.get("duration", 0), node),
            "unit": _unit(p.get("timeUnit")),
        }
    elif action == "format":
        if options.get("fromFormat"):
            raise Refusal(
                "reads the date in a custom format and formats it again in one step; WorkFuse "
                "reads and formats in two. Use an ISO date in n8n and export again."
            )
        fmt = p.get("toFormat", "MM/DD/YYYY")
        config = {
            "operation": "format",
            "value": value,
            "format": str(p.get("custom", "") if p.get("custom") else fmt),
        }
    else:
        raise Refusal(f"runs '{action}', which WorkFuse dates do not have.")
    if options.get("toTimezone"):
        config["timezone"] = cx.value(options["toTimezone"], node)
    return config, field


def _date_time(node: N8nNode, cx: Converter) -> Converted:
    config, field = _v2(node, cx) if node.version >= 2 else _v1(node, cx)
    notes = []
    if config["operation"] != "format":
        notes.append(
            "Dates are written as ISO 8601 without milliseconds; n8n wrote them with milliseconds."
        )
    options = node.params.get("options") or {}
    keep_item = node.version < 2 or bool(options.get("includeInputFields"))
    return with_field(
        Converted("utility.datetime", config, notes=notes), node, cx, field, keep_item
    )


SPECS: dict[str, Spec] = {f"{BASE}dateTime": Spec(_date_time, "")}
