"""n8n's Pipedrive node and Pipedrive Trigger as WorkFuse's `app.pipedrive` and a webhook
trigger.

The node's persons, organizations, deals, activities, notes and leads map one to one: create,
update, get, getAll (`get_many`), search and delete. n8n sends its additional and update fields
to Pipedrive as they are (Pipedrive's own names), custom properties by key; they become the
node's `fields`. Encode / Resolve Properties become `custom_field_names`. Files, products and
deal products are refused by name.

The trigger is Pipedrive's webhook: n8n registered it through the API and output the body of
each call (`{current, previous, meta, event, ...}`). WorkFuse's webhook trigger outputs the
request, so `$json.meta.id` reads `trigger.body.meta.id`; the webhook is registered by hand.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from editor.n8n.apps_base import credential_note, operation, text, unsupported
from editor.n8n.converter import BASE, Converted, Converter, N8nNode, Refusal, Spec

SUPPORTED = (
    "it creates, updates, gets, lists, searches and deletes persons, organizations, deals, "
    "activities, notes and leads; files, products and deal products are not imported"
)
DEFAULTS = {
    r: "create" for r in ("activity", "deal", "file", "lead", "note", "organization", "person")
}
DEFAULTS |= {"dealActivity": "getAll", "dealProduct": "add", "product": "getAll"}
OPERATIONS = {
    "person": ("create", "update", "get", "getAll", "search", "delete"),
    "organization": ("create", "update", "get", "getAll", "search", "delete"),
    "deal": ("create", "update", "get", "getAll", "search", "delete"),
    "activity": ("create", "update", "get", "getAll", "delete"),
    "note": ("create", "update", "get", "getAll", "delete"),
    "lead": ("create", "update", "get", "getAll", "delete"),
}
ID_PARAMS = {
    "person": "personId",
    "organization": "organizationId",
    "deal": "dealId",
    "activity": "activityId",
    "note": "noteId",
    "lead": "leadId",
}
WITH_FIELD_LIST = ("person", "organization", "deal", "activity")
MAX_LIST = 5000
# The top-level fields of Pipedrive's webhook bodies (v1: current/previous/meta/event/retry/v/
# matches_filters; v2: data/previous/meta).
WEBHOOK_FIELDS = ("current", "previous", "meta", "event", "retry", "v", "matches_filters", "data")


def _pipedrive(node: N8nNode, cx: Converter) -> Converted:
    resource, op = operation(node, "deal", DEFAULTS)
    if op not in OPERATIONS.get(resource, ()):
        raise unsupported("Pipedrive", resource, op, SUPPORTED)
    if (node.params.get("authentication") or "apiToken") != "apiToken":
        raise Refusal(
            "signs in with OAuth2, which WorkFuse's Pipedrive node does not; use an API token "
            "credential in n8n (Personal preferences → API) and export again."
        )
    notes = [credential_note("Pipedrive", "an API token")]
    config: dict[str, Any] = {"resource": resource}
    if op == "create":
        config |= {"operation": "create", "fields": _create_fields(node, cx, resource, notes)}
    elif op in ("update", "get", "delete"):
        config |= {"operation": op, "record_id": _record_id(node, cx, resource)}
        if op == "update":
            config["fields"] = _written(node, cx, resource, "updateFields")
            if not config["fields"]:
                raise Refusal("updates no field; add one under Update Fields in n8n.")
    elif op == "getAll":
        config |= {"operation": "get_many"} | _listing(node, notes)
        if filters := _filters(node, cx, resource):
            config["filters"] = filters
    else:
        config |= {"operation": "search"} | _listing(node, notes) | _search(node, cx, resource)
    flag = "encodeProperties" if op == "update" else "resolveProperties"
    if op in ("update", "get", "getAll") and node.params.get(flag):
        if resource not in WITH_FIELD_LIST:
            raise Refusal(f"sets {flag} on {resource}s, which have no custom field list.")
        config["custom_field_names"] = True
    return Converted("app.pipedrive", config, notes=notes)


def _record_id(node: N8nNode, cx: Converter, resource: str) -> Any:
    value = text(cx, node, node.params.get(ID_PARAMS[resource]))
    if value in ("", None, 0):
        raise Refusal(f"names no {resource}; set the {ID_PARAMS[resource]} in n8n.")
    return value


def _flattened(collection: Any) -> dict[str, Any]:
    """n8n's additional or update fields with its Custom Properties collection spread out as
    name → value pairs (n8n's addAdditionalFields)."""
    out: dict[str, Any] = {}
    for key, value in dict(collection or {}).items():
        if key == "customProperties" and isinstance(value, dict):
            for prop in value.get("property") or []:
                out[str(prop.get("name"))] = prop.get("value")
        else:
            out[key] = value
    return out


def _written(node: N8nNode, cx: Converter, resource: str, param: str) -> dict[str, Any]:
    raw = _flattened(node.params.get(param))
    if resource == "lead":
        value = raw.pop("value", None)
        if isinstance(value, dict) and value.get("valueProperties"):
            raw["value"] = value["valueProperties"]
        close = raw.pop("expected_close_date", None)
        if isinstance(close, str) and close and not close.startswith("="):
            raw["expected_close_date"] = close.split("T")[0]
        elif close:
            raw["expected_close_date"] = close
    if raw.get("label") == "null":
        raw["label"] = None
    # Names may be expressions too (a custom property chosen "by expression").
    return {
        str(text(cx, node, name)): cx.value(value, node)
        for name, value in raw.items()
        if value not in ("", [])
    }


def _create_fields(node: N8nNode, cx: Converter, resource: str, notes: list[str]) -> dict[str, Any]:
    p = node.params
    first: dict[str, Any] = {}
    if resource == "activity":
        first = {
            "subject": p.get("subject", ""),
            "done": p.get("done", "0"),
            "type": p.get("type", ""),
        }
    elif resource in ("deal", "lead"):
        first = {"title": p.get("title", "")}
        org = "org_id" if resource == "deal" else "organization_id"
        chosen = (
            org if (p.get("associateWith") or "organization") == "organization" else "person_id"
        )
        if p.get(chosen) not in (None, "", 0):
            first[chosen] = p[chosen]
        else:
            notes.append(
                f"n8n sent {chosen} 0 (none was set for “Associate With”); WorkFuse leaves it "
                "out, which Pipedrive reads the same way."
            )
    elif resource == "note":
        first = {"content": p.get("content", "")}
    else:
        first = {"name": p.get("name", "")}
    fields = {k: cx.value(v, node) for k, v in first.items()}
    return fields | _written(node, cx, resource, "additionalFields")


def _listing(node: N8nNode, notes: list[str]) -> dict[str, Any]:
    if node.params.get("returnAll"):
        notes.append(f"n8n read every record; WorkFuse keeps at most {MAX_LIST}.")
        return {"max_results": MAX_LIST}
    limit = node.params.get("limit", 100)
    if not isinstance(limit, int | float):
        raise Refusal("sets its limit with an expression; set a number in n8n.")
    return {"max_results": min(max(int(limit), 1), MAX_LIST)}


def _filters(node: N8nNode, cx: Converter, resource: str) -> dict[str, Any]:
    param = "filters" if resource in ("deal", "lead", "organization") else "additionalFields"
    raw = {k: v for k, v in dict(node.params.get(param) or {}).items() if v not in ("", None, [])}
    renamed = {"filterId": "filter_id", "firstChar": "first_char"}
    out = {renamed.get(k, k): v for k, v in raw.items()}
    if resource == "organization" and isinstance(out.get("first_char"), str):
        out["first_char"] = out["first_char"][:1]
    if resource == "activity" and isinstance(out.get("type"), list):
        out["type"] = ",".join(map(str, out["type"]))
    return {k: cx.value(v, node) for k, v in out.items()}


def _search(node: N8nNode, cx: Converter, resource: str) -> dict[str, Any]:
    p = node.params
    extra = dict(p.get("additionalFields") or {})
    if extra.pop("rawData", False):
        raise Refusal(
            "sets RAW Data; WorkFuse's Pipedrive search outputs each record with its "
            "result_score, as n8n does without it. Turn it off in n8n."
        )
    config: dict[str, Any] = {"term": text(cx, node, p.get("term"))}
    exact = p.get("exactMatch") if resource == "deal" else extra.pop("exactMatch", False)
    if exact:
        config["exact_match"] = True
    fields = extra.pop("fields", None)
    if fields:
        config["search_fields"] = (
            ",".join(fields) if isinstance(fields, list) else text(cx, node, fields)
        )
    renamed = {
        "includeFields": "include_fields",
        "organizationId": "organization_id",
        "personId": "person_id",
    }
    filters = {
        renamed.get(k, k): cx.value(v, node) for k, v in extra.items() if v not in ("", None)
    }
    if filters:
        config["filters"] = filters
    return config


def _spec(node: N8nNode, cx: Converter) -> Spec:
    _, op = operation(node, "deal", DEFAULTS)
    many = "items" if op in ("getAll", "search") else None
    return dataclasses.replace(SPECS[f"{BASE}pipedrive"], per_node=None, items=many)


# --- the trigger -----------------------------------------------------------------------------


def _pipedrive_trigger(node: N8nNode, cx: Converter) -> Converted:
    p = node.params
    action, what = str(p.get("action") or "*"), str(p.get("object") or "*")
    if action.startswith("=") or what.startswith("="):
        raise Refusal("chooses its event with an expression; choose one in n8n.")
    event = (
        f"{'any change' if action == '*' else action} of {'any object' if what == '*' else what}"
    )
    checked = (p.get("incomingAuthentication") or p.get("authentication") or "none") == "basicAuth"
    config = {
        "methods": ["POST"],
        "response": "immediate",
        "auth": "none",
        "header_name": "Authorization",
    }
    notes = [
        "Pipedrive calls this workflow's webhook URL once you add a webhook for it (Tools and "
        f"apps → Webhooks, or POST /v1/webhooks) with event action {action} and event object "
        f"{what}; n8n registered it through the API.",
        f"n8n ran for {event} only; WorkFuse runs for every call to this URL, so subscribe only "
        "that event to it. The trigger's body is what Pipedrive sent ({current, previous, "
        "meta, ...}), as n8n's output was.",
        ("n8n checked the webhook's HTTP basic auth. " if checked else "")
        + "Give the Pipedrive webhook an HTTP auth user and password, then set auth to header "
        "(header Authorization) with a webhook secret credential holding “Basic ” and the "
        "base64 of user:password; until then anyone with the URL can start the workflow.",
    ]
    return Converted("trigger.webhook", config, notes=notes)


SPECS: dict[str, Spec] = {
    f"{BASE}pipedrive": Spec(_pipedrive, "", per_node=_spec),
    f"{BASE}pipedriveTrigger": Spec(
        _pipedrive_trigger, "trigger", tuple((f, f"body.{f}") for f in WEBHOOK_FIELDS)
    ),
}
