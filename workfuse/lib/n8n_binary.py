"""A WorkFuse file value as n8n's binary data object (`item.binary.<property>`), for the n8n
expressions and Code nodes WorkFuse runs (docs/n8n-import.md, "Files read through `$binary`").

n8n builds the object in `prepareBinaryData` and its binary data service (default mode):

    {"data": "<base64>", "mimeType": "application/pdf", "fileName": "report.pdf",
     "fileExtension": "pdf", "fileType": "pdf", "fileSize": "48.2 kB"}

`fileExtension` is the file name's extension as written ("PDF" stays "PDF"), else the first
extension the mime-types package knows for the content type; `fileSize` is pretty-bytes of the
byte count; `fileType` n8n's `fileTypeFromMimeType`. Each is reproduced exactly; an extension
n8n would take from its mime database for a type not listed here is an error that says so, not
a guess.
"""

from __future__ import annotations

import base64
import math
import posixpath
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from workfuse.lib import files

# pretty-bytes' units (n8n's `prettyBytes`).
_UNITS = ("B", "kB", "MB", "GB", "TB", "PB", "EB", "ZB", "YB")
# The mime-types package's `extension(type)` for the content types files usually have: n8n's
# `fileExtension` of a file whose name has none. Checked against mime-types 3.0.2, the version
# n8n-core 1.123 pins (3.x answers jpg for image/jpeg where 2.x answered jpeg).
_EXTENSIONS = {
    "application/json": "json",
    "application/octet-stream": "bin",
    "application/pdf": "pdf",
    "application/xml": "xml",
    "application/zip": "zip",
    "audio/mpeg": "mpga",
    "audio/ogg": "oga",
    "audio/wav": "wav",
    "image/gif": "gif",
    "image/jpeg": "jpg",
    "image/png": "png",
    "image/svg+xml": "svg",
    "image/webp": "webp",
    "text/csv": "csv",
    "text/html": "html",
    "text/markdown": "md",
    "text/plain": "txt",
    "video/mp4": "mp4",
}


# The key of the marker `fileExtension` holds when WorkFuse cannot give n8n's (n8n_shim.js).
UNKNOWN_EXTENSION = "$unknownExtension"


def binary_object(value: Any, where: str) -> dict[str, Any]:
    """The file value `value` as n8n's binary data object; FileError when it is not a file."""
    file = files.read(value, where)
    binary: dict[str, Any] = {
        "data": base64.b64encode(file.data).decode(),
        "mimeType": file.content_type,
        "fileName": file.filename,
        "fileSize": pretty_bytes(len(file.data)),
    }
    kind = file_type(file.content_type)
    if kind:
        binary["fileType"] = kind
    extension = posixpath.splitext(file.filename)[1][1:]
    if extension:
        binary["fileExtension"] = extension
    elif file.content_type.split(";")[0].strip().lower() in _EXTENSIONS:
        binary["fileExtension"] = _EXTENSIONS[file.content_type.split(";")[0].strip().lower()]
    else:  # the shim makes reading this marker an error that gives the reason
        binary["fileExtension"] = {
            UNKNOWN_EXTENSION: f"the file '{file.filename}' has no extension in its name, and "
            f"n8n would take one for its type {file.content_type} from its mime database, "
            "which WorkFuse does not hold for that type"
        }
    return binary


def file_type(content_type: str) -> str | None:
    """n8n's `fileTypeFromMimeType`."""
    for prefix, kind in (
        ("application/json", "json"),
        ("text/html", "html"),
        ("image/", "image"),
        ("audio/", "audio"),
        ("video/", "video"),
        ("text/", "text"),
        ("application/javascript", "text"),
        ("application/pdf", "pdf"),
    ):
        if content_type.startswith(prefix):
            return kind
    return None


def pretty_bytes(size: int) -> str:
    """pretty-bytes' text for `size` bytes, as n8n writes `fileSize`: three significant digits
    (`Number.prototype.toPrecision`, a tie rounded up), trailing zeros dropped, SI units."""
    if size < 1:
        return f"{size} B"
    exponent = min(math.floor(math.log10(size) / 3), len(_UNITS) - 1)
    number = Decimal(size / 1000**exponent)  # the double JavaScript divides to, exactly
    shift = number.adjusted() - 2
    rounded = number.scaleb(-shift).quantize(Decimal(1), ROUND_HALF_UP).scaleb(shift)
    return f"{format(rounded.normalize(), 'f')} {_UNITS[exponent]}"
