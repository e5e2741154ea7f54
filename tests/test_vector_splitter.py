"""The recursive character splitter against LangChain JS's own answers (computed once with
@langchain/textsplitters, which n8n runs) and, with hypothesis, the properties every split has."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from editor.nodes.vectors.splitter import js_length, split_text

# (text, chunk_size, chunk_overlap, keep_separator) -> what RecursiveCharacterTextSplitter
# .splitText returns; n8n's splitter node sets keepSeparator false.
LANGCHAIN_JS = [
    (
        (
            "Hello world. This is a test.\n\nSecond paragraph here, somewhat longer than the "
            "first one.\nAnd a line.",
            30,
            10,
            False,
        ),
        [
            "Hello world. This is a test.",
            "Second paragraph here,",
            "here, somewhat longer than the",
            "than the first one.",
            "And a line.",
        ],
    ),
    (
        ("one two three four five six seven eight nine ten", 12, 4, False),
        ["one two", "two three", "four five", "five six", "six seven", "eight nine", "nine ten"],
    ),
    (
        ("abcdefghijklmnopqrstuvwxyz", 10, 3, False),
        ["abcdefghij", "hijklmnopq", "opqrstuvwx", "vwxyz"],
    ),
    (
        ("Para one.\n\nPara two is a bit longer.\n\n\n\nPara three", 20, 0, False),
        ["Para one.", "Para two is a bit", "longer.", "Para three"],
    ),
    (
        ("one two three four five six seven eight nine ten", 12, 4, True),
        ["one two", "two three", "four five", "six seven", "eight nine", "ten"],
    ),
]
PIECES = ["a", "b", "xyz", " ", "\n", "\n\n", "é", "w"]
TEXT = st.lists(st.sampled_from(PIECES), max_size=120).map("".join)


@pytest.mark.parametrize(("args", "expected"), LANGCHAIN_JS)
def test_splits_as_langchain_js_does(args, expected):
    text, size, overlap, keep = args
    assert split_text(text, size, overlap, keep_separator=keep) == expected


# n8n's splitter with chunkOverlap `{}` (an emptied number field): what LangChain JS 1.0.1's
# splitText returned, which an overlap of chunk_size - 1 reproduces (the importer's mapping).
LANGCHAIN_JS_EMPTY_OVERLAP = [
    (
        ("one two three four five six seven eight nine ten", 12),
        [
            "one two",
            "two three",
            "three four",
            "four five",
            "five six",
            "six seven",
            "seven eight",
            "eight nine",
            "nine ten",
        ],
    ),
    (
        (
            "Hello world. This is a test.\n\nSecond paragraph here, somewhat longer than the "
            "first one.\nAnd a line.",
            30,
        ),
        [
            "Hello world. This is a test.",
            "Second paragraph here,",
            "paragraph here, somewhat",
            "here, somewhat longer than the",
            "somewhat longer than the first",
            "longer than the first one.",
            "And a line.",
        ],
    ),
    (
        ("abcdefghijklmnopq", 10),
        [
            "abcdefghij",
            "bcdefghijk",
            "cdefghijkl",
            "defghijklm",
            "efghijklmn",
            "fghijklmno",
            "ghijklmnop",
            "hijklmnopq",
        ],
    ),
]


@pytest.mark.parametrize(("args", "expected"), LANGCHAIN_JS_EMPTY_OVERLAP)
def test_an_overlap_one_below_the_size_splits_as_langchain_with_an_empty_overlap(args, expected):
    text, size = args
    assert split_text(text, size, size - 1) == expected


def test_refuses_an_overlap_not_below_the_size():
    with pytest.raises(ValueError, match="smaller than chunk_size"):
        split_text("text", 10, 10)


def test_counts_length_in_utf16_units_as_javascript():
    assert js_length("a😀") == 3
    assert split_text("😀😀😀", 4, 0) == ["😀😀", "😀"]


@settings(max_examples=300, deadline=None)
@given(text=TEXT, size=st.integers(1, 60), keep=st.booleans(), data=st.data())
def test_chunks_are_trimmed_substrings_no_longer_than_the_size(text, size, keep, data):
    overlap = data.draw(st.integers(0, size - 1))
    for chunk in split_text(text, size, overlap, keep_separator=keep):
        # A single character at least chunk_size long is kept as it is, as LangChain keeps it.
        assert chunk and (chunk == chunk.strip() or len(chunk) == 1)
        assert js_length(chunk) <= size
        assert chunk in text or not keep  # joined by a separator, a chunk may differ in it


@settings(max_examples=300, deadline=None)
@given(text=TEXT, size=st.integers(1, 60), keep=st.booleans())
def test_without_overlap_every_visible_character_is_kept_once_in_order(text, size, keep):
    visible = re.sub(r"\s", "", text)
    chunks = split_text(text, size, 0, keep_separator=keep)
    assert re.sub(r"\s", "", "".join(chunks)) == visible


def test_a_megabyte_splits_quickly():
    import time

    text = ("word " * 40 + "\n") * 5000
    started = time.monotonic()
    chunks = split_text(text, 1000, 200)
    assert time.monotonic() - started < 5 and len(chunks) > 1000
