"""What n8n's data nodes read: the list of items before them, `$json` as the current item, and
lodash field paths (`a.b[0]["c d"]`) as WorkFuse paths or template expressions.

n8n hands a data node every item of the node before it at once. WorkFuse data nodes take that
list as their `items` template: the list a many-item node emits (its `Spec.items` path), or a
one-element list around the single item a node emits. Conditions, sort keys and dedupe values
are evaluated per item in n8n, so inside them `$json` is WorkFuse's `item`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from editor.n8n.converter import Converted, Converter, N8nNode, Refusal
from editor.n8n.expressions import Reference

_PATH_PART = re.compile(r"""[^.[\]]+|\[(?:(\d+)|"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)')\]""")
_NAME = re.compile(r"[A-Za-z_]\w*")


def input_items(node: N8nNode, cx: Converter) -> str:
    """The template expression (without braces) for the list of n8n items `node` receives."""
    parents = cx.parents.get(node.name)
    if not parents:
        return "[trigger]"
    # --- n8nitems ---
    # The item flow knows where the items come from: a list, one item, or a loop's results.
    return cx.input_list(node).jinja(guard=len(parents) > 1)
    # --- end n8nitems ---


def items_template(node: N8nNode, cx: Converter) -> str:
    return "{{ " + input_items(node, cx) + " }}"


@contextmanager
def current_item(cx: Converter, node: N8nNode) -> Iterator[None]:
    """While open, `$json` (and `$input.item.json`) in `node`'s expressions is the current
    element of a data node's list, `item`, keeping the field renames of the node before.

    Converter.expression resolves `$json` through `input_ref`; this shadows it on the instance
    for this node only, so the expression translation (and any later form of it) stays the
    converter's own."""
    original = cx.input_ref
    before = original(node)

    def input_ref(target: N8nNode) -> Reference | None:
        if target is node:
            return "item", (before[1] if before else {})
        return original(target)

    cx.input_ref = input_ref  # type: ignore[method-assign,assignment]
    try:
        yield
    finally:
        del cx.input_ref


def per_item(cx: Converter, node: N8nNode, value: Any) -> Any:
    """An n8n parameter evaluated per item, as a template over `item`."""
    with current_item(cx, node):
        return cx.value(value, node)


def connected(cx: Converter, node: N8nNode, output: int) -> bool:
    """Whether anything is connected to `node`'s n8n output `output`."""
    return any(s == node.name and i == output for s, i, _ in cx.links)


def refuse_second_output(cx: Converter, node: N8nNode, what: str) -> None:
    if connected(cx, node, 1):
        raise Refusal(
            f"sends {what} to a second output, which WorkFuse's node does not have. Remove that "
            "connection in n8n (or use an IF node for the split) and export again."
        )


# --- lodash paths ------------------------------------------------------------------------------


def path_parts(path: str) -> list[str]:
    """A lodash path as its keys: `a.b[0]["c d"]` -> ['a', 'b', '0', 'c d']."""
    parts: list[str] = []
    for match in _PATH_PART.finditer(path.strip()):
        index, double, single = match.groups()
        if index is not None:
            parts.append(index)
        elif double is not None or single is not None:
            parts.append(re.sub(r"\\(.)", r"\1", double if double is not None else single))
        else:
            parts.append(match.group(0))
    return parts


def field_list(text: Any) -> list[str]:
    """n8n's comma-separated field list ('name, id'), each name trimmed, empties dropped."""
    if isinstance(text, list):
        return [str(f).strip() for f in text if str(f).strip()]
    return [f.strip() for f in str(text or "").split(",") if f.strip()]


def lookup_path(path: str, dotted: bool = True) -> str:
    """A field for WorkFuse's `lookup` (dots, numbers for list positions); Refusal when a key
    holds a dot, which `lookup` would read as two keys."""
    parts = path_parts(path) if dotted else [path]
    if not parts or any("." in p or p == "" for p in parts):
        raise Refusal(
            f"names the field '{path}', whose key holds a dot; WorkFuse field paths read dots as "
            "nesting. Rename the field in n8n and export again."
        )
    return ".".join(parts)


def key(part: str) -> str:
    return json.dumps(part, ensure_ascii=False)


def getter(base: str, path: str, dotted: bool = True) -> tuple[str, str]:
    """Template expressions (found, value) for lodash `get(base, path)`: whether the path
    exists (the value may still be null) and its value (none where it does not)."""
    parts = path_parts(path) if dotted else [path]
    if dotted and len(parts) > 1:
        # lodash reads a key that is the whole path before splitting it.
        whole = f"({base} is mapping and {key(path)} in {base})"
        deep_found, deep_value = _deep(base, parts)
        return (
            f"({whole} or {deep_found})",
            f"({base}[{key(path)}] if {whole} else {deep_value})",
        )
    return _deep(base, parts)


def _deep(base: str, parts: list[str]) -> tuple[str, str]:
    guards: list[str] = []
    current = base
    for part in parts:
        step = f"({current} is mapping and {key(part)} in {current})"
        if part.isdigit():
            listed = (
                f"({current} is iterable and {current} is not string and {current} is not "
                f"mapping and {current} | length > {part})"
            )
            step = f"({step} or {listed})"
            nxt = f"({current}[{part}] if {current} is not mapping else {current}[{key(part)}])"
        else:
            nxt = f"{current}[{key(part)}]"
        guards.append(step)
        current = nxt
    found = " and ".join(guards) if guards else "true"
    return f"({found})", f"({current} if {found} else none)"


def with_field(
    result: Converted, node: N8nNode, cx: Converter, field: str, keep_item: bool
) -> Converted:
    """The step outputs `{field: result}`, beside the fields of the item it gets (`$json`)
    when `keep_item`, as n8n's Crypto and Date & Time write their result into the item (the
    name as one key, dots included); the nodes after it read that object as the item
    (`Converted.spec`)."""
    result.config["output_field"] = field
    aliases: dict[str, str] = {}
    if keep_item:
        ref = cx.input_ref(node)
        if ref is not None:
            result.config["input"] = "{{ " + ref[0] + " }}"
            aliases = ref[1]
    result.spec = {"data": "", "aliases": tuple(aliases.items())}
    return result
