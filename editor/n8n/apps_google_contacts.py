"""n8n's Google Contacts node (version 1) as WorkFuse's `app.google_contacts`: contacts
created, got, got all (the connections or a search), updated and deleted.

n8n outputs create's and update's answer as Google gives it and get's / getAll's simplified
unless rawData is on (cleanData); each with contactId. The imported node does the same (`raw`
on for create and update). getAll's contacts are one item each in n8n: the Spec names
`contacts` so the nodes after it run once per contact. Birthdays, events, honorific prefixes
and suffixes, and getAll's sort order are refused by name."""

from __future__ import annotations

import dataclasses
from typing import Any

from editor.n8n.apps_base import credential_note, operation, text, unsupported
from editor.n8n.converter import BASE, Converted, Converter, N8nNode, Refusal, Spec
from integrations.google_contacts.node import MAX_LIST

SERVICE = "Google Contacts"
SUPPORTED = "it creates, gets, gets all, updates and deletes contacts"
# n8n's fixedCollection (parameter, its values key) → the People API's person field.
COLLECTIONS = {
    "companyUi": ("companyValues", "organizations"),
    "phoneUi": ("phoneValues", "phoneNumbers"),
    "addressesUi": ("addressesValues", "addresses"),
    "relationsUi": ("relationsValues", "relations"),
    "emailsUi": ("emailsValues", "emailAddresses"),
    "customFieldsUi": ("customFieldsValues", "userDefined"),
}
NAMES = {"givenName": "given_name", "familyName": "family_name", "middleName": "middle_name"}
REFUSED = {
    "birthday": "a birthday",
    "eventsUi": "events",
    "honorificPrefix": "an honorific prefix",
    "honorificSuffix": "an honorific suffix",
}


def _contacts(node: N8nNode, cx: Converter) -> Converted:
    resource, op = operation(node, "contact", {"contact": "create"})
    notes = [credential_note(SERVICE, "a Google OAuth client and the account's refresh token")]
    p = node.params
    if resource != "contact" or op not in ("create", "get", "getAll", "update", "delete"):
        raise unsupported(SERVICE, resource, op, SUPPORTED)
    if op == "create":
        config = {"operation": "create_contact", "raw": True}
        config |= {"given_name": text(cx, node, p.get("givenName"))}
        config |= {"family_name": text(cx, node, p.get("familyName"))}
        config |= _person(node, cx, dict(p.get("additionalFields") or {}))
        return Converted("app.google_contacts", _filled(config), notes=notes)
    config = {"contact_id": _contact_id(node, cx)} if op != "getAll" else {}
    if op == "delete":
        return Converted(
            "app.google_contacts", {"operation": "delete_contact", **config}, notes=notes
        )
    config["person_fields"] = _fields(node)
    if op == "update":
        config |= {"operation": "update_contact", "raw": True}
        config |= _person(node, cx, dict(p.get("updateFields") or {}))
        if not {"person", *NAMES.values()} & set(_filled(config)):
            raise Refusal("updates no field; choose the fields to update in n8n.")
    elif op == "get":
        config |= {"operation": "get_contact"} | _raw(node)
    else:
        config |= {"operation": "list_contacts"} | _raw(node)
        config |= _list(node, cx, notes)
    return Converted("app.google_contacts", _filled(config), notes=notes)


def _raw(node: N8nNode) -> dict[str, Any]:
    return {"raw": True} if node.params.get("rawData") else {}


def _filled(config: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in config.items() if v not in ("", None, {}, [])}


def _contact_id(node: N8nNode, cx: Converter) -> Any:
    value = text(cx, node, node.params.get("contactId"))
    if value in ("", None):
        raise Refusal("has no Contact ID; set it in n8n.")
    return value


def _fields(node: N8nNode) -> str:
    fields = node.params.get("fields") or []
    fields = [fields] if isinstance(fields, str) else list(fields)
    if any(str(f).startswith("=") for f in fields):
        raise Refusal("chooses its fields with an expression; choose them from n8n's list.")
    return "*" if not fields or "*" in fields else ",".join(str(f) for f in fields)


def _person(node: N8nNode, cx: Converter, given: dict[str, Any]) -> dict[str, Any]:
    refused = [label for name, label in REFUSED.items() if given.get(name) not in ("", None, {})]
    if refused:
        raise Refusal(
            f"sets {', '.join(refused)}, which WorkFuse's {SERVICE} node does not convert "
            "(n8n reformats the dates); remove the field in n8n or set it afterwards with an "
            "HTTP Request node."
        )
    config: dict[str, Any] = {}
    for name, field in NAMES.items():
        if given.get(name) not in ("", None):
            config[field] = text(cx, node, given[name])
    if given.get("etag") not in ("", None):
        config["etag"] = text(cx, node, given["etag"])
    person: dict[str, Any] = {}
    for name, (values_key, field) in COLLECTIONS.items():
        values = (given.get(name) or {}).get(values_key)
        if values:
            person[field] = text(cx, node, values if isinstance(values, list) else [values])
    if given.get("biographies") not in ("", None):
        bio = text(cx, node, given["biographies"])
        person["biographies"] = [{"value": bio, "contentType": "TEXT_PLAIN"}]
    if given.get("group"):
        groups = given["group"] if isinstance(given["group"], list) else [given["group"]]
        person["memberships"] = [
            {"contactGroupMembership": {"contactGroupResourceName": text(cx, node, g)}}
            for g in groups
        ]
    return config | ({"person": person} if person else {})


def _list(node: N8nNode, cx: Converter, notes: list[str]) -> dict[str, Any]:
    p = node.params
    if (p.get("options") or {}).get("sortOrder"):
        raise Refusal(
            f"sorts the contacts, which WorkFuse's {SERVICE} node does not (Google's default "
            "order is kept); remove the Sort Order option in n8n."
        )
    config: dict[str, Any] = {}
    if p.get("useQuery"):
        query = text(cx, node, p.get("query"))
        if query in ("", None):
            raise Refusal("uses a query but its Query is empty; set it in n8n.")
        config["query"] = query
    if p.get("returnAll"):
        notes.append(f"n8n read every contact; WorkFuse keeps at most {MAX_LIST}.")
        return config | {"max_results": MAX_LIST}
    return config | {"max_results": min(max(int(p.get("limit") or 100), 1), MAX_LIST)}


def _spec(node: N8nNode, cx: Converter) -> Spec:
    _, op = operation(node, "contact", {"contact": "create"})
    items = "contacts" if op == "getAll" else None
    return dataclasses.replace(SPECS[f"{BASE}googleContacts"], per_node=None, items=items)


SPECS: dict[str, Spec] = {f"{BASE}googleContacts": Spec(_contacts, "", per_node=_spec)}
