"""A Structured Output Parser's JSON Schema as n8n reads it.

n8n turns the schema a user writes into a zod schema with `json-schema-to-zod`, which does not
check it: a property written as a bare type name (`"population": "number"`) is not a schema and
becomes `z.any()`, and a `null` (rather than `"null"`) in a list of types makes that type
`z.any()` too, so the property takes any value (with an `enum`, the enum alone decides). n8n
then holds the model's answer to that zod schema. WorkFuse holds the answer to a JSON Schema,
which must be valid: `as_n8n_reads` writes those parts as the JSON Schema of what n8n accepts
(`{}` for any value; `anyOf` the types written and any value), and says so in a note.
"""

from __future__ import annotations

from typing import Any

# Keywords whose value is one subschema, a list of them, or subschemas by name.
ONE = ("items", "additionalProperties", "not", "contains", "if", "then", "else")
MANY = ("anyOf", "oneOf", "allOf", "prefixItems")
NAMED = ("properties", "patternProperties", "$defs", "definitions")
NOTE = (
    "The parser's schema has parts that are not JSON Schema ({parts}); n8n read each as any "
    "value, and so does WorkFuse."
)


def as_n8n_reads(schema: dict[str, Any], notes: list[str]) -> dict[str, Any]:
    """`schema` with the parts n8n reads as any value written as JSON Schema; a note lists
    them (by their path in the schema)."""
    found: list[str] = []
    out = _subschema(schema, "$", found)
    if found:
        notes.append(NOTE.format(parts=", ".join(found[:5]) + (", ..." if len(found) > 5 else "")))
    return out if isinstance(out, dict) else {}


def _subschema(value: Any, path: str, found: list[str]) -> Any:
    if isinstance(value, bool):
        return value
    if not isinstance(value, dict):
        found.append(f"{path}: {value!r}")
        return {}
    out = dict(value)
    kind = out.get("type")
    if kind is not None and not _type_name(kind):
        written = [k for k in kind if isinstance(k, str)] if isinstance(kind, list) else []
        found.append(f"{path}.type: {kind!r}")
        del out["type"]
        if written and "enum" not in out and "anyOf" not in out:
            out["anyOf"] = [{"type": k} for k in written] + [{}]
    for key in ONE:
        if key in out and not (key == "items" and isinstance(out[key], list)):
            out[key] = _subschema(out[key], f"{path}.{key}", found)
    for key in (*MANY, "items"):
        if isinstance(out.get(key), list):
            out[key] = [_subschema(v, f"{path}.{key}[{i}]", found) for i, v in enumerate(out[key])]
    for key in NAMED:
        if isinstance(out.get(key), dict):
            out[key] = {
                name: _subschema(v, f"{path}.{key}.{name}", found) for name, v in out[key].items()
            }
    return out


def _type_name(kind: Any) -> bool:
    """A `type` json-schema-to-zod reads as written: a name, or a list of names."""
    if isinstance(kind, str):
        return True
    return isinstance(kind, list) and all(isinstance(k, str) for k in kind)
