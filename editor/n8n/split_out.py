"""n8n's Split Out node as a WorkFuse template transform that builds the list of items.

WorkFuse has no split node: the transform's template does what n8n's `SplitOut.execute` does,
item by item: the field's list (an object's values, a lone value as a one-element list, a
missing field as none), each element an item of its own (an object element as the item itself
when it is the only field split out), with the other fields n8n was asked to keep.
"""

from __future__ import annotations

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
        for field in keep:
            found, value = getter("it", field, dotted)
            pairs.append(f"([({key(field)}, {value})] if {found} else [])")
    made = "dict(" + " + ".join(pairs) + ")"
    if include == "allOtherFields":
        dropped = "[" + ", ".join(key(f) for f in fields) + "]"
        made = f"dict(dict(it | items | rejectattr('0', 'in', {dropped})), **{made})"
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


def split(
    node: N8nNode, cx: Converter, params: dict[str, Any], items: str
) -> tuple[str, list[str]]:
    """The template and caveats for Split Out's settings (shared with Item Lists)."""
    options = params.get("options") or {}
    dotted = not options.get("disableDotNotation", False)
    raw = params.get("fieldToSplitOut", "")
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
    if include == "allOtherFields" and dotted and any(len(path_parts(f)) > 1 for f in fields):
        raise Refusal(
            "splits out a nested field while keeping all other fields; WorkFuse can only "
            "remove a top-level field from the copy. Split out a top-level field (a Set node "
            "can lift the nested one first)."
        )
    keep = field_list(params.get("fieldsToInclude", ""))
    if include == "selectedOtherFields" and not keep:
        raise Refusal("keeps 'selected other fields' but names none; n8n stops there too.")
    notes = []
    if options.get("includeBinary"):
        notes.append("n8n also copied each item's binary data; WorkFuse items carry none.")
    return split_template(items, fields, destinations, include, keep, dotted), notes


def _split_out(node: N8nNode, cx: Converter) -> Converted:
    template, notes = split(node, cx, node.params, input_items(node, cx))
    config = {"language": "template", "expression": template}
    return Converted("utility.transform", config, notes=notes)


SPECS: dict[str, Spec] = {f"{BASE}splitOut": Spec(_split_out, "result", items="result")}
