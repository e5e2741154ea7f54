"""Bounded request parameters: row ids, version numbers and `?limit=&offset=` the database holds.

An unbounded `int` parameter lets `?offset=99999999999999999999` reach the database, which
answers with an overflow (a 500); the API's types refuse such values as a 400 naming the
field, and pages read ids with `row_id` (None for anything that cannot be a row's id: a 404).
"""

from __future__ import annotations

from typing import Annotated, Any

from ninja import Field, Path, Schema
from ninja.conf import settings as ninja_settings
from ninja.pagination import LimitOffsetPagination

MAX_ID = 2**63 - 1  # BigAutoField
MAX_NUMBER = 2**31 - 1  # PositiveIntegerField
MAX_LIMIT = 1000
MAX_OFFSET = 2**31 - 1

# Path parameters: `workflow_id: RowId`.
RowId = Annotated[int, Path(..., ge=1, le=MAX_ID, description="The object's id.")]
VersionNumber = Annotated[int, Path(..., ge=1, le=MAX_NUMBER, description="A version number.")]


class Pagination(LimitOffsetPagination):
    """`{items, count}` pages (DESIGN §8) with `limit` 1..1000 and `offset` 0..2**31-1."""

    class Input(Schema):
        limit: int = Field(
            ninja_settings.PAGINATION_PER_PAGE,
            ge=1,
            le=MAX_LIMIT,
            description="Items per page (1 to 1000).",
        )
        offset: int = Field(0, ge=0, le=MAX_OFFSET, description="Items to skip.")


def row_id(value: Any) -> int | None:
    """`value` (a URL part, a form field) as a row id, or None if it cannot be one."""
    text = str(value).strip()
    if not text.isascii() or not text.isdigit() or len(text) > len(str(MAX_ID)):
        return None
    number = int(text)
    return number if 1 <= number <= MAX_ID else None
