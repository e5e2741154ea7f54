"""app.google_sheets: append, read (with n8n's lookup filters), update, clear and delete rows of
a spreadsheet as a service account; rows found and updated by a column's value as n8n's
"Column to match on" does; a sheet named, or chosen by its numeric id (the gid in its URL); a
range without a sheet ("A:F") is on the first sheet, as Google reads it."""

from __future__ import annotations

import json
import re
from typing import Any, Literal, Self

from pydantic import Field, field_validator, model_validator

from integrations.google_sheets import sheets_api
from integrations.google_sheets.credentials import ServiceAccountKey
from integrations.operations import OperationConfig, field_errors, used_by
from integrations.service import credential_for
from workfuse.lib.node_run import NodeError, RunContext, Secret
from workfuse.lib.node_types import NodeType
from workfuse.lib.template_numbers import filled_number, number_or_template

MAX_ROWS = 10_000
MATCHING = ("update_by_column", "append_or_update")
ROWS = ("append_row", "update_row", *MATCHING)
IN_SHEET = ("append_row", "read_rows", "update_row", *MATCHING, "delete_rows", "clear_range")
OPERATIONS = (*IN_SHEET, "create_sheet")
START_ROW = re.compile(r"![A-Za-z]*(\d+)")
SPREADSHEET_URL = re.compile(r"/spreadsheets/d/([A-Za-z0-9_-]+)")
PLAIN_TITLE = re.compile(r"[A-Za-z0-9_]+")
# Cells without a sheet ("A:F", "A2:D", "3:3"): Google reads them on the first sheet.
CELLS = re.compile(r"(?=.*[\d:])\$?[A-Za-z]{0,3}\$?\d*(:\$?[A-Za-z]{0,3}\$?\d*)?")


def _values(value: Any) -> Any:
    """`values`: a list of cells, an object by header, JSON text of either, or a template."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return []
    if isinstance(value, str):
        if "{{" in value or "{%" in value:
            return value
        try:
            value = json.loads(value)
        except ValueError:
            raise ValueError("must be a JSON list of cells or an object by column header") from None
    if not isinstance(value, list | dict):
        raise ValueError("must be a JSON list of cells or an object by column header")
    return value


class Config(OperationConfig):
    credential: int | None = Field(
        None, ge=1, description="Your Google service account key credential. Needed to run."
    )
    operation: Literal[
        "append_row",
        "read_rows",
        "update_row",
        "update_by_column",
        "append_or_update",
        "delete_rows",
        "create_sheet",
        "clear_range",
    ] = Field(
        "append_row",
        description="append_row: add a row after the sheet's last row. read_rows: read rows "
        "(as objects by the header row), all or those matching filters. update_row: overwrite "
        "one row by its number. update_by_column: update the cells of the first row whose "
        "match_column holds the value given for it. append_or_update: the same, or append the "
        "row when none matches. delete_rows: delete rows by number. create_sheet: add a sheet "
        "(a tab) named title. clear_range: empty the cells of range (values only; the rows "
        "stay).",
    )
    spreadsheet_id: str = Field(
        "",
        description="The spreadsheet's id (the part of its URL between /d/ and /edit), or its URL.",
        json_schema_extra=used_by(*OPERATIONS, required=True),
    )
    range: str = Field(
        "",
        description="A1 notation. append_row: the sheet (Sheet1) or its table (Sheet1!A:D). "
        "read_rows: what to read (Sheet1, or Sheet1!A1:D100). update_row: the row's cells "
        "(Sheet1!A5:D5), or the sheet with row_number. clear_range: the cells to empty "
        "(Sheet1!A2:D, or Sheet1 for all). The others: the sheet. Cells without a sheet (A:D) "
        "are on the first sheet. With sheet_gid, only the cells (A1:D100) or nothing.",
        json_schema_extra=used_by(*IN_SHEET),
    )
    sheet_gid: str = Field(
        "",
        description="The sheet by its numeric id instead of its name: the number after gid= in "
        "its URL (0 for the first sheet made), or a URL holding #gid=…. Empty: range names "
        "the sheet.",
        json_schema_extra=used_by(*IN_SHEET),
    )
    row_number: int | None = Field(
        None,
        ge=1,
        description="update_row: the row to overwrite (1 is the first row) in the sheet named "
        "by range; read_rows outputs each row's number.",
        json_schema_extra=used_by("update_row"),
    )
    values: Any = Field(
        None,
        description='The row: a list of cells ["Ada", 42], or an object by column header '
        '{"Name": "Ada", "Total": 42} (the sheet\'s first row names the columns).',
        json_schema_extra=used_by(*ROWS, required=True),
    )
    match_column: str = Field(
        "",
        description="update_by_column, append_or_update: the header of the column whose value "
        "finds the row; values must give it (the first row holding it is updated).",
        json_schema_extra=used_by(*MATCHING, required=True),
    )
    extra_fields: Literal["refuse", "ignore"] = Field(
        "refuse",
        description="values given as an object that name columns the header row does not "
        "have: refuse (the step fails, naming them) or ignore (they are left out, as n8n's "
        "Google Sheets versions 1 and 2 did with the fields of a whole item).",
        json_schema_extra=used_by(*ROWS),
    )
    filters: Any = Field(
        None,
        description="read_rows: only rows whose columns hold these values, a JSON list of "
        '{"column": "Status", "value": "open"} (text compared exactly, as n8n\'s lookup).',
        json_schema_extra=used_by("read_rows"),
    )
    combine: Literal["AND", "OR"] = Field(
        "AND",
        description="read_rows: AND keeps rows matching every filter, OR rows matching any.",
        json_schema_extra=used_by("read_rows"),
    )
    first_match: bool = Field(
        False,
        description="read_rows with filters: only the first matching row.",
        json_schema_extra=used_by("read_rows"),
    )
    value_render: Literal["FORMATTED_VALUE", "UNFORMATTED_VALUE"] = Field(
        "FORMATTED_VALUE",
        description="read_rows: cells as shown in the sheet (FORMATTED_VALUE: 1,000.50, "
        "TRUE) or as values (UNFORMATTED_VALUE: 1000.5, true; dates still as shown).",
        json_schema_extra=used_by("read_rows"),
    )
    start_row: int | str = Field(
        2,
        description="delete_rows: the first row to delete (1 is the header row), or a "
        "template giving it.",
        json_schema_extra=used_by("delete_rows"),
    )
    row_count: int | str = Field(
        1,
        description=f"delete_rows: the number of rows to remove from start_row on (1 to "
        f"{MAX_ROWS}), or a template giving it.",
        json_schema_extra=used_by("delete_rows"),
    )
    title: str = Field(
        "",
        description="create_sheet: the new sheet's name.",
        json_schema_extra=used_by("create_sheet", required=True),
    )
    header_row: bool = Field(
        True,
        description="read_rows: the first row read holds the column names, and each row comes "
        "out as an object by them. Off: each row is a list of cells.",
        json_schema_extra=used_by("read_rows"),
    )
    max_rows: int = Field(
        1000,
        ge=1,
        le=MAX_ROWS,
        description="read_rows: at most this many rows (up to 10000).",
        json_schema_extra=used_by("read_rows"),
    )
    value_input_option: Literal["USER_ENTERED", "RAW"] = Field(
        "USER_ENTERED",
        description="USER_ENTERED: cells are read as if typed (=formulas, dates, numbers). "
        "RAW: stored exactly as given.",
        json_schema_extra=used_by(*ROWS),
    )

    @field_validator("values", mode="before")
    @classmethod
    def _values(cls, value: Any) -> Any:
        return _values(value)

    @field_validator("filters", mode="before")
    @classmethod
    def _filters(cls, value: Any) -> Any:
        return _filter_list(value)

    @field_validator("start_row")
    @classmethod
    def _start_row(cls, value: int | str) -> int | str:
        return number_or_template(value, 1)

    @field_validator("row_count")
    @classmethod
    def _row_count(cls, value: int | str) -> int | str:
        return number_or_template(value, 1, MAX_ROWS)

    @model_validator(mode="after")
    def _sheet_given(self) -> Self:
        needs_sheet = self.operation != "create_sheet"
        if needs_sheet and not self.range.strip() and not self.sheet_gid.strip():
            message = "Name the sheet here, or choose it by sheet_gid."
            raise field_errors(self, {"range": message})
        if self.filters and not self.header_row and self.operation == "read_rows":
            raise field_errors(self, {"filters": "Filters name columns: keep header_row on."})
        return self


def _filter_list(value: Any) -> Any:
    """`filters`: a list of {column, value}, JSON text of one, or a template."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return []
    if isinstance(value, str):
        if "{{" in value or "{%" in value:
            return value
        try:
            value = json.loads(value)
        except ValueError:
            raise ValueError('must be a JSON list of {"column": …, "value": …}') from None
    if not isinstance(value, list) or not all(
        isinstance(f, dict) and "column" in f and set(f) <= {"column", "value"} for f in value
    ):
        raise ValueError('must be a list of {"column": …, "value": …}')
    return value


def js_text(value: Any) -> str:
    """A cell or lookup value as text the way n8n compares them (JavaScript's toString)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _cell(value: Any) -> Any:
    """A value to write: objects and lists as JSON text, nothing as an empty cell (as n8n)."""
    if value is None:
        return ""
    if isinstance(value, dict | list):
        return json.dumps(value)
    return value


def column_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _quoted(title: str) -> str:
    return title if PLAIN_TITLE.fullmatch(title) else "'" + title.replace("'", "''") + "'"


def _gid(value: str) -> int:
    value = value.strip()
    if value.isdigit():
        return int(value)
    found = re.search(r"(?:^|[#?&])gid=(\d+)", value)
    if not found:
        raise NodeError(
            f"sheet_gid must be a sheet's number, gid=<number> or a URL with #gid=<number>; "
            f"it is {value[:80]!r}."
        )
    return int(found.group(1))


def located(secret: Secret, config: Config) -> Config:
    """The config with a bare spreadsheet id, and its sheet named in range (a sheet chosen by
    gid is looked up in the spreadsheet's metadata: its name may have changed since)."""
    spreadsheet = config.spreadsheet_id.strip()
    found = SPREADSHEET_URL.search(spreadsheet)
    if found:
        spreadsheet = found.group(1)
    range_ = config.range.strip()
    if range_ and "!" not in range_ and not config.sheet_gid.strip() and CELLS.fullmatch(range_):
        range_ = _on_first_sheet(secret, spreadsheet, range_)
    if config.sheet_gid.strip():
        gid = _gid(config.sheet_gid)
        titles = dict(sheets_api.sheets(secret, spreadsheet))
        if gid not in titles:
            raise NodeError(
                f"The spreadsheet {spreadsheet} has no sheet with id {gid} (its sheets: "
                f"{', '.join(f'{t} ({g})' for g, t in titles.items()) or 'none'})."
            )
        cells = range_.rpartition("!")[2] if "!" in range_ else range_
        range_ = _quoted(titles[gid]) + (f"!{cells}" if cells else "")
    return config.model_copy(update={"spreadsheet_id": spreadsheet, "range": range_})


def _on_first_sheet(secret: Secret, spreadsheet: str, cells: str) -> str:
    """Cells named without a sheet, placed on the spreadsheet's first sheet (a sheet whose
    title looks like cells keeps its title)."""
    titles = [title for _, title in sheets_api.sheets(secret, spreadsheet)]
    if cells in titles or not titles:
        return cells
    return f"{_quoted(titles[0])}!{cells}"


def _sheet(range_: str) -> str:
    return range_.rpartition("!")[0] if "!" in range_ else range_


def _headers(secret: Secret, config: Config) -> list[str]:
    sheet = _sheet(config.range)
    answer = sheets_api.call(
        secret, "GET", config.spreadsheet_id, sheets_api.a1(f"{sheet}!1:1"), "the header row"
    )
    rows = answer.get("values") or [[]]
    return [str(cell) for cell in rows[0]]


def _row(secret: Secret, config: Config) -> list[Any]:
    """The row's cells: `values` as given, or an object placed under its headers."""
    if isinstance(config.values, list):
        return config.values
    if not isinstance(config.values, dict):
        raise NodeError("values must be a list of cells or an object by column header.")
    headers = _headers(secret, config)
    _check_columns(config, headers)
    return [_cell(config.values.get(name, "")) for name in headers]


def _check_columns(config: Config, headers: list[str]) -> None:
    """Values naming columns the header row lacks fail the step, unless extra_fields says
    to leave them out."""
    unknown = [name for name in config.values if name not in headers]
    if unknown and config.extra_fields == "refuse":
        raise NodeError(
            f"values names columns the sheet's header row does not have: {', '.join(unknown)} "
            f"(the headers are: {', '.join(headers) or 'none'})."
        )


def _append(secret: Secret, config: Config) -> dict[str, Any]:
    row = _row(secret, config)
    answer = sheets_api.call(
        secret,
        "POST",
        config.spreadsheet_id,
        f"{sheets_api.a1(config.range)}:append",
        "values.append",
        params={"valueInputOption": config.value_input_option, "insertDataOption": "INSERT_ROWS"},
        json={"majorDimension": "ROWS", "values": [row]},
    )
    updates = answer.get("updates") or {}
    return {
        "spreadsheet_id": config.spreadsheet_id,
        "updated_range": updates.get("updatedRange"),
        "updated_rows": updates.get("updatedRows", 0),
        "values": row,
    }


def read_rows(secret: Secret, config: Config) -> dict[str, Any]:
    """read_rows' output (also how trigger.poll's google_sheets source reads a sheet)."""
    answer = sheets_api.call(
        secret,
        "GET",
        config.spreadsheet_id,
        sheets_api.a1(config.range),
        "values.get",
        params=_render(config.value_render),
    )
    rows: list[list[Any]] = answer.get("values") or []
    found = START_ROW.search(str(answer.get("range", "")))
    first = int(found.group(1)) if found else 1
    headers: list[str] = []
    if config.header_row and rows:
        headers, rows, first = [str(cell) for cell in rows[0]], rows[1:], first + 1
    numbers = list(range(first, first + len(rows)))
    if config.filters:
        numbers = _matching(config, headers, rows, numbers)
        rows = [rows[n - first] for n in numbers]
    kept = rows[: config.max_rows]
    out: list[Any] = kept
    if config.header_row:
        # The API leaves out a row's empty trailing cells: they come back as "".
        out = [{name: (r[i] if i < len(r) else "") for i, name in enumerate(headers)} for r in kept]
    return {
        "rows": out,
        "row_numbers": numbers[: len(kept)],
        "headers": headers,
        "count": len(kept),
        "truncated": len(rows) > config.max_rows,
    }


def _render(option: str) -> dict[str, str]:
    params = {"majorDimension": "ROWS", "valueRenderOption": option}
    if option == "UNFORMATTED_VALUE":
        params["dateTimeRenderOption"] = "FORMATTED_STRING"  # dates as shown, not serials
    return params


def _matching(
    config: Config, headers: list[str], rows: list[list[Any]], numbers: list[int]
) -> list[int]:
    """The numbers of the rows `config.filters` select, as n8n's lookup: a cell matches when
    its text equals the value's; AND needs every filter, OR any; first_match stops at one."""
    if not isinstance(config.filters, list):
        raise NodeError("filters must be a list of {column, value} once its template is filled.")
    wanted: list[tuple[int, str]] = []
    for entry in _filter_list(config.filters):
        column = str(entry.get("column", ""))
        if column not in headers:
            raise NodeError(
                f"The filter's column {column!r} is not in the header row (the headers are: "
                f"{', '.join(headers) or 'none'})."
            )
        wanted.append((headers.index(column), js_text(entry.get("value"))))
    picked: list[int] = []
    for row, number in zip(rows, numbers, strict=True):
        hits = [js_text(row[i] if i < len(row) else "") == value for i, value in wanted]
        if all(hits) if config.combine == "AND" else any(hits):
            picked.append(number)
            if config.first_match:
                break
    return picked


def _by_column(secret: Secret, config: Config) -> dict[str, Any]:
    """update_by_column / append_or_update, as n8n's "Column to match on": the first row whose
    match_column's text equals the value given for it gets the given cells (others are left
    as they are); append_or_update appends the row when none matches."""
    values = config.values
    if not isinstance(values, dict):
        raise NodeError(f"{config.operation} needs values as an object by column header.")
    key_name = config.match_column
    if values.get(key_name) in (None, ""):
        raise NodeError(f"values must give the column to match on ({key_name}) a value.")
    sheet = _sheet(config.range)
    answer = sheets_api.call(
        secret,
        "GET",
        config.spreadsheet_id,
        sheets_api.a1(sheet),
        "values.get",
        params=_render("UNFORMATTED_VALUE"),
    )
    rows: list[list[Any]] = answer.get("values") or []
    headers = [str(cell) for cell in rows[0]] if rows else []
    _check_columns(config, headers)
    if key_name not in headers:
        raise NodeError(
            f"The column to match on ({key_name}) is not in the header row (the headers are: "
            f"{', '.join(headers) or 'none'})."
        )
    values = {name: value for name, value in values.items() if name in headers}
    key, wanted = headers.index(key_name), js_text(values[key_name])
    found = START_ROW.search(str(answer.get("range", "")))
    first = int(found.group(1)) if found else 1
    out: dict[str, Any] = {
        "spreadsheet_id": config.spreadsheet_id,
        "row_number": None,
        "updated": False,
        "appended": False,
        "values": values,
    }
    for offset, row in enumerate(rows[1:], start=1):
        if js_text(row[key] if key < len(row) else "") != wanted:
            continue
        number = first + offset
        data = [
            {
                "range": f"{sheet}!{column_letter(headers.index(name))}{number}",
                "values": [[_cell(value)]],
            }
            for name, value in values.items()
            if name != key_name
        ]
        if data:
            sheets_api.spreadsheet_call(
                secret,
                "POST",
                config.spreadsheet_id,
                "/values:batchUpdate",
                "values.batchUpdate",
                json={"valueInputOption": config.value_input_option, "data": data},
            )
        return {**out, "row_number": number, "updated": True}
    if config.operation == "update_by_column":
        return out
    appended = _append(
        secret, config.model_copy(update={"values": [_cell(values.get(h)) for h in headers]})
    )
    place = START_ROW.search(str(appended.get("updated_range") or ""))
    return {**out, "row_number": int(place.group(1)) if place else None, "appended": True}


def _delete(secret: Secret, config: Config) -> dict[str, Any]:
    start = filled_number(config.start_row, "start_row", 1)
    count = filled_number(config.row_count, "row_count", 1, MAX_ROWS)
    sheet = _sheet(config.range).strip("'").replace("''", "'")
    gids = {title: gid for gid, title in sheets_api.sheets(secret, config.spreadsheet_id)}
    if sheet not in gids:
        raise NodeError(
            f"The spreadsheet {config.spreadsheet_id} has no sheet named {sheet!r} (its sheets: "
            f"{', '.join(gids) or 'none'})."
        )
    dimension = {
        "sheetId": gids[sheet],
        "dimension": "ROWS",
        "startIndex": start - 1,
        "endIndex": start - 1 + count,
    }
    sheets_api.spreadsheet_call(
        secret,
        "POST",
        config.spreadsheet_id,
        ":batchUpdate",
        "batchUpdate (deleteDimension)",
        json={"requests": [{"deleteDimension": {"range": dimension}}]},
    )
    return {
        "spreadsheet_id": config.spreadsheet_id,
        "deleted_rows": count,
        "first_row": start,
    }


def _clear(secret: Secret, config: Config) -> dict[str, Any]:
    answer = sheets_api.call(
        secret,
        "POST",
        config.spreadsheet_id,
        f"{sheets_api.a1(config.range)}:clear",
        "values.clear",
        json={},
    )
    return {"spreadsheet_id": config.spreadsheet_id, "cleared_range": answer.get("clearedRange")}


def _create_sheet(secret: Secret, config: Config) -> dict[str, Any]:
    answer = sheets_api.spreadsheet_call(
        secret,
        "POST",
        config.spreadsheet_id,
        ":batchUpdate",
        "batchUpdate (addSheet)",
        json={"requests": [{"addSheet": {"properties": {"title": config.title}}}]},
    )
    replies = answer.get("replies") or [{}]
    added = replies[0].get("addSheet") if isinstance(replies[0], dict) else None
    properties = added.get("properties") if isinstance(added, dict) else None
    return properties if isinstance(properties, dict) else {"title": config.title}


def _update(secret: Secret, config: Config) -> dict[str, Any]:
    target = config.range
    if config.row_number is not None:
        target = f"{_sheet(config.range)}!{config.row_number}:{config.row_number}"
    elif "!" not in target or not START_ROW.search(target):
        raise NodeError(
            "update_row needs the row: a range with its row (Sheet1!A5:D5) or row_number."
        )
    row = _row(secret, config)
    answer = sheets_api.call(
        secret,
        "PUT",
        config.spreadsheet_id,
        sheets_api.a1(target),
        "values.update",
        params={"valueInputOption": config.value_input_option},
        json={"range": target, "majorDimension": "ROWS", "values": [row]},
    )
    return {
        "spreadsheet_id": config.spreadsheet_id,
        "updated_range": answer.get("updatedRange"),
        "updated_cells": answer.get("updatedCells", 0),
        "values": row,
    }


def run(config: Config, ctx: RunContext) -> dict[str, Any]:
    """append_row/update_row: {spreadsheet_id, updated_range, updated_rows|updated_cells,
    values}; read_rows: {rows, row_numbers, headers, count, truncated}; update_by_column and
    append_or_update: {spreadsheet_id, row_number, updated, appended, values}; delete_rows:
    {spreadsheet_id, deleted_rows, first_row}; create_sheet: the new sheet's properties
    (sheetId, title, index, ...); clear_range: {spreadsheet_id, cleared_range}."""
    secret, _ = credential_for(ctx, config.operation, ServiceAccountKey)
    config = located(secret, config)
    if config.operation == "read_rows":
        return read_rows(secret, config)
    if config.operation == "update_row":
        return _update(secret, config)
    if config.operation in MATCHING:
        return _by_column(secret, config)
    if config.operation == "delete_rows":
        return _delete(secret, config)
    if config.operation == "create_sheet":
        return _create_sheet(secret, config)
    if config.operation == "clear_range":
        return _clear(secret, config)
    return _append(secret, config)


NODE = NodeType(
    type="app.google_sheets",
    label="Google Sheets",
    category="app",
    description="Appends, reads (all rows or those matching filters), updates (by row number or "
    "by a column's value, or appends when none matches) and deletes rows of a Google "
    "spreadsheet as a service account; rows read come out as objects by the header row.",
    Config=Config,
    run=run,
    credential_kinds=(ServiceAccountKey.kind,),
    icon="▦",
    examples=(
        (
            "Add the form's name and email from the webhook as a row to the Leads sheet of "
            "spreadsheet 1AbC, by column header, credential 3",
            {
                "credential": 3,
                "operation": "append_row",
                "spreadsheet_id": "1AbC",
                "range": "Leads",
                "values": {"Name": "{{ trigger.body.name }}", "Email": "{{ trigger.body.email }}"},
            },
        ),
        (
            "Read up to 200 rows of the Orders sheet of spreadsheet 1AbC as objects",
            {
                "operation": "read_rows",
                "spreadsheet_id": "1AbC",
                "range": "Orders",
                "max_rows": 200,
            },
        ),
        (
            "Mark row 5 of the Orders sheet as shipped: columns A to C are id, status, date",
            {
                "operation": "update_row",
                "spreadsheet_id": "1AbC",
                "range": "Orders!A5:C5",
                "values": ["{{ trigger.body.id }}", "shipped", "{{ execution.started_at }}"],
            },
        ),
        (
            "Mark the order whose Order ID the webhook sent as paid in the Orders sheet",
            {
                "operation": "update_by_column",
                "spreadsheet_id": "1AbC",
                "range": "Orders",
                "match_column": "Order ID",
                "values": {"Order ID": "{{ trigger.body.order_id }}", "Status": "paid"},
            },
        ),
        (
            "Record the contact in the Contacts sheet, updating their row if the email is "
            "already there",
            {
                "operation": "append_or_update",
                "spreadsheet_id": "1AbC",
                "range": "Contacts",
                "match_column": "Email",
                "values": {"Email": "{{ trigger.body.email }}", "Name": "{{ trigger.body.name }}"},
            },
        ),
        (
            "Read the open tickets assigned to Ada from the first sheet (gid 0)",
            {
                "operation": "read_rows",
                "spreadsheet_id": "1AbC",
                "sheet_gid": "0",
                "filters": [
                    {"column": "Status", "value": "open"},
                    {"column": "Owner", "value": "Ada"},
                ],
            },
        ),
        (
            "Add a sheet named Q3 results to spreadsheet 1AbC",
            {
                "operation": "create_sheet",
                "spreadsheet_id": "1AbC",
                "title": "Q3 results",
            },
        ),
        (
            "Delete row 7 of the Queue sheet",
            {
                "operation": "delete_rows",
                "spreadsheet_id": "1AbC",
                "range": "Queue",
                "start_row": 7,
            },
        ),
        (
            "Empty the Queue sheet below its header row, keeping the rows",
            {
                "operation": "clear_range",
                "spreadsheet_id": "1AbC",
                "range": "Queue!A2:Z",
            },
        ),
    ),
)
