"""trigger.poll's `notion` source (n8n's Notion Trigger): the pages of a database, newest
first by creation ("page added") or by last edit ("page updated").

n8n's trigger keeps the time of its last check and asks for pages created or edited since;
WorkFuse asks for the newest pages each time and the poll remembers the ids it has seen. A page
added is new by its `id`; a page updated is new by its id and last edit time together, given as
`change_id` (the one key n8n's output lacks). Simplified pages are shaped as n8n's trigger
shapes them (its simplification version 1): `{id, <property name>: value, ...}`."""

from __future__ import annotations

from typing import Any

from integrations.notion import rest_api, simple
from integrations.notion.node import NOTION_ID
from workfuse.lib.node_run import NodeError, Secret

POLL_MAX = 100  # one page of Notion's answer: the newest pages since a poll a minute ago
EVENTS = {"page_added": "created_time", "page_updated": "last_edited_time"}


def simplified_v1(page: dict[str, Any]) -> dict[str, Any]:
    """A database page as n8n's Notion Trigger simplifies it: its id and each property by its
    own name (a type n8n does not simplify is left out, as n8n's undefined values are)."""
    found = page.get("properties")
    properties: dict[str, Any] = found if isinstance(found, dict) else {}
    result: dict[str, Any] = {"id": page.get("id")}
    for name, prop in properties.items():
        value = simple.property_value(prop) if isinstance(prop, dict) else simple._ABSENT
        if value is not simple._ABSENT:
            result[name] = value
    return result


def poll_pages(secret: Secret, settings: dict[str, Any]) -> list[dict[str, Any]]:
    """The database's newest pages for the event. Raises NodeError."""
    database = str(settings.get("notion_database_id") or "").replace("-", "").strip()
    if "/" in database and (found := NOTION_ID.search(database)):
        database = found.group(1)  # the database's URL
    if not database:
        raise NodeError("The poll trigger's notion_database_id is empty: choose the database.")
    event = str(settings.get("notion_event") or "page_added")
    stamp = EVENTS.get(event, "created_time")
    body = {"page_size": POLL_MAX, "sorts": [{"timestamp": stamp, "direction": "descending"}]}
    path = f"/databases/{database}/query"
    answer = rest_api.call(secret, "POST", path, what="databases.query", json=body)
    pages = [p for p in answer.get("results") or [] if isinstance(p, dict) and p.get("id")]
    items: list[dict[str, Any]] = []
    for page in pages[:POLL_MAX]:
        item = simplified_v1(page) if settings.get("notion_simple", True) else dict(page)
        if event == "page_updated":
            item["change_id"] = f"{page['id']}@{page.get('last_edited_time', '')}"
        items.append(item)
    return items
