"""workfuse/lib/params.py: only what can be a row's id is read as one."""

from __future__ import annotations

import pytest

from workfuse.lib.params import MAX_ID, row_id


@pytest.mark.parametrize(
    ("given", "expected"), [("7", 7), (7, 7), (" 12 ", 12), (str(MAX_ID), MAX_ID)]
)
def test_a_positive_integer_in_range_is_an_id(given, expected):
    assert row_id(given) == expected


@pytest.mark.parametrize(
    "given", ["", "0", "-3", "abc", "1e3", "1.0", "٣", str(MAX_ID + 1), "9" * 5000, None]
)
def test_anything_else_is_none(given):
    assert row_id(given) is None
