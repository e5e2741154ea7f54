"""trigger.poll's `google_sheets` source: a sheet's rows as the items a poll looks for new ones
in (docs/triggers.md, "Polling").

A row has no id of its own: each item carries its `row_number`, which the poll uses as the id
(the google_sheets_rows preset sets `id_field` to it), so an edit to a row already seen starts
no run; a column with unique values (an order number) may be the id instead. Wholly empty rows
are left out, so a blank row filled in later is new then.
"""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from integrations.google_sheets import node
from workfuse.lib.node_run import NodeError, Secret


def poll_rows(secret: Secret, settings: dict[str, Any]) -> list[dict[str, Any]]:
    """The non-empty rows of `settings`' `spreadsheet_id` and `sheet_range`, each an object by
    the header row (`header_row`) or `{"cells": [...]}`, with its `row_number`. Raises
    NodeError, also when the range holds more rows than one read may (narrow it then)."""
    try:
        config = node.Config.model_validate(
            {
                "operation": "read_rows",
                "spreadsheet_id": settings.get("spreadsheet_id", ""),
                "range": settings.get("sheet_range", ""),
                "header_row": settings.get("header_row", True),
                "max_rows": node.MAX_ROWS,
            }
        )
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        raise NodeError(f"The Google Sheets settings are not valid: {problems}.") from None
    read = node.read_rows(secret, config)
    if read["truncated"]:
        raise NodeError(
            f"The range {config.range} has more than {node.MAX_ROWS} rows, too many to check "
            "for new ones: move old rows to another sheet."
        )
    items: list[dict[str, Any]] = []
    for row, number in zip(read["rows"], read["row_numbers"], strict=True):
        cells = list(row.values()) if isinstance(row, dict) else row
        if all(cell in ("", None) for cell in cells):
            continue
        item = dict(row) if isinstance(row, dict) else {"cells": row}
        items.append({**item, "row_number": number})
    return items
