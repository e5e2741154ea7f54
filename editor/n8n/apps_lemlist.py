"""n8n's lemlist node (versions 1 and 2) as WorkFuse's `app.lemlist`: leads created (added to
a campaign), got, unsubscribed and deleted. Activities, campaigns, teams, unsubscribes and
enrichment are refused by name. (The lemlist Trigger is a service trigger:
editor/n8n/service_triggers.py.)"""

from __future__ import annotations

from typing import Any

from editor.n8n.apps_base import credential_note, operation, text, unsupported
from editor.n8n.converter import BASE, Converted, Converter, N8nNode, Refusal, Spec

SUPPORTED = "leads: create, get, unsubscribe, delete"
OPERATIONS = {
    "create": "add_lead",
    "get": "get_lead",
    "unsubscribe": "unsubscribe_lead",
    "delete": "delete_lead",
}
LEAD_FIELDS = {
    "firstName": "first_name",
    "lastName": "last_name",
    "companyName": "company_name",
    "icebreaker": "icebreaker",
    "phone": "phone",
    "picture": "picture",
    "linkedinUrl": "linkedin_url",
}


def _required(cx: Converter, node: N8nNode, name: str, label: str) -> Any:
    value = text(cx, node, node.params.get(name))
    if value in ("", None):
        raise Refusal(f"names no {label}; set it in n8n and export again.")
    return value


def _lemlist(node: N8nNode, cx: Converter) -> Converted:
    resource, op = operation(node, "activity", {"lead": "create"})
    if resource != "lead" or op not in OPERATIONS:
        raise unsupported("lemlist", resource, op, SUPPORTED)
    config: dict[str, Any] = {"operation": OPERATIONS[op]}
    config["email"] = _required(cx, node, "email", "lead (Email)")
    if op != "get":
        config["campaign_id"] = _required(cx, node, "campaignId", "campaign (Campaign ID)")
    if op == "create":
        extra = dict(node.params.get("additionalFields") or {})
        if extra.pop("deduplicate", False):
            config["deduplicate"] = True
        unknown = sorted(
            k for k, v in extra.items() if k not in LEAD_FIELDS and v not in ("", None)
        )
        if unknown:
            raise Refusal(
                f"sets {', '.join(unknown)}, which WorkFuse's lemlist node does not; remove them "
                "in n8n and export again."
            )
        for n8n_name, name in LEAD_FIELDS.items():
            if extra.get(n8n_name) not in ("", None):
                config[name] = text(cx, node, extra[n8n_name])
    notes = [credential_note("lemlist", "the team's API key")]
    return Converted("app.lemlist", config, notes=notes)


SPECS: dict[str, Spec] = {f"{BASE}lemlist": Spec(_lemlist, "")}
