"""n8n's E-goi node (version 1) as WorkFuse's `app.egoi`: contacts created (n8n's default),
got (by contact id, n8n's default, or by email; simplified unless Simplify is off) and
updated. n8n's base fields become `fields`, its Extra Fields `extra_fields` {field id: value},
its Tag IDs `tag_ids`, its Resolve Data `resolve`."""

from __future__ import annotations

from typing import Any

from editor.n8n.apps_base import credential_note, operation, setting_of, text, unsupported
from editor.n8n.converter import BASE, Converted, Converter, N8nNode, Refusal, Spec

SUPPORTED = "it creates, gets and updates contacts"
OPERATIONS = {"create": "create_contact", "get": "get_contact", "update": "update_contact"}
BASE_FIELDS = {"birth_date", "cellphone", "first_name", "last_name", "status", "email"}


def _required(node: N8nNode, cx: Converter, name: str, label: str) -> Any:
    value = text(cx, node, setting_of(cx, node.params.get(name)))
    if value in ("", None):
        raise Refusal(f"names no {label}; set it in n8n and export again.")
    return value if isinstance(value, str) else str(value)


def _written(node: N8nNode, cx: Converter, given: dict[str, Any], config: dict[str, Any]) -> None:
    fields = {
        k: text(cx, node, v) for k, v in given.items() if k in BASE_FIELDS and v not in ("", None)
    }
    if isinstance(fields.get("birth_date"), str) and "T" in fields["birth_date"]:
        fields["birth_date"] = fields["birth_date"].split("T")[0]  # n8n sends YYYY-MM-DD
    if fields:
        config["fields"] = fields
    extra = (given.get("extraFieldsUi") or {}).get("extraFieldValues") or []
    extras = {
        str(e["field_id"]): text(cx, node, e.get("value", "")) for e in extra if e.get("field_id")
    }
    if extras:
        config["extra_fields"] = extras
    tags = given.get("tagIds") or []
    if tags:
        config["tag_ids"] = [str(text(cx, node, t)) for t in tags]
    if node.params.get("resolveData") is False:
        config["resolve"] = False


def _egoi(node: N8nNode, cx: Converter) -> Converted:
    resource, op = operation(node, "contact", {"contact": "create"})
    if resource != "contact" or op not in OPERATIONS:
        raise unsupported("E-goi", resource, op, SUPPORTED)
    p = node.params
    config: dict[str, Any] = {
        "operation": OPERATIONS[op],
        "list_id": _required(node, cx, "list", "List"),
    }
    if op == "create":
        config["email"] = _required(node, cx, "email", "Email")
        _written(node, cx, dict(p.get("additionalFields") or {}), config)
    elif op == "update":
        config["contact_id"] = _required(node, cx, "contactId", "Contact ID")
        _written(node, cx, dict(p.get("updateFields") or {}), config)
    elif p.get("by") == "email":
        config["email"] = _required(node, cx, "email", "Email")
    else:
        config["contact_id"] = _required(node, cx, "contactId", "Contact ID")
    if op == "get" and p.get("simple") is False:
        config["simplify"] = False
    notes = [credential_note("E-goi", "an API key")]
    return Converted("app.egoi", config, notes=notes)


SPECS: dict[str, Spec] = {f"{BASE}egoi": Spec(_egoi, "")}
