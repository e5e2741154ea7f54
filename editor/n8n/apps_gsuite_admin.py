"""n8n's G Suite Admin node (version 1) as WorkFuse's `app.gsuite_admin`: users created, got,
got all, updated and deleted; groups the same. Settings the WorkFuse node lacks are refused by
name (devices, a user's admin rights, getAll's sorting and deleted users).

n8n emits one item per user or group of a getAll; WorkFuse's node outputs them as `users` /
`groups`, which the Spec names so the nodes after it run once per item."""

from __future__ import annotations

import dataclasses
from typing import Any

from editor.n8n.apps_base import credential_note, operation, text, unsupported
from editor.n8n.converter import BASE, Converted, Converter, N8nNode, Refusal, Spec

SERVICE = "G Suite Admin"
SUPPORTED = "it creates, gets, gets all, updates and deletes users and groups"
OPS = ("create", "get", "getAll", "update", "delete")
DEFAULTS = {"user": "create", "group": "create"}
ITEMS = {("user", "getAll"): "users", ("group", "getAll"): "groups"}
MAX_LIST = 5000
# n8n's user fields → WorkFuse fields (None: into `fields` as the Directory API names it).
USER_FIELDS = {
    "firstName": "first_name",
    "lastName": "last_name",
    "password": "password",
    "changePasswordAtNextLogin": None,
    "primaryEmail": None,
}
GROUP_FIELDS = {"name": "name", "description": "description", "email": None}
LIST_OPTIONS = {"customer", "domain", "query", "projection", "viewType", "customFieldMask"}
VIEW_TYPES = {"admin_view": "admin_view", "domain_public": "domain_public"}


def _admin(node: N8nNode, cx: Converter) -> Converted:
    resource, op = operation(node, "user", DEFAULTS)
    if resource not in ("user", "group") or op not in OPS:
        raise unsupported(SERVICE, resource, op, SUPPORTED)
    p = node.params
    notes = [credential_note(SERVICE, "a Google OAuth client and an administrator's refresh token")]
    config: dict[str, Any] = {"operation": f"{'list' if op == 'getAll' else op}_{resource}"}
    if op == "getAll":
        config["operation"] += "s"
    key = "user_id" if resource == "user" else "group_id"
    if op in ("get", "update", "delete"):
        config[key] = _required(node, cx, "userId" if resource == "user" else "groupId", "ID")
    if (resource, op) == ("user", "create"):
        username = _required(node, cx, "username", "Username")
        domain = _required(node, cx, "domain", "Domain")
        config["email"] = f"{username}@{domain}"
        config |= _fields(
            node, cx, {k: p.get(k) for k in ("firstName", "lastName", "password")}, USER_FIELDS
        )
        config |= _fields(node, cx, dict(p.get("additionalFields") or {}), USER_FIELDS)
        if p.get("makeAdmin"):
            raise Refusal(
                "makes the user an administrator, which WorkFuse's G Suite Admin node does not; do it in the Admin console."
            )
    elif (resource, op) == ("group", "create"):
        config["email"] = _required(node, cx, "email", "Email")
        config |= _fields(node, cx, dict(p.get("additionalFields") or {}), GROUP_FIELDS)
    elif op == "update":
        table = USER_FIELDS if resource == "user" else GROUP_FIELDS
        config |= _fields(node, cx, dict(p.get("updateFields") or {}), table)
        if len(config) == 2:
            raise Refusal("updates no field; choose the fields to update in n8n.")
    elif op == "get" and resource == "user":
        config |= _reading(
            node, cx, {**dict(p.get("options") or {}), "projection": p.get("projection")}
        )
    elif op == "getAll":
        config |= _listing(node, cx, resource, notes)
    return Converted("app.gsuite_admin", config, notes=notes)


def _required(node: N8nNode, cx: Converter, param: str, label: str) -> Any:
    value = text(cx, node, node.params.get(param))
    if value in ("", None):
        raise Refusal(f"has no {label}; set it in n8n.")
    return value


def _fields(
    node: N8nNode, cx: Converter, given: dict[str, Any], table: dict[str, str | None]
) -> dict[str, Any]:
    given = {k: v for k, v in given.items() if v not in ("", None, {})}
    unknown = sorted(k for k in given if k not in table)
    if unknown:
        raise Refusal(
            f"sets {', '.join(unknown)}, which WorkFuse's {SERVICE} node does not map; remove "
            "it in n8n (the node's fields setting takes any Directory API field)."
        )
    config: dict[str, Any] = {}
    more: dict[str, Any] = {}
    for name, value in given.items():
        field = table[name]
        if field is None:
            more[name] = text(cx, node, value)
        else:
            config[field] = text(cx, node, value)
    return config | ({"fields": more} if more else {})


def _reading(node: N8nNode, cx: Converter, options: dict[str, Any]) -> dict[str, Any]:
    config: dict[str, Any] = {}
    if options.get("projection"):
        config["projection"] = str(options["projection"])
    if options.get("viewType"):
        config["view_type"] = VIEW_TYPES.get(str(options["viewType"]), str(options["viewType"]))
    if options.get("customFieldMask"):
        mask = options["customFieldMask"]
        config["custom_field_mask"] = (
            ",".join(mask) if isinstance(mask, list) else text(cx, node, mask)
        )
    return config


def _listing(node: N8nNode, cx: Converter, resource: str, notes: list[str]) -> dict[str, Any]:
    p = node.params
    options = {k: v for k, v in dict(p.get("options") or {}).items() if v not in ("", None)}
    unknown = sorted(k for k in options if k not in LIST_OPTIONS)
    if unknown:
        raise Refusal(
            f"sets the option(s) {', '.join(unknown)}, which WorkFuse's {SERVICE} node does not "
            "send; remove them in n8n or use an HTTP Request node."
        )
    if options.get("customer") not in (None, "my_customer"):
        raise Refusal(
            "lists another customer's accounts; WorkFuse's node lists the administrator's own."
        )
    config: dict[str, Any] = {}
    for name in ("domain", "query"):
        if options.get(name):
            config[name] = text(cx, node, options[name])
    if resource == "user":
        config |= _reading(node, cx, options)
    if p.get("returnAll"):
        notes.append(f"n8n read every result; WorkFuse keeps at most {MAX_LIST}.")
        return config | {"max_results": MAX_LIST}
    return config | {"max_results": min(max(int(p.get("limit") or 100), 1), MAX_LIST)}


def _spec(node: N8nNode, cx: Converter) -> Spec:
    items = ITEMS.get(operation(node, "user", DEFAULTS))
    return dataclasses.replace(SPECS[f"{BASE}gSuiteAdmin"], per_node=None, items=items)


SPECS: dict[str, Spec] = {f"{BASE}gSuiteAdmin": Spec(_admin, "", per_node=_spec)}
