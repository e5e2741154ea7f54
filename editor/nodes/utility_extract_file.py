"""utility.extract_file: a file's content as data — the rows of a CSV, XLSX or HTML table, the
text of a PDF or text file, a JSON file's value, or the file as base64 text.

Files come from users and remote servers, so every parse is bounded: the file itself by
`workfuse.lib.files`, the work by a CPU budget (pypdf and openpyxl are pure Python, so
the budget interrupts a hostile file between bytecodes), the result by row, cell and text caps,
and an XLSX by the size its parts claim once unzipped (openpyxl keeps shared strings in memory).
Rows follow n8n's readers: the first row names the columns and empty cells are left out of a
row; in XLSX and HTML tables (SheetJS) an empty name becomes `__EMPTY`, `__EMPTY_1` and a
repeated one `name_1`, in CSV (csv-parse) names are kept as they are and a repeated name's last
cell wins. Without a header row each row is `{"row": [cells]}`, as n8n gives it.
"""

from __future__ import annotations

import codecs
import csv
import datetime
import io
import zipfile
from collections.abc import Iterable, Iterator
from typing import Any, Literal

import openpyxl
from openpyxl.utils.datetime import to_excel
from openpyxl.utils.exceptions import InvalidFileException
from pydantic import Field, field_validator
from pypdf import PdfReader
from pypdf.errors import FileNotDecryptedError, PdfReadError
from selectolax.lexbor import LexborHTMLParser

from editor.nodes.action_vector_store import texts_in  # LangChain's JSONLoader's walk
from editor.nodes.base import NodeConfig, NodeError, NodeType, RunContext, Secret
from workfuse.lib import archives, files, safe_json  # httpfiles: archives
from workfuse.lib.cpu_budget import BudgetExceeded, cpu_budget

# pypdf read the text of a 1.6 MB, 4,000-page PDF in 2.5 s of CPU on this machine type (2026-12);
# files are about 740 KB at most by default, so a real file stays well inside.
CPU_SECONDS = 10.0
MAX_ROWS = 100_000
MAX_CELLS = 1_000_000
MAX_TEXT = 5_000_000  # characters
MAX_UNZIPPED = 200 * 2**20  # bytes an XLSX's parts may claim once unzipped
DELIMITER_NAMES = {"tab": "\t", "\\t": "\t", "comma": ",", "semicolon": ";", "pipe": "|"}

Format = Literal[
    "csv", "xlsx", "html", "pdf", "json", "text", "base64", "spreadsheet", "archive", "documents"
]
ROW_FORMATS = ("csv", "xlsx", "html", "spreadsheet")


class Config(NodeConfig):
    file: Any = Field(
        description="The file to read, a template naming a file value, e.g. "
        "'{{ nodes.download.file }}'."
    )
    format: Format = Field(
        "csv",
        description="What to read: csv, xlsx or html (the first table) give rows; spreadsheet "
        "gives rows of whichever of those the file is (CSV when its type says so); pdf and text "
        "give text; json gives the file's value; base64 gives the file's bytes as base64 text; "
        "archive unpacks a .zip or .gz file into `files` (<prefix>0, <prefix>1, ...); "
        "documents gives texts to store in a vector store, read by the file's type.",
    )
    delimiter: str = Field(
        ",", description="For csv: the character between fields, e.g. ',' ';' '|' or 'tab'."
    )
    encoding: str = Field(
        "utf-8", description="For csv, text and json: the file's character encoding."
    )
    header: bool = Field(
        True,
        description="For rows: the first row names the columns (rows are objects); off: each row "
        "is {row: [cells]}.",
    )
    include_empty_cells: bool = Field(
        False, description="For rows: keep empty cells as '' (off: leave them out of the row)."
    )
    sheet: str = Field("", description="For xlsx: the sheet to read; empty: the first sheet.")
    dates: Literal["iso", "serial"] = Field(
        "iso",
        description="For xlsx: date cells as ISO text (2024-05-01T00:00:00), or as Excel serial "
        "numbers (45413), as n8n gives them.",
    )
    max_rows: int = Field(0, ge=0, description="For rows: read at most this many (0: all).")
    max_pages: int = Field(0, ge=0, description="For pdf: read at most this many pages (0: all).")
    join_pages: bool = Field(
        True, description="For pdf: one text for the whole file; off: a list of each page's text."
    )
    column: str = Field(
        "", description="For documents from a CSV file: the column whose cells are the texts."
    )
    key: str = Field(
        "data",
        min_length=1,
        description="For json, text and base64: the output field the value is put in.",
    )
    # --- httpfiles ---
    prefix: str = Field(
        "file_",
        description="For archive: the unpacked files are named <prefix>0, <prefix>1, ... in "
        "`files`, in the archive's order.",
    )
    # --- end httpfiles ---
    # --- pdfpass ---
    credential: int | None = Field(
        None,
        ge=1,
        description="For pdf and documents: a PDF password credential that opens an encrypted "
        "PDF. Empty: only PDFs without a password are read.",
    )
    # --- end pdfpass ---

    @field_validator("delimiter")
    @classmethod
    def _one_character(cls, value: str) -> str:
        value = DELIMITER_NAMES.get(value.lower(), value)
        if len(value) != 1 or value in '"\r\n':
            raise ValueError("must be one character (not a quote or line break), or 'tab'")
        return value

    @field_validator("encoding")
    @classmethod
    def _known_encoding(cls, value: str) -> str:
        try:
            return codecs.lookup(value.strip() or "utf-8").name
        except LookupError:
            raise ValueError(f"'{value}' is not a character encoding Python knows") from None


# --- rows -----------------------------------------------------------------------------------


def _names(row: list[Any], unique: bool = True) -> list[str]:
    """Column names as SheetJS makes them: `__EMPTY`, `__EMPTY_1` for blanks, `a_1` for a
    repeat; not `unique`: as csv-parse keeps them (a repeated name's last cell wins)."""
    if not unique:
        return [_text_cell(cell) for cell in row]
    names: list[str] = []
    empty = 0
    for cell in row:
        name = _text_cell(cell)
        if not name:
            name = "__EMPTY" if empty == 0 else f"__EMPTY_{empty}"
            empty += 1
        base, n = name, 1
        while name in names:
            name, n = f"{base}_{n}", n + 1
        names.append(name)
    return names


def _text_cell(cell: Any) -> str:
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell)


def _is_empty(cell: Any) -> bool:
    return cell is None or cell == ""


def _rows(raw: Iterable[list[Any]], config: Config, unique: bool = True) -> list[Any]:
    """Objects keyed by the header row (or lists of cells), with the row and cell caps."""
    limit = config.max_rows or MAX_ROWS
    names: list[str] | None = None
    out: list[Any] = []
    cells = 0
    for row in raw:
        if all(_is_empty(c) for c in row):
            continue  # SheetJS skips blank rows
        cells += len(row)
        if cells > MAX_CELLS:
            raise NodeError(f"The file has more than {MAX_CELLS:,} cells.")
        if config.header and names is None:
            names = _names(row, unique)
            continue
        if len(out) >= limit:
            if config.max_rows:
                break
            raise NodeError(f"The file has more than {MAX_ROWS:,} rows.")
        out.append(_row(row, names, config.include_empty_cells))
    return out


def _row(row: list[Any], names: list[str] | None, keep_empty: bool) -> Any:
    if names is None:
        return {"row": ["" if c is None else c for c in row]}
    if len(row) > len(names):
        names += _names([*names, *[""] * (len(row) - len(names))])[len(names) :]
    result: dict[str, Any] = {}
    for name, cell in zip(names, row, strict=False):
        if not _is_empty(cell):
            result[name] = cell
        elif keep_empty:
            result[name] = ""
    if keep_empty:
        for name in names[len(row) :]:
            result[name] = ""
    return result


def _decoded(data: bytes, encoding: str) -> str:
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise NodeError(
            f"The file is not {encoding} text (byte {exc.start}); set encoding to the file's "
            "character encoding."
        ) from None
    if len(text) > MAX_TEXT:
        raise NodeError(f"The text is {len(text):,} characters, over the {MAX_TEXT:,} limit.")
    return text.removeprefix("\ufeff")


def csv_rows(data: bytes, config: Config) -> Iterator[list[Any]]:
    reader = csv.reader(
        io.StringIO(_decoded(data, config.encoding), newline=""), delimiter=config.delimiter
    )
    try:
        yield from reader
    except csv.Error as exc:
        raise NodeError(f"This is not valid CSV (line {reader.line_num}): {exc}") from None


def _xlsx_cell(value: Any, dates: str) -> Any:
    if isinstance(value, datetime.datetime | datetime.date) and dates == "serial":
        return to_excel(value)
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, datetime.timedelta):
        return value.total_seconds()
    return value


def xlsx_rows(data: bytes, sheet: str, dates: str = "iso") -> Iterator[list[Any]]:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            claimed = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile:
        raise NodeError("The file is not an XLSX workbook (it is not a zip archive).") from None
    if claimed > MAX_UNZIPPED:
        raise NodeError(
            f"The workbook unzips to {claimed / 2**20:.0f} MB, over the "
            f"{MAX_UNZIPPED // 2**20} MB limit."
        )
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (InvalidFileException, KeyError, ValueError, OSError, zipfile.BadZipFile) as exc:
        raise NodeError(f"The file is not a readable XLSX workbook: {exc}") from None
    try:
        if sheet and sheet not in book.sheetnames:
            raise NodeError(
                f"The workbook has no sheet '{sheet}'; its sheets are {', '.join(book.sheetnames)}."
            )
        worksheet = book[sheet] if sheet else book.worksheets[0]
        # The dimension a file declares is not trusted: a claimed A1:XFD1048576 would pad
        # every row to 16,384 cells.
        worksheet.reset_dimensions()
        for row in worksheet.iter_rows(values_only=True):
            yield [_xlsx_cell(v, dates) for v in row]
    finally:
        book.close()


def html_rows(data: bytes, encoding: str) -> Iterator[list[Any]]:
    table = LexborHTMLParser(_decoded(data, encoding)).css_first("table")
    if table is None:
        raise NodeError("The HTML file has no <table> to read rows from.")
    for tr in table.css("tr"):
        yield [" ".join(cell.text().split()) for cell in tr.css("th, td")]


# --- text -----------------------------------------------------------------------------------


def _decrypt(reader: PdfReader, secret: Secret | None) -> None:
    """Opens an encrypted PDF with the step's PDF password credential (an empty password first,
    as PDF readers do); the password itself is never quoted."""
    if not reader.is_encrypted or reader.decrypt(""):
        return
    if secret is None:
        raise NodeError(
            "The PDF is encrypted with a password: choose a PDF password credential holding it "
            "in this node's settings."
        )
    if secret.kind != "pdf_password" or not isinstance(secret.value, str) or not secret.value:
        raise NodeError(
            f"The credential “{secret.name}” is not a PDF password (it is of kind "
            f"{secret.kind}): choose a PDF password credential in this node's settings."
        )
    if not reader.decrypt(secret.value):
        raise NodeError(
            f"The password in the credential “{secret.name}” does not open this PDF: put the "
            "PDF's password in it (on the Credentials page) or choose another credential."
        )


def pdf_text(data: bytes, config: Config, secret: Secret | None = None) -> dict[str, Any]:
    try:
        reader = PdfReader(io.BytesIO(data))
        _decrypt(reader, secret)
        count = len(reader.pages)
        wanted = min(count, config.max_pages) if config.max_pages else count
        pages: list[str] = []
        size = 0
        for index in range(wanted):
            text = reader.pages[index].extract_text()
            size += len(text)
            if size > MAX_TEXT:
                raise NodeError(f"The PDF's text is over the {MAX_TEXT:,} character limit.")
            pages.append(text)
        info = {
            str(k).lstrip("/"): str(v) for k, v in (reader.metadata or {}).items() if v is not None
        }
    except FileNotDecryptedError:
        raise NodeError(
            "The PDF is encrypted with a password that did not open it: choose a PDF password "
            "credential holding it in this node's settings."
        ) from None
    except NodeError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, IndexError) as exc:
        raise NodeError(f"The file is not a readable PDF: {exc}") from None
    return {
        "text": "\n\n".join(pages) if config.join_pages else pages,
        "pages": count,
        "pages_read": wanted,
        "info": info,
    }


# --- documents ------------------------------------------------------------------------------

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def documents(file: files.File, config: Config, secret: Secret | None = None) -> dict[str, Any]:
    """The file's texts as n8n's Default Data Loader (LangChain's loaders) reads them by content
    type: a PDF's text, one document per page unless `join_pages`; a CSV's rows as
    'column: value' lines (or the cells of `column`); a JSON file's string values; any other
    file as one text."""
    kind = file.content_type
    if kind == "application/pdf":
        text = pdf_text(file.data, config, secret)["text"]
        texts = text if isinstance(text, list) else [text]
    elif kind == "text/csv":
        texts = _csv_documents(file, config)
    elif kind == "application/json":
        try:
            texts = texts_in(safe_json.loads(_decoded(file.data, config.encoding)))
        except safe_json.JsonRefused as exc:
            raise NodeError(f"The file is not usable JSON: {exc.message}") from None
    elif kind in (DOCX, "application/epub+zip"):
        raise NodeError(
            f"'{file.filename}' is a {'DOCX' if kind == DOCX else 'EPUB'} file, whose text WorkFuse "
            "cannot read; convert it to PDF or text first."
        )
    else:
        texts = [_decoded(file.data, config.encoding)]
    return {"documents": texts, "count": len(texts), "content_type": kind}


def _csv_loader(config: Config) -> Config:
    """d3-dsv's reading, which LangChain's CSVLoader uses: a header row, every cell kept."""
    return config.model_copy(update={"header": True, "include_empty_cells": True})


def _csv_documents(file: files.File, config: Config) -> list[str]:
    rows = _rows(csv_rows(file.data, config), _csv_loader(config), False)
    if config.column:
        if rows and config.column not in rows[0]:
            raise NodeError(f"column: the CSV file has no column '{config.column}'.")
        return [str(row.get(config.column, "")) for row in rows]
    return ["\n".join(f"{k.strip()}: {str(v).strip()}" for k, v in row.items()) for row in rows]


# --- the node -------------------------------------------------------------------------------


# --- httpfiles ---
def spreadsheet_format(file: files.File) -> str:
    """The row format of a file read as "spreadsheet", as n8n's Spreadsheet File autodetects
    it: CSV when its type says so, else by its bytes (a zip is XLSX, markup is an HTML table,
    other text is read as CSV)."""
    if file.content_type == "text/csv" or (
        file.content_type == "text/plain" and file.extension == "csv"
    ):
        return "csv"
    if file.data[:4] == b"PK\x03\x04":
        return "xlsx"
    if file.data.lstrip()[:1] == b"<":
        return "html"
    return "csv"


def unpack(file: files.File, prefix: str) -> dict[str, Any]:
    """{files, count}: a .zip's files or a .gz file's content, as n8n's Compression node
    decides by the file's extension; bounded by the room a step's output has for files."""
    limit = files.max_bytes()
    try:
        if file.extension == "zip":
            members = archives.unzip(file.data, limit)
        elif file.extension in ("gz", "gzip"):
            stem = file.filename.split(".")[0] or "file"
            inner = file.filename[: -len(file.extension) - 1]
            name = inner if "." in inner else stem
            members = [(name, archives.gunzip(file.data, limit))]
        else:
            raise NodeError(
                f"'{file.filename}' is not a .zip or .gz file; archive unpacks those (by the "
                "file's name, as n8n does)."
            )
    except archives.ArchiveError as exc:
        raise NodeError(f"'{file.filename}' {exc}") from None
    unpacked = {
        f"{prefix}{index}": files.File(name, files.guess_type(name), data).value()
        for index, (name, data) in enumerate(members)
    }
    return {"files": unpacked, "count": len(unpacked)}


# --- end httpfiles ---


def extract(file: files.File, config: Config, secret: Secret | None = None) -> dict[str, Any]:
    fmt: str = config.format
    if fmt == "spreadsheet":
        fmt = spreadsheet_format(file)  # httpfiles
    if fmt == "archive":
        return unpack(file, config.prefix)  # httpfiles
    if fmt == "base64":
        return {config.key: file.value()["content"]}
    if fmt == "text":
        return {config.key: _decoded(file.data, config.encoding)}
    if fmt == "json":
        try:
            return {config.key: safe_json.loads(_decoded(file.data, config.encoding))}
        except safe_json.JsonRefused as exc:
            raise NodeError(f"The file is not usable JSON: {exc.message}") from None
    if fmt == "pdf":
        return pdf_text(file.data, config, secret)
    if fmt == "documents":
        return documents(file, config, secret)
    if fmt == "csv":
        rows = _rows(csv_rows(file.data, config), config, unique=False)
    elif fmt == "xlsx":
        rows = _rows(xlsx_rows(file.data, config.sheet, config.dates), config)
    else:
        rows = _rows(html_rows(file.data, config.encoding), config)
    return {"rows": rows, "count": len(rows)}


def run(config: Config, ctx: RunContext) -> dict[str, Any]:
    """{rows, count} for csv, xlsx and html; {text, pages, pages_read, info} for pdf;
    {<key>: value} for json, text and base64; {files, count} for archive; {documents, count,
    content_type} for documents."""
    try:
        file = files.read(config.file, "file")
    except files.FileError as exc:
        raise NodeError(str(exc)) from None
    try:
        with cpu_budget(CPU_SECONDS):
            return extract(file, config, ctx.secret if config.credential else None)
    except BudgetExceeded:
        raise NodeError(
            f"Reading '{file.filename}' as {config.format} took over {CPU_SECONDS:g} s of CPU "
            "time and was stopped; the file is too large or malformed."
        ) from None


NODE = NodeType(
    type="utility.extract_file",
    label="Extract from file",
    category="utility",
    description="Reads a file from an earlier step: the rows of a CSV, XLSX or HTML table, the "
    "text of a PDF or text file, a JSON file's value, or the file as base64 text.",
    Config=Config,
    run=run,
    icon="⇱",
    credential_kinds=("pdf_password",),  # pdfpass
    examples=(
        (
            "Read the rows of the spreadsheet we downloaded, sheet Orders",
            {"file": "{{ nodes.download.file }}", "format": "xlsx", "sheet": "Orders"},
        ),
        (
            "Get the text of the first 5 pages of the uploaded PDF",
            {"file": "{{ trigger.file }}", "format": "pdf", "max_pages": 5},
        ),
        (
            "Read the semicolon separated CSV export",
            {"file": "{{ nodes.export.file }}", "format": "csv", "delimiter": ";"},
        ),
    ),
)
