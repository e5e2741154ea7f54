"""app.mongodb's settings made into what pymongo sends: JSON read as MongoDB Extended JSON
(`{"$oid": ...}` an ObjectId, `{"$date": ...}` a date), n8n's reading of `_id` (a 24-digit hex
string is the ObjectId it spells), date fields and dotted field names."""

from __future__ import annotations

import datetime
import json
from typing import Any

from bson import ObjectId, json_util

from workfuse.lib.node_run import NodeError

OPTIONS = json_util.JSONOptions(tz_aware=True, tzinfo=datetime.UTC)


def extended(value: Any, name: str) -> Any:
    """A JSON setting once rendered: JSON text parsed, an object or list taken as it is; in
    both, Extended JSON's `{"$oid": ...}` and `{"$date": ...}` become BSON values."""
    if isinstance(value, str):
        text = value.strip()
        if not text:
            return None
        try:
            return json_util.loads(text, json_options=OPTIONS)
        except (ValueError, TypeError) as error:
            raise NodeError(f"{name} is not JSON once rendered ({error}).") from None
    if value is None:
        return None
    try:
        return json_util.loads(json.dumps(value), json_options=OPTIONS)
    except (ValueError, TypeError) as error:
        raise NodeError(f"{name} holds a value MongoDB cannot read ({error}).") from None


def an_object(value: Any, name: str) -> dict[str, Any]:
    """`extended`, which must give an object; empty: {}."""
    found = extended(value, name)
    if found is None:
        return {}
    if not isinstance(found, dict):
        raise NodeError(f"{name} must be a JSON object once rendered, not {_kind(found)}.")
    return found


def objects(value: Any, name: str) -> list[dict[str, Any]]:
    """`extended`, which must give an object or a list of objects (each one document)."""
    found = extended(value, name)
    found = [found] if isinstance(found, dict) else found
    if not isinstance(found, list) or not all(isinstance(d, dict) for d in found):
        raise NodeError(f"{name} must be a JSON object or a list of objects once rendered.")
    return found


def with_object_id(query: dict[str, Any]) -> dict[str, Any]:
    """n8n's find reads a top-level `_id` of 24 hex digits as that ObjectId (write
    `{"$oid": ...}` to say so anywhere else)."""
    value = query.get("_id")
    if isinstance(value, str) and ObjectId.is_valid(value):
        return {**query, "_id": ObjectId(value)}
    return query


def key_filter(document: dict[str, Any], key: str) -> dict[str, Any]:
    """The filter finding the document an update names: its `key` field's value."""
    if key not in document:
        raise NodeError(f"document has no field {key} (update_key): it finds what to update.")
    value = document[key]
    if isinstance(value, dict | list):
        raise NodeError(
            f"document's {key} (update_key) must be a text, number, boolean or date, not "
            f"{_kind(value)}."
        )
    return with_object_id({key: value})


def with_dates(document: dict[str, Any], fields: list[str]) -> dict[str, Any]:
    """The named fields (dotted paths reach inside) read as dates, as n8n's Date Fields: ISO
    8601 text, or milliseconds since 1970; an empty one stays as it is."""
    for path in fields:
        if document.get(path) not in (None, ""):  # a dotted name kept flat (an update's $set)
            document[path] = _date(document[path], path)
            continue
        *parents, last = path.split(".")
        target: Any = document
        for part in parents:
            target = target.get(part) if isinstance(target, dict) else None
        if not isinstance(target, dict) or target.get(last) in (None, ""):
            continue
        target[last] = _date(target[last], path)
    return document


def _date(value: Any, path: str) -> datetime.datetime:
    if isinstance(value, datetime.datetime):
        return value
    try:
        if isinstance(value, int | float) and not isinstance(value, bool):
            return datetime.datetime.fromtimestamp(value / 1000, datetime.UTC)
        parsed = datetime.datetime.fromisoformat(str(value).strip())
    except (ValueError, OverflowError, OSError):
        raise NodeError(
            f"date_fields: {path} is {value!r}, which is not a date (ISO 8601, e.g. "
            "2026-03-01T10:30:00Z, or milliseconds since 1970)."
        ) from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=datetime.UTC)


def nested(document: dict[str, Any]) -> dict[str, Any]:
    """Dotted names as nested objects (`{"a.b": 1}` is `{"a": {"b": 1}}`), as n8n's Use Dot
    Notation writes a new document."""
    built: dict[str, Any] = {}
    for name, value in document.items():
        *parents, last = name.split(".")
        target = built
        for part in parents:
            child = target.setdefault(part, {})
            if not isinstance(child, dict):
                raise NodeError(f"document sets both {part} and fields inside it ({name}).")
            target = child
        target[last] = value
    return built


def _kind(value: Any) -> str:
    names: dict[type, str] = {dict: "an object", list: "a list", str: "text"}
    return names.get(type(value), type(value).__name__)
