"""n8n's Freshdesk node (version 1) as WorkFuse's `app.freshdesk`, for its ticket resource:
tickets created (n8n's default; its defaults kept: requester by Requester ID, status pending,
priority low, source portal), got, updated and deleted. n8n's option names become Freshdesk's
field names as n8n sends them."""

from __future__ import annotations

from typing import Any

from editor.n8n.apps_base import credential_note, listed, operation, text, unsupported
from editor.n8n.converter import BASE, Converted, Converter, N8nNode, Refusal, Spec

SUPPORTED = "it creates, gets, updates and deletes tickets"
OPERATIONS = {
    "create": "create_ticket",
    "get": "get_ticket",
    "update": "update_ticket",
    "delete": "delete_ticket",
}
REQUESTERS = {
    "email": "email",
    "requesterId": "requester_id",
    "phone": "phone",
    "twitterId": "twitter_id",
    "facebookId": "facebook_id",
    "uniqueExternalId": "unique_external_id",
}
SOURCES = {
    "email": "email",
    "portal": "portal",
    "phone": "phone",
    "chat": "chat",
    "mobileHelp": "mobihelp",
    "feedbackWidget": "feedback_widget",
    "OutboundEmail": "outbound_email",
}
FIELDS = {
    "agent": "responder_id",
    "company": "company_id",
    "dueBy": "due_by",
    "emailConfigId": "email_config_id",
    "frDueBy": "fr_due_by",
    "group": "group_id",
    "name": "name",
    "product": "product_id",
    "type": "type",
}


def _options(node: N8nNode, cx: Converter, given: dict[str, Any], config: dict[str, Any]) -> None:
    fields: dict[str, Any] = {}
    for name, value in given.items():
        if value in ("", None, []):
            continue
        if name in ("subject", "description"):
            config[name] = text(cx, node, value)
        elif name == "tags":
            config["tags"] = listed(cx, node, value)
        elif name == "ccEmails":
            fields["cc_emails"] = listed(cx, node, value)
        elif name in ("status", "priority"):
            config[name] = str(value)
        elif name == "source":
            config["source"] = SOURCES.get(str(value), str(value))
        elif name in FIELDS:
            fields[FIELDS[name]] = text(cx, node, value)
        else:
            raise Refusal(
                f"sets the ticket option {name}, which WorkFuse's Freshdesk node lacks; remove "
                "it in n8n and export again."
            )
    if fields:
        config["fields"] = fields


def _freshdesk(node: N8nNode, cx: Converter) -> Converted:
    resource, op = operation(node, "ticket", {"ticket": "create"})
    if resource != "ticket" or op not in OPERATIONS:
        raise unsupported("Freshdesk", resource, op, SUPPORTED)
    p = node.params
    config: dict[str, Any] = {"operation": OPERATIONS[op]}
    if op == "create":
        requester = str(p.get("requester") or "requesterId")
        value = text(cx, node, p.get("requesterIdentificationValue"))
        if value in ("", None):
            raise Refusal(
                f"names no requester (its {requester} Value is empty; n8n fails on it too); set "
                "it in n8n and export again."
            )
        config["requester"] = REQUESTERS[requester]
        config["requester_value"] = value if isinstance(value, str) else str(value)
        config["status"] = str(p.get("status") or "pending")
        config["priority"] = str(p.get("priority") or "low")
        config["source"] = SOURCES.get(str(p.get("source") or "portal"), "portal")
        _options(node, cx, dict(p.get("options") or {}), config)
    else:
        ticket = text(cx, node, p.get("ticketId"))
        if ticket in ("", None):
            raise Refusal("names no Ticket ID; set it in n8n and export again.")
        config["ticket_id"] = ticket if isinstance(ticket, str) else str(ticket)
        if op == "update":
            given = dict(p.get("updateFields") or {})
            given.pop("requester", None)
            given.pop("requesterIdentificationValue", None)
            _options(node, cx, given, config)
    notes = [credential_note("Freshdesk", "an API key and the helpdesk's address")]
    return Converted("app.freshdesk", config, notes=notes)


SPECS: dict[str, Spec] = {f"{BASE}freshdesk": Spec(_freshdesk, "")}
