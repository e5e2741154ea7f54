"""n8n's Airtable Trigger as trigger.poll with the `airtable` source
(integrations/airtable/new_records.py): the records of a table created or changed, by its
trigger field (a Created Time or Last Modified Time field), on n8n's poll schedule.

n8n started one run with all the records new since its last poll; WorkFuse starts one run per
record (the record as `trigger`, as n8n's items read `$json`), new by its id and the trigger
field's value (`change_id`)."""

from __future__ import annotations

from typing import Any

from editor.n8n.apps_base import credential_note, listed, locator, text
from editor.n8n.apps_data import AIRTABLE_ID
from editor.n8n.apps_google import _interval
from editor.n8n.converter import BASE, Converted, Converter, N8nNode, Refusal, Spec

CREDENTIAL = credential_note("Airtable", "a personal access token")


def _id(cx: Converter, node: N8nNode, value: Any, what: str, prefix: str) -> Any:
    """A base or table: its id, from a resource locator, an id or an airtable.com URL."""
    found = text(cx, node, value)
    if isinstance(found, str) and "airtable.com" in found:
        found = next((i for i in AIRTABLE_ID.findall(found) if i.startswith(prefix)), found)
    if found in ("", None):
        raise Refusal(f"watches no {what}; choose the {what} in n8n and export again.")
    return found


def _airtable_trigger(node: N8nNode, cx: Converter) -> Converted:
    p = node.params
    if p.get("downloadAttachments"):
        raise Refusal(
            "downloads the records' attachments; WorkFuse's Airtable poll gives the "
            "attachments' URLs (an HTTP Request node can download them). Turn Download "
            "Attachments off in n8n and export again."
        )
    field = text(cx, node, p.get("triggerField", ""))
    if field in ("", None):
        raise Refusal(
            "has no trigger field (a Created Time or Last Modified Time field by name); "
            "set it in n8n and export again."
        )
    if isinstance(field, str) and "{{" in field:
        raise Refusal(
            "names its trigger field with an expression, which a poll cannot read (it has no "
            "input item); give the field's name in n8n and export again."
        )
    extra = p.get("additionalFields") or {}
    notes = [
        CREDENTIAL,
        "n8n started one run with all the new records; WorkFuse starts one per record, and "
        "reads the newest 100 by the trigger field at each poll.",
    ]
    config: dict[str, Any] = {
        "source": "airtable",
        "airtable_base_id": _id(cx, node, p.get("baseId"), "base", "app"),
        "airtable_table": _id(cx, node, p.get("tableId"), "table", "tbl"),
        "airtable_trigger_field": field,
        "id_field": "change_id",
    }
    if extra.get("formula"):
        config["airtable_formula"] = text(cx, node, extra["formula"])
    if extra.get("viewId"):
        config["airtable_view"] = text(cx, node, locator(extra["viewId"]))
    if extra.get("fields"):
        config["airtable_fields"] = listed(cx, node, extra["fields"])
    config["interval_seconds"] = _interval(p.get("pollTimes"), notes)
    return Converted("trigger.poll", config, notes=notes)


SPECS: dict[str, Spec] = {f"{BASE}airtableTrigger": Spec(_airtable_trigger, "trigger")}
