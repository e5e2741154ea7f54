"""utility.convert_file: data made into a file for later steps — rows as a CSV, XLSX or HTML
table, a value as a JSON file, text as a text file, or base64 text as the file it encodes.

The file is a `workfuse.lib.files` value (`{filename, content_type, size, content}`) in the
output's `file` field, bounded by the same size limit as any file in step data. Tables are
written as n8n writes them (SheetJS): nested fields become dotted columns (`customer.email`,
`tags.0`), CSV lines end in LF with booleans as TRUE/FALSE, and text cells go into XLSX as text,
never as formulas, so a value such as `=HYPERLINK(...)` from a form or an API stays the text it
was.
"""

from __future__ import annotations

import base64
import binascii
import csv
import io
import json
import mimetypes
import re
from typing import Any, Literal

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from pydantic import Field, field_validator

from editor.nodes.base import NodeConfig, NodeError, NodeType, RunContext
from editor.nodes.items import ITEMS_HELP, check_items, items_from
from editor.nodes.utility_parse import DELIMITER_NAMES, MAX_ROWS, build_html
from workfuse.lib import archives, files  # httpfiles: archives
from workfuse.lib.cpu_budget import BudgetExceeded, cpu_budget

CPU_SECONDS = 10.0
DEFAULT_NAMES = {
    "zip": "archive.zip",  # httpfiles
    "gzip": "file.gz",  # httpfiles
    "csv": "spreadsheet.csv",
    "xlsx": "spreadsheet.xlsx",
    "html": "spreadsheet.html",
    "json": "file.json",
    "text": "file.txt",
    "base64": "file",
}
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SHEET_NAME_FORBIDDEN = set("[]:*?/\\")
DATA_URL = re.compile(r"^data:([^,]*?);base64,(.*)$", re.S)

Format = Literal["csv", "xlsx", "html", "json", "text", "base64", "zip", "gzip"]


class Config(NodeConfig):
    format: Format = Field(
        "csv",
        description="The file to make: csv, xlsx or html (a table) from a list of rows; json from "
        "any value; text from text; base64: the file whose bytes the base64 text encodes; zip: "
        "an archive of the files in value (a file or a list of files, or those of an object of "
        "files that names picks); gzip: the file in value gzipped.",
    )
    items: Any = Field(
        None, description="For csv, xlsx and html (and json when value is empty): " + ITEMS_HELP
    )
    value: Any = Field(
        None,
        description="For json, text and base64: the value, e.g. '{{ nodes.summary.result }}'; "
        "base64 may be a data: URL. Empty: the items for json, else the previous node's output.",
    )
    # --- ops ---
    names: str = Field(
        "",
        description="For zip: when value is an object of files by name (an item's files, e.g. "
        "'{{ nodes.code.binary[0] }}'), the names of the files to pack, separated by commas, "
        "e.g. 'data_0, data_1' or a template giving them; each must be in value.",
    )
    # --- end ops ---
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


def flatten(value: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """Nested objects and lists as dotted columns ({"a": {"b": 1}, "t": ["x"]} ->
    {"a.b": 1, "t.0": "x"}), as n8n flattens items before writing a table."""
    out: dict[str, Any] = {}
    for key, inner in value.items():
        name = f"{prefix}{key}"
        if isinstance(inner, dict):
            out.update(flatten(inner, f"{name}."))
        elif isinstance(inner, list):
            out.update(flatten({str(i): v for i, v in enumerate(inner)}, f"{name}."))
        else:
            out[name] = inner
    return out


def table(rows: list[Any]) -> tuple[list[str] | None, list[list[Any]]]:
    """The column names (None for rows that are lists of cells) and each row's cells."""
    if len(rows) > MAX_ROWS:
        raise NodeError(f"The list has {len(rows):,} rows, over the {MAX_ROWS:,} limit.")
    if all(isinstance(row, dict) for row in rows):
        flat = [flatten(row) for row in rows]
        names = list(dict.fromkeys(k for row in flat for k in row))
        return names, [[row.get(n) for n in names] for row in flat]
    if all(isinstance(row, list) for row in rows):
        return None, rows
    raise NodeError("Every item must be an object (a row of named fields) or a list of cells.")


def _csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dict | list):
        return json.dumps(value, separators=(",", ":"), ensure_ascii=False)
    return str(value)


def build_csv(rows: list[Any], delimiter: str, header: bool) -> bytes:
    names, cells = table(rows)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\n")
    if header and names is not None:
        writer.writerow(names)
    writer.writerows([_csv_cell(v) for v in row] for row in cells)
    return out.getvalue().encode()


def _xlsx_value(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, str):
        return value
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def build_xlsx(rows: list[Any], header: bool, sheet: str) -> bytes:
    names, table_cells = table(rows)
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

    if names is not None and header:
        worksheet.append(cells(names))
    for row in table_cells:
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


def _from_base64(text: str) -> tuple[bytes, str | None]:
    """The bytes base64 text (or a `data:<type>;base64,` URL) encodes, and the URL's type."""
    media_type = None
    found = DATA_URL.match(text.strip())
    if found:
        media_type, text = found.group(1).split(";")[0].strip() or None, found.group(2)
    text = "".join(text.split())
    try:
        # n8n (Node's Buffer) reads the URL-safe alphabet too.
        data = base64.b64decode(text.replace("-", "+").replace("_", "/"), validate=True)
    except (binascii.Error, ValueError):
        raise NodeError("The value is not valid base64 text.") from None
    return data, media_type


def contents(config: Config, ctx: RunContext) -> tuple[bytes, str | None]:
    """The file's bytes, and its content type when the data says it (a data: URL)."""
    fmt = config.format
    if fmt in ("csv", "xlsx", "html"):
        rows = items_from(config.items, ctx)
        if fmt == "csv":
            return build_csv(rows, config.delimiter, config.header), None
        if fmt == "html":
            names, cells = table(rows)
            shown = [dict(zip(names, row, strict=True)) for row in cells] if names else cells
            return build_html(shown).encode(), None
        return build_xlsx(rows, config.header, config.sheet), None
    value = config.value
    if value is None:
        value = config.items if fmt == "json" and config.items is not None else ctx.input
    if fmt == "json":
        # As JSON.stringify writes it: compact, or indented by two spaces.
        layout: dict[str, Any] = {"indent": 2} if config.pretty else {"separators": (",", ":")}
        return json.dumps(value, ensure_ascii=False, **layout).encode(), None
    if fmt == "text":
        return _text(value, "A text file").encode(), None
    # --- httpfiles ---
    if fmt in ("zip", "gzip"):
        return _archive(fmt, _named(value, config.names) if config.names else value), None
    # --- end httpfiles ---
    return _from_base64(_text(value, "A file from base64"))


# --- httpfiles ---
# --- ops ---
def _named(value: Any, names: str) -> list[Any]:
    """The files of the object `value` that `names` lists (n8n's comma-separated binary
    property names, each trimmed), in that order."""
    if not isinstance(value, dict):
        raise NodeError("With names, value must be an object of files by name.")
    picked = []
    for name in (n.strip() for n in names.split(",")):
        if name not in value:
            raise NodeError(f"value has no file named '{name}' (names: {names!r}).")
        picked.append(value[name])
    return picked


# --- end ops ---
def _archive(fmt: str, value: Any) -> bytes:
    listed = value if isinstance(value, list) else [value]
    try:
        members = [
            files.read(v, f"value[{i}]" if fmt == "zip" else "value") for i, v in enumerate(listed)
        ]
    except files.FileError as exc:
        raise NodeError(str(exc)) from None
    if fmt == "gzip":
        if len(members) != 1:
            raise NodeError("A gzip file packs one file; value must be one file.")
        return archives.make_gzip(members[0].data)
    return archives.make_zip([(m.filename, m.data) for m in members])


def _archive_name(config: Config) -> str:
    """gzip: the packed file's name + .gz, as n8n names it; zip: archive.zip."""
    if config.format == "gzip" and files.is_file(config.value):
        return f"{config.value.get('filename') or 'file'}.gz"
    return DEFAULT_NAMES[config.format]


# --- end httpfiles ---


def run(config: Config, ctx: RunContext) -> dict[str, Any]:
    """{file}: the file made, as a file value."""
    try:
        with cpu_budget(CPU_SECONDS):
            data, found_type = contents(config, ctx)
    except BudgetExceeded:
        raise NodeError(
            f"Making the {config.format} file took over {CPU_SECONDS:g} s of CPU time and was "
            "stopped; the data is too large."
        ) from None
    content_type = config.content_type.strip() or found_type
    if config.format == "xlsx":
        content_type = content_type or XLSX_TYPE
    filename = config.filename.strip() or _archive_name(config)  # httpfiles
    if config.format == "base64" and not config.filename.strip() and content_type:
        # As n8n names a file it was given no name for: "file" and its type's extension.
        filename += mimetypes.guess_extension(content_type) or ""
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
