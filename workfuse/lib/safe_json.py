"""Untrusted JSON parsed within limits: nesting depth, integer size, finite numbers, storable text.

Every JSON body the app accepts (webhooks, the API, imports, forms) goes through `loads`, so a
hostile body is answered with a message naming where and why, never with a `RecursionError`
or a database error later. The limits (docs/security.md, "Input limits"):

* nesting: at most `WORKFUSE_MAX_JSON_DEPTH` objects/arrays inside each other (default 64),
  measured on the text *before* `json.loads` recurses into it;
* integers: within a signed 64-bit integer (the literal is refused by its length before it is
  converted, so a 5,000-digit number costs nothing);
* other numbers: finite (`NaN`, `Infinity`, `1e999` are refused);
* text: no NUL character and no unpaired UTF-16 surrogate (PostgreSQL's jsonb stores neither).

`check` applies the same limits to a value built some other way (a webhook's query or form).
Imports no app: this is the platform layer.
"""

from __future__ import annotations

import gc
import itertools
import json
import math
import operator
import re
from typing import Any

from django.conf import settings

DEFAULT_MAX_DEPTH = 64
INT_MIN = -(2**63)
INT_MAX = 2**63 - 1
_INT_DIGITS = len(str(INT_MAX))  # 19

# A JSON string literal (escapes included); what is left once they are gone holds the brackets.
_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")
# Escapes worth a closer look: \u0000 and surrogates (a false alarm only costs a walk).
_SUSPICIOUS_ESCAPE = re.compile(r"\\u(?:0000|[dD][89a-fA-F])")

# Keys shown bare in a path (`a.b`); any other is quoted (`a["x.y"]`).
_PLAIN_KEY = re.compile(r"[A-Za-z_$][\w$-]*", re.ASCII)

Path = tuple[str | int, ...]


class JsonRefused(ValueError):
    """The text is not JSON (`syntax`), or holds JSON beyond the limits; `path` says where
    (() = all of it)."""

    def __init__(self, reason: str, path: Path = (), *, syntax: bool = False):
        self.reason, self.path, self.syntax = reason, path, syntax
        super().__init__(self.message)

    @property
    def field(self) -> str:
        """The place as `items[3].amount` ("" for the whole document)."""
        out = ""
        for part in self.path:
            if isinstance(part, int):
                out += f"[{part}]"
            elif _PLAIN_KEY.fullmatch(part):
                out += f".{part}" if out else part
            else:
                out += f"[{json.dumps(part)}]"
        return out

    @property
    def detail(self) -> str:
        """The reason as a sentence of its own (for `details: [{field, message}]`)."""
        return self.reason[:1].upper() + self.reason[1:]

    @property
    def message(self) -> str:
        if self.syntax:
            return f"This is not valid JSON: {self.reason}"
        return f"At '{self.field}': {self.reason}" if self.path else self.reason


class _Refused:
    """Stands in for a refused number while `json.loads` runs; `_locate` finds it afterwards."""

    def __init__(self, reason: str):
        self.reason = reason


def max_depth() -> int:
    return int(getattr(settings, "WORKFUSE_MAX_JSON_DEPTH", DEFAULT_MAX_DEPTH))


def loads(data: str | bytes | bytearray, *, depth: int | None = None) -> Any:
    """Parse untrusted JSON, or raise `JsonRefused` saying what is wrong and where."""
    limit = max_depth() if depth is None else depth
    text = _decoded(data)
    if _nesting_exceeds(text, limit):
        raise JsonRefused(
            f"The JSON nests objects and arrays more than {limit} levels deep; "
            f"at most {limit} are accepted."
        )
    refused: list[_Refused] = []

    def mark(reason: str) -> _Refused:
        refused.append(_Refused(reason))
        return refused[-1]

    def parse_int(literal: str) -> Any:
        digits = len(literal) - literal.startswith("-")
        if digits > _INT_DIGITS:
            return mark(f"the integer has {digits} digits; {_INT_RANGE}")
        value = int(literal)
        return (
            value
            if INT_MIN <= value <= INT_MAX
            else mark(f"{literal} is out of range; {_INT_RANGE}")
        )

    def parse_float(literal: str) -> Any:
        value = float(literal)
        if math.isfinite(value):
            return value
        shown = literal if len(literal) <= 40 else f"{literal[:20]}…"
        return mark(f"{shown} is beyond the range of a finite number; {_FLOAT_RANGE}")

    def parse_constant(name: str) -> Any:
        return mark(f"{name} is not a number JSON allows; {_FLOAT_RANGE}")

    collecting = gc.isenabled()
    # Parsing makes only acyclic lists and dicts, up to a megabyte's worth: the cyclic
    # collector would walk the whole heap of a long-lived process again and again meanwhile
    # (3x the parse time on a small heap, far more on a large one). Paused for the parse only.
    gc.disable()
    try:
        value = json.loads(
            text, parse_int=parse_int, parse_float=parse_float, parse_constant=parse_constant
        )
    except json.JSONDecodeError as exc:
        raise JsonRefused(
            f"{exc.msg} at line {exc.lineno}, column {exc.colno}.", syntax=True
        ) from exc
    except RecursionError as exc:  # unreachable after the depth scan; kept as a backstop
        raise JsonRefused("The JSON nests objects and arrays too deeply.") from exc
    finally:
        if collecting:
            gc.enable()
    if refused or _SUSPICIOUS_ESCAPE.search(text):
        check(value, depth=limit)
    return value


def check(value: Any, *, depth: int | None = None) -> None:
    """Raise `JsonRefused` for the first thing in `value` (in document order) beyond the limits."""
    limit = max_depth() if depth is None else depth
    problem = _locate(value, (), limit)
    if problem is not None:
        raise JsonRefused(*problem)


_INT_RANGE = f"integers must be between {INT_MIN} and {INT_MAX}."
_FLOAT_RANGE = "numbers must be finite (send a string for anything else)."


def _decoded(data: str | bytes | bytearray) -> str:
    if isinstance(data, str):
        return data
    encoding = json.detect_encoding(data)
    try:
        return bytes(data).decode(encoding)
    except UnicodeDecodeError as exc:
        raise JsonRefused(
            f"the bytes are not {encoding.upper()} text (byte {exc.start}).", syntax=True
        ) from exc


def _nesting_exceeds(text: str, limit: int) -> bool:
    """Whether brackets outside strings nest deeper than `limit`. A mismatched bracket only
    makes the count high; `json.loads` then refuses the text before it recurses that far.

    The running depth is counted by C iterators (~30 ms for 2 MB of brackets; a Python loop
    takes ten times that): with an opening bracket worth 2 and a closing one 0, the running
    sum minus the position is the depth after each bracket."""
    brackets = _NOT_BRACKET.sub("", _STRING.sub("", text))
    if brackets.count("[") + brackets.count("{") <= limit:
        return False
    worth = brackets.translate(_BRACKET_WORTH).encode("latin-1")
    return max(map(operator.sub, itertools.accumulate(worth), itertools.count(1))) > limit


_BRACKET_WORTH = str.maketrans({"[": "\x02", "{": "\x02", "]": "\x00", "}": "\x00"})


def _locate(value: Any, path: Path, limit: int) -> tuple[str, Path] | None:
    """The first problem at or under `value` (at `path`), in document order."""
    if isinstance(value, _Refused):
        return value.reason, path
    if isinstance(value, str):
        problem = _text_problem(value)
        return (f"the text {problem}", path) if problem else None
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        ok = INT_MIN <= value <= INT_MAX
        return None if ok else (f"the integer is out of range; {_INT_RANGE}", path)
    if isinstance(value, float):
        return None if math.isfinite(value) else (f"{value} is not finite; {_FLOAT_RANGE}", path)
    if isinstance(value, dict | list | tuple):
        if len(path) >= limit:
            return f"objects and arrays nest more than {limit} levels deep here.", path
        items = value.items() if isinstance(value, dict) else enumerate(value)
        for key, item in items:
            if isinstance(key, str) and (problem := _text_problem(key)):
                return f"the key {problem}", (*path, key)
            found = _locate(item, (*path, key), limit)
            if found is not None:
                return found
    return None


def _text_problem(text: str) -> str | None:
    if "\x00" in text:
        return "contains the NUL character (\\u0000), which cannot be stored."
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        code = ord(text[exc.start])
        return f"contains an unpaired UTF-16 surrogate (\\u{code:04x}), which is not valid Unicode."
    return None


def text_problem(value: Any, path: Path = ()) -> tuple[str, Path] | None:
    """The first text in `value` (keys included) that PostgreSQL's jsonb cannot store, and
    where; unlike `check`, numbers and depth are left alone (a node's output may hold them)."""
    if isinstance(value, str):
        problem = _text_problem(value)
        return (f"the text {problem}", path) if problem else None
    if isinstance(value, dict | list | tuple):
        items = value.items() if isinstance(value, dict) else enumerate(value)
        for key, item in items:
            if isinstance(key, str) and (problem := _text_problem(key)):
                return f"the key {problem}", (*path, key)
            found = text_problem(item, (*path, key))
            if found is not None:
                return found
    return None


def storable(value: Any) -> Any:
    """`value` with every NUL character and unpaired surrogate in its texts replaced (by
    U+FFFD and '?'), for messages made from what a server or a library said: an error is kept
    as well as it can be rather than refused."""
    if isinstance(value, str):
        if "\x00" in value:
            value = value.replace("\x00", "\ufffd")
        return value.encode("utf-8", "replace").decode("utf-8")
    if isinstance(value, dict):
        return {storable(k): storable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [storable(item) for item in value]
    return value
