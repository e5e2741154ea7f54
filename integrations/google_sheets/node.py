"""app.google_sheets: append, read and update rows of a spreadsheet as a service account."""

from __future__ import annotations

import json
import re
from typing import Any, Literal

from pydantic import Field, field_validator

from integrations.google_sheets import sheets_api
from integrations.google_sheets.credentials import ServiceAccountKey
from integrations.operations import OperationConfig, used_by
from integrations.service import credential_for
from workfuse.lib.node_run import NodeError, RunContext, Secret
from workfuse.lib.node_types import NodeType

MAX_ROWS = 10_000
ROWS = ("append_row", "update_row")
START_ROW = re.compile(r"![A-Za-z]*(\d+)")


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
    operation: Literal["append_row", "read_rows", "update_row"] = Field(
        "append_row",
        description="append_row: add a row after the sheet's last row. read_rows: read rows "
        "(as objects by the header row). update_row: overwrite one row.",
    )
    spreadsheet_id: str = Field(
        "",
        description="The spreadsheet's id: the part of its URL between /d/ and /edit.",
        json_schema_extra=used_by("append_row", "read_rows", "update_row", required=True),
    )
    range: str = Field(
        "",
        description="A1 notation. append_row: the sheet (Sheet1) or its table (Sheet1!A:D). "
        "read_rows: what to read (Sheet1, or Sheet1!A1:D100). update_row: the row's cells "
        "(Sheet1!A5:D5), or the sheet with row_number.",
        json_schema_extra=used_by("append_row", "read_rows", "update_row", required=True),
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
    unknown = [name for name in config.values if name not in headers]
    if unknown:
        raise NodeError(
            f"values names columns the sheet's header row does not have: {', '.join(unknown)} "
            f"(the headers are: {', '.join(headers) or 'none'})."
        )
    return [config.values.get(name, "") for name in headers]


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
        params={"majorDimension": "ROWS"},
    )
    rows: list[list[Any]] = answer.get("values") or []
    found = START_ROW.search(str(answer.get("range", "")))
    first = int(found.group(1)) if found else 1
    headers: list[str] = []
    if config.header_row and rows:
        headers, rows, first = [str(cell) for cell in rows[0]], rows[1:], first + 1
    kept = rows[: config.max_rows]
    out: list[Any] = kept
    if config.header_row:
        # The API leaves out a row's empty trailing cells: they come back as "".
        out = [{name: (r[i] if i < len(r) else "") for i, name in enumerate(headers)} for r in kept]
    return {
        "rows": out,
        "row_numbers": list(range(first, first + len(kept))),
        "headers": headers,
        "count": len(kept),
        "truncated": len(rows) > config.max_rows,
    }


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
    values}; read_rows: {rows, row_numbers, headers, count, truncated}."""
    secret, _ = credential_for(ctx, config.operation, ServiceAccountKey)
    if config.operation == "read_rows":
        return read_rows(secret, config)
    if config.operation == "update_row":
        return _update(secret, config)
    return _append(secret, config)


NODE = NodeType(
    type="app.google_sheets",
    label="Google Sheets",
    category="app",
    description="Appends, reads or updates rows of a Google spreadsheet as a service account; "
    "rows read come out as objects by the header row.",
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
    ),
)
