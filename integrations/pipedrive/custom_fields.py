"""Pipedrive's custom fields by name, as n8n's Encode Properties and Resolve Properties do.

Pipedrive keys a custom field by a 40-character hash (`dcf558aac1ae4e8c4f849ba5e668430d8df9be12`)
and an option field's value by the option's id. `GET /v1/<resource>Fields` lists each field's
`key`, `name`, `field_type` and `options` ({id, label}). Written records get names turned into
keys (and option labels into ids); read records get keys turned into names (ids into labels).
"""

from __future__ import annotations

from typing import Any

# Field types whose value is the value itself; option types are turned into labels.
PLAIN = frozenset(
    [
        "date",
        "address",
        "double",
        "monetary",
        "org",
        "people",
        "phone",
        "text",
        "time",
        "user",
        "varchar",
        "varchar_auto",
        "int",
        "timerange",
    ]
)
ENDPOINTS = {
    "person": "personFields",
    "organization": "organizationFields",
    "deal": "dealFields",
    "activity": "activityFields",
}


def encode(fields: list[dict[str, Any]], record: dict[str, Any]) -> dict[str, Any]:
    """`record` with field names turned into keys, option labels into option ids."""
    by_name = {str(f.get("name")): f for f in fields}
    out: dict[str, Any] = {}
    for name, value in record.items():
        field = by_name.get(name)
        if field is None:
            out[name] = value
            continue
        options = field.get("options")
        if value is not None and isinstance(options, list):
            chosen = next((o for o in options if str(o.get("label")) == str(value)), None)
            out[field["key"] if chosen else name] = chosen["id"] if chosen else value
        else:
            out[field["key"]] = value
    return out


def resolve(fields: list[dict[str, Any]], record: dict[str, Any]) -> dict[str, Any]:
    """`record` with custom field keys turned into names, option ids into labels."""
    by_key = {str(f.get("key")): f for f in fields}
    out: dict[str, Any] = {}
    for key, value in record.items():
        field = by_key.get(key)
        if field is None:
            out[key] = value
            continue
        kind, options = field.get("field_type"), field.get("options") or []
        name = field.get("name", key)
        if value is None or kind in PLAIN:
            out[name] = value
        elif kind in ("enum", "visible_to") and options:
            label = next((o["label"] for o in options if str(o.get("id")) == str(value)), None)
            out[name if label is not None else key] = label if label is not None else value
        elif kind == "set" and options:
            chosen = str(value).split(",")
            out[name] = [o["label"] for o in options if str(o.get("id")) in chosen]
        else:
            out[key] = value
    return out
