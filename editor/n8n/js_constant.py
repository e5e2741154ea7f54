"""The value of an n8n expression that is one JavaScript literal: an object or array of
strings, numbers, booleans and null (`{{ { onlyMainContent: true, removeTags: 'img' } }}`),
which n8n evaluates to that value whatever the run holds."""

from __future__ import annotations

import re
from typing import Any

from editor.n8n import expressions

WHOLE = re.compile(r"=\s*\{\{(?P<expr>.*)\}\}\s*", re.S)
WORDS = {"true": True, "false": False, "null": None}


class NotConstant(Exception):
    pass


def constant(value: Any) -> tuple[bool, Any]:
    """(True, the value) for an n8n expression (`={{ ... }}`) that is one literal, else
    (False, None)."""
    match = WHOLE.fullmatch(value) if isinstance(value, str) else None
    if match is None or "{{" in match.group("expr"):
        return False, None
    try:
        tokens = expressions.tokenize(match.group("expr"))
        result, end = _literal(tokens, 0)
    except (NotConstant, IndexError):
        return False, None
    except Exception:  # text the tokenizer cannot read is no literal either
        return False, None
    return (True, result) if end == len(tokens) else (False, None)


def _literal(tokens: list[expressions.Token], at: int) -> tuple[Any, int]:
    token = tokens[at]
    if token.kind in ("string", "number"):
        return token.value, at + 1
    if token.kind == "name" and token.text in WORDS:
        return WORDS[token.text], at + 1
    if token.text == "-" and tokens[at + 1].kind == "number":
        return -tokens[at + 1].value, at + 2
    if token.text == "[":
        items: list[Any] = []
        at += 1
        while tokens[at].text != "]":
            item, at = _literal(tokens, at)
            items.append(item)
            at = _after_item(tokens, at, "]")
        return items, at + 1
    if token.text == "{":
        out: dict[str, Any] = {}
        at += 1
        while tokens[at].text != "}":
            key = tokens[at]
            if key.kind not in ("name", "string") or tokens[at + 1].text != ":":
                raise NotConstant
            out[str(key.value if key.kind == "string" else key.text)], at = _literal(tokens, at + 2)
            at = _after_item(tokens, at, "}")
        return out, at + 1
    raise NotConstant


def _after_item(tokens: list[expressions.Token], at: int, closing: str) -> int:
    if tokens[at].text == ",":
        return at + 1
    if tokens[at].text != closing:
        raise NotConstant
    return at
