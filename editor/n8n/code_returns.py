"""How many items an n8n Code node running once for all items returns, when its code says so
plainly.

A Code node may return any number of items, so the item flow runs the per-item nodes after it
in a loop over what it returns (`items.ItemFlow`). Many return one item they build,
`return [{ json: { ... } }];` as their last and only `return`: n8n then emits exactly that one
item, and the nodes after it run once, on it. `returns_one` recognises that shape (JavaScript
and Python) and nothing looser: a list of one object literal, returned at the top level of the
code, as its last statement, with no other `return` anywhere (a `return` in a helper function
or a branch might return something else).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from editor.n8n.converter import N8nNode

_WORD = re.compile(r"[A-Za-z_$][A-Za-z0-9_$]*")


def returns_one(node: N8nNode) -> bool:
    """Whether the Code (or Function) node `node`, running once for all its items, returns a
    single item by its code's plain shape."""
    p = node.params
    if node.type.endswith(".function"):
        code, python = p.get("functionCode"), False
    else:
        language = p.get("language") or "javaScript"
        python = language in ("python", "pythonNative")
        code = p.get("pythonCode") if python else p.get("jsCode")
    if not isinstance(code, str):
        return False
    tokens = _tokens(code, python)
    if tokens is None:
        return False
    returns = [
        i for i, (kind, text, _, _) in enumerate(tokens) if kind == "word" and text == "return"
    ]
    if len(returns) != 1:
        return False
    start = returns[0]
    if tokens[start][2] != 0:  # inside brackets: a function's or an object's, not the code's
        return False
    before = tokens[start - 1][1] if start else ";"
    if python and not _line_start(code, tokens[start][3]):
        return False  # indented: in a block (Python's top level is n8n's function body)
    if not python and before not in (";", "}"):
        return False  # `if (x) return ...`, `else return ...`: not the only way the code ends
    rest = [t for t in tokens[start + 1 :] if t[1] != ";"]
    if len(rest) < 4 or rest[0][1] != "[" or rest[1][1] != "{" or rest[-1][1] != "]":
        return False
    depth = 0
    for i, (_, text, _, _) in enumerate(rest[1:], start=1):
        if text in ("[", "{", "("):
            depth += 1
        elif text in ("]", "}", ")"):
            depth -= 1
            if depth == 0:  # the object closes: nothing but the list's end may follow
                return [t[1] for t in rest[i + 1 :]] in (["]"], [",", "]"])
    return False


def _tokens(code: str, python: bool) -> list[tuple[str, str, int, int]] | None:
    """(kind, text, bracket depth before it, offset) for each word and punctuation character of
    `code`, strings and comments left out; None when the code cannot be followed (an
    unterminated string, a template literal holding an expression, unbalanced brackets)."""
    tokens: list[tuple[str, str, int, int]] = []
    depth, i, n = 0, 0, len(code)
    while i < n:
        c = code[i]
        if c.isspace():
            i += 1
        elif (python and c == "#") or (not python and code.startswith("//", i)):
            end = code.find("\n", i)
            i = n if end < 0 else end
        elif not python and code.startswith("/*", i):
            end = code.find("*/", i + 2)
            if end < 0:
                return None
            i = end + 2
        elif c in "'\"`":
            quote = code[i : i + 3] if python and code[i : i + 3] in ('"""', "'''") else c
            j = i + len(quote)
            while j < n and not code.startswith(quote, j):
                if code[j] == "\\":
                    j += 1
                elif (c == "`" and code.startswith("${", j)) or (
                    len(quote) == 1 and c != "`" and code[j] == "\n"
                ):
                    return None  # an expression in a template literal; a string left open
                j += 1
            if j >= n:
                return None
            tokens.append(("string", "", depth, i))
            i = j + len(quote)
        elif match := _WORD.match(code, i):
            tokens.append(("word", match.group(), depth, i))
            i = match.end()
        else:
            tokens.append(("punct", c, depth, i))
            if c in "([{":
                depth += 1
            elif c in ")]}":
                depth -= 1
                if depth < 0:
                    return None
            i += 1
    return tokens if depth == 0 else None


def _line_start(code: str, offset: int) -> bool:
    return code[code.rfind("\n", 0, offset) + 1 : offset] == ""
