"""n8n's Google Sheets node (versions 3 and later; 1 and 2 in apps_sheets_legacy.py) as
`app.google_sheets` (append; read, with
its lookup filters; update a row by its number or by a column's value; append or update;
delete rows) and its trigger's "row added" as `trigger.poll` on the sheet.

WorkFuse reaches Google with a service account's key, where n8n mostly used OAuth: the sheet
must be shared with the service account. n8n's read emits one item per row; WorkFuse's
read_rows lists them under `rows` (the Spec says so for that operation). A sheet n8n chose
from its list, by id or by URL is chosen by its id (gid) here too, so a renamed sheet is still
found."""

from __future__ import annotations

import dataclasses
import re
from typing import Any

from editor.n8n import apps_sheets_legacy
from editor.n8n.apps_base import URL_ID, credential_note, operation, text, unsupported
from editor.n8n.converter import BASE, Converted, Converter, N8nNode, Refusal, Spec
from editor.n8n.expressions import single

SHEETS_OPS = (
    "it appends, reads, updates (by row number or a column's value), appends or updates, and "
    "deletes rows, and creates sheets"
)
GID = re.compile(r"^(?:gid=)?(\d+)$")
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
        named = value.get("cachedResultName") if isinstance(value, dict) else None
        hint = f" (the export names it '{named}' but gives no id)" if named else ""
        raise Refusal(
            f"has no spreadsheet{hint}: a template leaves it for you to choose. WorkFuse checks "
            "every setting on import, so choose the spreadsheet in n8n and export again."
        )
    return found


def sheet_choice(cx: Converter, node: N8nNode, notes: list[str]) -> dict[str, Any]:
    """The sheet as config: `range` naming it, or `sheet_gid` (its numeric id, a template, or
    a URL holding #gid=) where n8n chose it by id (from its list, by id or by URL)."""
    value = node.params.get("sheetName")
    if isinstance(value, dict) and value.get("mode") in ("list", "id", "url"):
        raw = value.get("value")
        found = GID.match(str(raw).strip()) if isinstance(raw, str | int) else None
        if found:
            name = value.get("cachedResultName")
            if name:
                notes.append(
                    f"The sheet is chosen by its id {found.group(1)} ('{name}' when exported), as in n8n."
                )
            return {"sheet_gid": found.group(1)}
        given = text(cx, node, value)
        if isinstance(given, str) and "{{" in given:
            return {"sheet_gid": given}
        if value.get("mode") == "url" and isinstance(given, str) and "gid=" in given:
            return {"sheet_gid": given}
    return {"range": sheet(cx, node)}


def sheet(cx: Converter, node: N8nNode) -> Any:
    """The sheet's name: n8n's list and URL modes store its numeric id (gid) and cache its name."""
    value = node.params.get("sheetName")
    if isinstance(value, dict) and value.get("mode") in ("list", "id", "url"):
        name = value.get("cachedResultName")
        # --- struct2 ---
        given = str(value.get("value") or "").removeprefix("=").strip()
        if not name and given and "{{" not in given and not GID.match(given):
            raise Refusal(
                f"chooses its sheet by the id '{given}', which is not a sheet id (the number "
                f"after gid= in its URL): n8n stops there too ('Sheet with ID {given} not "
                "found'). Choose the sheet from the list, or by name, in n8n and export again."
            )
        # --- end struct2 ---
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
        legacy = apps_sheets_legacy.convert(node, cx)
        legacy.notes.insert(0, SHEETS_CREDENTIAL)
        return legacy
    resource, op = operation(node, "sheet", {"sheet": "read"})
    ops = ("append", "read", "update", "appendOrUpdate", "delete", "create")
    if resource != "sheet" or op not in ops:
        raise unsupported("Google Sheets", resource, op, SHEETS_OPS)
    notes = [SHEETS_CREDENTIAL]
    if op == "create":
        return Converted("app.google_sheets", _create(cx, node), notes=notes)
    config: dict[str, Any] = {"spreadsheet_id": spreadsheet(cx, node)}
    config.update(sheet_choice(cx, node, notes))
    options = p.get("options") or {}
    if op == "read":
        config.update(operation="read_rows", max_rows=10000)
        config.update(_lookup(cx, node, options))
        cells = config.pop("cells", None)
        if cells:
            config["range"] = f"{config['range']}!{cells}" if "range" in config else cells
        notes.append(
            "Each row's number is in the output's row_numbers, not in the row as n8n's row_number."
        )
        return Converted("app.google_sheets", config, notes=notes)
    if op == "delete":
        if p.get("toDelete", "rows") != "rows":
            raise Refusal(f"deletes {p.get('toDelete')}; WorkFuse's delete_rows deletes rows.")
        start = text(cx, node, p.get("startIndex", 2))
        config.update(
            operation="delete_rows",
            start_row=start,
            row_count=text(cx, node, p.get("numberToDelete") or 1),
        )
        return Converted("app.google_sheets", config, notes=notes)
    values, matching = _columns(node, cx, notes)
    if op == "append":
        config.update(operation="append_row", values=values)
    elif op == "appendOrUpdate" or matching != "row_number":
        if not matching:
            raise Refusal("has no column to match on; choose one in n8n and export again.")
        config.update(
            operation="append_or_update" if op == "appendOrUpdate" else "update_by_column",
            match_column=matching,
            values=values,
        )
        if op == "update":
            notes.append(
                "n8n emitted no item when no row matched, so the nodes after it did not run; "
                "WorkFuse goes on, with updated false and row_number empty."
            )
    else:
        # --- ops ---
        if isinstance(values, str):  # "map automatically": the item's row_number, its fields
            values, row = _auto_row(values)
        else:
            row = values.pop("row_number", None)
        # --- end ops ---
        if row is None:
            raise Refusal("has no row_number value to find the row by; set it in n8n.")
        if isinstance(row, int) or (isinstance(row, str) and row.strip().isdigit()):
            config.update(operation="update_row", row_number=int(row), values=values)
        else:
            # A row number read from the run: the range names the row once rendered.
            config.update(operation="update_row", values=values)
            place = f"{row}:{row}"
            config["range"] = f"{config['range']}!{place}" if "range" in config else place
        notes.append(
            "n8n wrote only the mapped columns; update_row writes the whole row, leaving "
            "unmapped cells empty."
        )
    if options.get("cellFormat") == "RAW":
        config["value_input_option"] = "RAW"
    if config["operation"] in ("append_row", "update_row"):
        notes.append(
            "n8n passed the written row on; WorkFuse outputs the sheet's answer (updated_range "
            "and the row's values)."
        )
    return Converted("app.google_sheets", config, notes=notes)


# --- ops ---
def _auto_row(item: str) -> tuple[str, str | None]:
    """An update by row_number mapped automatically, as n8n's: the row is the item's
    `row_number` and the item's other fields are the columns written; (values, row) templates,
    row None when the item is not one expression."""
    expression = single(item)
    if expression is None:
        return item, None
    values = "{{ dict((" + expression + ") | items | rejectattr('0', 'eq', 'row_number')) }}"
    return values, "{{ (" + expression + ").row_number }}"


# --- end ops ---


def _create(cx: Converter, node: N8nNode) -> dict[str, Any]:
    """A sheet (tab) made in the spreadsheet, named by `title`."""
    extra = sorted(node.params.get("options") or {})
    if extra:
        raise Refusal(f"creates a sheet with {', '.join(extra)}; WorkFuse names it only.")
    title = text(cx, node, node.params.get("title") or "")
    if not title:
        raise Refusal("creates a sheet without a title; set one in n8n and export again.")
    return {"spreadsheet_id": spreadsheet(cx, node), "operation": "create_sheet", "title": title}


def _lookup(cx: Converter, node: N8nNode, options: dict[str, Any]) -> dict[str, Any]:
    """A read's filters as n8n applies them: AND by default from version 4.3 (OR before), the
    first match only unless told otherwise before 4.5, every match from 4.5 on."""
    p = node.params
    config: dict[str, Any] = {}
    formatting = ((options.get("outputFormatting") or {}).get("values")) or {}
    general = formatting.get("general") or "UNFORMATTED_VALUE"
    if general not in ("UNFORMATTED_VALUE", "FORMATTED_VALUE"):
        raise Refusal(f"reads cells as {general}; WorkFuse reads values or text as shown.")
    if (formatting.get("date") or "FORMATTED_STRING") != "FORMATTED_STRING":
        raise Refusal(f"reads dates as {formatting['date']}; WorkFuse reads them as shown.")
    config["value_render"] = general
    location = (options.get("dataLocationOnSheet") or {}).get("values") or {}
    how = location.get("rangeDefinition") or "detectAutomatically"
    if how == "specifyRangeA1" and location.get("range"):
        # The range's first row is the header row, in n8n as in read_rows.
        config["cells"] = text(cx, node, location["range"])
    elif how != "detectAutomatically":
        raise Refusal(
            f"reads the sheet with '{how}' (a header row and first data row); WorkFuse reads "
            "the sheet from its first row, or an A1 range whose first row is the header row."
        )
    filters = (p.get("filtersUI") or {}).get("values") or []
    entries = [
        {
            "column": text(cx, node, f.get("lookupColumn", "")),
            "value": text(cx, node, f.get("lookupValue", "")),
        }
        for f in filters
        if isinstance(f, dict)
    ]
    if node.version >= 4.5:
        first = bool(options.get("returnFirstMatch"))
    else:
        first = options.get("returnAllMatches", "returnFirstMatch") != "returnAllMatches"
        first = first and bool(entries)
    combine = str(p.get("combineFilters") or ("AND" if node.version >= 4.3 else "OR"))
    if entries and combine == "OR" and first and len(entries) > 1 and node.version < 4.6:
        raise Refusal(
            "keeps the first match of each of its OR filters (n8n before version 4.6); "
            "WorkFuse keeps the first row matching any. Update the node in n8n and export again."
        )
    if entries:
        config.update(filters=entries, combine=combine, first_match=first)
    elif first:
        config["max_rows"] = 1  # n8n's "return only the first row" without filters
    return config


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
    if node.version < 3:
        return apps_sheets_legacy.spec(node, spec)
    op = operation(node, "sheet", {"sheet": "read"})[1]
    if op == "read":
        return dataclasses.replace(spec, items="rows")
    columns = node.params.get("columns") or {}
    if node.version < 4:
        matching = str(node.params.get("columnToMatchOn") or "")
    else:
        matching = str((columns.get("matchingColumns") or [""])[0])
    if op == "appendOrUpdate" or (op == "update" and matching != "row_number"):
        if node.version < 4 or columns.get("mappingMode") == "autoMapInputData":
            return dataclasses.replace(spec, data=None)  # n8n passes its input items on
        return dataclasses.replace(spec, data="values")  # n8n outputs the mapped columns
    return spec


def _sheets_trigger(node: N8nNode, cx: Converter) -> Converted:
    p = node.params
    event = p.get("event") or "anyUpdate"  # n8n's default, which its exports leave out
    if event not in EMIT:
        raise Refusal(
            f"starts on '{event}'; WorkFuse's poll starts on rowAdded, rowUpdate or anyUpdate."
        )
    notes = [
        SHEETS_CREDENTIAL,
        f"n8n started one run with all the {ROWS_OF[event]}; WorkFuse starts one run per row.",
    ]
    options = p.get("options") or {}
    config: dict[str, Any] = {
        "source": "google_sheets",
        "spreadsheet_id": spreadsheet(cx, node),
        "sheet_range": _watched_range(cx, node, sheet(cx, node), options),
        "id_field": "row_number",
        "interval_seconds": _interval(p.get("pollTimes"), notes),
    }
    if event != "rowAdded":
        config.update(emit=EMIT[event], watch_fields=_columns_to_watch(node, event, notes))
        included = p.get("includeInOutput") or "new"
        if included != "new":
            raise Refusal(
                f"outputs the {'old' if included == 'old' else 'old and new'} version of each "
                "changed row; WorkFuse keeps a digest of each row, not its values, so it "
                "outputs the new version only."
            )
        notes.append(
            "n8n read the rows unformatted (numbers as numbers, dates as serial numbers); "
            "WorkFuse reads the cells as the sheet shows them."
        )
    return Converted("trigger.poll", config, notes=notes)


# --- sheetsupdate: rowUpdate and anyUpdate ---
EMIT = {"rowAdded": "new", "rowUpdate": "changed", "anyUpdate": "new_or_changed"}
ROWS_OF = {
    "rowAdded": "new rows",
    "rowUpdate": "changed rows",
    "anyUpdate": "added or changed rows",
}


def _watched_range(cx: Converter, node: N8nNode, name: Any, options: dict[str, Any]) -> Any:
    """The sheet, or its A1 range, as n8n's "Data Location on Sheet" says: the range's first
    row is the header row in both."""
    location = (options.get("dataLocationOnSheet") or {}).get("values") or {}
    how = location.get("rangeDefinition") or ""
    if how == "specifyRangeA1":
        cells = text(cx, node, location.get("range") or "")
        if not cells:
            raise Refusal("has an empty Range; n8n stops there too. Set it in n8n.")
        return f"{name}!{cells}"
    header, first = location.get("headerRow") or 1, location.get("firstDataRow") or 2
    if how not in ("", "specifyRange") or (str(header), str(first)) != ("1", "2"):
        raise Refusal(
            f"reads the sheet with header row {header} and first data row {first}; WorkFuse "
            "reads the header from the first row, data from the second, or an A1 range whose "
            "first row is the header row."
        )
    return name


def _columns_to_watch(node: N8nNode, event: str, notes: list[str]) -> list[str]:
    watched = (node.params.get("options") or {}).get("columnsToWatch") or []
    if not isinstance(watched, list) or not all(isinstance(c, str) for c in watched):
        raise Refusal("chooses its Columns to Watch by an expression; choose them from the list.")
    if watched and event == "anyUpdate":
        notes.append(
            "n8n's Row Added or Updated compared the column right of each watched one (a slip "
            "in n8n's comparison); WorkFuse compares the watched columns."
        )
    return [column.strip() for column in watched if column.strip()]


# --- end sheetsupdate ---


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
