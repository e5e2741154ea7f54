"""n8n's Split Out node as a WorkFuse template transform that builds the list of items.

WorkFuse has no split node: the transform's template does what n8n's `SplitOut.execute` does,
item by item: the field's list (an object's values, a lone value as a one-element list, a
missing field as none), each element an item of its own (an object element as the item itself
when it is the only field split out), with the other fields n8n was asked to keep.
"""

from __future__ import annotations

import json
from typing import Any

from editor.n8n.converter import BASE, Converted, Converter, N8nNode, Refusal, Spec
from editor.n8n.data_input import field_list, getter, input_items, key, path_parts


def split_template(
    items: str,
    fields: list[str],
    destinations: list[str],
    include: str,
    keep: list[str],
    dotted: bool,
) -> str:
    """The template for n8n's Split Out over the list `items` (a template expression).

    Templates cannot append to a list, so each input item's new items are written as JSON
    text, one list per input item, and the lists are then joined."""
    single = len(fields) == 1 and not destinations
    lists = []
    for i, field in enumerate(fields):
        found, value = getter("it", field, dotted)
        name = f"f{i}"
        lists.append(
            f"{{%- set {name} = ({value} if {found} else []) -%}}"
            f"{{%- set {name} = ([{name}] if {name} is none or {name} is string or {name} is not "
            f"iterable else ({name} | items | map(attribute='1') | list if {name} is mapping "
            f"else {name})) -%}}"
        )
    longest = "[" + ", ".join(f"f{i} | length" for i in range(len(fields))) + "] | max"
    pairs = []
    for i, field in enumerate(fields):
        name = key(destinations[i] if i < len(destinations) and destinations[i] else field)
        pair = f"[({name}, f{i}[k])]"
        if single and include == "noOtherFields":
            pair = f"(f{i}[k] | items | list if f{i}[k] is mapping else {pair})"
        pairs.append(f"({pair} if k < f{i} | length else [])")
    if include == "selectedOtherFields":
        pairs += _kept_pairs(keep, dotted)
    made = "dict(" + " + ".join(pairs) + ")"
    if include == "allOtherFields":
        kept = "it"
        for field in fields:
            kept = _unset(kept, field, dotted)
        made = f"dict({kept}, **{made})"
    return (
        f"{{%- set xs = {items} -%}}"
        "{%- set rows -%}[{%- for i in range(xs | length) -%}{%- if i %},{% endif -%}"
        "{%- set it = xs[i] -%}"
        + "".join(lists)
        + f"[{{%- for k in range({longest}) -%}}{{%- if k %}},{{% endif -%}}"
        f"{{{{ {made} | tojson }}}}"
        "{%- endfor -%}]{%- endfor -%}]{%- endset -%}"
        "{{ rows | fromjson | sum(start=[]) | tojson }}"
    )


# --- ops ---
def _kept_pairs(keep: list[str], dotted: bool) -> list[str]:
    """The (name, value) pairs of the fields Include's "selected other fields" keeps, each only
    where the item has it."""
    pairs = []
    for field in keep:
        found, value = getter("it", field, dotted)
        pairs.append(f"([({key(field)}, {value})] if {found} else [])")
    return pairs


def _unset(base: str, field: str, dotted: bool) -> str:
    """The mapping `base` without `field`, as n8n's Split Out drops each split field from the
    copy of the item it keeps: `delete copy[field]`, or lodash `unset(copy, field)` when the
    field has a dot (the key that is the whole path if there is one, else the nested key)."""
    if not (dotted and "." in field):
        return _drop(base, key(field))
    whole = _drop(base, key(field))
    return f"({whole} if {key(field)} in {base} else {_without(base, path_parts(field))})"


def _drop(mapping: str, name: str) -> str:
    return f"dict({mapping} | items | rejectattr('0', 'eq', {name}))"


def _without(mapping: str, parts: list[str]) -> str:
    """lodash `unset` along `parts`: a path that does not lead through objects removes
    nothing."""
    head = key(parts[0])
    if len(parts) == 1:
        return _drop(mapping, head)
    inner = f"{mapping}[{head}]"
    return (
        f"(dict({mapping}, **{{{head}: {_without(inner, parts[1:])}}}) "
        f"if {head} in {mapping} and {inner} is mapping else {mapping})"
    )


# --- end ops ---


def split(
    node: N8nNode, cx: Converter, params: dict[str, Any], items: str
) -> tuple[str, list[str]]:
    """The template and caveats for Split Out's settings (shared with Item Lists)."""
    options = params.get("options") or {}
    dotted = not options.get("disableDotNotation", False)
    raw = params.get("fieldToSplitOut", "")
    # --- struct2 ---
    if isinstance(raw, str) and raw.startswith("=") and "{{" not in raw:
        raw = raw[1:]  # an expression without a block is its text, as n8n reads it
    # --- end struct2 ---
    if not isinstance(raw, str) or raw.startswith("="):
        raise Refusal("names the field to split out with an expression; name it directly in n8n.")
    fields = [f.removeprefix("$json.") for f in field_list(raw)]
    if not fields:
        raise Refusal("names no field to split out; fill in 'Fields To Split Out' in n8n.")
    if "$binary" in fields:
        raise Refusal("splits out binary data, which WorkFuse items do not carry.")
    destinations = field_list(options.get("destinationFieldName", ""))
    if destinations and len(destinations) != len(fields):
        raise Refusal(
            "names a different number of destination fields than fields to split out; n8n "
            "stops with an error there too. Give one destination per field."
        )
    include = params.get("include", "noOtherFields")
    if include not in ("noOtherFields", "allOtherFields", "selectedOtherFields"):
        raise Refusal(f"keeps other fields by '{include}', which WorkFuse cannot read statically.")
    nested = [f for f in fields if dotted and "." in f]
    if include == "allOtherFields" and any(p.isdigit() for f in nested for p in path_parts(f)):
        raise Refusal(
            "splits out a field inside a list while keeping all other fields; n8n leaves an "
            "empty slot in that list, which WorkFuse does not make. Split out a field of an "
            "object (a Set node can lift the list's element first)."
        )
    keep = field_list(params.get("fieldsToInclude", ""))
    if include == "selectedOtherFields" and not keep:
        raise Refusal("keeps 'selected other fields' but names none; n8n stops there too.")
    notes = []
    if options.get("includeBinary"):
        notes.append("n8n also copied each item's binary data; WorkFuse items carry none.")
    return split_template(items, fields, destinations, include, keep, dotted), notes


def _split_out(node: N8nNode, cx: Converter) -> Converted:
    # --- filesplit ---
    raw = str(node.params.get("fieldToSplitOut") or "")
    if field_list(raw[1:] if raw.startswith("=") and "{{" not in raw else raw) == ["$binary"]:
        return _files_as_items(node, cx)
    # --- end filesplit ---
    template, notes = split(node, cx, node.params, input_items(node, cx))
    config = {"language": "template", "expression": template}
    return Converted("utility.transform", config, notes=notes)


# --- filesplit ---
def _files_as_items(node: N8nNode, cx: Converter) -> Converted:
    """Split Out of `$binary` ("files as items"): n8n makes an item of each of its input
    item's files, that file its only binary data (under its own property name) and the json
    as Include says. Followed where the input is one item whose files are known as a whole
    and in order (`Spec.binary_numbered`: an unpacked archive's files); the output is
    `{items, binary}` and each item's file is read by position (`Spec.binary_each`)."""
    params = node.params
    parents = cx.parents.get(node.name) or []
    out = cx.flow.out.get(parents[0]) if len(parents) == 1 else None
    numbered = cx.spec_of(parents[0][0]).binary_numbered if out is not None else ()
    same_scope = out is not None and out.scope == cx.flow.scope.get(node.name)
    if out is None or out.many or not same_scope or not numbered:
        raise Refusal(
            "splits out binary data (one item per file) of items whose files WorkFuse does not "
            "know one by one here; it does for the one item of a Compression node unpacking "
            "an archive right before it. Split the files there in n8n, then export again."
        )
    path, prefix = numbered
    include = params.get("include", "noOtherFields")
    keep = field_list(params.get("fieldsToInclude", ""))
    dotted = not (params.get("options") or {}).get("disableDotNotation", False)
    if include == "allOtherFields":
        made = "it"
    elif include == "selectedOtherFields" and keep:
        made = "dict(" + " + ".join(_kept_pairs(keep, dotted)) + ")"
    elif include == "noOtherFields":
        made = "{}"
    elif include == "selectedOtherFields":
        raise Refusal("keeps 'selected other fields' but names none; n8n stops there too.")
    else:
        raise Refusal(f"keeps other fields by '{include}', which WorkFuse cannot read statically.")
    item = cx.input_list(node).jinja()
    names = f"({json.dumps(prefix)} ~ i)"
    template = (
        f"{{%- set it = ({item})[0] -%}}{{%- set fs = {path} -%}}"
        '{"items": [{%- for i in range(fs | length) -%}{%- if i %},{% endif -%}'
        f"{{{{ {made} | tojson }}}}"
        '{%- endfor -%}], "binary": [{%- for i in range(fs | length) -%}{%- if i %},{% endif -%}'
        f"{{{{ {{{names}: fs[{names}]}} | tojson }}}}"
        "{%- endfor -%}]}"
    )
    spec = {
        "data": "result.items[0]",
        "items": "result.items",
        "binary_each": f"nodes.{node.id}.result.binary",
        "binary_any": f"nodes.{node.id}.result.binary[0]",
    }
    return Converted(
        "utility.transform", {"language": "template", "expression": template}, spec=spec
    )


# --- end filesplit ---
SPECS: dict[str, Spec] = {f"{BASE}splitOut": Spec(_split_out, "result", items="result")}
