"""Files in step data: how a file travels from one step to the next.

A step that produces a file (an HTTP response saved as a file, a file read from a service, a
file a node makes) puts a *file value* in its output, and a step that takes a file (extract
text from it, edit an image, upload it, attach it) names that value in its settings, usually
as a template (`{{ nodes.download.file }}`). The value is plain JSON, the same shape as an
email attachment's object, so it can be shown, stored in a checkpoint and passed through any
node:

    {"filename": "report.pdf", "content_type": "application/pdf", "size": 48213,
     "content": "<base64>"}

Files are bounded: a file value lives in a step's output, a checkpoint row, so it must fit in
`WORKFUSE_MAX_STEP_OUTPUT_BYTES` (1 MB by default) once base64 adds a third: about 740 KB of
file by default. An operator who raises that limit gets larger files, up to
`WORKFUSE_FILE_MAX_BYTES` (10 MB). n8n keeps binary data in its database the same way by
default.
"""

from __future__ import annotations

import base64
import binascii
import mimetypes
from dataclasses import dataclass
from typing import Any

from django.conf import settings

FIELDS = frozenset({"filename", "content_type", "size", "content"})
DEFAULT_TYPE = "application/octet-stream"


class FileError(ValueError):
    """The value is not a usable file; the message names `where` and says what is wrong."""


# Room in a step's output for the file value's other fields and the output around it.
HEADROOM = 4096


def max_bytes() -> int:
    """The largest file a step may output or take: WORKFUSE_FILE_MAX_BYTES, or less if a file
    that large would not fit in a step's output."""
    fits = (int(settings.WORKFUSE_MAX_STEP_OUTPUT_BYTES) - HEADROOM) * 3 // 4
    return max(0, min(int(settings.WORKFUSE_FILE_MAX_BYTES), fits))


def _limit_hint() -> str:
    return "WORKFUSE_MAX_STEP_OUTPUT_BYTES and WORKFUSE_FILE_MAX_BYTES"


@dataclass(frozen=True)
class File:
    filename: str
    content_type: str
    data: bytes

    def value(self) -> dict[str, Any]:
        """The file as step data."""
        return {
            "filename": self.filename,
            "content_type": self.content_type,
            "size": len(self.data),
            "content": base64.b64encode(self.data).decode("ascii"),
        }

    @property
    def extension(self) -> str:
        """The file name's extension, lower case and without the dot ("" if it has none)."""
        _, dot, ext = self.filename.rpartition(".")
        return ext.lower() if dot else ""


def guess_type(filename: str) -> str:
    return mimetypes.guess_type(filename)[0] or DEFAULT_TYPE


def make(data: bytes, filename: str, content_type: str | None = None, where: str = "file") -> File:
    """A file from bytes, checked against the size limit (FileError naming `where`)."""
    limit = max_bytes()
    if len(data) > limit:
        raise FileError(
            f"{where} is {len(data) / 1024:,.0f} KB; files are limited to "
            f"{limit / 1024:,.0f} KB by this server's settings ({_limit_hint()})."
        )
    name = filename or "file"
    return File(name, (content_type or guess_type(name)).split(";")[0].strip(), data)


def is_file(value: Any) -> bool:
    """Whether `value` has the shape of a file value (its content not yet decoded)."""
    return isinstance(value, dict) and "content" in value and set(value) <= FIELDS


def read(value: Any, where: str = "file") -> File:
    """The file a value holds (after templates are filled in); FileError naming `where` when it
    is not a file value, its content is not base64 or it is over the limit."""
    if not isinstance(value, dict) or "content" not in value:
        shown = type(value).__name__ if not isinstance(value, str) else "a text"
        raise FileError(
            f"{where} must be a file (an object with filename, content_type and base64 content, "
            f"as a step that downloads or makes a file outputs), not {shown}."
        )
    content = value.get("content")
    if not isinstance(content, str):
        raise FileError(f"{where}.content must be base64 text.")
    if len(content) > max_bytes() * 4 // 3 + 4:
        raise FileError(
            f"{where} is over {max_bytes() / 1024:,.0f} KB, the limit for files on this server "
            f"({_limit_hint()})."
        )
    try:
        data = base64.b64decode(content, validate=True)
    except (binascii.Error, ValueError):
        raise FileError(f"{where}.content is not valid base64.") from None
    filename = str(value.get("filename") or "file")
    return make(data, filename, str(value.get("content_type") or "") or None, where)
