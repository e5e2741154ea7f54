"""n8n conditions (IF, Switch) as WorkFuse rules: the operator tables and their translation."""

from __future__ import annotations

import re
from typing import Any

from editor.n8n.converter import Converter, N8nNode, Refusal
from editor.n8n.expressions import single
from editor.templating import is_template

OPERATORS = {
    "equals": "eq",
    "equal": "eq",
    "notEquals": "ne",
    "notEqual": "ne",
    "gt": "gt",
    "larger": "gt",
    "after": "gt",
    "gte": "gte",
    "largerEqual": "gte",
    "afterOrEquals": "gte",
    "lt": "lt",
    "smaller": "lt",
    "before": "lt",
    "lte": "lte",
    "smallerEqual": "lte",
    "beforeOrEquals": "lte",
    "contains": "contains",
    "notContains": "not_contains",
    "startsWith": "starts_with",
    "endsWith": "ends_with",
    "regex": "matches",
    "exists": "exists",
    "empty": "is_empty",
    "isEmpty": "is_empty",
}
LENGTH_OPERATORS = {
    "lengthEquals": "eq",
    "lengthNotEquals": "ne",
    "lengthGt": "gt",
    "lengthGte": "gte",
    "lengthLt": "lt",
    "lengthLte": "lte",
}
NEGATED = {"notStartsWith", "notEndsWith", "notRegex"}
CASE_FOLDED = {
    "equals",
    "notEquals",
    "contains",
    "notContains",
    "startsWith",
    "endsWith",
    "notStartsWith",
    "notEndsWith",
}


def filter_rules(
    node: N8nNode, cx: Converter, conditions: dict[str, Any]
) -> tuple[list[dict[str, Any]], str]:
    """n8n's filter parameter (IF v2, Switch v3) as WorkFuse rules and combinator."""
    ignore_case = (conditions.get("options") or {}).get("caseSensitive") is False
    rules = []
    for c in conditions.get("conditions") or []:
        operator = c.get("operator") or {}
        rules.append(
            comparison(
                node,
                cx,
                operator.get("type") or "string",
                operator.get("operation") or "equals",
                c.get("leftValue", ""),
                c.get("rightValue", ""),
                ignore_case=ignore_case,
            )
        )
    combinator = "or" if conditions.get("combinator") == "or" else "and"
    return rules, combinator


def comparison(
    node: N8nNode,
    cx: Converter,
    kind: str,
    operation: str,
    left_raw: Any,
    right_raw: Any,
    ignore_case: bool = False,
) -> dict[str, Any]:
    """One n8n condition as a WorkFuse rule {left, operator, right}."""
    left, right = cx.value(left_raw, node), cx.value(right_raw, node)
    if ignore_case and kind == "string" and operation in CASE_FOLDED:
        left, right = _lower(left), _lower(right)
    if operation in ("regex", "notRegex"):
        right = _regex(right, ignore_case)
    if operation in OPERATORS:
        op = OPERATORS[operation]
        if op in ("exists", "is_empty"):
            return {"left": maybe_missing(left), "operator": op}
        return {"left": left, "operator": op, "right": right}
    if operation == "notExists":
        return {"left": maybe_missing(left), "operator": "eq", "right": None}
    if operation in ("true", "false"):
        return {"left": left, "operator": "eq", "right": operation == "true"}
    if operation in ("notEmpty", "isNotEmpty"):
        return not_empty(left)
    if operation in LENGTH_OPERATORS:
        expression = single(left)
        if expression is None:
            raise Refusal(f"compares the length of a value that is not an expression ({left!r}).")
        return {
            "left": "{{ (" + expression + ") | length }}",
            "operator": LENGTH_OPERATORS[operation],
            "right": right,
        }
    if operation in NEGATED:
        return _negated(node, operation, left, right)
    raise Refusal(
        f"uses the comparison '{operation}' ({kind}), which WorkFuse conditions do not have. "
        "Change it in n8n and export again."
    )


NONE = " | default(none)"


def maybe_missing(left: Any) -> Any:
    """n8n's existence and emptiness tests are how a workflow asks whether a field is there:
    a missing one is `undefined` to them. A WorkFuse template fails on a missing field
    (DESIGN §5), so the test's value reads it as none instead (`default` takes Jinja's
    undefined); a missing object on the way (`$json.a.b` without `a`) still fails, as n8n's
    expression does."""
    expression = single(left)
    return left if expression is None else "{{ " + _or_none(expression) + " }}"


def _or_none(expression: str) -> str:
    return expression if expression.endswith(NONE) else f"({expression}){NONE}"


def not_empty(left: Any) -> dict[str, Any]:
    """WorkFuse has `is_empty` but no negation of it; test the same emptiness in the template."""
    expression = single(left)
    if expression is not None:
        return {
            "left": "{{ (" + _or_none(expression) + ") in [none, '', [], {}] }}",
            "operator": "eq",
            "right": False,
        }
    if is_template(left):
        return {"left": left, "operator": "ne", "right": ""}
    return {"left": left in (None, "", [], {}), "operator": "eq", "right": False}


def _negated(node: N8nNode, operation: str, left: Any, right: Any) -> dict[str, Any]:
    """'does not start with' and friends, as a regular expression that fails on a match."""
    if is_template(right) or not isinstance(right, str | int | float):
        raise Refusal(
            f"uses '{operation}' against an expression; WorkFuse has no negated form of that "
            "comparison. Use the positive comparison and swap the outputs in n8n, then export again."
        )
    flags, body = _split_flags(str(right))
    if operation == "notStartsWith":
        pattern = r"\A(?!" + re.escape(body) + ")"
    elif operation == "notEndsWith":
        pattern = r"\A(?![\s\S]*" + re.escape(body) + r"\Z)"
    else:
        pattern = r"\A(?![\s\S]*?(?:" + body + "))"
    return {"left": left, "operator": "matches", "right": flags + pattern}


def _regex(value: Any, ignore_case: bool) -> Any:
    """n8n accepts `/pattern/flags`; Python wants inline flags."""
    if not isinstance(value, str) or is_template(value):
        return value
    match = re.fullmatch(r"/(.*)/([a-z]*)", value, re.S)
    pattern, flags = (match.group(1), match.group(2)) if match else (value, "")
    inline = "".join(sorted({f for f in flags + ("i" if ignore_case else "") if f in "ims"}))
    return (f"(?{inline})" if inline else "") + pattern


def _split_flags(pattern: str) -> tuple[str, str]:
    match = re.match(r"\(\?[a-zA-Z]+\)", pattern)
    return (match.group(0), pattern[match.end() :]) if match else ("", pattern)


def _lower(value: Any) -> Any:
    if isinstance(value, str) and not is_template(value):
        return value.lower()
    expression = single(value)
    if expression is not None:
        return "{{ (" + expression + ") | lower }}"
    if is_template(value):
        return "{% filter lower %}" + value + "{% endfilter %}"
    return value
