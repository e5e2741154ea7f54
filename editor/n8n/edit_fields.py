"""n8n's Edit Fields (Set) node as a WorkFuse template transform that builds the JSON object."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from editor.n8n.converter import BASE, Converted, Converter, N8nNode, Spec, json_text
from editor.n8n.data_input import field_list
from editor.n8n.expressions import literal, single
from editor.templating import is_template

DEFAULTS_V2 = {"boolean": False, "number": 0, "string": ""}


def _set(node: N8nNode, cx: Converter) -> Converted:
    p = node.params
    options = p.get("options") or {}
    dotted = options.get("dotNotation", True) is not False
    notes: list[str] = []
    if node.version >= 3 and p.get("mode") == "raw":
        text = p.get("jsonOutput") or "{}"
        body = cx.value(text, node) if isinstance(text, str) else json.dumps(text)
    else:
        fields = _set_fields(node)
        tree: dict[Any, Any] = {}
        for name, kind, value in fields:
            # --- quality ---
            if name.startswith("="):  # a name n8n computes: the key is the expression's text
                _place(
                    tree,
                    [_Key(_key_piece(cx, node, name[1:]))],
                    _json_piece(cx, node, value, kind, name),
                )
                if dotted:
                    notes.append(
                        f"The field name {name[1:]!r} is computed; WorkFuse uses it whole where "
                        "n8n would nest it at its dots."
                    )
                continue
            # --- end quality ---
            path = name.split(".") if dotted else [name]
            _place(tree, path, _json_piece(cx, node, value, kind, name))
        body = _json_object(tree)
    keep, names = _kept_input(node)
    if keep != "none":
        ref = cx.input_ref(node)
        if ref is None:
            notes.append("n8n also kept the input's fields; there is no input to keep here.")
        else:
            base = ref[0]
            if keep in ("selected", "except"):
                test = "selectattr" if keep == "selected" else "rejectattr"
                listed = "[" + ", ".join(json.dumps(n) for n in names) + "]"
                base = f"dict({ref[0]} | items | {test}('0', 'in', {listed}))"
            if single(body) is not None:
                body = "{{ dict(" + base + ", **(" + str(single(body)) + ")) }}"
            else:
                body = (
                    "{% set fields %}" + body + "{% endset %}"
                    "{{ dict(" + base + ", **(fields | fromjson)) | tojson }}"
                )
            if dotted and any("." in name for name, _, _ in _set_fields(node)):
                notes.append(
                    "Dotted names replace the input's whole top-level field, not just the nested key."
                )
    # --- files2 ---
    spec = {"binary_through": True} if _keeps_binary(node, keep) else {}
    config = {"language": "template", "expression": body}
    return Converted("utility.transform", config, notes=notes, spec=spec)
    # --- end files2 ---


# --- files2 ---
def _keeps_binary(node: N8nNode, keep: str) -> bool:
    """Whether n8n hands the input item's files on (Set v1/v2 `execute`, Set v3
    `composeReturnItem`): before version 3 unless Keep Only Set; from 3 to 3.3 only with Include
    Binary Data on (an option absent from the export is off there); from 3.4 unless Strip
    Binary Data, while other input fields are kept."""
    options = node.params.get("options") or {}
    if node.version < 3:
        return keep != "none"
    if node.version < 3.4:
        return bool(options.get("includeBinary"))
    return not options.get("stripBinary") and keep != "none"


# --- end files2 ---
def _set_fields(node: N8nNode) -> list[tuple[str, str, Any]]:
    """(name, type, raw value) for each field the Set node writes, across its versions."""
    p = node.params
    if node.version >= 3.3 or "assignments" in p:
        rows = (p.get("assignments") or {}).get("assignments") or []
        return [
            (str(r.get("name") or ""), r.get("type") or "string", r.get("value", "")) for r in rows
        ]
    if node.version >= 3:
        rows = (p.get("fields") or {}).get("values") or []
        out = []
        for r in rows:
            kind = (r.get("type") or "stringValue").removesuffix("Value")
            out.append((str(r.get("name") or ""), kind, r.get(f"{kind}Value", "")))
        return out
    values = p.get("values") or {}
    return [
        (str(r.get("name") or ""), kind, r.get("value", DEFAULTS_V2[kind]))
        for kind in ("boolean", "number", "string")
        for r in values.get(kind) or []
    ]


def _kept_input(node: N8nNode) -> tuple[str, list[str]]:
    """Which input fields n8n keeps beside the set ones: all, none, only the named ones
    (selected) or all but them (except), and those names."""
    p = node.params
    if node.version < 3:
        return ("none" if p.get("keepOnlySet", False) else "all"), []
    if node.version >= 3.3 and not p.get("includeOtherFields", False):
        return "none", []
    mode = str(p.get("include") or "all")
    if mode == "selected":
        return mode, field_list(p.get("includeFields", ""))
    if mode == "except":
        return mode, field_list(p.get("excludeFields", ""))
    return ("none", []) if mode == "none" else ("all", [])


# --- quality ---
@dataclass(frozen=True)
class _Key:
    """A field name n8n computes with an expression: the template text of its JSON string."""

    text: str


def _key_piece(cx: Converter, node: N8nNode, expression: str) -> str:
    value = cx.expression(expression, node)
    single_value = single(value)
    if single_value is not None:
        return "{{ (" + str(single_value) + ") | string | tojson }}"
    if is_template(value):
        return "{% filter tojson %}" + value + "{% endfilter %}"
    return literal(json.dumps(value, ensure_ascii=False), in_template=True)


# --- end quality ---
def _place(tree: dict[Any, Any], path: list[Any], piece: str) -> None:
    for part in path[:-1]:
        child = tree.get(part)
        if not isinstance(child, dict):
            child = tree[part] = {}
        tree = child
    tree[path[-1]] = piece


def _json_piece(cx: Converter, node: N8nNode, raw: Any, kind: str, name: str) -> str:
    """Template text that renders to the JSON for one field's value."""
    if isinstance(raw, str) and raw.startswith("="):
        value = cx.expression(raw[1:], node)
        expression = single(value)
        if expression is not None:
            return "{{ " + _typed_expression(expression, kind, name) + " | tojson }}"
        if is_template(value):
            return "{% filter tojson %}" + value + "{% endfilter %}"
        raw = value
    return literal(json.dumps(_typed(raw, kind), ensure_ascii=False), in_template=True)


def _typed_expression(expression: str, kind: str, name: str) -> str:
    """An expression's value converted to the field's type as n8n does (the `n8n_typed`
    filter: numeric text to a number as JavaScript's Number() reads it, 'true'/'false'/1/0 to a
    boolean, JSON text to an array or object); text that does not convert stops the step with
    n8n's message, as n8n stops without 'Ignore Type Conversion Errors'."""
    value = "(" + expression + ")"
    if kind in ("number", "boolean", "array", "object"):
        return f"({value} | n8n_typed({json.dumps(kind)}, {json.dumps(name)}))"
    if kind == "string":
        return f"({value} if {value} is string or {value} is none else ({value} | tojson))"
    return value


def _typed(value: Any, kind: str) -> Any:
    if kind == "number" and isinstance(value, str):
        try:
            number = float(value)
        except ValueError:
            return value
        return int(number) if number.is_integer() else number
    if kind == "boolean" and isinstance(value, str):
        return value.strip().lower() == "true"
    if kind in ("array", "object") and isinstance(value, str):
        parsed = json_text(value)
        return parsed if parsed is not None else value
    return value


def _json_object(tree: dict[Any, Any]) -> str:
    members = []
    for key, value in tree.items():
        text = value if isinstance(value, str) else _json_object(value)
        if isinstance(key, _Key):  # quality
            members.append(key.text + ": " + text)
            continue
        members.append(literal(json.dumps(key, ensure_ascii=False), in_template=True) + ": " + text)
    text = ", ".join(members)
    # quality: "{" before a member opening with "{{" or "{%" would read as one Jinja delimiter
    return "{" + (" " if text.startswith("{") else "") + text + "}"


SPECS: dict[str, Spec] = {f"{BASE}set": Spec(_set, "result")}
