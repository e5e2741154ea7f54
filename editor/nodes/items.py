"""The list a data node works on (DESIGN §4 batch 2), and how it reads a field of one item."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from editor.nodes.base import NodeError, RunContext
from editor.templating import TemplateError, budget, is_template, render_value

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


def field_names(fields: list[str], what: str) -> list[str]:
    """A Config validator's body: field names trimmed, none of them empty."""
    fields = [f.strip() for f in fields]
    if "" in fields:
        raise ValueError(f"{what} cannot be empty")
    return fields


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


# --- per-item templates (utility.filter's rules, utility.sort's keys) -------------------------
# `NodeType.item_fields` are not rendered by the engine: the node renders them for each element
# with `item` and `index` (DESIGN §5), as a loop body's templates see them.


@contextmanager
def one_budget() -> Iterator[None]:
    """One template CPU budget (WORKFUSE_TEMPLATE_CPU_MS) for a node's whole pass over its
    items, so a long list cannot multiply it."""
    try:
        with budget():
            yield
    except TemplateError as exc:
        raise NodeError(f"Template error: {exc.message}") from exc


def item_context(ctx: RunContext, item: Any, index: int) -> dict[str, Any]:
    """The template variables for one element: the step's own, plus `item` and `index`."""
    return {**ctx.variables, "item": item, "index": index}


def render_for_item(value: Any, context: dict[str, Any], field: str) -> Any:
    """A per-item field's value rendered for one element; an error names the element."""
    if not isinstance(value, str | list | dict) or (
        isinstance(value, str) and not is_template(value)
    ):
        return value  # a constant, as most comparisons' right side: nothing to render
    try:
        return render_value(value, context, field)
    except TemplateError as exc:
        raise NodeError(f"Item {context['index']}: template error in {exc.message}") from exc


def check_path(value: str) -> str:
    """A Config validator for a field path as `lookup` reads it, or a per-item template."""
    if not is_template(value) and "" in _INDEX.sub(r".\1", value).split("."):
        raise ValueError(f"'{value}' is not a field path: a part between dots is empty")
    return value


# --- a result written into an object (utility.crypto, utility.datetime) -----------------------
OUTPUT_FIELD_HELP = (
    "Empty: the output is {result}. A name: the output is an object holding the result under "
    "that name (taken as it is, dots included), beside the fields of 'input' when it is set."
)
INTO_HELP = (
    "With output_field: the object the result is added to, usually a template such as "
    "'{{ item }}' or '{{ nodes.fetch.body }}'. Empty: an object holding only the result."
)


def with_result(result: Any, output_field: str, into: Any, dotted: bool = False) -> dict[str, Any]:
    """{result}, or `into`'s fields plus the result under `output_field` (a copy: `into` is
    another step's output, which later steps read too). `dotted`: dots in the name build
    nested objects, replacing a value on the way that is not one (as lodash's `set`)."""
    if not output_field:
        return {"result": result}
    if into is None or into == "":
        out: dict[str, Any] = {}
    elif isinstance(into, dict):
        out = dict(into)
    else:
        raise NodeError(
            f"input must be an object to add '{output_field}' to, not {_kind(into)}; leave it "
            "empty for an object holding only the result."
        )
    *parents, last = output_field.split(".") if dotted else [output_field]
    target = out
    for part in parents:
        child = target.get(part)
        target[part] = dict(child) if isinstance(child, dict) else {}
        target = target[part]
    target[last] = result
    return out
