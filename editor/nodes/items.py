"""The list a data node works on (DESIGN §4 batch 2), and how it reads a field of one item."""

from __future__ import annotations

import json
import re
from typing import Any

from editor.nodes.base import NodeError, RunContext
from editor.templating import is_template

ITEMS_HELP = (
    "The list to work on, usually a template such as '{{ nodes.fetch.body.results }}'. Empty: "
    "the previous node's output when it is a list, else its first field that is a list."
)
FIELD_HELP = "A field of each item; dots reach inside objects and lists, e.g. 'customer.email'."
MISSING: Any = object()
_INDEX = re.compile(r"\[(\d+)\]")


def check_items(value: Any) -> Any:
    """A Config validator: a list, a template giving one, or nothing (the previous output)."""
    if value is None or isinstance(value, list) or (isinstance(value, str) and is_template(value)):
        return value
    raise ValueError("must be a list or a template such as '{{ nodes.fetch.body.items }}'")


def items_from(value: Any, ctx: RunContext) -> list[Any]:
    """The rendered `items` setting, or the previous node's output (or its first list field)."""
    if isinstance(value, list):
        return value
    source = ctx.input  # `check_items` let nothing else through once templates are rendered
    if isinstance(source, list):
        return source
    if isinstance(source, dict):
        for found in source.values():
            if isinstance(found, list):
                return found
    raise NodeError(
        f"items is empty and the previous node's output is {_kind(source)} with no list in it; "
        "set items to a template such as '{{ nodes.fetch.body.results }}'."
    )


def lookup(item: Any, path: str) -> Any:
    """The value at a dotted path in `item` ('a.b', 'tags.0' or 'tags[0]'), or MISSING."""
    value = item
    for part in _INDEX.sub(r".\1", path).split("."):
        if isinstance(value, dict) and part in value:
            value = value[part]
        elif isinstance(value, list) and part.isdigit() and int(part) < len(value):
            value = value[int(part)]
        else:
            return MISSING
    return value


def canonical(value: Any) -> str:
    """One text per value whatever its key order (1 and 1.0 are one number), for comparing."""
    return json.dumps(_normal(value), sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _normal(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {str(k): _normal(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_normal(v) for v in value]
    return value


def _kind(value: Any) -> str:
    names = {dict: "an object", str: "text", bool: "a boolean", type(None): "empty"}
    return names.get(type(value), "a number" if isinstance(value, int | float) else "a value")
