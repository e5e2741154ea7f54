"""Which items of a poll's answer changed since its last answer: `trigger.poll` with `emit`
changed or new_or_changed (n8n's Google Sheets Trigger on "Row Updated" and "Row Added or
Updated"). Pure functions; executions/polls.py keeps the result in `PollSnapshot`.

The last answer is kept as one digest per item id, not as the items: a change is "this id's
digest differs", so a row edited back to an earlier content starts a run again (as n8n, which
compares with the sheet's previous revision), and the state holds no value of the sheet. An
item's digest covers its watched fields, or the whole item without its empty fields: a column
added to a sheet (empty in every row) changes no row, as in n8n, where a new column starts
runs only once rows hold values in it.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any, Literal

from editor.nodes.trigger_poll import field_value

KEY_CHARS = 16  # of a sha256: 64 bits, no collision in practice among 10,000 items
MAX_WATCHED = 10_000  # items one snapshot holds: a sheet's read limit (google_sheets.MAX_ROWS)
Change = Literal["added", "updated"]
Emit = Literal["changed", "new_or_changed"]


class TooManyItems(ValueError):
    """An answer with more items than a snapshot holds."""


def digest(item: Any, watch_fields: list[str]) -> str:
    """A short hash of what is watched in `item`: the values at `watch_fields` (a missing or
    empty one as None), or without them the item less its empty ("" or null) fields."""
    if watch_fields:
        watched: Any = [_filled(field_value(item, path)) for path in watch_fields]
    elif isinstance(item, dict):
        watched = {k: v for k, v in item.items() if _filled(v) is not None}
    else:
        watched = item
    text = json.dumps(watched, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()[:KEY_CHARS]


def _filled(value: Any) -> Any:
    return None if value == "" else value


def compare(
    previous: dict[str, str],
    keyed: dict[str, Any],
    emit: Emit,
    watch_fields: list[str],
    limit: int = MAX_WATCHED,
) -> tuple[list[tuple[Any, Change]], dict[str, str]]:
    """The items of `keyed` (by id hash, in the answer's order) that start runs, each with
    how it changed, and the snapshot to keep (the digests of this answer).

    changed: an item whose id was in `previous` with another digest. new_or_changed: those,
    and the items whose id was not in `previous` ("added"). An item gone from the answer
    starts nothing (n8n: a deleted row). Raises TooManyItems above `limit` items."""
    if len(keyed) > limit:
        raise TooManyItems(
            f"The answer has {len(keyed)} items, more than the {limit} a poll watching for "
            "changes compares: narrow what it reads."
        )
    current = {key[:KEY_CHARS]: digest(item, watch_fields) for key, item in keyed.items()}
    started: list[tuple[Any, Change]] = []
    for key, item in keyed.items():
        short = key[:KEY_CHARS]
        before = previous.get(short)
        if before is None:
            if emit == "new_or_changed":
                started.append((item, "added"))
        elif before != current[short]:
            started.append((item, "updated"))
    return started, current
