"""workfuse/lib/archives.py: zip and gzip made and unpacked, and archive bombs stopped at the
limit without unpacking them whole."""

from __future__ import annotations

import gzip
import io
import zipfile

import pytest

from workfuse.lib import archives


def zipped(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


def test_a_zip_made_here_unpacks_to_its_files_in_order():
    made = archives.make_zip([("a.txt", b"alpha"), ("dir/b.png", b"\x89PNG"), ("a.txt", b"new")])
    assert archives.unzip(made, 1000) == [("a.txt", b"new"), ("b.png", b"\x89PNG")]
    kinds = {i.filename: i.compress_type for i in zipfile.ZipFile(io.BytesIO(made)).infolist()}
    assert kinds == {"a.txt": zipfile.ZIP_DEFLATED, "dir/b.png": zipfile.ZIP_STORED}


def test_folders_and_macos_copies_are_left_out():
    data = zipped({"x/": b"", "x/r.csv": b"1", "__MACOSX/x/._r.csv": b"junk"})
    assert archives.unzip(data, 1000) == [("r.csv", b"1")]


def test_a_zip_bomb_stops_at_the_limit():
    bomb = zipped({"zeros.bin": b"\0" * 5_000_000})
    assert len(bomb) < 10_000
    with pytest.raises(archives.ArchiveError, match="unpacks to more than"):
        archives.unzip(bomb, 100_000)


def test_too_many_entries_and_broken_archives_are_refused():
    many = zipped({f"f{i}.txt": b"x" for i in range(archives.MAX_ENTRIES + 1)})
    with pytest.raises(archives.ArchiveError, match="holds 101 files"):
        archives.unzip(many, 10_000)
    with pytest.raises(archives.ArchiveError, match="not a readable zip"):
        archives.unzip(b"PK\x03\x04 not really", 1000)
    with pytest.raises(archives.ArchiveError, match="not a readable gzip"):
        archives.gunzip(b"plain text", 1000)


def test_a_compression_method_python_cannot_read_is_refused_by_name():
    data = bytearray(zipped({"a.txt": b"hello"}))
    # Method 9 (deflate64) in the local and the central header: the archive lists, its file
    # cannot be read.
    for signature, offset in ((b"PK\x03\x04", 8), (b"PK\x01\x02", 10)):
        at = data.index(signature) + offset
        data[at : at + 2] = (9).to_bytes(2, "little")
    with pytest.raises(archives.ArchiveError, match="compression method 9"):
        archives.unzip(bytes(data), 1000)


def test_gzip_round_trips_and_a_gzip_bomb_stops_at_the_limit():
    assert archives.gunzip(archives.make_gzip(b"hello"), 10) == b"hello"
    assert gzip.decompress(archives.make_gzip(b"hello")) == b"hello"
    with pytest.raises(archives.ArchiveError, match="unpacks to more than"):
        archives.gunzip(gzip.compress(b"\0" * 5_000_000), 100_000)
