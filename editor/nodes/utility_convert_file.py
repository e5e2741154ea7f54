"""utility.convert_file: data made into a file for later steps — rows as a CSV, XLSX or HTML
table, a value as a JSON file, text as a text file, or base64 text as the file it encodes.

The file is a `workfuse.lib.files` value (`{filename, content_type, size, content}`) in the
output's `file` field, bounded by the same size limit as any file in step data. Text cells are
written to XLSX as text, never as formulas, so a value such as `=HYPERLINK(...)` from a form or
an API stays the text it was (SheetJS, which n8n uses, writes them as text too).
"""

from __future__ import annotations

import base64
import binascii
import io
import json
from typing import Any, Literal

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from pydantic import Field, field_validator

from editor.nodes.base import NodeConfig, NodeError, NodeType, RunContext
from editor.nodes.items import ITEMS_HELP, check_items, items_from
from editor.nodes.utility_parse import DELIMITER_NAMES, _table, build_csv, build_html
from workfuse.lib import files
from workfuse.lib.cpu_budget import BudgetExceeded, cpu_budget

CPU_SECONDS = 10.0
DEFAULT_NAMES = {
    "csv": "spreadsheet.csv",
    "xlsx": "spreadsheet.xlsx",
    "html": "spreadsheet.html",
    "json": "file.json",
    "text": "file.txt",
    "base64": "file",
}
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SHEET_NAME_FORBIDDEN = set("[]:*?/\\")

Format = Literal["csv", "xlsx", "html", "json", "text", "base64"]


class Config(NodeConfig):
    format: Format = Field(
        "csv",
        description="The file to make: csv, xlsx or html (a table) from a list of rows; json from "
        "any value; text from text; base64: the file whose bytes the base64 text encodes.",
    )
    items: Any = Field(None, description="For csv, xlsx and html: " + ITEMS_HELP)
    value: Any = Field(
        None,
        description="For json, text and base64: the value, e.g. '{{ nodes.summary.result }}'. "
        "Empty: the previous node's output.",
    )
    filename: str = Field(
        "",
        description="The file's name, e.g. 'report.csv'; empty: spreadsheet.<format>, file.json, "
        "file.txt or file.",
    )
    content_type: str = Field("", description="The file's MIME type; empty: guessed from its name.")
    delimiter: str = Field(
        ",", description="For csv: the character between fields, e.g. ',' ';' '|' or 'tab'."
    )
    header: bool = Field(
        True, description="For csv and xlsx: write the column names as the first row."
    )
    sheet: str = Field(
        "Sheet", min_length=1, max_length=31, description="For xlsx: the sheet name."
    )
    pretty: bool = Field(False, description="For json: indent the JSON by two spaces.")

    _items = field_validator("items")(check_items)

    @field_validator("delimiter")
    @classmethod
    def _one_character(cls, value: str) -> str:
        value = DELIMITER_NAMES.get(value.lower(), value)
        if len(value) != 1 or value in '"\r\n':
            raise ValueError("must be one character (not a quote or line break), or 'tab'")
        return value

    @field_validator("sheet")
    @classmethod
    def _sheet_name(cls, value: str) -> str:
        if SHEET_NAME_FORBIDDEN & set(value):
            raise ValueError("a sheet name cannot contain [ ] : * ? / or \\")
        return value


def _xlsx_value(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, str):
        return value
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def build_xlsx(rows: list[Any], header: bool, sheet: str) -> bytes:
    names, _ = _table(rows)  # checks the row limit and that rows are all objects or all lists
    book = Workbook(write_only=True)
    worksheet = book.create_sheet(sheet)

    def cells(values: list[Any]) -> list[WriteOnlyCell]:
        out = []
        for value in values:
            cell = WriteOnlyCell(worksheet, value=_xlsx_value(value))
            if isinstance(cell.value, str):
                cell.data_type = "s"  # text, even when it starts with '='
            out.append(cell)
        return out

    if names is not None:
        if header:
            worksheet.append(cells(names))
        for row in rows:
            worksheet.append(cells([row.get(n) for n in names]))
    else:
        for row in rows:
            worksheet.append(cells(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _text(value: Any, what: str) -> str:
    if isinstance(value, str):
        return value
    raise NodeError(
        f"{what} needs text; the value is {type(value).__name__}. Point value at the text, e.g. "
        "'{{ nodes.summary.result }}'."
    )


def _from_base64(text: str) -> bytes:
    try:
        return base64.b64decode("".join(text.split()), validate=True)
    except (binascii.Error, ValueError):
        raise NodeError("The value is not valid base64 text.") from None


def contents(config: Config, ctx: RunContext) -> bytes:
    fmt = config.format
    if fmt in ("csv", "xlsx", "html"):
        rows = items_from(config.items, ctx)
        if fmt == "csv":
            return build_csv(rows, config.delimiter, config.header).encode()
        if fmt == "html":
            return build_html(rows).encode()
        return build_xlsx(rows, config.header, config.sheet)
    value = ctx.input if config.value is None else config.value
    if fmt == "json":
        return json.dumps(value, ensure_ascii=False, indent=2 if config.pretty else None).encode()
    if fmt == "text":
        return _text(value, "A text file").encode()
    return _from_base64(_text(value, "A file from base64"))


def run(config: Config, ctx: RunContext) -> dict[str, Any]:
    """{file}: the file made, as a file value."""
    try:
        with cpu_budget(CPU_SECONDS):
            data = contents(config, ctx)
    except BudgetExceeded:
        raise NodeError(
            f"Making the {config.format} file took over {CPU_SECONDS:g} s of CPU time and was "
            "stopped; the data is too large."
        ) from None
    filename = config.filename.strip() or DEFAULT_NAMES[config.format]
    content_type = config.content_type.strip() or (XLSX_TYPE if config.format == "xlsx" else None)
    try:
        file = files.make(data, filename, content_type, "The file made")
    except files.FileError as exc:
        raise NodeError(str(exc)) from None
    return {"file": file.value()}


NODE = NodeType(
    type="utility.convert_file",
    label="Convert to file",
    category="utility",
    description="Makes a file from data: rows as CSV, XLSX or an HTML table, a value as JSON, "
    "text as a text file, or base64 text as the file it encodes.",
    Config=Config,
    run=run,
    icon="⇲",
    examples=(
        (
            "Make an Excel file of the filtered orders called orders.xlsx",
            {"format": "xlsx", "items": "{{ nodes.filter.items }}", "filename": "orders.xlsx"},
        ),
        (
            "Save the summary as a text file",
            {"format": "text", "value": "{{ nodes.summary.response }}", "filename": "summary.txt"},
        ),
    ),
)
