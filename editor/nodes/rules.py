"""Comparison rules shared by `logic.condition` and `logic.switch` (DESIGN §4 operators).

Comparisons are type-aware: a number and a numeric string compare as numbers, "true"/"false"
compare with booleans, two ISO 8601 dates compare as moments in time.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any, Literal

from pydantic import Field

from editor.nodes.base import NodeConfig, NodeError

Operator = Literal[
    "eq",
    "ne",
    "gt",
    "gte",
    "lt",
    "lte",
    "contains",
    "not_contains",
    "starts_with",
    "ends_with",
    "matches",
    "exists",
    "is_empty",
]
UNARY = {"exists", "is_empty"}


class Rule(NodeConfig):
    left: Any = Field(
        ..., description="The value to test, usually a template such as '{{ trigger.body.total }}'."
    )
    operator: Operator = Field(
        "eq",
        description="eq, ne, gt, gte, lt, lte, contains, not_contains, starts_with, ends_with, matches (regular "
        "expression), exists (not null), is_empty (null, '', [] or {}).",
    )
    right: Any = Field(
        None, description="The value to compare with (not used by exists and is_empty)."
    )


class RuleSet(NodeConfig):
    combinator: Literal["and", "or"] = Field(
        "and", description="'and': every rule must hold; 'or': any rule."
    )
    rules: list[Rule] = Field(..., min_length=1, description="The rules to test.")


def evaluate(rule_set: RuleSet) -> bool:
    results = (check(rule.left, rule.operator, rule.right) for rule in rule_set.rules)
    return all(results) if rule_set.combinator == "and" else any(results)


def check(left: Any, op: str, right: Any) -> bool:
    if op == "exists":
        return left is not None
    if op == "is_empty":
        return left is None or (isinstance(left, str | list | dict) and len(left) == 0)
    if op in ("eq", "ne"):
        a, b = _align(left, right)
        return (a == b) if op == "eq" else (a != b)
    if op in ("gt", "gte", "lt", "lte"):
        return _order(left, op, right)
    if op in ("contains", "not_contains"):
        found = _contains(left, right)
        return found if op == "contains" else not found
    if op == "starts_with":
        return _text(left).startswith(_text(right))
    if op == "ends_with":
        return _text(left).endswith(_text(right))
    if op == "matches":
        try:
            return re.search(_text(right), _text(left)) is not None
        except re.error as exc:
            raise NodeError(f"'{right}' is not a valid regular expression: {exc}") from exc
    raise NodeError(f"Unknown operator '{op}'")


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value.strip())
        except ValueError:
            return None
    return None


def _date(value: Any) -> datetime | None:
    if isinstance(value, str) and len(value) >= 10 and value[4:5] == "-":
        try:
            return datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return None
    return None


def _align(left: Any, right: Any) -> tuple[Any, Any]:
    """Bring two values to a common type when one is the text form of the other's type."""
    if isinstance(left, bool) or isinstance(right, bool):
        return _boolish(left), _boolish(right)
    if isinstance(left, int | float) or isinstance(right, int | float):
        a, b = _number(left), _number(right)
        if a is not None and b is not None:
            return a, b
    da, db = _date(left), _date(right)
    if da is not None and db is not None and (da.tzinfo is None) == (db.tzinfo is None):
        return da, db
    return left, right


def _boolish(value: Any) -> Any:
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    return value


def _order(left: Any, op: str, right: Any) -> bool:
    a, b = _number(left), _number(right)
    if a is None or b is None:
        a, b = _align(left, right)
    try:
        if op == "gt":
            return a > b
        if op == "gte":
            return a >= b
        if op == "lt":
            return a < b
        return a <= b
    except TypeError as exc:
        raise NodeError(
            f"Cannot compare {type(left).__name__} {left!r} with {type(right).__name__} {right!r} using '{op}'"
        ) from exc


def _contains(left: Any, right: Any) -> bool:
    if isinstance(left, str):
        return _text(right) in left
    if isinstance(left, list):
        return any(_align(item, right)[0] == _align(item, right)[1] for item in left)
    if isinstance(left, dict):
        return _text(right) in left
    return False


def _text(value: Any) -> str:
    return "" if value is None else str(value)
