"""n8n's Salesforce node (version 1) as WorkFuse's `app.salesforce`: leads, contacts,
accounts, opportunities, cases and tasks created, upserted, updated, got and deleted, notes
added to them, and SOQL searches. n8n's fields become Salesforce's API names (n8n names most
of them as the API does with a lower-case first letter); "get many" with n8n's field and
condition pickers is refused in favour of a SOQL search."""

from __future__ import annotations

import dataclasses
from typing import Any

from editor.n8n.apps_base import credential_note, operation, text, unsupported
from editor.n8n.converter import BASE, Converted, Converter, N8nNode, Refusal, Spec

SUPPORTED = (
    "it creates, upserts, updates, gets and deletes leads, contacts, accounts, opportunities, "
    "cases and tasks, adds notes to them, and runs SOQL searches"
)
SOBJECTS = {
    "lead": "Lead",
    "contact": "Contact",
    "account": "Account",
    "opportunity": "Opportunity",
    "case": "Case",
    "task": "Task",
}
NOTES_ON = ("lead", "contact", "account", "opportunity")
# The settings n8n asks for beside the additional fields on create and upsert.
REQUIRED = {
    "lead": ("company", "lastname"),
    "contact": ("lastname",),
    "account": ("name",),
    "opportunity": ("name", "closeDate", "stageName"),
    "case": ("type",),
    "task": ("status",),
}
# n8n's names whose API name is not theirs with an upper-case first letter.
API_NAMES = {
    "owner": "OwnerId",
    "firstname": "FirstName",
    "lastname": "LastName",
    "acconuntId": "AccountId",  # n8n's Contact node spells it so
}
OPERATIONS = {"create", "upsert", "update", "get", "delete", "addNote"}


def api_name(name: str) -> str:
    return API_NAMES.get(name) or name[:1].upper() + name[1:]


def _salesforce(node: N8nNode, cx: Converter) -> Converted:
    resource, op = operation(node, "lead", {**dict.fromkeys(SOBJECTS, "create"), "search": "query"})
    p = node.params
    notes = [credential_note("Salesforce", "a connected app's OAuth2 refresh token")]
    if resource == "search" and op == "query":
        soql = text(cx, node, p.get("query"))
        if soql in ("", None):
            raise Refusal("searches with no query; write the SOQL query in n8n and export again.")
        return Converted("app.salesforce", {"operation": "query", "soql": soql}, notes=notes)
    if op == "getAll" and resource in SOBJECTS:
        raise Refusal(
            f"does '{resource} / getAll', which picks fields and conditions in n8n's own form; "
            "WorkFuse's Salesforce node runs a SOQL query instead: use the Search resource "
            f"(a query of the {SOBJECTS[resource]} object) in n8n and export again."
        )
    if (
        resource not in SOBJECTS
        or op not in OPERATIONS
        or (op == "addNote" and resource not in NOTES_ON)
    ):
        raise unsupported("Salesforce", resource, op, SUPPORTED)
    sobject = SOBJECTS[resource]
    config: dict[str, Any] = {"sobject": sobject}
    if op in ("update", "get", "delete", "addNote"):
        record = text(cx, node, p.get(f"{resource}Id"))
        if record in ("", None):
            raise Refusal(f"names no {resource}; set its {sobject} ID in n8n and export again.")
        config["record_id"] = str(record)
    if op == "addNote":
        return Converted("app.salesforce", _note(node, cx, config["record_id"]), notes=notes)
    config["operation"] = f"{op}_record"
    if op in ("create", "upsert"):
        fields = {api_name(k): text(cx, node, p.get(k)) for k in REQUIRED[resource]}
        config["fields"] = fields | _fields(node, cx, p.get("additionalFields"))
    if op == "update":
        config["fields"] = _fields(node, cx, p.get("updateFields"))
    if op == "upsert":
        key = text(cx, node, p.get("externalId"))
        if key in ("", None):
            raise Refusal("upserts with no external id field; choose one in n8n and export again.")
        config["external_id_field"] = str(key)
        config["external_id_value"] = str(text(cx, node, p.get("externalIdValue")))
        # The record is found by the URL's field and value; n8n left that field out of the body.
        config["fields"] = {
            k: v for k, v in config["fields"].items() if k.lower() != str(key).lower()
        }
    return Converted("app.salesforce", config, notes=notes)


def _fields(node: N8nNode, cx: Converter, given: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    for key, value in dict(given or {}).items():
        if value in ("", None, {}, []):
            continue
        if key == "customFieldsUi":
            for custom in (value or {}).get("customFieldsValues") or []:
                fields[str(custom.get("fieldId"))] = text(cx, node, custom.get("value"))
        else:
            fields[api_name(key)] = text(cx, node, value)
    return fields


def _note(node: N8nNode, cx: Converter, parent: str) -> dict[str, Any]:
    """n8n's addNote: a Note record on the lead, contact, account or opportunity."""
    options = dict(node.params.get("options") or {})
    fields: dict[str, Any] = {"Title": text(cx, node, node.params.get("title")), "ParentId": parent}
    for key, name in (("body", "Body"), ("owner", "OwnerId"), ("isPrivate", "IsPrivate")):
        if options.get(key) not in (None, ""):
            fields[name] = text(cx, node, options[key])
    return {"operation": "create_record", "sobject": "Note", "fields": fields}


def _spec(node: N8nNode, cx: Converter) -> Spec:
    resource, op = operation(node, "lead", {"search": "query"})
    many = "records" if (resource, op) == ("search", "query") else None
    return dataclasses.replace(SPECS[f"{BASE}salesforce"], per_node=None, items=many)


SPECS: dict[str, Spec] = {f"{BASE}salesforce": Spec(_salesforce, "", per_node=_spec)}
