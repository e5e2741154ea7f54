"""utility.convert_file's zip and gzip formats and utility.extract_file's archive format (as
n8n's Compression node packs and unpacks), with archive bombs refused naming the file."""

from __future__ import annotations

import gzip
import re

import pytest

from editor.nodes import utility_convert_file, utility_extract_file
from editor.nodes.base import NodeError
from tests.data_nodes import run
from workfuse.lib import files


def value(data: bytes, name: str) -> dict:
    return files.make(data, name).value()


def test_gzip_names_the_file_after_the_one_it_packs_and_unpacks_back():
    made = run(utility_convert_file, {"format": "gzip", "value": value(b"a,b\n", "r.csv")})
    assert made["file"]["filename"] == "r.csv.gz"
    out = run(utility_extract_file, {"file": made["file"], "format": "archive"})
    assert out["count"] == 1
    back = out["files"]["file_0"]
    assert (back["filename"], back["content_type"]) == ("r.csv", "text/csv")
    assert files.read(back).data == b"a,b\n"


def test_zip_of_several_files_unpacks_under_the_prefix():
    made = run(
        utility_convert_file,
        {
            "format": "zip",
            "value": [value(b"1", "a.txt"), value(b"2", "b.txt")],
            "filename": "x.zip",
        },
    )
    out = run(utility_extract_file, {"file": made["file"], "format": "archive", "prefix": "f"})
    assert {k: files.read(v).data for k, v in out["files"].items()} == {"f0": b"1", "f1": b"2"}


def test_zip_of_the_files_an_object_names_packs_them_in_that_order():
    item_files = {"data_0": value(b"0", "a.txt"), "data_1": value(b"1", "b.txt"), "x": None}
    made = run(
        utility_convert_file,
        {"format": "zip", "value": item_files, "names": "data_1, data_0"},
    )
    out = run(utility_extract_file, {"file": made["file"], "format": "archive", "prefix": "f"})
    unpacked = [(v["filename"], files.read(v).data) for v in out["files"].values()]
    assert unpacked == [("b.txt", b"1"), ("a.txt", b"0")]
    with pytest.raises(NodeError, match="value has no file named 'data_2'"):
        run(utility_convert_file, {"format": "zip", "value": item_files, "names": "data_0,data_2"})
    with pytest.raises(NodeError, match="value must be an object of files"):
        run(utility_convert_file, {"format": "zip", "value": [], "names": "data_0"})


def test_an_archive_bomb_and_a_file_that_is_no_archive_are_refused_naming_the_file():
    bomb = value(gzip.compress(b"\0" * 5_000_000), "zeros.gz")
    with pytest.raises(NodeError, match=re.escape("'zeros.gz' unpacks to more than")):
        run(utility_extract_file, {"file": bomb, "format": "archive"})
    with pytest.raises(NodeError, match=re.escape("'notes.txt' is not a .zip or .gz file")):
        run(utility_extract_file, {"file": value(b"hi", "notes.txt"), "format": "archive"})
    with pytest.raises(NodeError, match="gzip file packs one file"):
        run(utility_convert_file, {"format": "gzip", "value": [value(b"1", "a"), value(b"2", "b")]})
