"""File values in step data (workfuse/lib/files.py): round trip, shape and limits."""

from __future__ import annotations

import base64

import pytest
from hypothesis import given
from hypothesis import strategies as st

from workfuse.lib import files


@given(st.binary(max_size=2048), st.text(min_size=1, max_size=40))
def test_a_file_value_reads_back_the_same_bytes(data: bytes, name: str) -> None:
    value = files.make(data, name, "application/pdf").value()
    assert files.is_file(value)
    back = files.read(value)
    assert back.data == data
    assert back.filename == name
    assert value["size"] == len(data)


def test_the_type_is_guessed_from_the_name_without_parameters() -> None:
    assert files.make(b"a,b", "rows.csv").content_type == "text/csv"
    assert files.make(b"x", "noext").content_type == files.DEFAULT_TYPE
    assert files.make(b"x", "a.txt", "text/plain; charset=utf-8").content_type == "text/plain"
    assert files.make(b"x", "Photo.JPG").extension == "jpg"


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("text", "file must be a file"),
        ({"filename": "a"}, "file must be a file"),
        ({"content": 5}, "file.content must be base64"),
        ({"content": "not base64!"}, "not valid base64"),
    ],
)
def test_what_is_not_a_file_is_named(value: object, message: str) -> None:
    with pytest.raises(files.FileError, match=message):
        files.read(value)


def test_files_over_the_limit_are_refused_before_decoding(settings) -> None:
    settings.WORKFUSE_FILE_MAX_BYTES = 100
    with pytest.raises(files.FileError, match="limited to"):
        files.make(b"x" * 101, "big.bin", where="body")
    big = {"content": base64.b64encode(b"x" * 1000).decode(), "filename": "big.bin"}
    with pytest.raises(files.FileError, match="over"):
        files.read(big, "nodes.get.file")


def test_a_file_must_fit_in_a_step_output(settings) -> None:
    settings.WORKFUSE_FILE_MAX_BYTES = 10 * 1024 * 1024
    settings.WORKFUSE_MAX_STEP_OUTPUT_BYTES = 1_000_000
    assert files.max_bytes() < 750_000  # base64 of the largest file still fits in 1 MB
    value = files.make(b"x" * files.max_bytes(), "max.bin").value()
    assert len(value["content"]) + files.HEADROOM <= 1_000_000
    with pytest.raises(files.FileError, match="WORKFUSE_MAX_STEP_OUTPUT_BYTES"):
        files.make(b"x" * (files.max_bytes() + 1), "big.bin")
