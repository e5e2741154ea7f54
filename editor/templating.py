"""Workflow templates (DESIGN §5): `{{ ... }}` in config strings, rendered in a Jinja2 sandbox.

A string that is exactly one expression keeps the expression's native type; mixed text
renders to a string. A missing variable fails with a message naming the full path.
"""

from __future__ import annotations

import json
import operator
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from jinja2 import StrictUndefined, TemplateSyntaxError, Undefined, UndefinedError
from jinja2 import nodes as jnodes
from jinja2.exceptions import SecurityError
from jinja2.sandbox import ImmutableSandboxedEnvironment

CONTEXT_ROOTS = ("trigger", "nodes", "execution")
LOOP_ROOTS = ("item", "index")
MAX_REPEAT = 100_000  # longest string or list `*` may build
_ONE_EXPRESSION = re.compile(r"^\s*\{\{(?P<expr>.*?)\}\}\s*$", re.S)


class TemplateError(Exception):
    """A template could not be parsed or rendered; `variable` names the missing path, if any."""

    def __init__(self, message: str, *, variable: str | None = None, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.variable = variable
        self.field = field

    def at(self, field: str) -> TemplateError:
        """The same error, placed on a config field."""
        return TemplateError(f"{field}: {self.message}", variable=self.variable, field=field)


def _tojson(value: Any, indent: int | None = None) -> str:
    return json.dumps(value, ensure_ascii=False, indent=indent, default=str)


def _fromjson(text: str) -> Any:
    try:
        return json.loads(text)
    except (TypeError, json.JSONDecodeError) as exc:
        raise TemplateError(f"fromjson: not valid JSON ({exc})") from exc


def _format_date(value: Any, fmt: str = "%Y-%m-%d %H:%M:%S", tz: str | None = None) -> str:
    """Format a datetime, an ISO 8601 string or a Unix timestamp with strftime codes."""
    if isinstance(value, int | float):
        moment = datetime.fromtimestamp(value, tz=UTC)
    elif isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError as exc:
            raise TemplateError(f"format_date: {value!r} is not an ISO 8601 date") from exc
    elif isinstance(value, datetime):
        moment = value
    else:
        raise TemplateError(f"format_date: cannot format {type(value).__name__}")
    if tz:
        try:
            moment = moment.astimezone(ZoneInfo(tz))
        except ZoneInfoNotFoundError as exc:
            raise TemplateError(f"format_date: unknown time zone {tz!r}") from exc
    return moment.strftime(fmt)


class WorkflowEnvironment(ImmutableSandboxedEnvironment):
    """The sandbox, plus limits on `*` and `**` so a template cannot exhaust memory or CPU."""

    intercepted_binops = frozenset(["*", "**"])

    def getattr(self, obj: Any, attribute: str) -> Any:
        # Workflow data is JSON: `body.items` means the key "items", never dict.items().
        if isinstance(obj, dict):
            if attribute in obj:
                return obj[attribute]
            return self.undefined(obj=obj, name=attribute)
        return super().getattr(obj, attribute)

    def call_binop(self, context: Any, op: str, left: Any, right: Any) -> Any:
        if op == "*":
            for seq, times in ((left, right), (right, left)):
                if (
                    isinstance(seq, str | list | tuple)
                    and isinstance(times, int)
                    and len(seq) * times > MAX_REPEAT
                ):
                    raise SecurityError(f"the result of * would be longer than {MAX_REPEAT}")
            return operator.mul(left, right)
        if op == "**" and isinstance(right, int | float) and abs(right) > 1000:
            raise SecurityError("exponent larger than 1000")
        return super().call_binop(context, op, left, right)


ENV = WorkflowEnvironment(undefined=StrictUndefined, autoescape=False, keep_trailing_newline=True)
ENV.filters.update(tojson=_tojson, fromjson=_fromjson, format_date=_format_date)
ENV.globals = {"range": ENV.globals["range"], "dict": dict}


def is_template(value: Any) -> bool:
    return isinstance(value, str) and ("{{" in value or "{%" in value)


def _single_expression(text: str) -> str | None:
    match = _ONE_EXPRESSION.match(text)
    if match and "{{" not in match["expr"] and "}}" not in match["expr"]:
        return match["expr"]
    return None


@lru_cache(maxsize=4096)
def _compile(text: str) -> Any:
    expression = _single_expression(text)
    if expression is not None:
        return ENV.compile_expression(expression, undefined_to_none=False)
    return ENV.from_string(text).render


def parse(text: str) -> jnodes.Template:
    """The template's syntax tree; raises TemplateError on a syntax error."""
    try:
        expression = _single_expression(text)
        return ENV.parse("{{" + expression + "}}" if expression is not None else text)
    except TemplateSyntaxError as exc:
        raise TemplateError(f"Template syntax error: {exc.message} (line {exc.lineno})") from exc


def render(text: str, context: dict[str, Any]) -> Any:
    """Render one config string. One-expression strings keep their native type."""
    try:
        result = _compile(text)(**context)
        if isinstance(result, Undefined):
            str(result)  # raises the UndefinedError for a bare missing variable
        return result
    except UndefinedError as exc:
        raise _missing_variable(text, context, exc) from exc
    except SecurityError as exc:
        raise TemplateError(f"Not allowed in a template: {exc}") from exc
    except TemplateSyntaxError as exc:
        raise TemplateError(f"Template syntax error: {exc.message} (line {exc.lineno})") from exc
    except TemplateError:
        raise
    except (TypeError, ValueError, ArithmeticError, LookupError, AttributeError) as exc:
        raise TemplateError(f"Template failed: {exc}") from exc


def render_value(value: Any, context: dict[str, Any], field: str = "") -> Any:
    """Render every template string inside a JSON-like value; errors name the field."""
    if isinstance(value, str):
        if not is_template(value):
            return value
        try:
            return render(value, context)
        except TemplateError as exc:
            raise exc.at(field or "value") from exc
    if isinstance(value, dict):
        return {
            k: render_value(v, context, f"{field}.{k}" if field else str(k))
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [render_value(v, context, f"{field}[{i}]") for i, v in enumerate(value)]
    return value


def template_strings(value: Any, field: str = "") -> Iterator[tuple[str, str]]:
    """(field path, text) for every template string inside a config value."""
    if is_template(value):
        yield field, value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from template_strings(v, f"{field}.{k}" if field else str(k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from template_strings(v, f"{field}[{i}]")


def referenced_paths(tree: jnodes.Template) -> list[tuple[Any, ...]]:
    """Every variable path read by a template, e.g. ("nodes", "get_user", "body", "email"),
    leaving out names the template defines itself (loop variables, `set`)."""
    local = {n.name for n in tree.find_all(jnodes.Name) if n.ctx in ("store", "param")}
    paths: list[tuple[Any, ...]] = []

    def visit(node: jnodes.Node) -> None:
        if isinstance(node, jnodes.Getattr | jnodes.Getitem | jnodes.Name):
            chain = _chain(node)
            if chain is not None:
                if chain[0] not in local and node_ctx_is_load(node):
                    paths.append(chain)
                return
        for child in node.iter_child_nodes():
            visit(child)

    visit(tree)
    return paths


def node_ctx_is_load(node: jnodes.Node) -> bool:
    while isinstance(node, jnodes.Getattr | jnodes.Getitem):
        node = node.node
    return isinstance(node, jnodes.Name) and node.ctx == "load"


def _chain(node: jnodes.Node) -> tuple[Any, ...] | None:
    parts: list[Any] = []
    while True:
        if isinstance(node, jnodes.Getattr):
            parts.append(node.attr)
            node = node.node
        elif isinstance(node, jnodes.Getitem) and isinstance(node.arg, jnodes.Const):
            parts.append(node.arg.value)
            node = node.node
        elif isinstance(node, jnodes.Name):
            parts.append(node.name)
            return tuple(reversed(parts))
        else:
            return None


def format_path(path: tuple[Any, ...]) -> str:
    text = str(path[0])
    for part in path[1:]:
        text += f"[{part}]" if isinstance(part, int) else f".{part}"
    return text


def _missing_variable(text: str, context: dict[str, Any], exc: UndefinedError) -> TemplateError:
    try:
        paths = referenced_paths(parse(text))
    except TemplateError:
        paths = []
    for path in paths:
        if path[0] in ENV.globals:
            continue
        value: Any = context
        for depth, part in enumerate(path):
            found, value = _step(value, part)
            if not found:
                name = format_path(path[: depth + 1])
                where = f" ({format_path(path[:depth])} has no {part!r})" if depth else ""
                return TemplateError(f"'{name}' is undefined{where}", variable=name)
    return TemplateError(f"Undefined variable: {exc.message}")


def _step(value: Any, part: Any) -> tuple[bool, Any]:
    if isinstance(value, dict):
        return (part in value, value.get(part))
    if isinstance(value, list | tuple) and isinstance(part, int):
        return (
            -len(value) <= part < len(value),
            value[part] if -len(value) <= part < len(value) else None,
        )
    return (False, None)
