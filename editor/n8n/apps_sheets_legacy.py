"""n8n's Google Sheets node versions 1 and 2 as `app.google_sheets`. Both versions share one
description in n8n (nodes/Google/Sheet/v1/versionDescription.ts): version 2 only made OAuth2
the default sign-in.

These versions run once over all their input items and read their settings from the first
one (lookup's column and value excepted: those are read per item). Append writes each whole
item as a row under the key row's headers, leaving out fields no header names; Update and
Create or Update (`upsert`) find each item's row by its `key` field; all three, Clear and
Delete pass their input items on. Read and Lookup emit one item per row, keyed by the key row.
WorkFuse runs the node once per item (in a loop after a node that emits several), which writes
the same rows.
"""

from __future__ import annotations

import dataclasses
import re
from typing import Any

from editor.n8n.apps_base import URL_ID, operation, text, unsupported
from editor.n8n.converter import Converted, Converter, N8nNode, Refusal, Spec

OPS = ("append", "clear", "create", "delete", "lookup", "read", "update", "upsert")
SUPPORTED = (
    "it appends, reads, looks up, updates, creates or updates (upsert), clears and deletes "
    "rows, and creates sheets"
)
PASS_ON = ("append", "clear", "delete", "update", "upsert")
# A literal range: optional sheet, then cells ("A:F", "A2:D100", "Data!A:G").
CELLS = re.compile(r"(?P<c0>[A-Za-z]{1,3})(?P<r0>\d*)(?::(?P<c1>[A-Za-z]{0,3})(?P<r1>\d*))?")
AS_TEXT = (
    "n8n wrote each value as text (a number became text in a RAW write); WorkFuse writes "
    "numbers as numbers and objects as JSON."
)


def convert(node: N8nNode, cx: Converter) -> Converted:
    """The node as `app.google_sheets` (the credential note is the caller's)."""
    p = node.params
    resource, op = operation(node, "sheet", {"sheet": "read", "spreadsheet": "create"})
    if resource != "sheet" or op not in OPS:
        raise unsupported("Google Sheets", resource, op, SUPPORTED)
    config: dict[str, Any] = {"spreadsheet_id": _spreadsheet(cx, node)}
    options = p.get("options") or {}
    if op == "create":
        return Converted("app.google_sheets", _create(cx, node, config, options))
    if op == "delete":
        config.update(_delete(cx, node))
        return Converted("app.google_sheets", config)
    range_ = text(cx, node, p.get("range", "A:F"))
    if not range_:
        raise Refusal("has no range; set one (Sheet1!A:F) in n8n and export again.")
    if op == "clear":
        config.update(operation="clear_range", range=range_)
        return Converted("app.google_sheets", config)
    if op in ("read", "lookup"):
        return _read(cx, node, op, config, range_, options)
    return _write(cx, node, op, config, range_, options)


def spec(node: N8nNode, base: Spec) -> Spec:
    """What `$json` reads after the node: its input items (the writes), its rows (read and
    lookup), or one item holding the rows' cells under `dataProperty` (a RAW read)."""
    op = operation(node, "sheet", {"sheet": "read"})[1]
    if op in PASS_ON:
        return dataclasses.replace(base, data=None)
    if op == "read" and node.params.get("rawData"):
        name = str(node.params.get("dataProperty") or "data")
        return dataclasses.replace(base, aliases=((name, "rows"),))
    if op in ("read", "lookup"):
        return dataclasses.replace(base, items="rows")
    return base


def _spreadsheet(cx: Converter, node: N8nNode) -> Any:
    found = text(cx, node, node.params.get("sheetId"))
    if isinstance(found, str) and "/d/" in found and "{{" not in found:
        match = URL_ID.search(found)
        if match:
            return match.group(1)
    if not found:
        raise Refusal(
            "has no Spreadsheet ID (the export leaves it empty); set it in n8n and export "
            "again, as n8n would not run it either."
        )
    return found


def _index(node: N8nNode, name: str, default: int) -> int:
    """Key Row / Data Start Row: a fixed row index (0 is the range's first row)."""
    value = node.params.get(name, default)
    try:
        return int(value)
    except (TypeError, ValueError):
        raise Refusal(f"sets {name} to {value!r}; give it a number in n8n.") from None


def _read(
    cx: Converter,
    node: N8nNode,
    op: str,
    config: dict[str, Any],
    range_: Any,
    options: dict[str, Any],
) -> Converted:
    p = node.params
    render = str(options.get("valueRenderMode") or "UNFORMATTED_VALUE")
    if render not in ("UNFORMATTED_VALUE", "FORMATTED_VALUE"):
        raise Refusal(f"reads cells as {render}; WorkFuse reads values or text as shown.")
    config.update(operation="read_rows", max_rows=10000, value_render=render)
    notes: list[str] = []
    raw = op == "read" and bool(p.get("rawData"))
    if raw:
        config.update(range=range_, header_row=False)
        name = str(p.get("dataProperty") or "data")
        notes.append(
            f"n8n output one item holding the cells under '{name}'; WorkFuse lists them under rows."
        )
    else:
        config["range"] = _from_key_row(
            range_, _index(node, "keyRow", 0), _index(node, "dataStartRow", 1)
        )
        if op == "read":  # n8n's lookup filled a row's missing cells with "" as WorkFuse does
            notes.append(
                "n8n left out empty rows and each row's empty trailing cells; WorkFuse keeps "
                'them (as "") and gives each row\'s number in row_numbers.'
            )
    if render == "UNFORMATTED_VALUE":
        notes.append("Dates come as shown in the sheet, where n8n read them as serial numbers.")
    if op == "lookup":
        column = text(cx, node, p.get("lookupColumn", ""))
        if not column:
            raise Refusal("looks up no column; name one in n8n and export again.")
        config.update(
            filters=[{"column": column, "value": text(cx, node, p.get("lookupValue", ""))}],
            combine="AND",
            first_match=not options.get("returnAllMatches"),
        )
    if options.get("continue"):
        notes.append(
            "n8n went on with one empty item when no row came back (Continue If Empty); "
            "WorkFuse outputs no rows and the nodes after it do not run."
        )
    scope = cx.flow.scope.get(node.name, ())
    if op == "read" and scope and scope[-1] in cx.flow.loops:
        notes.append("n8n read the sheet once for all its input items; here once per item.")
    return Converted("app.google_sheets", config, notes=notes)


def _from_key_row(range_: Any, key_row: int, data_start: int) -> Any:
    """The range read from the key row on: read_rows takes the first row read as the headers
    and the rows right below it as data."""
    if (key_row, data_start) == (0, 1):
        return range_
    if data_start != key_row + 1:
        raise Refusal(
            f"reads data from row index {data_start} with its keys in row index {key_row}; "
            "WorkFuse reads the rows right below the key row. Set Data Start Row to Key Row + 1 "
            "in n8n and export again."
        )
    sheet, cells = _split(range_)
    found = CELLS.fullmatch(cells or "A:ZZZ")
    if found is None:
        raise Refusal(
            f"has a key row other than the first in the range {range_!r}, which WorkFuse cannot shift."
        )
    first = int(found["r0"] or 1) + key_row
    end = f"{found['c1'] or ''}{found['r1'] or ''}" or "ZZZ"
    return f"{sheet}{found['c0']}{first}:{end}"


def _split(range_: Any) -> tuple[str, str]:
    """("Sheet!", "A:F") of a literal range; a sheet name alone gives no cells."""
    if not isinstance(range_, str) or "{{" in range_ or "{%" in range_:
        raise Refusal(
            "has a key row other than the first and a range from an expression; set a fixed "
            "range in n8n and export again."
        )
    if "!" in range_:
        sheet, _, cells = range_.rpartition("!")
        return f"{sheet}!", cells
    return ("", range_) if CELLS.fullmatch(range_) else (f"{range_}!", "")


# --- struct2 ---
PATHS = (
    "={{ (() => { const out = {}; "
    "const walk = (v, forms) => { if (v === null || typeof v !== 'object') return; "
    "for (const k of Object.keys(v)) { "
    "const next = forms.flatMap((f) => Array.isArray(v) ? [`${f}[${k}]`, `${f}.${k}`] "
    ": [`${f}.${k}`]); "
    "for (const f of next) { if (!(f in out)) out[f] = v[k]; } walk(v[k], next); } }; "
    "for (const k of Object.keys($json)) walk($json[k], [k]); "
    "return Object.assign(out, $json); })() }}"
)


# --- end struct2 ---
def _write(
    cx: Converter,
    node: N8nNode,
    op: str,
    config: dict[str, Any],
    range_: Any,
    options: dict[str, Any],
) -> Converted:
    p = node.params
    if op != "append" and p.get("rawData"):
        raise Refusal(
            "writes RAW Data (a grid of cells from each item's "
            f"'{p.get('dataProperty') or 'data'}' field); WorkFuse writes rows by column "
            "header. Turn RAW Data off in n8n (the item's fields name the columns) and export "
            "again."
        )
    if _index(node, "keyRow", 0) != 0 or (op != "append" and _index(node, "dataStartRow", 1) != 1):
        raise Refusal(
            "keeps its headers below the first row (Key Row or Data Start Row changed); "
            "WorkFuse reads the header row from the sheet's first row."
        )
    if isinstance(range_, str) and "{{" not in range_:
        cells = range_.rpartition("!")[2] if "!" in range_ else range_
        found = CELLS.fullmatch(cells)
        if found and found["c0"].upper() != "A":
            raise Refusal(
                f"writes the range {range_!r}, which starts right of column A; WorkFuse places "
                "values under the header row from column A."
            )
    # --- struct2 ---
    # Use Header Names as JSON Paths: n8n reads each header with lodash's get (a key of the
    # item as it is, else a path: a.b, a[0].b, a.0.b); the item is given by all those paths.
    values = PATHS if options.get("usePathForKeyRow") else "={{ $json }}"
    # --- end struct2 ---
    config.update(
        range=range_,
        values=cx.value(values, node),
        extra_fields="ignore",
        value_input_option=str(options.get("valueInputMode") or "RAW"),
    )
    notes = [AS_TEXT]
    if op == "append":
        config["operation"] = "append_row"
        return Converted("app.google_sheets", config, notes=notes)
    key = text(cx, node, p.get("key", "id"))
    if not key:
        raise Refusal("has no Key (the column that finds each item's row); set it in n8n.")
    config.update(
        operation="append_or_update" if op == "upsert" else "update_by_column", match_column=key
    )
    what = "appended it" if op == "upsert" else "skipped it"
    notes.append(
        f"n8n {what} when an item had no '{key}' field; WorkFuse fails the step, naming it."
    )
    return Converted("app.google_sheets", config, notes=notes)


def _delete(cx: Converter, node: N8nNode) -> dict[str, Any]:
    """One span of rows of a sheet chosen by id: n8n's start index counts from 0, WorkFuse's
    start_row from 1."""
    wanted = node.params.get("toDelete") or {}
    if wanted.get("columns"):
        raise Refusal("deletes columns; WorkFuse's delete_rows deletes rows.")
    rows = wanted.get("rows") or []
    if len(rows) != 1:
        raise Refusal(
            f"deletes {len(rows)} spans of rows; WorkFuse deletes one span per node (use one "
            "Google Sheets node per span)."
        )
    span = rows[0]
    gid = text(cx, node, span.get("sheetId", ""))
    if gid in ("", None):
        raise Refusal("deletes rows of no sheet; choose the sheet in n8n and export again.")
    start = text(cx, node, span.get("startIndex", 0))
    if isinstance(start, int | float):
        first: Any = int(start) + 1
    else:
        found = re.fullmatch(r"\{\{(.*)\}\}", str(start).strip(), re.S)
        if found is None:
            raise Refusal(f"starts deleting at {start!r}; give a row index in n8n.")
        first = "{{ (" + found.group(1).strip() + ") | int + 1 }}"
    return {
        "sheet_gid": str(gid),
        "operation": "delete_rows",
        "start_row": first,
        "row_count": int(span.get("amount") or 1),
    }


def _create(
    cx: Converter, node: N8nNode, config: dict[str, Any], options: dict[str, Any]
) -> dict[str, Any]:
    extra = sorted(set(options) - {"title"})
    if extra:
        raise Refusal(f"creates a sheet with {', '.join(extra)}; WorkFuse names it only.")
    title = text(cx, node, options.get("title") or "")
    if not title:
        raise Refusal("creates a sheet without a title; set one in n8n and export again.")
    if node.params.get("simple") is False:
        raise Refusal(
            "outputs Google's whole answer (Simplify off); WorkFuse outputs the new sheet's "
            "properties. Turn Simplify on in n8n and export again."
        )
    return {**config, "operation": "create_sheet", "title": title}
