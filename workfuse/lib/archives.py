"""Zip and gzip archives for file values (workfuse/lib/files.py), bounded against archive bombs.

Unpacking stops as soon as the bytes it has produced pass `limit` (a zip's declared sizes are
not trusted: entries are read in chunks and counted), and a zip may hold at most MAX_ENTRIES
files; the caller passes the room a step's output has for files (`files.max_bytes()`), so a
small archive that expands to gigabytes costs one chunk past the limit, not the memory.
"""

from __future__ import annotations

import gzip
import io
import posixpath
import zipfile
import zlib

MAX_ENTRIES = 100
CHUNK = 64 * 1024
# As n8n's Compression node: these are stored, not compressed again.
ALREADY_COMPRESSED = frozenset(
    [
        "7z",
        "aifc",
        "bz2",
        "doc",
        "docx",
        "gif",
        "gz",
        "heic",
        "heif",
        "jpg",
        "jpeg",
        "mov",
        "mp3",
        "mp4",
        "pdf",
        "png",
        "ppt",
        "pptx",
        "rar",
        "webm",
        "webp",
        "xls",
        "xlsx",
        "zip",
    ]
)


class ArchiveError(ValueError):
    """The archive cannot be unpacked or made; the message says why."""


def _too_large(limit: int) -> ArchiveError:
    return ArchiveError(
        f"unpacks to more than {limit / 1024:,.0f} KB, the limit for files on this server "
        "(WORKFUSE_MAX_STEP_OUTPUT_BYTES and WORKFUSE_FILE_MAX_BYTES)."
    )


# The methods Python's zipfile reads; another (AES, deflate64, ...) is refused by name.
SUPPORTED_METHODS = frozenset(
    {zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA}
)


def unzip(data: bytes, limit: int) -> list[tuple[str, bytes]]:
    """The files in a zip archive as (name, bytes), folders and macOS `__MACOSX` copies left
    out, in the archive's order; ArchiveError when it is not a readable zip, holds more than
    MAX_ENTRIES files, is encrypted, or unpacks to more than `limit` bytes in all."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError) as exc:
        raise ArchiveError(f"is not a readable zip archive ({exc}).") from None
    entries = [i for i in archive.infolist() if not i.is_dir() and "__MACOSX" not in i.filename]
    if len(entries) > MAX_ENTRIES:
        raise ArchiveError(f"holds {len(entries)} files; at most {MAX_ENTRIES} are unpacked.")
    out: list[tuple[str, bytes]] = []
    total = 0
    for info in entries:
        if info.compress_type not in SUPPORTED_METHODS:
            raise ArchiveError(
                f"could not unpack '{info.filename}' (compression method {info.compress_type} "
                "is not one of stored, deflate, bzip2 or lzma)."
            )
        chunks: list[bytes] = []
        try:
            with archive.open(info) as member:
                while chunk := member.read(CHUNK):
                    total += len(chunk)
                    if total > limit:
                        raise _too_large(limit)
                    chunks.append(chunk)
        except (RuntimeError, zipfile.BadZipFile, zlib.error) as exc:
            raise ArchiveError(f"could not unpack '{info.filename}' ({exc}).") from None
        out.append((posixpath.basename(info.filename), b"".join(chunks)))
    return out


def gunzip(data: bytes, limit: int) -> bytes:
    """The bytes a gzip file holds; ArchiveError when it is not gzip or holds over `limit`."""
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        out = inflater.decompress(data, limit + 1)
    except zlib.error as exc:
        raise ArchiveError(f"is not a readable gzip file ({exc}).") from None
    if len(out) > limit or inflater.unconsumed_tail:
        raise _too_large(limit)
    return out


def make_zip(members: list[tuple[str, bytes]]) -> bytes:
    """A zip archive of (name, bytes); a repeated name keeps its last file, as n8n's does."""
    unique = dict(members)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in unique.items():
            extension = name.rpartition(".")[2].lower() if "." in name else ""
            stored = extension in ALREADY_COMPRESSED
            method = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
            archive.writestr(zipfile.ZipInfo(name, (1980, 1, 1, 0, 0, 0)), data, method, 6)
    return out.getvalue()


def make_gzip(data: bytes) -> bytes:
    return gzip.compress(data, compresslevel=6, mtime=0)
