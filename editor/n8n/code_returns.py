"""How many items an n8n Code node running once for all items returns, when its code says so
plainly.

A Code node may return any number of items, so the item flow runs the per-item nodes after it
in a loop over what it returns (`items.ItemFlow`). Many return one item they build,
`return [{ json: { ... } }];` as their last and only `return`: n8n then emits exactly that one
item, and the nodes after it run once, on it. `returns_one` recognises that shape (JavaScript
and Python) and nothing looser: a list of one object literal, returned at the top level of the
code, as its last statement, with no other `return` anywhere (a `return` in a helper function
or a branch might return something else). JavaScript is read with the expression translator's
tokenizer, Python with the standard library's; code either cannot read counts as "not one".
"""

from __future__ import annotations

import io
import tokenize
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from editor.n8n.converter import N8nNode

OPENING, CLOSING = "([{", ")]}"


class _Token(NamedTuple):
    text: str  # a word or punctuator; strings, numbers and the like by their kind
    depth: int  # brackets open before it
    starts_statement: bool  # a `return` that is a statement of the code's own body


def returns_one(node: N8nNode) -> bool:
    """Whether the Code (or Function) node `node`, running once for all its items, returns a
    single item by its code's plain shape."""
    p = node.params
    if node.type.endswith(".function"):
        code, python = p.get("functionCode"), False
    else:
        python = (p.get("language") or "javaScript") in ("python", "pythonNative")
        code = p.get("pythonCode") if python else p.get("jsCode")
    if not isinstance(code, str):
        return False
    tokens = _python(code) if python else _javascript(code)
    if tokens is None:
        return False
    returns = [i for i, token in enumerate(tokens) if token.text == "return"]
    if len(returns) != 1 or not tokens[returns[0]].starts_statement:
        return False
    rest = [t.text for t in tokens[returns[0] + 1 :] if t.text != ";"]
    if len(rest) < 4 or rest[:2] != ["[", "{"] or rest[-1] != "]":
        return False
    depth = 0
    for i, text in enumerate(rest[1:], start=1):
        depth += (text in OPENING) - (text in CLOSING)
        if depth == 0:  # the object closes: nothing but the list's end may follow
            return rest[i + 1 :] in (["]"], [",", "]"])
    return False


def _javascript(code: str) -> list[_Token] | None:
    # Imported here: the expression translator's module needs the item flow, which needs this.
    from editor.n8n import expressions

    try:
        found = expressions.tokenize(code)
    except Exception:  # text the tokenizer cannot read
        return None
    tokens: list[_Token] = []
    depth = 0
    for token in found:
        if token.kind == "template" and "${" in token.text:
            return None  # an expression inside a template literal may hold a `return`
        text = token.text if token.kind in ("name", "punct") else token.kind
        # `if (x) return …` or `else return …` is not the only way the code ends.
        previous = tokens[-1].text if tokens else ";"
        tokens.append(_Token(text, depth, depth == 0 and previous in (";", "}")))
        depth += (text in OPENING) - (text in CLOSING)
        if depth < 0:
            return None
    return tokens if depth == 0 else None


def _python(code: str) -> list[_Token] | None:
    """n8n runs Python code as a function's body: a top-level `return` starts at column 0."""
    skipped = {tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT}
    tokens: list[_Token] = []
    depth = 0
    try:
        for token in tokenize.generate_tokens(io.StringIO(code).readline):
            if token.type in skipped or token.type == tokenize.ENDMARKER:
                continue
            if token.type in (tokenize.NAME, tokenize.OP):
                text = token.string
            else:
                text = tokenize.tok_name[token.type].lower()
            tokens.append(_Token(text, depth, depth == 0 and token.start[1] == 0))
            depth += (text in OPENING) - (text in CLOSING)
    except (tokenize.TokenError, SyntaxError):
        return None
    return tokens if depth == 0 else None
