"""n8n's Extract from File and Convert to File as `utility.extract_file` and
`utility.convert_file`: the file an Extract reads is found upstream by `Converter.file_ref`, and
a Convert declares the file it makes (`Spec.binary`) for the nodes after it.

Extract from File gives rows (CSV, XLSX, HTML tables: one n8n item per row), a PDF's text, a
text or JSON file's value, or the file as base64 under a key. Convert to File makes a CSV, XLSX
or HTML file of all its items, a JSON file of all (mode "once") or each item, a text file or a
file from base64 text. ODS, XLS, RTF and iCalendar have no WorkFuse reader or writer and are
refused, as are options that change what n8n reads in ways WorkFuse does not (a cell range, a
start line). A PDF password is never copied: the step gets an empty slot for a PDF password
credential, and the caveat says to create or choose one.
"""

from __future__ import annotations

import codecs
import re
from typing import Any

from editor.n8n.converter import BASE, Converted, Converter, N8nNode, Refusal, Spec

ROW_OPERATIONS = ("csv", "xlsx", "html")
TEXT_OPERATIONS = {"text": "text", "fromJson": "json", "binaryToPropery": "base64"}
# Node's Buffer and iconv names that Python spells otherwise.
ENCODINGS = {"utf8": "utf-8", "ucs2": "utf-16-le", "utf16le": "utf-16-le", "binary": "latin-1"}
PDF_TEXT_NOTE = (
    "The PDF's text is laid out by pypdf where n8n used pdf.js: spacing and line breaks may "
    "differ; its page count is `pages` (n8n's numpages and numrender) and `info` holds the "
    "document information without pdf.js's metadata and version."
)


def _encoding(options: dict[str, Any], what: str) -> str:
    name = str(options.get("encoding") or "utf8").lower()
    name = ENCODINGS.get(name, name)
    try:
        return codecs.lookup(name).name
    except LookupError:
        raise Refusal(
            f"{what} the character encoding '{name}', which WorkFuse does not know; choose "
            "UTF-8 or Latin-1 in n8n, then export again."
        ) from None


def _fixed(value: Any, what: str) -> str:
    if isinstance(value, str) and value.startswith("="):
        if "{{" not in value:  # an "expression" of plain text is that text
            return value[1:].strip()
        raise Refusal(f"sets {what} with an expression; WorkFuse needs it fixed. Set it in n8n.")
    return str(value)


# --- Extract from File ---------------------------------------------------------------------


def _extract(node: N8nNode, cx: Converter) -> Converted:
    p = node.params
    operation = p.get("operation") or "csv"
    options = p.get("options") or {}
    if operation not in (*ROW_OPERATIONS, "pdf", *TEXT_OPERATIONS):
        raise Refusal(
            f"extracts from a file with '{operation}', which WorkFuse cannot read (it reads CSV, "
            "XLSX, HTML tables, PDF, JSON and text files); convert the file to one of those in "
            "n8n, then export again."
        )
    if options.get("keepSource") in ("json", "both"):
        raise Refusal(
            "keeps the input item's fields beside what it extracts (Keep Source); WorkFuse "
            "outputs what it extracts alone, and later nodes reach the earlier fields by node "
            "name. Remove the option in n8n, then export again."
        )
    config: dict[str, Any] = {"file": cx.file_ref(node, p.get("binaryPropertyName"))}
    notes: list[str] = []
    if operation in ROW_OPERATIONS:
        config.update(_row_options(operation, options, notes))
        return Converted("utility.extract_file", config, notes=notes)
    if operation == "pdf":
        config.update(_pdf_options(options))
        notes = [PDF_TEXT_NOTE, *pdf_password_notes(options.get("password"))]
        return Converted(
            "utility.extract_file", config, notes=notes, spec={"data": "", "items": None}
        )
    key = _fixed(p.get("destinationKey") or "data", "its Destination Key")
    if "." in key or "[" in key:
        raise Refusal(
            f"writes into the nested key '{key}'; WorkFuse writes one top-level key. Use a "
            "plain name in n8n (Edit Fields can nest it afterwards), then export again."
        )
    config.update({"format": TEXT_OPERATIONS[operation], "key": key})
    if operation != "binaryToPropery":
        config["encoding"] = _encoding(options, "reads the file in")
    return Converted("utility.extract_file", config, spec={"data": "", "items": None})


def _row_options(operation: str, options: dict[str, Any], notes: list[str]) -> dict[str, Any]:
    config: dict[str, Any] = {"format": operation}
    if options.get("range") not in (None, ""):
        raise Refusal(
            f"reads the cell range {options['range']!r}; WorkFuse reads a whole sheet. Remove "
            "the range in n8n (a Limit or Filter node can drop rows), then export again."
        )
    if options.get("fromLine") not in (None, 0, 1):
        raise Refusal(
            f"starts reading at line {options['fromLine']}; WorkFuse reads from the first "
            "line. Remove Start Line in n8n (a Limit node can skip rows), then export again."
        )
    if options.get("headerRow") is False:
        config["header"] = False
    if options.get("includeEmptyCells"):
        config["include_empty_cells"] = True
    max_rows = options.get("maxRowCount")
    if isinstance(max_rows, int) and max_rows > -1 and operation == "csv":
        if max_rows == 0:
            raise Refusal("reads at most 0 rows (Max Row Count); set a count or remove it.")
        config["max_rows"] = max_rows
    if operation == "csv":
        delimiter = options.get("delimiter")
        if delimiter not in (None, ""):
            config["delimiter"] = _fixed(delimiter, "its delimiter")
        config["encoding"] = _encoding(options, "reads the CSV in")
        notes.append(
            "A CSV row with more or fewer fields than the header is read (short rows padded) "
            "where n8n's csv-parse stopped at it, and a byte order mark is dropped."
        )
    if operation == "xlsx":
        config["dates"] = "serial"
        if options.get("sheetName"):
            config["sheet"] = _fixed(options["sheetName"], "its sheet name")
    if operation == "html":
        notes.append(
            "The table's cells are read as text; n8n's reader turned cells that look like "
            "numbers into numbers."
        )
    return config


# --- pdfpass ---
def pdf_password_notes(password: Any) -> list[str]:
    """The caveat for a PDF opened with a password: the password stays out of the workflow (a
    credential slot is left empty); one given by an expression is refused."""
    if password in (None, ""):
        return []
    if isinstance(password, str) and password.startswith("="):
        raise Refusal(
            "opens the PDF with a password given by an expression; WorkFuse opens it with the "
            "password in a PDF password credential. Set a fixed password in n8n, then export "
            "again (the import then asks for the credential)."
        )
    return [
        "n8n kept the PDF's password in this node; WorkFuse keeps passwords in credentials, so "
        "it was not imported: create a PDF password credential holding it (or choose one) in "
        "this node's settings before the workflow runs."
    ]


# --- end pdfpass ---


def _pdf_options(options: dict[str, Any]) -> dict[str, Any]:
    config: dict[str, Any] = {"format": "pdf"}
    max_pages = options.get("maxPages")
    if max_pages == 0 and "maxPages" in options:
        raise Refusal(
            "sets Max Pages to 0, with which n8n reads no page at all; set a page count or "
            "remove the option in n8n, then export again."
        )
    if isinstance(max_pages, int) and max_pages > 0:
        config["max_pages"] = max_pages
    if options.get("joinPages") is False:
        config["join_pages"] = False
    return config


# --- Convert to File -----------------------------------------------------------------------


def _convert(node: N8nNode, cx: Converter) -> Converted:
    p = node.params
    operation = p.get("operation") or "csv"
    options = p.get("options") or {}
    prop = _fixed(p.get("binaryPropertyName") or "data", "the file's binary property")
    notes: list[str] = []
    if operation in ROW_OPERATIONS:
        config = _table_file(operation, options, notes)
    elif operation == "toJson":
        config = _json_file(node, cx, options)
    elif operation in ("toText", "toBinary"):
        config = _text_file(node, cx, operation, options, notes)
    else:
        raise Refusal(
            f"converts to '{operation}', which WorkFuse cannot write (it writes CSV, XLSX, HTML "
            "tables, JSON, text and files from base64); choose one of those in n8n, then "
            "export again."
        )
    if options.get("fileName"):
        config["filename"] = cx.value(options["fileName"], node)
    spec = {"data": "", "items": None, "binary": ((prop, f"nodes.{node.id}.file"),)}
    return Converted("utility.convert_file", config, notes=notes, spec=spec)


def _table_file(operation: str, options: dict[str, Any], notes: list[str]) -> dict[str, Any]:
    config: dict[str, Any] = {"format": operation, "items": None}  # the walk fills in items
    if options.get("headerRow") is False:
        config["header"] = False
    if operation == "csv" and options.get("delimiter"):
        config["delimiter"] = _fixed(options["delimiter"], "its delimiter")
    if operation == "xlsx" and options.get("sheetName"):
        config["sheet"] = _fixed(options["sheetName"], "its sheet name")
    if operation == "html":
        notes.append("WorkFuse writes a plain HTML table; n8n wrote SheetJS's page around it.")
    return config


def _no_bom(options: dict[str, Any], what: str) -> None:
    if options.get("addBOM"):
        raise Refusal(f"adds a byte order mark to the {what}; WorkFuse writes UTF-8 without one.")
    if _encoding(options, "writes the file in") != "utf-8":
        raise Refusal(
            f"writes the {what} in {options.get('encoding')}; WorkFuse writes UTF-8. Choose "
            "UTF-8 in n8n, then export again."
        )


def _json_file(node: N8nNode, cx: Converter, options: dict[str, Any]) -> dict[str, Any]:
    _no_bom(options, "JSON file")
    if (node.params.get("mode") or "once") == "once":
        return {"format": "json", "items": None}  # the walk fills in the items
    return {"format": "json", "value": cx.expression("{{ $json }}", node)}


def _text_file(
    node: N8nNode, cx: Converter, operation: str, options: dict[str, Any], notes: list[str]
) -> dict[str, Any]:
    source = node.params.get("sourceProperty") or ""
    if not source or (isinstance(source, str) and source.startswith("=")):
        raise Refusal(
            "names its input field with an expression (or not at all), and n8n reads the field "
            "whose name the expression gives; WorkFuse needs the field's name, e.g. 'data'. Set "
            "it in n8n, then export again."
        )
    parts = _path_parts(str(source))  # quality: lodash's paths, as n8n reads them
    if parts is None:
        raise Refusal(
            f"reads the field '{source}', a path WorkFuse cannot follow (names joined by dots, "
            "with [0]-style indexes); write the path that way in n8n, then export again."
        )
    value = cx.expression(
        "{{ $json"
        + "".join(f"[{part}]" if isinstance(part, int) else f"[{_quoted(part)}]" for part in parts)
        + " }}",
        node,
    )
    if operation == "toText" or options.get("dataIsBase64") is False:
        _no_bom(options, "text file")
        config: dict[str, Any] = {"format": "text", "value": value}
        if operation == "toBinary" and options.get("mimeType"):
            config["content_type"] = _fixed(options["mimeType"], "its MIME type")
        return config
    config = {"format": "base64", "value": value}
    if options.get("mimeType"):
        config["content_type"] = _fixed(options["mimeType"], "its MIME type")
    elif not options.get("fileName"):
        notes.append(
            "n8n guessed the file's type from its bytes; WorkFuse takes it from a data: URL, "
            "else names the file 'file' with type application/octet-stream."
        )
    return config


# --- quality ---
# One step of a lodash path (`_.get`, which n8n reads a field with): a name, [0], ["key"].
_PATH_PART = re.compile(r"""([^.\[\]]+)|\[(\d+)\]|\["([^"]*)"\]|\['([^']*)'\]""")


def _path_parts(path: str) -> list[str | int] | None:
    """`data[0].b64_json` as ["data", 0, "b64_json"]; None for a path of another shape."""
    parts: list[str | int] = []
    at = 0
    while at < len(path):
        if parts and path[at] == "." and not path.startswith("[", at + 1):
            at += 1
        found = _PATH_PART.match(path, at)
        if found is None or found.end() == at:
            return None
        name, index, double, single_quoted = found.groups()
        parts.append(int(index) if index is not None else (name or double or single_quoted or ""))
        at = found.end()
    return parts if parts and all(part != "" for part in parts) else None


# --- end quality ---
def _quoted(text: str) -> str:
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


SPECS: dict[str, Spec] = {
    f"{BASE}extractFromFile": Spec(
        _extract, "rows", aliases=(("numpages", "pages"), ("numrender", "pages")), items="rows"
    ),
    f"{BASE}convertToFile": Spec(_convert, ""),
}
