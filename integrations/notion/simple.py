"""Notion pages and databases simplified the way n8n's Notion node (version 2) simplifies them,
so a workflow reading `property_status` or `name` after an imported node reads the same:

* a database row: `{id, name (its title), url, property_<snake_case name>: value, ...}`;
* a page under a page (or the workspace): `{id, name, url}`;
* a database: `{id, name, url}`.

A property's value is its plain value (`select` → the option's name, `people` → their
emails, `rich_text`/`title` → the text, ...); a type n8n does not simplify is left out.
"""

from __future__ import annotations

import re
from typing import Any

_SPLITS = (re.compile(r"([a-z0-9])([A-Z])"), re.compile(r"([A-Z])([A-Z][a-z])"))
_STRIP = re.compile(r"[^A-Za-z0-9]+")
_PLAIN = frozenset(
    {
        "url",
        "created_time",
        "checkbox",
        "number",
        "last_edited_time",
        "email",
        "phone_number",
        "date",
    }
)
_ABSENT = object()


def snake_case(text: str) -> str:
    """change-case's snakeCase (which n8n uses): words split at case changes and at anything
    but ASCII letters and digits, lower-cased, joined by underscores."""
    for split in _SPLITS:
        text = split.sub("\\1\0\\2", text)
    text = _STRIP.sub("\0", text).strip("\0")
    return "_".join(part.lower() for part in text.split("\0"))


def _texts(items: Any) -> str:
    if not isinstance(items, list):
        return ""
    return "".join(
        str(t.get("plain_text") or "") if isinstance(t, dict) and t.get("type") == "text" else ""
        for t in items
    )


def _rollup(value: dict[str, Any]) -> Any:
    function = str(value.get("function") or "")
    if function.startswith("count") or "empty" in function:
        number = value.get("number")
        if "percent" in function and isinstance(number, int | float):
            return number * 100
        return number
    if function.startswith("show") and value.get("type") == "array":
        elements: list[Any] = []
        for element in value.get("array") or []:
            simple = property_value(element) if isinstance(element, dict) else None
            elements.extend(simple if isinstance(simple, list) else [simple])
        if function == "show_unique":
            return list(dict.fromkeys(e for e in elements if isinstance(e, str | int | float)))
        return elements
    return value.get(str(value.get("type") or ""))


def property_value(prop: dict[str, Any]) -> Any:
    """One property's simplified value; `_ABSENT` when n8n leaves it out."""
    kind = str(prop.get("type") or "")
    value = prop.get(kind)
    if kind in ("rich_text", "title"):
        return _texts(value)
    if kind in _PLAIN:
        return value
    if kind in ("created_by", "last_edited_by", "select", "status"):
        return value.get("name") if isinstance(value, dict) else None
    if kind == "people":
        if not isinstance(value, list):
            return value
        return [
            ((p.get("person") or {}).get("email") or {}) if isinstance(p, dict) else {}
            for p in value
        ]
    if kind == "multi_select":
        if isinstance(value, list):
            return [(o.get("name") or {}) if isinstance(o, dict) else {} for o in value]
        return [(o.get("name") or {}) for o in (value or {}).get("options") or []]
    if kind == "relation":
        if isinstance(value, list):
            return [(r.get("id") or {}) if isinstance(r, dict) else {} for r in value]
        return (value or {}).get("database_id")
    if kind == "formula":
        return value.get(str(value.get("type") or "")) if isinstance(value, dict) else None
    if kind == "rollup" and isinstance(value, dict):
        return _rollup(value)
    if kind == "files" and isinstance(value, list):
        return [
            (f.get(str(f.get("type") or "")) or {}).get("url") if isinstance(f, dict) else None
            for f in value
        ]
    return _ABSENT


def _title(properties: dict[str, Any]) -> str:
    for prop in properties.values():
        if isinstance(prop, dict) and prop.get("type") == "title":
            texts = prop.get("title") or []
            first = texts[0] if texts and isinstance(texts[0], dict) else {}
            return str(first.get("plain_text") or "")
    return ""


def simplified(item: dict[str, Any]) -> dict[str, Any] | None:
    """A page or database as n8n simplifies it; None for anything else (n8n drops it)."""
    kind = item.get("object")
    if kind == "database":
        title = item.get("title") or []
        first = title[0] if title and isinstance(title[0], dict) else {}
        return {"id": item.get("id"), "name": first.get("plain_text") or "", "url": item.get("url")}
    if kind != "page":
        return None
    found = item.get("properties")
    properties: dict[str, Any] = found if isinstance(found, dict) else {}
    parent = (item.get("parent") or {}).get("type")
    if parent in ("page_id", "workspace"):
        return {"id": item.get("id"), "name": _title(properties), "url": item.get("url")}
    if parent != "database_id":
        return None
    result: dict[str, Any] = {"id": item.get("id"), "name": _title(properties)}
    result["url"] = item.get("url")
    for name, prop in properties.items():
        value = property_value(prop) if isinstance(prop, dict) else _ABSENT
        if value is not _ABSENT:
            result[f"property_{snake_case(name)}"] = value
    return result
