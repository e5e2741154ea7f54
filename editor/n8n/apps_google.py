"""n8n's Google Sheets node (versions 3 and later) as `app.google_sheets` (append, read and
update a row by its number) and its trigger's "row added" as `trigger.poll` on the sheet.

WorkFuse reaches Google with a service account's key, where n8n mostly used OAuth: the sheet
must be shared with the service account. n8n's read emits one item per row; WorkFuse's
read_rows lists them under `rows` (the Spec says so for that operation)."""

from __future__ import annotations

import dataclasses
from typing import Any

from editor.n8n.apps_base import URL_ID, credential_note, operation, text, unsupported
from editor.n8n.converter import BASE, Converted, Converter, N8nNode, Refusal, Spec

SHEETS_OPS = "it appends rows, reads rows and updates a row chosen by its row number"
SHEETS_CREDENTIAL = credential_note(
    "Google service account key", "share the spreadsheet with the service account's email"
)
POLL_SECONDS = {"everyMinute": 60, "everyHour": 3600, "everyDay": 86400, "everyWeek": 604800}


def spreadsheet(cx: Converter, node: N8nNode) -> Any:
    """The spreadsheet's id from its resource locator (by list, id or URL)."""
    value = node.params.get("documentId")
    found = text(cx, node, value)
    if isinstance(found, str) and "/d/" in found and "{{" not in found:
        match = URL_ID.search(found)
        if match:
            return match.group(1)
    if not found:
        raise Refusal("has no spreadsheet; choose one in n8n and export again.")
    return found


def sheet(cx: Converter, node: N8nNode) -> Any:
    """The sheet's name: n8n's list and URL modes store its numeric id (gid) and cache its name."""
    value = node.params.get("sheetName")
    if isinstance(value, dict) and value.get("mode") in ("list", "id", "url"):
        name = value.get("cachedResultName")
        if not name:
            raise Refusal(
                "chooses its sheet by id without its name; choose the sheet by name in n8n "
                "and export again."
            )
        return str(name)
    found = text(cx, node, value)
    if not found:
        raise Refusal("has no sheet; choose one in n8n and export again.")
    return found


def _sheets(node: N8nNode, cx: Converter) -> Converted:
    p = node.params
    if node.version < 3:
        raise Refusal(
            f"is Google Sheets version {node.version:g}; WorkFuse reads versions 3 and later. "
            "Replace it with a new Google Sheets node in n8n and export again."
        )
    resource, op = operation(node, "sheet", {"sheet": "read"})
    if resource != "sheet" or op not in ("append", "read", "update"):
        raise unsupported("Google Sheets", resource, op, SHEETS_OPS)
    notes = [SHEETS_CREDENTIAL]
    config: dict[str, Any] = {
        "spreadsheet_id": spreadsheet(cx, node),
        "range": sheet(cx, node),
    }
    options = p.get("options") or {}
    if op == "read":
        filters = (p.get("filtersUI") or {}).get("values") or []
        if filters:
            raise Refusal(
                "reads only the rows matching its filters; WorkFuse reads every row. Filter "
                "them with a Filter node after it in n8n and export again."
            )
        config.update(operation="read_rows", max_rows=10000)
        notes.append(
            "Each row's number is in the output's row_numbers, not in the row as n8n's row_number."
        )
        return Converted("app.google_sheets", config, notes=notes)
    values, matching = _columns(node, cx, notes)
    if op == "append":
        config.update(operation="append_row", values=values)
    else:
        if matching != "row_number":
            raise Refusal(
                f"updates the rows whose '{matching}' matches; WorkFuse's update_row updates "
                "one row by its number. Match on row_number in n8n and export again."
            )
        row = values.pop("row_number", None) if isinstance(values, dict) else None
        if row is None:
            raise Refusal("has no row_number value to find the row by; set it in n8n.")
        if isinstance(row, int) or (isinstance(row, str) and row.strip().isdigit()):
            config.update(operation="update_row", row_number=int(row), values=values)
        else:
            # A row number read from the run: the range names the row once rendered.
            config.update(operation="update_row", values=values)
            config["range"] = f"{config['range']}!{row}:{row}"
        notes.append(
            "n8n wrote only the mapped columns; update_row writes the whole row, leaving "
            "unmapped cells empty."
        )
    if options.get("cellFormat") == "RAW":
        config["value_input_option"] = "RAW"
    notes.append(
        "n8n passed the written row on; WorkFuse outputs the sheet's answer (updated_range and "
        "the row's values)."
    )
    return Converted("app.google_sheets", config, notes=notes)


def _columns(node: N8nNode, cx: Converter, notes: list[str]) -> tuple[Any, str]:
    """The row to write (by column header) and the column an update matches on."""
    p = node.params
    if node.version < 4:
        mode = p.get("dataMode") or "defineBelow"
        rows = (
            (p.get("fieldsUi") or {}).get("fieldValues")
            or (p.get("fieldsUi") or {}).get("values")
            or []
        )
        mapped = {
            str(r.get("fieldId") or r.get("column") or r.get("columnName")): text(
                cx, node, r.get("fieldValue", "")
            )
            for r in rows
        }
        matching = str(p.get("columnToMatchOn") or "")
        if matching and p.get("valueToMatchOn") is not None:
            mapped[matching] = text(cx, node, p.get("valueToMatchOn"))
    else:
        columns = p.get("columns") or {}
        mode = columns.get("mappingMode") or "defineBelow"
        mapped = {str(k): text(cx, node, v) for k, v in (columns.get("value") or {}).items()}
        matching = str((columns.get("matchingColumns") or [""])[0])
    if mode == "autoMapInputData":
        notes.append(
            "n8n mapped the input's fields to columns and added missing columns; WorkFuse "
            "refuses fields the header row does not name."
        )
        auto = cx.value("={{ $json }}", node)
        return auto, matching
    if mode != "defineBelow":
        raise Refusal("writes no columns (mapping mode 'nothing'); map them in n8n.")
    if not mapped:
        raise Refusal("maps no columns; map them in n8n and export again.")
    return mapped, matching


def _sheets_spec(node: N8nNode, cx: Converter) -> Spec:
    spec = dataclasses.replace(SPECS[f"{BASE}googleSheets"], per_node=None)
    if operation(node, "sheet", {"sheet": "read"})[1] == "read":
        return dataclasses.replace(spec, items="rows")
    return spec


def _sheets_trigger(node: N8nNode, cx: Converter) -> Converted:
    p = node.params
    event = p.get("event") or "rowAdded"
    if event != "rowAdded":
        raise Refusal(f"starts on '{event}'; WorkFuse's poll starts on new rows only (rowAdded).")
    notes = [
        SHEETS_CREDENTIAL,
        "n8n started one run with all the new rows; WorkFuse starts one run per new row.",
    ]
    config: dict[str, Any] = {
        "source": "google_sheets",
        "spreadsheet_id": spreadsheet(cx, node),
        "sheet_range": sheet(cx, node),
        "id_field": "row_number",
        "interval_seconds": _interval(p.get("pollTimes"), notes),
    }
    return Converted("trigger.poll", config, notes=notes)


def _interval(poll_times: Any, notes: list[str]) -> int:
    items = (poll_times or {}).get("item") or [{"mode": "everyMinute"}]
    first = items[0] if isinstance(items[0], dict) else {}
    mode = first.get("mode") or "everyMinute"
    if mode == "everyX":
        unit = {"minutes": 60, "hours": 3600}.get(str(first.get("unit") or "hours"), 3600)
        seconds = int(first.get("value") or 2) * unit
    elif mode in POLL_SECONDS:
        seconds = POLL_SECONDS[mode]
        if mode in ("everyDay", "everyWeek"):
            notes.append(f"n8n polled {mode} at a set hour; WorkFuse polls every {seconds} s.")
    else:
        raise Refusal(f"polls on a '{mode}' schedule; WorkFuse polls every so many seconds.")
    if len(items) > 1:
        notes.append("n8n polled on several schedules; WorkFuse polls on the first.")
    return min(max(seconds, 30), 86400)


SPECS: dict[str, Spec] = {
    f"{BASE}googleSheets": Spec(_sheets, "", per_node=_sheets_spec),
    f"{BASE}googleSheetsTrigger": Spec(_sheets_trigger, "trigger"),
}
