"""n8n's older binary-data nodes: Spreadsheet File, Move Binary Data and Compression as
`utility.extract_file` and `utility.convert_file` (n8n replaced them with Extract from File and Convert to File, whose
conversions in file_nodes.py these reuse), and the nodes that read or write the n8n server's own
disk, refused with what to use instead.

Spreadsheet File (SpreadsheetFileV1/V2 `execute`): "Read From File" gives one item per row,
detecting the format in version 1 and by default in version 2 (CSV by the file's type, else
SheetJS reads whatever it is); "Write to File" makes one file of every item (XLS by default,
which WorkFuse writes as XLSX).
Move Binary Data (MoveBinaryData `execute`) works item by item: JSON to a file (the whole item
JSON-encoded, or one key's value: JSON-encoded, as it is, or decoded from base64), or a file to
JSON (parsed into the whole item, or as text, parsed JSON or base64 into one key).
Compression (Compression `execute`) unpacks a .zip or .gz file into binary properties
`<prefix>0`, `<prefix>1`, ... and packs files into a zip or gzips one; the item's JSON is the
input's.
"""

from __future__ import annotations

import dataclasses
import json
import re
from typing import Any

from editor.n8n import file_nodes
from editor.n8n.converter import BASE, Converted, Converter, N8nNode, Refusal, Spec
from workfuse.lib import archives

EXTRACT = file_nodes.SPECS[f"{BASE}extractFromFile"].convert
CONVERT = file_nodes.SPECS[f"{BASE}convertToFile"].convert
WRITABLE = ("csv", "html", "xlsx")
READABLE = ("autodetect", "csv", "html", "xlsx")
DISK = (
    "the n8n server's own disk, which WorkFuse workflows never touch (a workflow's files live "
    "in its steps)"
)


def _as(node: N8nNode, params: dict[str, Any]) -> N8nNode:
    return dataclasses.replace(node, params=params)


# --- Spreadsheet File -----------------------------------------------------------------------

# --- legacyai ---
# n8n's file name may read the node's own format (`$parameter["fileFormat"]`, "xls" when unset);
# it reads the format WorkFuse writes instead.
FORMAT_READ = re.compile(r"""\$parameter(?:\.fileFormat\b|\[\s*(["'])fileFormat\1\s*\])""")
XLS_NAME = re.compile(r"\.xls$", re.IGNORECASE)


def _as_xlsx(wanted: dict[str, Any], chosen: Any, name: Any) -> str:
    """An XLS file (SheetJS's BIFF8, n8n's default) written as XLSX: the file keeps the name n8n
    gave it but for its extension; the caveat saying so."""
    said = (
        f"n8n wrote the spreadsheet as XLS ({'its default' if not chosen else 'the format chosen'}"
        "), which WorkFuse does not write; WorkFuse writes XLSX, which Excel and every "
        "spreadsheet program open as they open XLS,"
    )
    given = wanted.get("fileName")
    if not given:
        return f"{said} and names the file spreadsheet.xlsx (n8n: spreadsheet.xls)."
    if isinstance(given, str) and XLS_NAME.search(given):
        wanted["fileName"] = XLS_NAME.sub(".xlsx", given)
    if wanted["fileName"] != name:  # its extension, or the format setting its name reads
        return f"{said} and names the file with .xlsx where n8n's name had .xls."
    return f"{said} under the file name the node gives it."


# --- end legacyai ---


def _spreadsheet(node: N8nNode, cx: Converter) -> Converted:
    p = node.params
    options = p.get("options") or {}
    prop = p.get("binaryPropertyName") or "data"
    if (p.get("operation") or "fromFile") == "toFile":
        fmt = str(p.get("fileFormat") or "xls")
        # --- legacyai ---
        written = "xlsx" if fmt == "xls" else fmt
        if written not in WRITABLE:
            raise Refusal(
                f"writes a spreadsheet as {fmt.upper()}; WorkFuse writes CSV, XLSX (for XLS too) "
                "and HTML tables. Choose one of those in n8n, then export again."
            )
        # Compression only packs an XLSX (a zip either way) tighter: left out.
        wanted = {k: options[k] for k in ("headerRow", "sheetName", "fileName") if k in options}
        name = wanted.get("fileName")
        if isinstance(name, str) and name.startswith("="):
            wanted["fileName"] = FORMAT_READ.sub(json.dumps(written), name)
        notes = [_as_xlsx(wanted, p.get("fileFormat"), name)] if fmt == "xls" else []
        params = {"operation": written, "binaryPropertyName": prop, "options": wanted}
        converted = CONVERT(_as(node, params), cx)
        converted.notes += notes
        return converted
        # --- end legacyai ---
    fmt = "autodetect" if node.version < 2 else str(p.get("fileFormat") or "autodetect")
    if fmt not in READABLE:
        raise Refusal(
            f"reads a spreadsheet as {fmt.upper()}; WorkFuse reads CSV, XLSX and HTML tables. "
            "Convert the file to one of those in n8n, then export again."
        )
    if options.get("rawData") or options.get("readAsString"):
        raise Refusal(
            "reads the spreadsheet's raw cell text (RAW Data or Read As String); WorkFuse reads "
            "cell values. Remove the option in n8n, then export again."
        )
    read = {**options}
    read.pop("enableBOM", None)  # WorkFuse drops a byte order mark in any case
    read.pop("sheetName", None)
    params = {"operation": "csv" if fmt == "autodetect" else fmt, "binaryPropertyName": prop}
    converted = EXTRACT(_as(node, {**params, "options": read}), cx)
    if fmt == "autodetect":
        converted.config.update(format="spreadsheet", dates="serial")
        converted.notes.append(
            "WorkFuse reads the file as CSV when its type says so, else as XLSX or an HTML table "
            "by its bytes (other text as CSV, its cells kept as text); n8n's SheetJS read more "
            "formats and turned CSV cells that look like numbers into numbers."
        )
    if options.get("sheetName") and converted.config["format"] in ("xlsx", "spreadsheet"):
        converted.config["sheet"] = file_nodes._fixed(options["sheetName"], "its sheet name")
    return converted


# --- Move Binary Data -----------------------------------------------------------------------


def _utf8_only(options: dict[str, Any], what: str) -> None:
    encoding = str(options.get("encoding") or "utf8").lower().replace("-", "")
    if encoding != "utf8":
        raise Refusal(
            f"{what} in {options.get('encoding')}; WorkFuse reads and writes these files as "
            "UTF-8. Choose utf8 in n8n, then export again."
        )


def _key(value: Any, what: str) -> str:
    key = file_nodes._fixed(value if value not in (None, "") else "data", what)
    if "." in key or "[" in key:
        raise Refusal(
            f"uses the nested key '{key}' ({what}); WorkFuse reads and writes one top-level "
            "key. Use a plain name in n8n, then export again."
        )
    return key


def _move(node: N8nNode, cx: Converter) -> Converted:
    if (node.params.get("mode") or "binaryToJson") == "jsonToBinary":
        return _to_file(node, cx)
    return _to_json(node, cx)


def _to_file(node: N8nNode, cx: Converter) -> Converted:
    p = node.params
    options = p.get("options") or {}
    _utf8_only(options, "writes the file")
    if options.get("addBOM"):
        raise Refusal("adds a byte order mark to the file; WorkFuse writes UTF-8 without one.")
    prop = _key(p.get("destinationKey"), "its destination key")
    notes: list[str] = []
    if p.get("convertAllData", True) is not False:
        config: dict[str, Any] = {"format": "json", "value": cx.expression("{{ $json }}", node)}
    else:
        source = _key(p.get("sourceKey"), "its source key")
        value = cx.expression("{{ $json" + f"[{file_nodes._quoted(source)}]" + " }}", node)
        if options.get("dataIsBase64"):
            config = {"format": "base64", "value": value}
        elif options.get("useRawData"):
            config = {"format": "text", "value": value}
        else:
            config = {"format": "json", "value": value}
    config["content_type"] = file_nodes._fixed(
        options.get("mimeType") or "application/json", "its MIME type"
    )
    if options.get("fileName"):
        config["filename"] = cx.value(options["fileName"], node)
    else:
        notes.append("n8n left the file unnamed; WorkFuse names it file.json, file.txt or file.")
    spec: dict[str, Any] = {"data": "", "items": None, "binary": ((prop, f"nodes.{node.id}.file"),)}
    if options.get("keepSource") or p.get("convertAllData") is False:
        spec["data"] = None  # `$json` after it is the input item's
        if not options.get("keepSource"):
            notes.append(
                "n8n removed the source key from the item; after it WorkFuse's `$json` still has it."
            )
    return Converted("utility.convert_file", config, notes=notes, spec=spec)


def _to_json(node: N8nNode, cx: Converter) -> Converted:
    p = node.params
    options = p.get("options") or {}
    _utf8_only(options, "reads the file")
    config: dict[str, Any] = {"file": cx.file_ref(node, _key(p.get("sourceKey"), "its source key"))}
    if p.get("setAllData", True) is not False:
        config.update(format="json", key="data")
        return Converted("utility.extract_file", config, spec={"data": "data", "items": None})
    key = _key(p.get("destinationKey"), "its destination key")
    if options.get("keepAsBase64"):
        config.update(format="base64", key=key)
    else:
        config.update(format="json" if options.get("jsonParse") else "text", key=key)
    note = (
        f"n8n added '{key}' to the input item's fields; after it WorkFuse's `$json` has '{key}' "
        "alone (earlier fields are read from the node that made them)."
    )
    return Converted("utility.extract_file", config, notes=[note], spec={"data": "", "items": None})


# --- Compression ---------------------------------------------------------------------------


def _names(node: N8nNode) -> list[str]:
    text = file_nodes._fixed(node.params.get("binaryPropertyName") or "data", "its input fields")
    return [name.strip() for name in text.split(",") if name.strip()]


# --- ops ---
ANY_NAME = "*"  # a property asked of the node before, to find the object holding its files


def _named_at_run_time(node: N8nNode, cx: Converter) -> Converted:
    """Compress to zip with the input fields given by an expression: the object of files of
    the item (a Code node's returned `binary`, a webhook's uploads), the names rendered from
    the expression and picked from it at run time (`utility.convert_file` `names`)."""
    p = node.params
    if (p.get("outputFormat") or "zip") != "zip":
        raise Refusal(
            "gzips the files its input fields name with an expression, one output file per "
            "name; WorkFuse gzips one file per node. Use a Zip archive in n8n, then export "
            "again."
        )
    try:
        ref = cx.file_ref(node, ANY_NAME)
    except Refusal:
        raise Refusal(
            "sets its input fields with an expression, and the node before it makes files of "
            "fixed names only; name them in n8n, then export again."
        ) from None
    suffix = f"[{json.dumps(ANY_NAME)}] }}}}"
    if not ref.endswith(suffix):
        raise Refusal("sets its input fields with an expression; WorkFuse needs it fixed.")
    config: dict[str, Any] = {
        "format": "zip",
        "value": ref[: -len(suffix)] + " }}",
        "names": cx.value(p["binaryPropertyName"], node),
    }
    if p.get("fileName"):
        config["filename"] = cx.value(p["fileName"], node)
    prop = p.get("binaryPropertyOutput") or "data"
    spec = {
        "data": None,
        "binary": ((file_nodes._fixed(prop, "its output field"), f"nodes.{node.id}.file"),),
    }
    note = (
        "n8n read the names from its first item and packed each item's files by them; WorkFuse "
        "reads each item's own names (the same when the items name the same files)."
    )
    return Converted("utility.convert_file", config, notes=[note], spec=spec)


# --- end ops ---


def _compression(node: N8nNode, cx: Converter) -> Converted:
    p = node.params
    # --- ops ---
    given = str(p.get("binaryPropertyName") or "")
    if p.get("operation") == "compress" and given.startswith("=") and "{{" in given:
        return _named_at_run_time(node, cx)
    # --- end ops ---
    names = _names(node)
    if (p.get("operation") or "decompress") == "decompress":
        if len(names) != 1:
            raise Refusal(
                f"unpacks the files '{', '.join(names)}' into one item; WorkFuse unpacks one "
                "archive per node. Use one Compression node per file in n8n, then export again."
            )
        prefix = file_nodes._fixed(p.get("outputPrefix") or "file_", "its output prefix")
        unpack = {"file": cx.file_ref(node, names[0]), "format": "archive", "prefix": prefix}
        made = tuple(
            (f"{prefix}{i}", f"nodes.{node.id}.files.{prefix}{i}")
            for i in range(archives.MAX_ENTRIES)
        )
        note = (
            f"WorkFuse unpacks at most {archives.MAX_ENTRIES} files, as large in all as a step's "
            "output allows, and fails on a file that is not .zip or .gz, which n8n passed over."
        )
        unpacked = {
            "data": None,
            "binary": made,
            "binary_numbered": (f"nodes.{node.id}.files", prefix),  # filesplit
        }
        return Converted("utility.extract_file", unpack, notes=[note], spec=unpacked)
    fmt = p.get("outputFormat") or ("" if node.version < 1.1 else "zip")
    if fmt not in ("zip", "gzip"):
        raise Refusal(
            "compresses with no output format chosen, so n8n outputs nothing; choose Zip or "
            "Gzip in n8n, then export again."
        )
    if fmt == "gzip" and len(names) != 1:
        raise Refusal(
            "gzips several files into one item; WorkFuse gzips one file per node. Use a Zip "
            "archive, or one Compression node per file, in n8n, then export again."
        )
    refs = [cx.file_ref(node, name) for name in names]
    notes: list[str] = []
    if fmt == "zip":
        prop = p.get("binaryPropertyOutput") or "data"
        config: dict[str, Any] = {"format": "zip", "value": refs}
        if p.get("fileName"):
            config["filename"] = cx.value(p["fileName"], node)
    else:
        config = {"format": "gzip", "value": refs[0]}
        if node.version < 1.1:
            prop = f"{p.get('outputPrefix') or 'data'}0"
        else:
            prop = p.get("binaryPropertyOutput") or "data"
        notes.append("WorkFuse names the gzip file after the file it packs, with .gz added.")
    spec = {
        "data": None,
        "binary": ((file_nodes._fixed(prop, "its output field"), f"nodes.{node.id}.file"),),
    }
    return Converted("utility.convert_file", config, notes=notes, spec=spec)


# --- the server's disk ----------------------------------------------------------------------


def _disk(instead: str) -> Any:
    def refuse(node: N8nNode, cx: Converter) -> Converted:
        reads = node.type.endswith(("readBinaryFile", "readBinaryFiles", "localFileTrigger"))
        if node.type.endswith("readWriteFile"):
            reads = (node.params.get("operation") or "read") == "read"
        what = "reads files from" if reads else "writes files to"
        if node.type.endswith("localFileTrigger"):
            what = "watches a folder on"
        raise Refusal(f"{what} {DISK}. {instead}")

    return refuse


READ_INSTEAD = (
    "Fetch the file where it lives instead (an HTTP Request saving the response as a file, or "
    "a Google Drive download), then export again."
)
WRITE_INSTEAD = (
    "Send the file where it should go instead (a Google Drive upload, or an HTTP Request "
    "sending it as the body), then export again."
)
WATCH_INSTEAD = (
    "Start the workflow from a Webhook the program that makes the files calls, or from a "
    "Google Drive trigger on a shared folder, then export again."
)


def _read_or_write(node: N8nNode, cx: Converter) -> Converted:
    reads = (node.params.get("operation") or "read") == "read"
    return _disk(READ_INSTEAD if reads else WRITE_INSTEAD)(node, cx)


SPECS: dict[str, Spec] = {
    f"{BASE}spreadsheetFile": Spec(_spreadsheet, "rows", items="rows"),
    f"{BASE}moveBinaryData": Spec(_move, ""),
    f"{BASE}compression": Spec(_compression, None),
    f"{BASE}readBinaryFile": Spec(_disk(READ_INSTEAD), ""),
    f"{BASE}readBinaryFiles": Spec(_disk(READ_INSTEAD), ""),
    f"{BASE}writeBinaryFile": Spec(_disk(WRITE_INSTEAD), ""),
    f"{BASE}readWriteFile": Spec(_read_or_write, ""),
    f"{BASE}localFileTrigger": Spec(_disk(WATCH_INSTEAD), "trigger"),
}
