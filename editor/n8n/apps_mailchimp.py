"""n8n's Mailchimp node as WorkFuse's `app.mailchimp`: an audience's members created, updated,
got and listed; member tags added and removed. Campaigns, interest groups, locations, deletions
and the options WorkFuse does not send are refused by name."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

from editor.n8n.apps_base import credential_note, listed, operation, text, unsupported
from editor.n8n.converter import BASE, Converted, Converter, N8nNode, Refusal, Spec

SUPPORTED = (
    "it creates, updates, gets and lists members and adds or removes member tags; campaigns, "
    "interest groups and deletions are not imported"
)
DEFAULTS = {"member": "create", "memberTag": "create", "campaign": "getAll", "listGroup": "getAll"}
# n8n's member options (create: options; update: updateFields) and WorkFuse's fields.
MEMBER_OPTIONS = {"emailType": "email_type", "language": "language", "vip": "vip"}
LIST_OPTIONS = {
    "status": "status",
    "sinceLastChanged": "since_last_changed",
    "beforeLastChanged": "before_last_changed",
}
MAX_LIST = 10000


def _mailchimp(node: N8nNode, cx: Converter) -> Converted:
    resource, op = operation(node, "member", DEFAULTS)
    notes = [credential_note("Mailchimp", "an API key; its -usN suffix names the datacenter")]
    if resource == "member" and op in ("create", "update"):
        config = _write(node, cx, op)
    elif resource == "member" and op == "get":
        _refuse_others(node.params.get("options") or {}, set(), "member option(s)")
        config = {"operation": "get_member", **_member(node, cx)}
    elif resource == "member" and op == "getAll":
        config = _list(node, cx, notes)
    elif resource == "memberTag" and op in ("create", "delete"):
        _refuse_others(node.params.get("options") or {}, set(), "tag option(s)")
        tags = node.params.get("tags") or []
        config = {
            "operation": "add_tags" if op == "create" else "remove_tags",
            **_member(node, cx),
            "tags": [str(text(cx, node, t)) for t in tags]
            if isinstance(tags, list)
            else listed(cx, node, tags),
        }
    else:
        raise unsupported("Mailchimp", resource, op, SUPPORTED)
    return Converted("app.mailchimp", config, notes=notes)


def _refuse_others(given: dict[str, Any], known: set[str], where: str) -> None:
    others = sorted(n for n, v in given.items() if n not in known and v not in ("", None, {}, []))
    if others:
        raise Refusal(
            f"sets the {where} {', '.join(others)}, which WorkFuse's Mailchimp node does not "
            "send; remove them in n8n or use an HTTP Request node."
        )


def _member(node: N8nNode, cx: Converter) -> dict[str, Any]:
    list_id = text(cx, node, node.params.get("list"))
    if list_id in ("", None):
        raise Refusal("names no audience (list); choose the List in n8n.")
    email = text(cx, node, node.params.get("email"))
    if email in ("", None):
        raise Refusal("names no email; set the member's Email in n8n.")
    return {"list_id": str(list_id), "email": str(email)}


def _merge_fields(node: N8nNode, cx: Converter, source: dict[str, Any]) -> Any:
    """n8n's merge fields: name/value pairs, or (JSON parameters) a JSON object."""
    if node.params.get("jsonParameters"):
        for other in ("locationJson", "groupJson"):
            if str(node.params.get(other) or "").strip():
                raise Refusal(
                    f"sets {other}; WorkFuse's Mailchimp node sends no location or interest "
                    "groups. Remove it in n8n or use an HTTP Request node."
                )
        raw = node.params.get("mergeFieldsJson")
        if isinstance(raw, str) and raw.strip() and not raw.startswith("="):
            try:
                return json.loads(raw)
            except ValueError:
                raise Refusal("has Merge Fields that are not JSON; correct them in n8n.") from None
        return text(cx, node, raw) if raw else None
    pairs = (source.get("mergeFieldsUi") or {}).get("mergeFieldsValues") or []
    return {str(p.get("name")): text(cx, node, p.get("value")) for p in pairs} or None


def _write(node: N8nNode, cx: Converter, op: str) -> dict[str, Any]:
    p = node.params
    options = dict(p.get("options" if op == "create" else "updateFields") or {})
    # Create reads its merge fields from the node itself, update from updateFields.
    source = p if op == "create" else options
    for unsent in ("locationFieldsUi", "groupsUi"):
        if (source.get(unsent) or {}) and not p.get("jsonParameters"):
            raise Refusal(
                f"sets {unsent}; WorkFuse's Mailchimp node sends no location or interest groups. "
                "Remove it in n8n or use an HTTP Request node."
            )
    known = {*MEMBER_OPTIONS, "mergeFieldsUi", "locationFieldsUi", "groupsUi"}
    known |= {"tags"} if op == "create" else {"status"}
    _refuse_others(options, known, "member option(s)")
    config: dict[str, Any] = {"operation": f"{op}_member", **_member(node, cx)}
    status = p.get("status") if op == "create" else options.get("status")
    if status:
        config["status"] = status
    merge = _merge_fields(node, cx, source)
    if merge:
        config["merge_fields"] = merge
    for n8n_name, name in MEMBER_OPTIONS.items():
        if options.get(n8n_name) not in (None, "", False):
            config[name] = text(cx, node, options[n8n_name])
    if op == "create" and options.get("tags"):
        config["tags"] = listed(cx, node, options["tags"])
    return config


def _list(node: N8nNode, cx: Converter, notes: list[str]) -> dict[str, Any]:
    p = node.params
    options = p.get("options") or {}
    _refuse_others(options, set(LIST_OPTIONS), "list option(s)")
    list_id = text(cx, node, p.get("list"))
    if list_id in ("", None):
        raise Refusal("names no audience (list); choose the List in n8n.")
    config: dict[str, Any] = {"operation": "list_members", "list_id": str(list_id)}
    for n8n_name, name in LIST_OPTIONS.items():
        if options.get(n8n_name):
            config[name] = text(cx, node, options[n8n_name])
    if p.get("returnAll"):
        config["max_results"] = MAX_LIST
        notes.append(f"n8n read every member; WorkFuse reads at most {MAX_LIST}.")
    else:
        config["max_results"] = min(max(int(p.get("limit") or 500), 1), MAX_LIST)
    return config


def _spec(node: N8nNode, cx: Converter) -> Spec:
    resource, op = operation(node, "member", DEFAULTS)
    many = "members" if (resource, op) == ("member", "getAll") else None
    return dataclasses.replace(SPECS[f"{BASE}mailchimp"], per_node=None, items=many)


SPECS: dict[str, Spec] = {f"{BASE}mailchimp": Spec(_mailchimp, "", per_node=_spec)}
