"""Comparison rules and AND/OR groups of them, shared by `logic.condition`, `logic.switch` and
`utility.filter` (DESIGN §4 operators).

A rule is `{left, operator, right}`; wherever rules appear, an entry may instead be a group
`{combinator, rules}`, nested to any depth, so precedence is explicit. Comparisons are
type-aware: a number and a numeric string compare as numbers, "true"/"false" compare with
booleans, two ISO 8601 dates compare as moments in time.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Annotated, Any, Literal, Union

from pydantic import Field, WrapValidator

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


def _rule_or_group(value: Any, handler: Any) -> Rule | RuleSet:
    """An entry with `rules` is a group, anything else a rule: each validated as that one
    model, so an error names the entry's own fields (`rules[1].rules[0].left`), not a guess
    at which of the two it failed to be."""
    if isinstance(value, Rule | RuleSet):
        return value
    if isinstance(value, dict) and "rules" in value:
        return RuleSet.model_validate(value)
    return Rule.model_validate(value)


# A union for the JSON Schema (what the form and Magic Input read); validated by the shape.
RuleNode = Annotated[Union[Rule, "RuleSet"], WrapValidator(_rule_or_group)]


class RuleSet(NodeConfig):
    """A group: its rules (or groups) joined by one combinator."""

    combinator: Literal["and", "or"] = Field(
        "and", description="'and': every rule must hold; 'or': any rule."
    )
    rules: list[RuleNode] = Field(
        ...,
        min_length=1,
        description="The rules to test. An entry may itself be a group "
        "{combinator, rules} to mix 'and' and 'or', e.g. a and (b or c).",
    )


RuleSet.model_rebuild()


def _as_written(rule: Rule) -> tuple[Any, Any]:
    return rule.left, rule.right


def evaluate(group: Any, operands: Callable[[Rule], tuple[Any, Any]] = _as_written) -> bool:
    """Whether a group holds. `group` has `combinator` and `rules` (a RuleSet, or a node's
    Config shaped like one); `operands` gives a rule's left and right as compared
    (`utility.filter` renders its per-item templates there). Stops at the first rule that
    decides, as `and`/`or` do."""

    def holds(rule: Rule | RuleSet) -> bool:
        if isinstance(rule, RuleSet):
            return evaluate(rule, operands)
        left, right = operands(rule)
        return check(left, rule.operator, right)

    results = (holds(rule) for rule in group.rules)
    return all(results) if group.combinator == "and" else any(results)


def places(rules: list[Rule | RuleSet], where: str) -> Iterator[tuple[int, str]]:
    """Each rule's place in a config (`rules[1].rules[0]`), by the rule's id(), for messages."""
    for i, rule in enumerate(rules):
        if isinstance(rule, RuleSet):
            yield from places(rule.rules, f"{where}[{i}].rules")
        else:
            yield id(rule), f"{where}[{i}]"


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
