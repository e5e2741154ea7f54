"""Workflow templates (DESIGN §5): `{{ ... }}` in config strings, rendered in a Jinja2 sandbox.

A string that is exactly one expression keeps the expression's native type; mixed text
renders to a string. A missing variable fails with a message naming the full path.

Rendering is bounded (docs/security.md): a config's templates get `WORKFUSE_TEMPLATE_CPU_MS`
of CPU time in all (loops stop there), no text or list they build may pass
`WORKFUSE_MAX_STEP_OUTPUT_BYTES`, and the operations a single C call could make huge (padding,
repetition, replacement, joining, format widths, big-integer powers and products) are checked
before they run. A result that is not JSON data fails at once, naming the expression.

Imported n8n expressions that have no exact template form call `n8n('<JavaScript>', json=...,
refs={...})`: the JavaScript runs in the code sandbox (never in this process) with n8n's names
over the data the other arguments name; each call gets `N8N_CALL_MS` and all the calls of one
rendering `N8N_RENDER_MS` of sandbox time (docs/n8n-import.md, "Expressions"). The filters
`n8n_text` and `n8n_string` write a value as n8n does inside text and as JavaScript's `String()`.
"""

from __future__ import annotations

import json
import math
import operator
import re
import string
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime
from decimal import Decimal
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from jinja2 import (
    StrictUndefined,
    Template,
    TemplateSyntaxError,
    Undefined,
    UndefinedError,
    pass_context,
)
from jinja2 import filters as jfilters
from jinja2 import nodes as jnodes
from jinja2.exceptions import SecurityError
from jinja2.runtime import Context
from jinja2.sandbox import ImmutableSandboxedEnvironment

from workfuse.lib import files, n8n_binary
from workfuse.lib.cpu_budget import BudgetExceeded, cpu_budget
from workfuse.lib.node_run import NodeError

CONTEXT_ROOTS = ("trigger", "nodes", "execution", "workflow")
# What `execution` and `workflow` hold (DESIGN §5); `resume_url` only where a utility.wait is.
CONTEXT_KEYS = {"execution": ("id", "started_at", "resume_url"), "workflow": ("id", "name")}
LOOP_ROOTS = ("item", "index")
REPEAT_ROOTS = ("iteration", "carried")  # inside a logic.repeat's body
ROUND_ROOTS = ("iteration", "last")  # in a repeat's round fields, read after each round
MAX_REPEAT = 100_000  # longest string or list `*` may build
MAX_INT_BITS = 100_000  # largest integer `*` and `**` may build (about 30,000 digits)
_WIDTH = re.compile(r"%[-+ #0]*(\*|\d+)?(?:\.(\*|\d+))?")
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

    intercepted_binops = frozenset(["*", "**", "%"])

    def getattr(self, obj: Any, attribute: str) -> Any:
        # Workflow data is JSON: `body.items` means the key "items", never dict.items().
        if isinstance(obj, dict):
            if attribute in obj:
                return obj[attribute]
            return self.undefined(obj=obj, name=attribute)
        return super().getattr(obj, attribute)

    def getitem(self, obj: Any, argument: Any) -> Any:
        # `x['count']` on workflow data means a key, never a method: Jinja would fall back to
        # the attribute (list.count) when the lookup fails.
        if isinstance(argument, str) and isinstance(obj, _JSON_VALUES):
            if isinstance(obj, dict) and argument in obj:
                return obj[argument]
            return self.undefined(obj=obj, name=argument)
        return super().getitem(obj, argument)

    def call_binop(self, context: Any, op: str, left: Any, right: Any) -> Any:
        if op == "*":
            for seq, times in ((left, right), (right, left)):
                sized = isinstance(seq, str | list | tuple) and isinstance(times, int)
                if sized and len(seq) * times > MAX_REPEAT:
                    raise SecurityError(f"the result of * would be longer than {MAX_REPEAT}")
            if _is_int(left) and _is_int(right):
                _check_bits(left.bit_length() + right.bit_length(), "*")
            return operator.mul(left, right)
        if op == "**" and isinstance(right, int | float):
            if abs(right) > 1000:
                raise SecurityError("exponent larger than 1000")
            if _is_int(left) and _is_int(right) and right > 0:
                _check_bits(left.bit_length() * right, "**")
        if op == "%" and isinstance(left, str):
            _check_printf(left)
        return super().call_binop(context, op, left, right)

    def wrap_str_format(self, value: Any) -> Any:
        """`'{:>999999999}'.format(1)`: the sandbox hands out its own wrapper for str.format
        at attribute access, so the format's widths are checked here."""
        owner = getattr(value, "__self__", None)
        if isinstance(owner, str) and getattr(value, "__name__", "") in ("format", "format_map"):
            _check_format_spec(owner)
        return super().wrap_str_format(value)

    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        """Method calls on strings that could build a huge string in one C call are sized
        first (`'a'.center(10**9)`, `s.replace('a', s)`, `s.join(...)`)."""
        owner = getattr(__obj, "__self__", None)
        if isinstance(owner, str):
            _check_str_method(owner, getattr(__obj, "__name__", ""), args, kwargs)
        return super().call(__context, __obj, *args, **kwargs)


_JSON_VALUES = (dict, list, tuple, str, int, float, type(None))


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _max_text() -> int:
    return int(settings.WORKFUSE_MAX_STEP_OUTPUT_BYTES)


def _check_bits(bits: int, op: str) -> None:
    if bits > MAX_INT_BITS:
        raise SecurityError(f"the result of {op} would be an integer over {MAX_INT_BITS} bits")


def _check_length(length: int, what: str) -> None:
    if length > _max_text():
        raise SecurityError(
            f"{what} would build {length:,} characters, over the "
            f"{_max_text():,} limit (WORKFUSE_MAX_STEP_OUTPUT_BYTES)"
        )


def _check_width(width: Any, what: str) -> None:
    if _is_int(width):
        _check_length(width, what)


def _check_printf(text: str) -> None:
    """`'%999999999d' % 1`: widths and precisions in a printf-style format are bounded."""
    for match in _WIDTH.finditer(text):
        for part in match.groups():
            if part == "*":
                raise SecurityError("'*' widths are not allowed in % formatting")
            if part:
                _check_length(int(part), "this % format")


def _check_format_spec(text: str) -> None:
    """`'{:>999999999}'.format(1)`: widths in str.format specs are bounded."""
    try:
        fields = list(string.Formatter().parse(text))
    except ValueError:
        return  # str.format will raise the same error itself
    for _, _, spec, _ in fields:
        if spec and "{" in spec:
            raise SecurityError("nested fields in a format spec are not allowed")
        for number in re.findall(r"\d+", spec or ""):
            _check_length(int(number), "this format")


def _check_str_method(text: str, name: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    if name in ("center", "ljust", "rjust", "zfill") and args:
        _check_width(args[0], f"{name}()")
    elif name == "expandtabs":
        tab = args[0] if args else kwargs.get("tabsize", 8)
        if _is_int(tab):
            _check_length(len(text) + text.count("\t") * tab, "expandtabs()")
    elif name == "replace" and len(args) >= 2 and isinstance(args[0], str):
        old, new = args[0], args[1]
        if isinstance(new, str):
            hits = text.count(old) if old else len(text) + 1
            _check_length(len(text) + hits * len(new), "replace()")
    elif name == "join" and args:
        items = args[0]
        if isinstance(items, list | tuple):
            total = sum(len(i) for i in items if isinstance(i, str)) + len(text) * len(items)
            _check_length(total, "join()")


def _center(value: Any, width: int = 80) -> str:
    _check_width(width, "center")
    return jfilters.do_center(value, width)


def _indent(value: Any, width: int | str = 4, first: bool = False, blank: bool = False) -> str:
    pad = len(width) if isinstance(width, str) else width if _is_int(width) else 0
    _check_length(len(str(value)) + (str(value).count("\n") + 1) * pad, "indent")
    return jfilters.do_indent(value, width, first, blank)


def _format(value: Any, *args: Any, **kwargs: Any) -> str:
    if isinstance(value, str):
        _check_printf(value)
    return jfilters.do_format(value, *args, **kwargs)


def _join(context: Any, value: Any, d: str = "", attribute: Any = None) -> str:
    if isinstance(value, list | tuple):
        _check_str_method(d, "join", (value,), {})
    return jfilters.sync_do_join(context, value, d, attribute)


def _replace(context: Any, value: Any, old: Any, new: Any, count: int | None = None) -> str:
    if isinstance(value, str):
        _check_str_method(value, "replace", (old, new), {})
    return jfilters.do_replace(context, value, old, new, count)


def _batch(value: Any, linecount: int, fill_with: Any = None) -> Any:
    if fill_with is not None:
        _check_width(linecount, "batch")
    return jfilters.do_batch(value, linecount, fill_with)


def _slice(value: Any, slices: int, fill_with: Any = None) -> Any:
    _check_width(slices, "slice")
    return jfilters.do_slice(value, slices, fill_with)


ENV = WorkflowEnvironment(undefined=StrictUndefined, autoescape=False, keep_trailing_newline=True)
ENV.filters.update(tojson=_tojson, fromjson=_fromjson, format_date=_format_date)
# Jinja's own filters that could build a huge value in one call, checked first.
_join.jinja_pass_arg = jfilters.sync_do_join.jinja_pass_arg  # type: ignore[attr-defined]
_replace.jinja_pass_arg = jfilters.do_replace.jinja_pass_arg  # type: ignore[attr-defined]
ENV.filters.update(
    center=_center,
    indent=_indent,
    format=_format,
    join=_join,
    replace=_replace,
    batch=_batch,
    slice=_slice,
)
ENV.globals = {"range": ENV.globals["range"], "dict": dict}


# --- n8n expressions ------------------------------------------------------------------------

N8N_CALL_MS = 1000  # sandbox time of one n8n() call
N8N_RENDER_MS = 10_000  # sandbox time of all the n8n() calls of one rendering
# Runs an n8n expression in the code sandbox: (JavaScript, the n8n data, timeout in ms) -> its
# value, or NodeError. The sandbox lives under editor/nodes, which imports this module, so
# editor/nodes/action_code.py hands it over at import (`install_javascript`).
JavaScript = Callable[[str, dict[str, Any], int], Any]
_javascript: JavaScript | None = None
# When the n8n() calls of the rendering under way must be done (time.monotonic()).
_js_deadline: ContextVar[float | None] = ContextVar("n8n_deadline", default=None)


def install_javascript(run: JavaScript) -> None:
    global _javascript
    _javascript = run


def js_string(value: Any) -> str:
    """JavaScript's `String(value)` for JSON data: `true`, `null`, `1,2`, `[object Object]`."""
    _fail_if_undefined(value)
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        # Beyond 2**53 JavaScript holds the nearest double.
        return str(value) if abs(value) <= 2**53 else _js_number(float(value))
    if isinstance(value, float):
        return _js_number(value)
    if isinstance(value, list | tuple):
        return ",".join("" if v is None else js_string(v) for v in value)
    if isinstance(value, dict):
        return "[object Object]"
    return str(value)


def n8n_text(value: Any) -> str:
    """A value as n8n writes it inside text (`Hi {{ $json.name }}`): as `String()` does, but
    null (and a missing value) is empty."""
    _fail_if_undefined(value)
    return "" if value is None else js_string(value)


def _js_number(value: float) -> str:
    """How JavaScript writes a number: the shortest digits that read back as the same double,
    `1` for 1.0, `1e-7`, `1e+21`, `0.00001`, `54622780157957230`."""
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    if value == 0:
        return "0"
    text = repr(value)
    if "e" not in text:
        return text.removesuffix(".0")
    mantissa, exponent = text.split("e")
    power = int(exponent)
    if -7 < power < 21:
        return format(Decimal(text), "f")
    return f"{mantissa}e{'+' if power > 0 else '-'}{abs(power)}"


def _fail_if_undefined(value: Any) -> None:
    if isinstance(value, Undefined):
        value._fail_with_undefined_error()


@pass_context
def _n8n(
    context: Context,
    source: Any,
    json: Any = None,
    refs: Any = None,
    lists: Any = None,
    items: Any = None,
    aliases: Any = None,
    tz: Any = None,
    prev: Any = None,
    binary: Any = None,
) -> Any:
    """An n8n expression, run in the code sandbox with n8n's names: `$json` is `json`,
    `$input.all()` is `items` (default `[json]`), `$('Name')` reads `refs` and `lists`;
    `binary` ({"" | name: {property: file value}}) the files of the input item and of named
    nodes' items, as n8n's `$binary` and `.binary` (workfuse/lib/n8n_binary.py)."""
    if not isinstance(source, str) or not source.strip():
        raise TemplateError("n8n(): its first argument is the JavaScript expression, as text")
    if _javascript is None:
        raise TemplateError("n8n(): the code sandbox is not available in this process")
    for value in (json, items, *_values(refs), *_values(lists)):
        _fail_if_undefined(value)
    data: dict[str, Any] = {
        "mode": "expression",
        "json": json,
        "items": items if isinstance(items, list) else None,
        "refs": refs if isinstance(refs, dict) else {},
        "lists": lists if isinstance(lists, dict) else {},
        "aliases": aliases if isinstance(aliases, dict) else {},
        "tz": tz if isinstance(tz, str) else None,
        "prev": prev if isinstance(prev, str) else None,
        "execution": _n8n_execution(context.get("execution")),
        "workflow": _plain(context.get("workflow"), ("id", "name")),
        "itemIndex": context.get("index") if _is_int(context.get("index")) else 0,
    }
    if isinstance(binary, dict):
        data["binary"] = _n8n_binaries(binary)
    deadline = _js_deadline.get() or time.monotonic() + N8N_CALL_MS / 1000
    left_ms = int((deadline - time.monotonic()) * 1000)
    if left_ms < 10:
        raise TemplateError(
            f"n8n expressions: they ran for more than {N8N_RENDER_MS // 1000} s in all in this "
            "step and were stopped"
        )
    try:
        return _outside_budget(_javascript, source, data, min(N8N_CALL_MS, left_ms))
    except NodeError as exc:
        short = " ".join(source.split())
        short = short if len(short) <= 80 else short[:77] + "..."
        raise TemplateError(f"n8n expression `{short}`: {exc.message}") from None


def _n8n_binaries(binary: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The files an n8n expression reads as n8n binary objects; a node that made no such
    file this time (or did not run) has none, as in n8n."""
    made: dict[str, dict[str, Any]] = {}
    for name, by in binary.items():
        made[name] = {}
        for prop, value in by.items() if isinstance(by, dict) else ():
            if value is None or isinstance(value, Undefined):
                continue
            try:
                made[name][prop] = n8n_binary.binary_object(value, f"the file in '{prop}'")
            except files.FileError as exc:
                raise TemplateError(f"n8n(): {exc}") from None
    return made


def _values(named: Any) -> list[Any]:
    return list(named.values()) if isinstance(named, dict) else []


def _plain(value: Any, keys: tuple[str, ...]) -> dict[str, Any]:
    source = value if isinstance(value, dict) else {}
    return {k: source[k] for k in keys if k in source}


def _n8n_execution(value: Any) -> dict[str, Any]:
    execution = _plain(value, ("id", "resume_url"))
    return {"id": execution.get("id"), "resumeUrl": execution.get("resume_url")}


def _outside_budget(run: JavaScript, source: str, data: dict[str, Any], timeout_ms: int) -> Any:
    """Call the sandbox from a thread of its own: the CPU budget of a rendering interrupts its
    thread anywhere (cpu_budget), and the sandbox pool's bookkeeping must never be cut short.
    The rendering thread only waits, which costs it no CPU time."""
    outcome: dict[str, Any] = {}

    def call() -> None:
        try:
            outcome["value"] = run(source, data, timeout_ms)
        except BaseException as exc:  # handed to the rendering thread
            outcome["error"] = exc

    thread = threading.Thread(target=call, name="n8n-expression", daemon=True)
    thread.start()
    thread.join()
    if "error" in outcome:
        raise outcome["error"]
    return outcome.get("value")


# JavaScript's Number() on text (what n8n's field types convert with): decimal, or 0x/0o/0b.
JS_DECIMAL = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")
JS_RADIX = re.compile(r"0([xX][0-9a-fA-F]+|[oO][0-7]+|[bB][01]+)")


def n8n_typed(value: Any, kind: str, field: str) -> Any:
    """A field's value converted to its n8n type (number, boolean, array, object) as n8n's
    Edit Fields node does, stopping the step with n8n's message when it does not convert."""
    if not isinstance(value, str):
        return value
    text = value.strip()
    if kind == "number":
        if text == "":
            return 0  # Number('') is 0
        if JS_DECIMAL.fullmatch(text):
            number = float(text)
            if math.isfinite(number):
                return int(number) if number.is_integer() and abs(number) < 2**53 else number
        elif JS_RADIX.fullmatch(text):
            return int(text, 0)
    elif kind == "boolean":
        if text.lower() in ("true", "false"):
            return text.lower() == "true"
        if text and JS_DECIMAL.fullmatch(text) and float(text) in (0, 1):
            return float(text) == 1
    elif kind in ("array", "object"):
        try:
            parsed = json.loads(text)
        except ValueError:
            parsed = None
        if isinstance(parsed, list if kind == "array" else dict):
            return parsed
    else:
        return value
    raise TemplateError(
        f"'{field}' expects a{'n' if kind[0] in 'ao' else ''} {kind} but we got '{value}'"
    )


ENV.filters.update(n8n_text=n8n_text, n8n_string=js_string, n8n_typed=n8n_typed)
ENV.globals["n8n"] = _n8n


def is_template(value: Any) -> bool:
    return isinstance(value, str) and ("{{" in value or "{%" in value)


def _single_expression(text: str) -> str | None:
    match = _ONE_EXPRESSION.match(text)
    if match and "{{" not in match["expr"] and "}}" not in match["expr"]:
        return match["expr"]
    return None


@lru_cache(maxsize=4096)
def _compile(text: str) -> Any:
    """A callable for a one-expression string, else the Template (rendered chunk by chunk)."""
    expression = _single_expression(text)
    if expression is not None:
        return ENV.compile_expression(expression, undefined_to_none=False)
    return ENV.from_string(text)


def parse(text: str) -> jnodes.Template:
    """The template's syntax tree; raises TemplateError on a syntax error."""
    try:
        expression = _single_expression(text)
        return ENV.parse("{{" + expression + "}}" if expression is not None else text)
    except TemplateSyntaxError as exc:
        raise TemplateError(f"Template syntax error: {exc.message} (line {exc.lineno})") from exc


@contextmanager
def budget() -> Iterator[None]:
    """The CPU budget of one rendering: a whole config, or a data node's pass over its items
    (editor/nodes/items.py). Renderings nested inside share the outer one."""
    ms = settings.WORKFUSE_TEMPLATE_CPU_MS
    outermost = _js_deadline.get() is None
    token = _js_deadline.set(time.monotonic() + N8N_RENDER_MS / 1000) if outermost else None
    try:
        with cpu_budget(ms / 1000):
            yield
    except BudgetExceeded:
        raise TemplateError(
            f"templates: they took more than {ms} ms of CPU time and were stopped "
            "(WORKFUSE_TEMPLATE_CPU_MS); loop over less data"
        ) from None
    finally:
        if token is not None:
            _js_deadline.reset(token)


def render(text: str, context: dict[str, Any]) -> Any:
    """Render one config string. One-expression strings keep their native type."""
    with budget():
        return _render(text, context)


def _render(text: str, context: dict[str, Any]) -> Any:
    try:
        compiled = _compile(text)
        if not isinstance(compiled, Template):
            result = compiled(**context)
            if isinstance(result, Undefined):
                str(result)  # raises the UndefinedError for a bare missing variable
            _check_data(result, text)
            return result
        return _joined(compiled.generate(**context))
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


def _joined(chunks: Iterator[str]) -> str:
    """Mixed text, built chunk by chunk so that a loop's output stops at the size limit."""
    limit, size, parts = _max_text(), 0, []
    for chunk in chunks:
        size += len(chunk)
        if size > limit:
            raise SecurityError(
                f"the text would be over {limit:,} characters (WORKFUSE_MAX_STEP_OUTPUT_BYTES)"
            )
        parts.append(chunk)
    return "".join(parts)


def _check_data(value: Any, text: str) -> None:
    """A one-expression result must be JSON data within the size limit (counted without
    building it: a list may hold the same long string many times)."""
    limit, size, todo = _max_text(), 0, [value]
    while todo:
        item = todo.pop()
        if item is None or isinstance(item, bool | int | float):
            size += 8
        elif isinstance(item, str):
            size += len(item) + 2
        elif isinstance(item, list | tuple):
            size += 2 + len(item)
            todo.extend(item)
        elif isinstance(item, dict):
            size += 2 + len(item)
            for key, child in item.items():
                if not isinstance(key, str):
                    raise TemplateError(f"{text.strip()} gave an object with a non-text key")
                size += len(key) + 3
                todo.append(child)
        else:
            kind = type(item).__name__
            hint = " (add |list)" if kind == "generator" else ""
            raise TemplateError(f"{text.strip()} gave a {kind}, which is not JSON data{hint}")
        if size > limit:
            raise TemplateError(
                f"{text.strip()} gave a value over {limit:,} bytes (WORKFUSE_MAX_STEP_OUTPUT_BYTES)"
            )


def render_value(value: Any, context: dict[str, Any], field: str = "") -> Any:
    """Render every template string inside a JSON-like value; errors name the field. The
    whole value shares one CPU budget."""
    with budget():
        return _render_value(value, context, field)


def _render_value(value: Any, context: dict[str, Any], field: str) -> Any:
    if isinstance(value, str):
        if not is_template(value):
            return value
        try:
            return _render(value, context)
        except TemplateError as exc:
            raise exc.at(field or "value") from exc
    if isinstance(value, dict):
        return {
            k: _render_value(v, context, f"{field}.{k}" if field else str(k))
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [_render_value(v, context, f"{field}[{i}]") for i, v in enumerate(value)]
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
