"""trigger.poll's `outlook` source (n8n's Microsoft Outlook Trigger): the newest messages of the
mailbox, or of one folder, matching an OData filter.

n8n's trigger asks for the messages received since its last poll; WorkFuse asks for the newest
ones each time and the poll remembers the ids it has seen. The output is n8n's: `simple` (its
simplified message), `fields` (the properties chosen, and the id Graph always sends) or `raw`."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from integrations.outlook.graph_api import Mailbox
from workfuse.lib.node_run import NodeError, Secret

POLL_MAX = 50  # newest first: a poll a minute sees every new message of a busy mailbox
SIMPLE_SELECT = "id,conversationId,subject,bodyPreview,from,toRecipients,categories,hasAttachments"
# Graph sorts a filtered list only when the sort property leads the filter.
EVER = "receivedDateTime ge 1900-01-01T00:00:00Z"


def simplified(message: dict[str, Any]) -> dict[str, Any]:
    """A message as n8n's Outlook nodes simplify it: addresses as text."""
    sender = message.get("from") or {}
    recipients = message.get("toRecipients") or []
    return {
        "id": message.get("id"),
        "conversationId": message.get("conversationId"),
        "subject": message.get("subject"),
        "bodyPreview": message.get("bodyPreview"),
        "from": (sender.get("emailAddress") or {}).get("address"),
        "to": [(r.get("emailAddress") or {}).get("address") for r in recipients],
        "categories": message.get("categories"),
        "hasAttachments": message.get("hasAttachments"),
    }


def poll_messages(secret: Secret, settings: dict[str, Any]) -> list[dict[str, Any]]:
    """The newest messages matching the settings, newest first. Raises NodeError."""
    output = str(settings.get("outlook_output") or "simple")
    fields = [str(f) for f in settings.get("outlook_fields") or []]
    params: dict[str, Any] = {"$top": POLL_MAX, "$orderby": "receivedDateTime desc"}
    if output == "simple":
        params["$select"] = SIMPLE_SELECT
    elif output == "fields":
        if not fields:
            raise NodeError("The poll trigger's outlook_output is fields but names no field.")
        params["$select"] = ",".join(fields)
    custom = str(settings.get("outlook_filter") or "").strip()
    params["$filter"] = f"{EVER} and ({custom})" if custom else EVER
    folder = str(settings.get("outlook_folder_id") or "").strip()
    where = f"mailFolders/{quote(folder, safe='=')}/messages" if folder else "messages"
    answer = Mailbox(secret).call("GET", where, "messages list", params=params)
    found = [m for m in answer.get("value") or [] if isinstance(m, dict) and m.get("id")]
    messages = found[:POLL_MAX]
    return [simplified(m) for m in messages] if output == "simple" else messages
