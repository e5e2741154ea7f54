"""utility.compare: pair the items of two lists by matching fields, then sort them into four
lists — in A only, the same in both, different, in B only — each its own output handle.

This is n8n's Compare Datasets (CompareDatasets/GenericFunctions.ts and utils' fuzzyCompare),
rule for rule, so imported workflows see the items n8n gave them. Comparisons follow
JavaScript's: a missing field is not null, `true` is not `1` unless `fuzzy`, `1` equals `1.0`.
`n8n_version` keeps the details that changed between n8n's versions of the node.
"""

from __future__ import annotations

import copy
import json
import math
from collections.abc import Callable
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from editor.nodes.base import NodeConfig, NodeError, NodeType, RunContext
from editor.nodes.items import MISSING, check_items, lookup

HANDLES = ("in_a_only", "same", "different", "in_b_only")
Equal = Callable[[Any, Any], bool]


class Pair(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    a: str = Field(min_length=1, description="The field of input A's items, e.g. 'id'.")
    b: str = Field(min_length=1, description="The field of input B's items it must equal.")


class Config(NodeConfig):
    input_a: Any = Field(..., description="Input A: a template giving a list of objects.")
    input_b: Any = Field(..., description="Input B: a template giving a list of objects.")
    fields: list[Pair] = Field(
        ...,
        min_length=1,
        description="The fields that pair an item of A with an item of B: every pair must hold "
        "equal values. Dots reach inside objects ('customer.id') unless dot_notation is off.",
    )
    resolve: Literal["prefer_a", "prefer_b", "mix", "include_both"] = Field(
        "include_both",
        description="What a pair that differs outputs on `different`: A's item, B's item, a mix "
        "(prefer's item with except_fields from the other) or include_both: {keys, same, "
        "different: {field: {inputA, inputB}}, skipped}.",
    )
    prefer: Literal["a", "b"] = Field("a", description="For mix: whose item to start from.")
    except_fields: list[str] = Field(
        default_factory=list, description="For mix: the fields taken from the other item."
    )
    skip_fields: list[str] = Field(
        default_factory=list,
        description="Fields left out when deciding whether two paired items are the same.",
    )
    fuzzy: bool = Field(
        False,
        description="Tolerate type differences: 3 equals '3', true equals 'true' and 1, null "
        "equals '' and [], an object equals its JSON text.",
    )
    multiple_matches: Literal["first", "all"] = Field(
        "first",
        description="first: pair an item of A with the first matching item of B only. all: with "
        "every matching item of B.",
    )
    dot_notation: bool = Field(True, description="Whether dots in field names reach inside.")
    n8n_version: float = Field(
        2.3,
        ge=1,
        le=2.3,
        description="The n8n Compare Datasets version whose rules to follow. Before 2: "
        "include_both names the values input1/input2 and shows empty ones as null. Before 2.1: "
        "fuzzy compares the fields both items have. Before 2.2: a field to match that no item "
        "of an input has is an error.",
    )

    @field_validator("input_a", "input_b")
    @classmethod
    def _lists(cls, value: Any) -> Any:
        return check_items(value)

    @field_validator("except_fields", "skip_fields")
    @classmethod
    def _names(cls, fields: list[str]) -> list[str]:
        return [f.strip() for f in fields if f.strip()]


# --- JavaScript's (lodash's) view of JSON values -------------------------------------------


def js_type(value: Any) -> str:
    """JavaScript's `typeof` for a JSON value; MISSING is `undefined`."""
    if value is MISSING:
        return "undefined"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    return "object"  # null, lists and objects


def js_equal(a: Any, b: Any) -> bool:
    """lodash's isEqual: deep, and a boolean never equals a number."""
    if js_type(a) != js_type(b):
        return False
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(js_equal(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(js_equal(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict | list) or isinstance(b, dict | list):
        return False
    return bool(a == b)


def js_number_text(number: float) -> str:
    """JavaScript's `String(number)` for the numbers JSON carries."""
    if isinstance(number, float) and math.isfinite(number) and number.is_integer():
        return str(int(number))
    return str(number)


def _falsy(value: Any) -> bool:
    return value is None or value == "" or (isinstance(value, list) and not value)


def _json_equal(text: str, value: Any) -> bool:
    try:
        return js_equal(json.loads(text), value)
    except ValueError:
        return False


def fuzzy_equal(a: Any, b: Any, version: float) -> bool:
    """n8n's fuzzyCompare (utils/utilities.ts), in its order of checks."""
    if a is not None and b is not None and js_type(a) == js_type(b):
        return js_equal(a, b)
    if version >= 2:
        if a is None and (b is None or _is_zero(b)):
            return True
        if b is None and (a is None or _is_zero(a)):
            return True
    if _falsy(a) and _falsy(b):
        return True
    if (_falsy(a) and b is MISSING) or (a is MISSING and _falsy(b)):
        return True
    ta, tb = js_type(a), js_type(b)
    if ta == "number" and tb == "string":
        return js_number_text(a) == b
    if ta == "string" and tb == "number":
        return a == js_number_text(b)
    if ta == "object" and a is not None and tb == "string":
        return _json_equal(b, a)
    if tb == "object" and b is not None and ta == "string":
        return _json_equal(a, b)
    for x, y in ((a, b), (b, a)):
        if js_type(x) == "boolean" and js_type(y) == "string" and y.lower() in _WORDS[x]:
            return True
        if js_type(x) == "boolean" and js_type(y) == "number" and y == (1 if x else 0):
            return True
    return js_equal(a, b)


_WORDS = {True: ("true", "1"), False: ("false", "0")}  # what a text may say for a boolean


def _is_zero(value: Any) -> bool:
    return (js_type(value) == "number" and value == 0) or value == "0"


def comparer(config: Config) -> Equal:
    if not config.fuzzy:
        return js_equal
    return lambda a, b: fuzzy_equal(a, b, config.n8n_version)


# --- lodash's get, set and unset on field paths ----------------------------------------------


def get(item: Any, path: str, dotted: bool) -> Any:
    """lodash's `get`: a key the object has as it is wins over reading dots as nesting."""
    if isinstance(item, dict) and path in item:
        return item[path]
    return lookup(item, path) if dotted else MISSING


def _parts(path: str) -> list[str]:
    return path.replace("[", ".").replace("]", "").split(".")


def set_path(item: dict[str, Any], path: str, value: Any) -> None:
    target: Any = item
    *heads, last = _parts(path)
    for part in heads:
        if not isinstance(target.get(part), dict):
            target[part] = {}
        target = target[part]
    target[last] = value


def unset_path(item: Any, path: str) -> None:
    target = item
    *heads, last = _parts(path)
    for part in heads:
        target = target.get(part) if isinstance(target, dict) else None
    if isinstance(target, dict):
        target.pop(last, None)


# --- the comparison --------------------------------------------------------------------------


def _items(value: Any, side: str, fields: list[str], config: Config) -> list[dict[str, Any]]:
    """Input `side`'s items: objects, the empty ones left out (n8n's checkInput)."""
    label = f"Input {side.upper()}"
    if value is None:
        return []
    if not isinstance(value, list):
        raise NodeError(f"input_{side} must be a list of objects.")
    for index, item in enumerate(value):
        if not isinstance(item, dict):
            raise NodeError(
                f"input_{side}: item {index} is not an object; Compare needs objects with fields."
            )
    items = [item for item in value if item]
    if config.n8n_version < 2.2 and items:
        for name in fields:
            if all(get(item, name, config.dot_notation) is MISSING for item in items):
                raise NodeError(f"fields: '{name}' is not present in any item of {label}.")
    return items


def _matches(
    lookup_values: dict[str, Any], data: list[dict[str, Any]], config: Config, equal: Equal
) -> list[int]:
    found = []
    for index, entry in enumerate(data):
        if all(
            equal(expected, get(entry, key, config.dot_notation))
            for key, expected in lookup_values.items()
        ):
            found.append(index)
            if config.multiple_matches == "first":
                break
    return found


def _without_skipped(item: dict[str, Any], skip: list[str], config: Config) -> dict[str, Any]:
    if not config.dot_notation or not any("." in f for f in skip):
        return {k: v for k, v in item.items() if k not in skip}
    item = copy.deepcopy(item)
    for name in skip:
        unset_path(item, name)
    return item


def _same(a: dict[str, Any], b: dict[str, Any], config: Config, equal: Equal) -> bool:
    if config.fuzzy:  # n8n looks at A's fields only here
        return all(equal(a[key], b.get(key, MISSING)) for key in a)
    return equal(a, b)


def _mix(a: dict[str, Any], b: dict[str, Any], config: Config) -> dict[str, Any]:
    entry, other = (a, b) if config.prefer == "a" else (b, a)
    entry = copy.deepcopy(entry)
    for name in config.except_fields:
        if name in other:
            entry[name] = other[name]
        else:
            entry.pop(name, None)
        if config.dot_notation:
            value = get(other, name, True)
            # n8n takes `value || null`: every falsy value (0, '', false) becomes null.
            set_path(entry, name, value if _truthy(value) else None)
    return entry


def _truthy(value: Any) -> bool:
    return value is not MISSING and value is not None and value not in ("", 0, False)


def _both(
    a: dict[str, Any], b: dict[str, Any], config: Config, skip: list[str], equal: Equal
) -> dict[str, Any]:
    """include_both's item (n8n's compareItems)."""
    version = config.n8n_version
    keys = {pair.a: a.get(pair.a) for pair in config.fields if pair.a in a}
    union = list(a) + [k for k in b if k not in a]
    compared = union if config.fuzzy and version >= 2.1 else [k for k in a if k in b]
    same_keys = {k for k in compared if equal(a.get(k, MISSING), b.get(k, MISSING))}
    same = {k: a[k] for k in compared if k in same_keys and k in a}
    names = ("inputA", "inputB") if version >= 2 else ("input1", "input2")
    different: dict[str, Any] = {}
    skipped: dict[str, Any] = {}
    for key in (k for k in union if k not in same_keys):
        one, two = _shown(a.get(key, MISSING), version), _shown(b.get(key, MISSING), version)
        if version >= 2.1 and config.dot_notation and key not in skip:
            nested = [f for f in skip if f.startswith(key) and "." in f]
            one, two = copy.deepcopy(one), copy.deepcopy(two)
            if nested and not (_is_object(one) and _is_object(two)):
                raise NodeError(
                    f"skip_fields: the field '{key}' is not an object in both items; a dotted "
                    "field to skip cannot reach inside it."
                )
            if nested:
                skipped[key] = {names[0]: {}, names[1]: {}}
            for name in nested:
                inner = name.replace(f"{key}.", "", 1)
                for label, value in zip(names, (one, two), strict=True):
                    found = get(value, inner, True)
                    if found is not MISSING:
                        set_path(skipped[key][label], inner, found)
                    unset_path(value, inner)
            different[key] = {names[0]: one, names[1]: two}
        elif key in skip:
            skipped[key] = {names[0]: one, names[1]: two}
        else:
            different[key] = {names[0]: one, names[1]: two}
    return {"keys": keys, "same": same, "different": different} | (
        {"skipped": skipped} if skipped else {}
    )


def _is_object(value: Any) -> bool:
    return js_type(value) == "object"  # null too, as JavaScript's typeof says


def _shown(value: Any, version: float) -> Any:
    """A differing value as include_both shows it: missing is null (before 2: any falsy)."""
    if version >= 2:
        return None if value is MISSING else value
    return value if _truthy(value) else None


def compare(config: Config, input_a: Any, input_b: Any) -> dict[str, list[Any]]:
    equal = comparer(config)
    skip = list(config.skip_fields) or [""]  # n8n splits an empty setting into one empty name
    if not config.dot_notation and (dotted := next((f for f in skip if "." in f), None)):
        raise NodeError(
            f"skip_fields: dot notation is off, but the field to skip '{dotted}' holds a dot."
        )
    first = _items(input_a, "a", [p.a for p in config.fields], config)
    second = _items(input_b, "b", [p.b for p in config.fields], config)
    out: dict[str, list[Any]] = {handle: [] for handle in HANDLES}
    matched: set[int] = set()
    for entry in first:
        wanted = {pair.b: get(entry, pair.a, config.dot_notation) for pair in config.fields}
        missing = any(value is MISSING for value in wanted.values())
        found = [] if missing else _matches(wanted, second, config, equal)
        if not found:
            out["in_a_only"].append(entry)
            continue
        matched.update(found)
        kept: dict[str, Any] | None = None
        for index in found:
            match = second[index]
            if _same(
                _without_skipped(entry, skip, config),
                _without_skipped(match, skip, config),
                config,
                equal,
            ):
                if kept is None:
                    kept = match if config.fuzzy and config.resolve == "prefer_b" else entry
            elif config.resolve == "prefer_a":
                out["different"].append(entry)
            elif config.resolve == "prefer_b":
                out["different"].append(match)
            elif config.resolve == "mix":
                out["different"].append(_mix(entry, match, config))
            else:
                out["different"].append(_both(entry, match, config, skip, equal))
        if kept:
            out["same"].append(kept)
    out["in_b_only"] = [item for i, item in enumerate(second) if i not in matched]
    return out


def run(config: Config, ctx: RunContext) -> dict[str, list[Any]]:
    """{in_a_only, same, different, in_b_only}: the items of each, in input order."""
    return compare(config, config.input_a, config.input_b)


def route(config: Any, output: Any) -> list[str]:
    """The handles whose lists hold items: n8n runs nothing after an output with none."""
    if not isinstance(output, dict):
        return []
    return [handle for handle in HANDLES if output.get(handle)]


NODE = NodeType(
    type="utility.compare",
    label="Compare datasets",
    category="utility",
    description="Pairs the items of two lists by matching fields and sorts them into four "
    "outputs: in A only, the same, different, in B only.",
    Config=Config,
    run=run,
    handles=HANDLES,
    route=route,
    icon="≶",
    # Kept here rather than in editor/magic.py's EXAMPLES: the node brings its own, as an
    # integration's does.
    examples=(
        (
            "Compare the CRM contacts with the shop's customers by email, ignoring updated_at",
            {
                "input_a": "{{ nodes.crm.body.contacts }}",
                "input_b": "{{ nodes.shop.body.customers }}",
                "fields": [{"a": "email", "b": "email"}],
                "skip_fields": ["updated_at"],
            },
        ),
        (
            "Pair orders A and B by customer id and year, tolerating '3' vs 3, keeping B's "
            "version when they differ",
            {
                "input_a": "{{ nodes.orders_a.result }}",
                "input_b": "{{ nodes.orders_b.result }}",
                "fields": [{"a": "customer_id", "b": "customer_id"}, {"a": "year", "b": "year"}],
                "fuzzy": True,
                "resolve": "prefer_b",
            },
        ),
    ),
)
