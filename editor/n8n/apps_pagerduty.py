"""n8n's PagerDuty node (version 1) as WorkFuse's `app.pagerduty`: incidents created, updated,
got and got many, and incident notes created. The Email parameter (the acting user, sent as
PagerDuty's From header) becomes `from_email`.

Getting many emits one n8n item per incident; WorkFuse lists them under `incidents`, so the
nodes after it run once per incident as in n8n."""

from __future__ import annotations

import dataclasses
from typing import Any

from editor.n8n.apps_base import credential_note, operation, text, unsupported
from editor.n8n.converter import BASE, Converted, Converter, N8nNode, Refusal, Spec

SUPPORTED = "it creates, updates, gets and lists incidents and adds notes to them"
DEFAULTS = {"incident": "create", "incidentNote": "create"}
LIMIT = 100  # n8n's default
MAX_RESULTS = 5000
CREATE_FIELDS = {
    "details": "details",
    "priorityId": "priority_id",
    "escalationPolicyId": "escalation_policy_id",
    "urgency": "urgency",
    "incidentKey": "incident_key",
}
UPDATE_FIELDS = {
    "title": "title",
    "details": "details",
    "priorityId": "priority_id",
    "escalationPolicyId": "escalation_policy_id",
    "urgency": "urgency",
    "status": "status",
    "resolution": "resolution",
    "escalationLevel": "escalation_level",
}
LIST_OPTIONS = {"statuses", "serviceIds", "urgencies", "since", "until"}


def _given(value: Any) -> bool:
    return value not in ("", None, {}, [])


def _fields(
    node: N8nNode, cx: Converter, given: dict[str, Any], names: dict[str, str]
) -> dict[str, Any]:
    unknown = sorted(k for k, v in given.items() if k not in names and _given(v))
    if unknown:
        raise Refusal(
            f"sets the field(s) {', '.join(unknown)}, which WorkFuse's PagerDuty node lacks; "
            "remove them in n8n and export again."
        )
    config = {names[k]: text(cx, node, v) for k, v in given.items() if k in names and _given(v)}
    if "escalation_level" in config:
        config["escalation_level"] = str(config["escalation_level"])
    return config


def _required(node: N8nNode, cx: Converter, name: str, label: str) -> Any:
    value = text(cx, node, node.params.get(name))
    if value in ("", None):
        raise Refusal(f"names no {label}; set it in n8n and export again.")
    return value


def _list(node: N8nNode, cx: Converter, notes: list[str]) -> dict[str, Any]:
    p = node.params
    options = dict(p.get("options") or {})
    unknown = sorted(k for k, v in options.items() if k not in LIST_OPTIONS and _given(v))
    if unknown:
        raise Refusal(
            f"lists incidents with the option(s) {', '.join(unknown)}, which WorkFuse's "
            "PagerDuty node lacks; remove them in n8n and export again."
        )
    config: dict[str, Any] = {"operation": "list_incidents"}
    for key, name in (
        ("statuses", "statuses"),
        ("serviceIds", "service_ids"),
        ("urgencies", "urgencies"),
    ):
        if _given(options.get(key)):
            config[name] = [str(v) for v in options[key]]
    for key in ("since", "until"):
        if _given(options.get(key)):
            config[key] = text(cx, node, options[key])
    if p.get("returnAll"):
        config["max_results"] = MAX_RESULTS
        notes.append(f"n8n read every incident; WorkFuse reads at most {MAX_RESULTS}.")
    else:
        config["max_results"] = min(max(int(p.get("limit") or LIMIT), 1), MAX_RESULTS)
    return config


def _pagerduty(node: N8nNode, cx: Converter) -> Converted:
    resource, op = operation(node, "incident", DEFAULTS)
    p = node.params
    notes = [credential_note("PagerDuty", "a REST API key")]
    if p.get("authentication") == "oAuth2":
        notes.append("n8n signed in to PagerDuty with OAuth2; WorkFuse uses a REST API key.")
    if _given((p.get("conferenceBridgeUi") or {}).get("conferenceBridgeValues")):
        raise Refusal(
            "sets a conference bridge, which WorkFuse's PagerDuty node lacks; remove it in n8n "
            "and export again."
        )
    config: dict[str, Any]
    if (resource, op) == ("incident", "create"):
        config = {
            "operation": "create_incident",
            "title": _required(node, cx, "title", "title"),
            "service_id": _required(node, cx, "serviceId", "service (Service Name or ID)"),
        }
        config |= _fields(node, cx, dict(p.get("additionalFields") or {}), CREATE_FIELDS)
    elif (resource, op) == ("incident", "update"):
        config = {
            "operation": "update_incident",
            "incident_id": _required(node, cx, "incidentId", "incident (Incident ID)"),
        }
        config |= _fields(node, cx, dict(p.get("updateFields") or {}), UPDATE_FIELDS)
    elif (resource, op) == ("incident", "get"):
        config = {
            "operation": "get_incident",
            "incident_id": _required(node, cx, "incidentId", "incident (Incident ID)"),
        }
    elif (resource, op) == ("incident", "getAll"):
        config = _list(node, cx, notes)
    elif (resource, op) == ("incidentNote", "create"):
        config = {
            "operation": "add_note",
            "incident_id": _required(node, cx, "incidentId", "incident (Incident ID)"),
            "content": text(cx, node, p.get("content")),
        }
    else:
        raise unsupported("PagerDuty", resource, op, SUPPORTED)
    if config["operation"] in ("create_incident", "update_incident", "add_note"):
        sender = text(cx, node, p.get("email"))
        if sender not in ("", None):
            config["from_email"] = sender
    return Converted("app.pagerduty", config, notes=notes)


def _spec(node: N8nNode, cx: Converter) -> Spec:
    spec = dataclasses.replace(SPECS[f"{BASE}pagerDuty"], per_node=None)
    if operation(node, "incident", DEFAULTS) == ("incident", "getAll"):
        return dataclasses.replace(spec, items="incidents")
    return spec


SPECS: dict[str, Spec] = {f"{BASE}pagerDuty": Spec(_pagerduty, "", per_node=_spec)}
