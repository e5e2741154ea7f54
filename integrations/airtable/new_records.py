"""trigger.poll's `airtable` source (n8n's Airtable Trigger): a table's records, newest first
by a Created Time or Last Modified Time field (the trigger field).

n8n's trigger keeps the time of its last check and asks for the records whose trigger field is
after it (`IS_AFTER`), so a record starts a run when it is created, or, with a Last Modified
Time field, each time it changes. WorkFuse asks for the newest records by that field each time
and the poll remembers what it has seen: `change_id`, the record's id and its trigger field's
value together, is new both for a new record and for a changed one. Records come as Airtable
gives them (`{id, createdTime, fields}`, as n8n's trigger outputs them) with `change_id` added;
a record whose trigger field is empty is left out, as n8n's formula leaves it out."""

from __future__ import annotations

from typing import Any

from integrations.airtable import web_api
from workfuse.lib.node_run import NodeError, Secret

POLL_MAX = 100  # one page of Airtable's answer: the newest records since a poll a minute ago


def poll_records(secret: Secret, settings: dict[str, Any]) -> list[dict[str, Any]]:
    """The table's newest records by the trigger field. Raises NodeError."""
    base = str(settings.get("airtable_base_id") or "").strip()
    table = str(settings.get("airtable_table") or "").strip()
    field = str(settings.get("airtable_trigger_field") or "").strip()
    if not (base and table and field):
        raise NodeError(
            "The poll trigger needs airtable_base_id, airtable_table and airtable_trigger_field."
        )
    params: dict[str, Any] = {
        "pageSize": POLL_MAX,
        "maxRecords": POLL_MAX,
        "sort[0][field]": field,
        "sort[0][direction]": "desc",
    }
    formula = str(settings.get("airtable_formula") or "").strip()
    if formula:
        params["filterByFormula"] = formula
    view = str(settings.get("airtable_view") or "").strip()
    if view:
        params["view"] = view
    wanted = [str(n).strip() for n in settings.get("airtable_fields") or [] if str(n).strip()]
    if wanted:  # the trigger field too, which change_id reads
        params["fields[]"] = [*wanted, *([field] if field not in wanted else [])]
    path = web_api.table_path(base, table)
    answer = web_api.call(secret, "GET", path, what="list_records", params=params)
    items: list[dict[str, Any]] = []
    for record in answer.get("records") or []:
        fields = record.get("fields") if isinstance(record, dict) else None
        if not isinstance(fields, dict) or fields.get(field) in (None, ""):
            continue
        if wanted and field not in wanted:
            record = {**record, "fields": {k: v for k, v in fields.items() if k != field}}
        items.append({**record, "change_id": f"{record.get('id')}@{fields[field]}"})
    return items
