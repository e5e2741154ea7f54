"""executions/poll_changes.py: which items of an answer changed since the last one, compared by
the digests a poll keeps (the Google Sheets Trigger's rowUpdate and anyUpdate)."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest

from executions.poll_changes import KEY_CHARS, TooManyItems, compare, digest


def keyed(*rows: dict[str, Any]) -> dict[str, Any]:
    """Rows by the hash of their row_number, as the poll keys them."""
    return {hashlib.sha256(str(r["row_number"]).encode()).hexdigest(): r for r in rows}


ADA = {"Name": "Ada", "Plan": "pro", "row_number": 2}
BOB = {"Name": "Bob", "Plan": "", "row_number": 3}


def snapshot(*rows: dict[str, Any], watch: list[str] | None = None) -> dict[str, str]:
    return compare({}, keyed(*rows), "new_or_changed", watch or [])[1]


def test_the_snapshot_holds_short_hashes_of_ids_and_rows_and_no_value():
    kept = snapshot(ADA, BOB)
    assert len(kept) == 2
    assert all(len(k) == KEY_CHARS and len(v) == KEY_CHARS for k, v in kept.items())
    assert "Ada" not in repr(kept) and "pro" not in repr(kept)


def test_changed_starts_the_edited_rows_only():
    edited = {**BOB, "Plan": "team"}
    new = {"Name": "Cy", "Plan": "free", "row_number": 4}
    started, kept = compare(snapshot(ADA, BOB), keyed(ADA, edited, new), "changed", [])
    assert started == [(edited, "updated")]
    assert kept == snapshot(ADA, edited, new)


def test_new_or_changed_also_starts_the_added_rows_in_the_answers_order():
    new = {"Name": "Cy", "Plan": "free", "row_number": 4}
    edited = {**ADA, "Name": "Ada L."}
    started, _ = compare(snapshot(ADA, BOB), keyed(edited, BOB, new), "new_or_changed", [])
    assert started == [(edited, "updated"), (new, "added")]


def test_a_row_edited_back_to_an_earlier_content_starts_again():
    edited = {**ADA, "Plan": "free"}
    _, after_edit = compare(snapshot(ADA), keyed(edited), "changed", [])
    started, _ = compare(after_edit, keyed(ADA), "changed", [])
    assert started == [(ADA, "updated")]


def test_watched_fields_alone_decide_whether_a_row_changed():
    before = snapshot(ADA, watch=["Plan"])
    renamed = {**ADA, "Name": "Ada Lovelace"}
    assert compare(before, keyed(renamed), "changed", ["Plan"])[0] == []
    upgraded = {**ADA, "Plan": "team"}
    assert compare(before, keyed(upgraded), "changed", ["Plan"])[0] == [(upgraded, "updated")]


def test_an_empty_column_added_changes_no_row_and_a_filled_one_does():
    widened = {**ADA, "Notes": ""}
    assert compare(snapshot(ADA), keyed(widened), "changed", [])[0] == []
    noted = {**ADA, "Notes": "call back"}
    assert compare(snapshot(ADA), keyed(noted), "changed", [])[0] == [(noted, "updated")]


def test_a_watched_field_emptied_or_missing_counts_as_the_same_empty_value():
    assert (
        digest({"Plan": ""}, ["Plan"]) == digest({}, ["Plan"]) == digest({"Plan": None}, ["Plan"])
    )
    assert digest({"a": {"b": 1}}, ["a.b"]) != digest({"a": {"b": 2}}, ["a.b"])


def test_a_row_gone_from_the_answer_starts_nothing_and_is_forgotten():
    started, kept = compare(snapshot(ADA, BOB), keyed(ADA), "new_or_changed", [])
    assert started == [] and kept == snapshot(ADA)


def test_an_answer_over_the_limit_is_refused_with_how_many_items_it_had():
    with pytest.raises(TooManyItems, match="has 2 items, more than the 1 a poll watching"):
        compare({}, keyed(ADA, BOB), "changed", [], limit=1)
