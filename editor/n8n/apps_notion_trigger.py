"""n8n's Notion Trigger as trigger.poll with the `notion` source
(integrations/notion/new_pages.py): pages added to or updated in a database, simplified as the
trigger simplifies them, on n8n's poll schedule.

n8n started one run with all the pages new since its last poll; WorkFuse starts one run per
page (the page as `trigger`, as n8n's items read `$json`). A page added is new by its id; a
page updated by its id and last edit time (`change_id`)."""

from __future__ import annotations

from typing import Any

from editor.n8n.apps_base import credential_note, locator, text
from editor.n8n.apps_google import _interval
from editor.n8n.converter import BASE, Converted, Converter, N8nNode, Refusal, Spec

CREDENTIAL = credential_note(
    "Notion", "an integration token; share the database with the integration"
)
EVENTS = {"pageAddedToDatabase": "page_added", "pagedUpdatedInDatabase": "page_updated"}


def _notion_trigger(node: N8nNode, cx: Converter) -> Converted:
    p = node.params
    event = str(p.get("event") or "pageAddedToDatabase")
    if event not in EVENTS:
        raise Refusal(
            f"starts on '{event}'; WorkFuse's Notion poll starts on a page added to or "
            "updated in a database."
        )
    database = text(cx, node, locator(p.get("databaseId")))
    if database in ("", None):
        raise Refusal("watches no database; choose the Database in n8n and export again.")
    notes = [
        CREDENTIAL,
        "n8n started one run with all the new pages; WorkFuse starts one per page.",
    ]
    config: dict[str, Any] = {
        "source": "notion",
        "notion_database_id": database,
        "notion_event": EVENTS[event],
        "notion_simple": p.get("simple", True) is not False,
        "id_field": "change_id" if event == "pagedUpdatedInDatabase" else "id",
    }
    config["interval_seconds"] = _interval(p.get("pollTimes"), notes)
    return Converted("trigger.poll", config, notes=notes)


SPECS: dict[str, Spec] = {f"{BASE}notionTrigger": Spec(_notion_trigger, "trigger")}
