"""n8n expressions as WorkFuse templates (docs/n8n-import.md, "Expressions").

n8n expressions are JavaScript. Each `{{ ... }}` block becomes, in this order of preference:

1. an exact native template, when its JavaScript meaning and the template's agree for every
   JSON value: property paths on `$json`, `$('Node').item.json`, `$node["Node"].json`,
   `$input.first().json` and friends, `$execution.id`, `$execution.resumeUrl`, `$workflow.id`
   and `.name`, literals, `+` joining text, and `===`/`!==` against a literal. Field names that
   are Python or JavaScript attributes (`count`, `items`, `length`) are read as keys or left to
   JavaScript; text blocks print values as n8n does (`n8n_text`: `true`, not `True`);
2. otherwise the JavaScript itself, run in the code sandbox by the template function
   `n8n('<JavaScript>', json=..., refs={...})` with n8n's names over the data it names.

`$env` is refused: WorkFuse workflows cannot read the server's environment.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from editor.n8n.binary_reads import binary_reads  # binaryexpr
from editor.n8n.items import ONCE_AS_IS  # loopbody

if TYPE_CHECKING:  # the converter imports this module
    from editor.n8n.converter import Converter, N8nNode

# A template path (`trigger`, `nodes.<id>.body`, `item`) and the n8n output fields read from it
# that WorkFuse names differently (n8n path -> WorkFuse path).
Reference = tuple[str, dict[str, str]]
# The reference for the node an expression names (`$('Name')`, `$node["Name"]`), or for the
# node's input (`$json`, `$input`) when given None; None when there is nothing to refer to.
Resolver = Callable[[str | None], Reference | None]
# The template path of the list of n8n items a node emits (its input's for None), for nodes
# that may emit several; None for one-item nodes.
Lister = Callable[[str | None], str | None]

_BLOCK = re.compile(r"\{\{(.*?)\}\}", re.S)
# Attributes a value of a JSON type has in Python, which Jinja would find where JavaScript finds
# nothing (`[1, 2].count`): such fields are read as keys (`x['count']`).
_PYTHON_ATTRIBUTES = frozenset(
    name for kind in (str, list, dict, int, float, bool, type(None)) for name in dir(kind)
)
# Names JavaScript finds on every value or on text and lists: left to JavaScript.
_JS_PROPERTIES = frozenset(
    {
        "length",
        "constructor",
        "prototype",
        "__proto__",
        "toString",
        "valueOf",
        "hasOwnProperty",
        "isPrototypeOf",
        "propertyIsEnumerable",
        "toLocaleString",
        "__defineGetter__",
        "__defineSetter__",
        "__lookupGetter__",
        "__lookupSetter__",
    }
)
# Names that make an expression read the node's input items.
_INPUT_NAMES = frozenset(
    {"$json", "$input", "items", "$item", "$items", "$data", "$thisItem", "$binary"}
)


class Untranslatable(Exception):
    """An expression that has no WorkFuse form at all; the message says why and what to do."""


@dataclass(frozen=True)
class Scope:
    """What the expressions of one n8n node can read."""

    resolve: Resolver
    lists: Lister = lambda name: None
    timezone: str | None = None  # the n8n workflow's, for $now and $today
    previous: str | None = None  # the n8n name of the node's input, for $prevNode
    # binaryexpr: the template path of the file in a binary property of the input item (None)
    # or of a named node's item, for `$binary` (raises Untranslatable when WorkFuse has none)
    files: Callable[[str | None, str], str] | None = None


def scope_of(cx: Converter, node: N8nNode) -> Scope:
    """What `node`'s expressions and code can read in the export `cx` converts, with the item
    flow's view of which nodes emit several items (editor/n8n/items.py)."""

    def resolve(name: str | None) -> Reference | None:
        return cx.output_ref(name, None, set()) if name else cx.input_ref(node)

    def lists(name: str | None) -> str | None:
        if name is None:
            received = cx.input_list(node)
            inside = cx.flow.unknown_until_done(received, node)
            if inside is not None:
                fix = "put an Aggregate before it in n8n"
                if node.type not in ONCE_AS_IS:
                    fix = "set 'Execute Once' on it in n8n if it should run once, or " + fix
                raise Untranslatable(
                    f"reads all its input items ($input.all(), .first(), .last(), items) "
                    f"inside the loop WorkFuse adds over the items of '{inside}', where each "
                    "run knows only its own item (n8n ran this node once all items had come "
                    f"through the nodes before it); {fix}, then export again."
                )
            one = len(received.parts) == 1 and getattr(received.parts[0], "one", False)
            return None if one or not received.parts else received.jinja()
        source = cx.nodes.get(name)
        out = cx.flow.out.get((name, 0))
        if source is None or out is None or cx.flow.is_container(source):
            return None
        # As `Converter._first_item` reads it: a list when the node emits several items, or
        # ran in a loop this node is not in.
        here = cx.flow.scope.get(node.name, ())
        away = bool(out.scope) and out.scope[-1] in cx.flow.loops and out.scope[-1] not in here
        if not (away or out.many):
            return None
        return cx.flow.items_of((name, 0), cx.flow.outer(here)).jinja()

    def files(name: str | None, prop: str) -> str:
        from editor.n8n.converter import Refusal  # the converter imports this module

        if name is None:
            try:
                return cx.file_ref(node, prop).removeprefix("{{ ").removesuffix(" }}")
            except Refusal as exc:
                raise Untranslatable(str(exc)) from exc
        path = cx.file_made_by(name, prop)
        if path is None:
            raise Untranslatable(
                f"reads the file in binary property '{prop}' of '{name}', which WorkFuse does "
                "not keep (WorkFuse keeps the files of HTTP Request's file responses, Convert "
                "to File and the nodes docs/n8n-import.md lists); make the file with one of "
                "them in n8n, then export again."
            )
        return path

    settings = cx.data.get("settings")
    timezone = settings.get("timezone") if isinstance(settings, dict) else None
    parents = cx.parents.get(node.name)
    return Scope(
        resolve,
        lists,
        timezone if isinstance(timezone, str) and timezone else None,
        parents[0][0] if parents else None,
        files,
    )


def translate(text: str, scope: Scope | Resolver) -> str:
    """The template for an n8n expression (the text after its leading `=`); raises
    Untranslatable for one that has no WorkFuse form."""
    if not isinstance(scope, Scope):
        scope = Scope(scope)
    blocks = list(_BLOCK.finditer(text))
    if len(blocks) == 1:
        before, after = text[: blocks[0].start()], text[blocks[0].end() :]
        if not before and not after:
            return "{{ " + _block(blocks[0].group(1), scope)[0] + " }}"
        if not before.strip() and not after.strip():
            # Blank text around one block: n8n makes text of it, a template would not.
            inner = _text_of(*_block(blocks[0].group(1), scope))
            pieces = [_quote(before)] if before else []
            pieces += [inner, _quote(after)] if after else [inner]
            return "{{ " + " ~ ".join(pieces) + " }}"
    parts: list[str] = []
    last = 0
    for match in blocks:
        parts.append(literal(text[last : match.start()], in_template=True))
        parts.append("{{ " + _text_of(*_block(match.group(1), scope)) + " }}")
        last = match.end()
    parts.append(literal(text[last:], in_template=last > 0))
    return "".join(parts)


def _text_of(expression: str, is_text: bool) -> str:
    """A block inside text prints its value the way n8n does."""
    if is_text:
        return expression
    if _PATH.fullmatch(expression) or expression.startswith("n8n("):
        return f"{expression} | n8n_text"
    return f"({expression}) | n8n_text"


_PATH = re.compile(
    r"""[A-Za-z_]\w*(?:\.[A-Za-z_]\w*|\[-?\d+\]|\['(?:[^'\\]|\\.)*'\]|\["(?:[^"\\]|\\.)*"\])*"""
)


def _block(source: str, scope: Scope) -> tuple[str, bool]:
    """The Jinja expression for one block, and whether its value is always text."""
    if not source.strip():
        return "''", True
    tokens: list[Token] | None
    scanned: list[Token] | None
    try:
        tokens = tokenize(source)
        scanned = flat(tokens)
    except _Unreadable:
        tokens = scanned = None
    if tokens is not None and scanned is not None:
        names = {t.text for t in scanned if t.kind == "name"}
        if "$env" in names:
            raise Untranslatable(
                f"its expression {{{{{source}}}}} reads $env, the environment variables of the "
                "n8n server, which WorkFuse workflows cannot read. Put the value in the workflow "
                "(or in a credential, for a secret) and import again."
            )
        exact = _Exact(tokens, scope).translate()
        if exact is not None:
            return exact
    return _javascript(source, scanned, scope), False


# --- reading JavaScript ---------------------------------------------------------------------


@dataclass(frozen=True)
class Token:
    kind: str  # name, number, string, template, regex, punct
    text: str
    value: Any = None  # a string's or number's value


class _Unreadable(Exception):
    pass


_PUNCTUATORS = sorted(
    re.findall(
        r"\S+",
        ">>>= ... === !== **= <<= >>= >>> ?? ?. => == != <= >= && || ++ -- += -= *= /= %= &= |= "
        "^= ** << >> { } ( ) [ ] ; , < > + - * / % & | ^ ! ~ ? : = . @ #",
    ),
    key=len,
    reverse=True,
)
_NAME = re.compile(r"[A-Za-z_$][\w$]*")
_NUMBER = re.compile(
    r"(?:0[xX][0-9a-fA-F_]+|0[bB][01_]+|0[oO][0-7_]+"
    r"|(?:\d[\d_]*\.?[\d_]*|\.\d[\d_]*)(?:[eE][+-]?\d+)?)n?"
)
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f", "v": "\v", "0": "\0"}
# After these, a `/` starts a regular expression rather than a division.
_BEFORE_REGEX = frozenset(
    re.findall(
        r"\S+",
        "( , = : [ ! & | ? { } ; + - * % < > ~ ^ => == != === !== && || ?? return typeof case do "
        "else in instanceof new void delete throw",
    )
)


def tokenize(source: str) -> list[Token]:
    """JavaScript tokens (enough to read expressions: strings, regexes and template literals
    are kept whole); raises _Unreadable on text that is not JavaScript."""
    tokens: list[Token] = []
    i, n = 0, len(source)
    while i < n:
        c = source[i]
        if c.isspace():
            i += 1
        elif source.startswith("//", i):
            end = source.find("\n", i)
            i = n if end < 0 else end
        elif source.startswith("/*", i):
            end = source.find("*/", i + 2)
            if end < 0:
                raise _Unreadable
            i = end + 2
        elif c in "'\"":
            start = i
            value, i = _string(source, i)
            tokens.append(Token("string", source[start:i], value))
        elif c == "`":
            end = _template_end(source, i)
            tokens.append(Token("template", source[i:end]))
            i = end
        elif c == "/" and (not tokens or tokens[-1].text in _BEFORE_REGEX):
            end = _regex_end(source, i)
            tokens.append(Token("regex", source[i:end]))
            i = end
        elif (m := _NUMBER.match(source, i)) and (c.isdigit() or c == "."):
            text = m.group(0)
            tokens.append(Token("number", text, _number(text)))
            i = m.end()
        elif m := _NAME.match(source, i):
            tokens.append(Token("name", m.group(0)))
            i = m.end()
        else:
            punct = next((p for p in _PUNCTUATORS if source.startswith(p, i)), None)
            if punct is None:
                raise _Unreadable
            tokens.append(Token("punct", punct))
            i += len(punct)
    return tokens


def _string(source: str, start: int) -> tuple[str, int]:
    quote, i = source[start], start + 1
    out: list[str] = []
    while i < len(source):
        c = source[i]
        if c == quote:
            # JavaScript strings are UTF-16: "\ud83d\ude00" is one character.
            text = "".join(out).encode("utf-16", "surrogatepass").decode("utf-16", "replace")
            return text, i + 1
        if c == "\\":
            i += 1
            if i >= len(source):
                break
            e = source[i]
            if e == "x" and re.fullmatch(r"[0-9a-fA-F]{2}", source[i + 1 : i + 3]):
                out.append(chr(int(source[i + 1 : i + 3], 16)))
                i += 3
            elif e == "u" and re.fullmatch(r"[0-9a-fA-F]{4}", source[i + 1 : i + 5]):
                out.append(chr(int(source[i + 1 : i + 5], 16)))
                i += 5
            elif e == "u" and (m := re.match(r"\{([0-9a-fA-F]{1,6})\}", source[i + 1 :])):
                out.append(chr(int(m.group(1), 16)))
                i += 1 + m.end()
            elif e in "\r\n":  # a line continuation
                i += 2 if source.startswith("\r\n", i) else 1
            else:
                out.append(_ESCAPES.get(e, e))
                i += 1
        elif c in "\r\n":
            break
        else:
            out.append(c)
            i += 1
    raise _Unreadable


def _template_end(source: str, start: int) -> int:
    i, depth = start + 1, 0
    while i < len(source):
        c = source[i]
        if c == "\\":
            i += 2
        elif depth == 0 and c == "`":
            return i + 1
        elif depth == 0 and source.startswith("${", i):
            depth, i = 1, i + 2
        elif depth and c in "'\"":
            i = _string(source, i)[1]
        elif depth and c == "`":
            i = _template_end(source, i)
        elif depth and c == "{":
            depth, i = depth + 1, i + 1
        elif depth and c == "}":
            depth, i = depth - 1, i + 1
        else:
            i += 1
    raise _Unreadable


def flat(tokens: list[Token]) -> list[Token]:
    """`tokens` with the tokens of each template literal's `${...}` parts after it, to read
    which names an expression uses (`${$json.key}`, `${$('Node').item.json.x}`)."""
    out: list[Token] = []
    for token in tokens:
        out.append(token)
        if token.kind == "template":
            for part in _substitutions(token.text):
                out += flat(tokenize(part))
    return out


def _substitutions(text: str) -> list[str]:
    """The sources of the `${...}` parts of a template literal (its text, backticks included)."""
    parts: list[str] = []
    i, depth, start = 1, 0, 0
    while i < len(text) - 1:
        c = text[i]
        if c == "\\":
            i += 2
        elif depth == 0 and text.startswith("${", i):
            depth, i = 1, i + 2
            start = i
        elif depth and c in "'\"":
            i = _string(text, i)[1]
        elif depth and c == "`":
            i = _template_end(text, i)
        elif depth and c == "{":
            depth, i = depth + 1, i + 1
        elif depth and c == "}":
            depth, i = depth - 1, i + 1
            if depth == 0:
                parts.append(text[start : i - 1])
        else:
            i += 1
    return parts


def _regex_end(source: str, start: int) -> int:
    i, in_class = start + 1, False
    while i < len(source):
        c = source[i]
        if c == "\\":
            i += 2
            continue
        if c in "\r\n":
            break
        if c == "[":
            in_class = True
        elif c == "]":
            in_class = False
        elif c == "/" and not in_class:
            m = re.compile(r"[a-z]*").match(source, i + 1)
            return m.end() if m else i + 1
        i += 1
    raise _Unreadable


def _number(text: str) -> int | float | None:
    clean = text.replace("_", "")
    if clean.endswith("n"):
        return None  # a BigInt: not JSON
    try:
        if clean[:2].lower() in ("0x", "0b", "0o"):
            return int(clean, 0)
        value = float(clean)
    except ValueError:
        return None
    return int(value) if value.is_integer() and abs(value) < 2**53 and "." not in clean else value


# --- 1. exact translations --------------------------------------------------------------------


class _Exact:
    """A recursive-descent reader of the forms that have an exact template; `translate()` gives
    (Jinja expression, is text) or None when the block is anything else."""

    def __init__(self, tokens: list[Token], scope: Scope):
        self.tokens = tokens
        self.scope = scope
        self.at = 0

    def translate(self) -> tuple[str, bool] | None:
        try:
            result = self._expression()
        except _NotExact:
            return None
        return result if self.at == len(self.tokens) else None

    def _peek(self, offset: int = 0) -> Token | None:
        index = self.at + offset
        return self.tokens[index] if index < len(self.tokens) else None

    def _take(self, text: str | None = None, kind: str | None = None) -> Token:
        token = self._peek()
        if token is None or (text is not None and token.text != text):
            raise _NotExact
        if kind is not None and token.kind != kind:
            raise _NotExact
        self.at += 1
        return token

    def _is_word(self, text: str) -> bool:
        token = self._peek()
        return token is not None and token.text == text and token.kind == "name"

    def _is(self, text: str, offset: int = 0) -> bool:
        token = self._peek(offset)
        return token is not None and token.text == text and token.kind == "punct"

    def _expression(self) -> tuple[str, bool]:
        first = self._operand()
        if self._is("===") or self._is("!=="):
            negate = self._take().text == "!=="
            second = self._operand()
            return self._strict_equality(first, second, negate), False
        if not self._is("+"):
            return first[0], first[1] == "text"
        operands = [first]
        while self._is("+"):
            self._take()
            operands.append(self._operand())
        # JavaScript adds left to right: once one side is text, every `+` after joins text.
        if operands[0][1] != "text" and operands[1][1] != "text":
            raise _NotExact
        joined = [expr if kind == "text" else f"({expr}) | n8n_string" for expr, kind in operands]
        return " ~ ".join(joined), True

    def _strict_equality(self, left: tuple[str, str], right: tuple[str, str], negate: bool) -> str:
        """`===` is exact against a text, a number, true/false or null on one side."""
        if left[1] != "value" and right[1] == "value":
            left, right = right, left
        if right[1] == "value":
            raise _NotExact  # two values of unknown type: JavaScript compares objects by identity
        value, literal_kind = left[0], right[1]
        if literal_kind == "null":
            test = f"({value}) is none"
        elif literal_kind == "boolean":
            test = f"({value}) is {right[0]}"
        elif literal_kind == "number":
            # Python's True == 1; JavaScript's true !== 1.
            test = f"(({value}) is number and ({value}) is not boolean and ({value}) == {right[0]})"
        else:
            test = f"({value}) == {right[0]}"
        return f"not {test}" if negate else test

    def _operand(self) -> tuple[str, str]:
        """(Jinja expression, kind): kind is text, number, boolean, null or value (unknown)."""
        token = self._take()
        if token.kind == "string":
            return _quote(token.value), "text"
        if token.kind == "number" and isinstance(token.value, int):
            return str(token.value), "number"
        if token.kind == "name" and token.text in ("true", "false"):
            return token.text, "boolean"
        if token.kind == "name" and token.text == "null":
            return "none", "null"
        if token.kind != "name":
            raise _NotExact
        if token.text == "$runIndex":  # WorkFuse runs a node once per execution (or item)
            return "0", "number"
        if token.text in _RUN_FIELDS:
            return self._run_field(token.text), "value"
        ref = self._root(token.text)
        return _path(ref[0], self._segments(), ref[1]), "value"

    def _run_field(self, root: str) -> str:
        self._take(".")
        field = self._take(kind="name").text
        known = _RUN_FIELDS[root]
        if field not in known or self._is(".") or self._is("[") or self._is("("):
            raise _NotExact
        return known[field]

    def _root(self, name: str) -> Reference:
        """The reference an item's json root stands for: `$json`, `$input.item.json`,
        `$('X').item.json`, `$node["X"].json`."""
        if name == "$json":
            return self._resolved(None, "item")
        if name == "$input":
            self._take(".")
            return self._resolved(None, self._item_pick())
        if name == "$" and self._is("("):
            self._take("(")
            node = self._take(kind="string").value
            self._take(")")
            self._take(".")
            return self._resolved(node, self._item_pick())
        if name == "$node":
            if self._is("["):
                self._take("[")
                node = self._take(kind="string").value
                self._take("]")
            else:
                self._take(".")
                node = self._take(kind="name").text
            self._take(".")
            if self._is_word("data"):  # n8n's older name for `.json` on `$node[...]`
                self._take("data")
            else:
                self._take("json")
            return self._resolved(node, "item")
        raise _NotExact

    def _item_pick(self) -> str:
        """`item.json`, `first().json` or `last().json` after `$input.` or `$('X').`."""
        pick = self._take(kind="name").text
        if pick in ("first", "last"):
            self._take("(")
            self._take(")")
        elif pick != "item":
            raise _NotExact
        self._take(".")
        self._take("json")
        return pick

    def _resolved(self, node: str | None, pick: str) -> Reference:
        ref = self.scope.resolve(node)
        if ref is None:
            raise _NotExact
        if pick == "item":
            return ref
        many = self.scope.lists(node)
        if many is None:
            return ref
        # A node that emits several items: the first or last of them.
        return (many + ("[0]" if pick == "first" else "[-1]"), ref[1])

    def _segments(self) -> list[str | int]:
        segments: list[str | int] = []
        while True:
            if self._is(".") and (nxt := self._peek(1)) is not None and nxt.kind == "name":
                if self._is("(", 2):
                    raise _NotExact  # a method call
                self.at += 2
                segments.append(nxt.text)
            elif self._is("["):
                self._take("[")
                key = self._take()
                self._take("]")
                if key.kind != "string" and not isinstance(key.value, int):
                    raise _NotExact
                segments.append(key.value)
            else:
                return segments
            if isinstance(segments[-1], str) and segments[-1] in _JS_PROPERTIES:
                raise _NotExact


class _NotExact(Exception):
    pass


_RUN_FIELDS = {
    "$execution": {
        "id": "execution.id",
        "resumeUrl": "execution.resume_url",
        "resumeFormUrl": "execution.resume_url",
    },
    "$workflow": {"id": "workflow.id", "name": "workflow.name"},
    # WorkFuse's own name, which the Wait family writes into the export for n8n's
    # `$execution.resumeUrl` before anything converts (wait.with_resume_urls).
    "execution": {"id": "execution.id", "resume_url": "execution.resume_url"},
}


def _path(prefix: str, segments: list[str | int], aliases: dict[str, str]) -> str:
    """`prefix` plus the fields read from it, renaming n8n output fields WorkFuse calls
    differently (an agent's `output` is WorkFuse's `response`)."""
    for old, new in aliases.items():
        parts = old.split(".")
        if segments[: len(parts)] == parts:
            segments = [*new.split("."), *segments[len(parts) :]]
            break
    text = prefix
    for segment in segments:
        if isinstance(segment, int):
            text += f"[{segment}]"
        elif re.fullmatch(r"[A-Za-z][A-Za-z0-9_]*", segment) and segment not in _PYTHON_ATTRIBUTES:
            text += f".{segment}"
        elif any(m in segment for m in ("{", "}", "%", "#")):
            text += f"[{_quote(segment)}]"
        else:
            text += f"[{json.dumps(segment, ensure_ascii=False)}]"
    return text


# --- 2. JavaScript in the sandbox -----------------------------------------------------------


def _javascript(source: str, tokens: list[Token] | None, scope: Scope) -> str:
    """`n8n('<source>', ...)` with the data the expression reads."""
    names = {t.text for t in tokens} if tokens is not None else set(re.findall(r"[\w$]+", source))
    args = [_quote(source.strip())]
    aliases: dict[str, list[list[str]]] = {}
    if names & _INPUT_NAMES or tokens is None:
        ref = scope.resolve(None)
        if ref is not None:
            args.append(f"json={ref[0]}")
            if ref[1]:
                aliases[""] = [[old, new] for old, new in ref[1].items()]
            many = scope.lists(None) if _reads_input_list(tokens, source) else None
            if many is not None:
                args.append(f"items={many}")
    refs, lists = [], []
    for node in _nodes_named(tokens, source):
        ref = scope.resolve(node)
        if ref is None:
            continue
        refs.append(f"{_quote(node)}: {ref[0]}")
        if ref[1]:
            aliases[node] = [[old, new] for old, new in ref[1].items()]
        many = scope.lists(node)
        if many is not None:
            lists.append(f"{_quote(node)}: {many}")
    if refs:
        args.append("refs={" + ", ".join(refs) + "}")
    if lists:
        args.append("lists={" + ", ".join(lists) + "}")
    if aliases:
        args.append("aliases=" + _jinja_value(aliases))
    if scope.timezone and names & {"$now", "$today", "DateTime", "toDateTime", "Interval"}:
        args.append(f"tz={_quote(scope.timezone)}")
    if scope.previous and "$prevNode" in names:
        args.append(f"prev={_quote(scope.previous)}")
    binary = _files_read(source, scope)
    if binary:
        args.append(f"binary={binary}")
    return "n8n(" + ", ".join(args) + ")"


def _files_read(source: str, scope: Scope) -> str:
    """The `binary=` argument of `n8n()` for the files `source` reads, "" when none: a Jinja
    object {"" | node name: {property: file value}} (docs/n8n-import.md, "Files read through
    `$binary`")."""
    by: dict[str, dict[str, str]] = {}
    for read in binary_reads(source):
        if scope.files is None:
            raise Untranslatable(
                f"reads an item's files (`{read.text}`) where WorkFuse has no item to take them "
                "from; pass the value in a field of the item in n8n, then export again."
            )
        if read.prop is None:
            raise Untranslatable(
                f"reads an item's files (`{read.text}`) other than by a fixed binary property "
                "of its input item or of a named node's item ($binary.data.fileName, "
                "$('Node').item.binary.data.mimeType); name the property in n8n, then export "
                "again."
            )
        path = scope.files(read.node, read.prop)
        by.setdefault(read.node or "", {})[read.prop] = path
    if not by:
        return ""
    return (
        "{"
        + ", ".join(
            _quote(name) + ": {" + ", ".join(f"{_quote(p)}: {v}" for p, v in props.items()) + "}"
            for name, props in by.items()
        )
        + "}"
    )


# In a template literal's text: a read of the input list (as `_reads_input_list` finds them).
_LIST_READ = re.compile(
    r"\$input\s*\.\s*(?:all|first|last)\b|(?<![\w$.])items\b|\$items\s*\(\s*\)|\$item\s*\("
)


def _reads_input_list(tokens: list[Token] | None, source: str) -> bool:
    """Whether an expression reads its node's input items as a list (`$input.all()`,
    `.first()`, `.last()`, `items`, `$items()`, `$item(i).$json`) rather than only the item it
    runs for (`$json`, `$input.item`, `$item(i).$node[...]`): only the former needs `items=`,
    which inside an inserted loop's body is not known until the loop is done."""
    if tokens is None:
        return bool(_LIST_READ.search(source))
    for i, token in enumerate(tokens):
        if token.kind == "template":
            if _LIST_READ.search(token.text):
                return True
            continue
        if token.kind != "name" or (i and tokens[i - 1].text in (".", "?.")):
            continue
        after = [t.text for t in tokens[i + 1 : i + 3]]
        if token.text == "$input" and (after[:1] != ["."] or after[1:] != ["item"]):
            return True
        if token.text == "items" or (token.text == "$items" and after == ["(", ")"]):
            return True
        if token.text == "$item" and not _reads_other_node(tokens, i + 1):
            return True
    return False


def _reads_other_node(tokens: list[Token], at: int) -> bool:
    """Whether `$item(...)` whose `(` is at `at` goes on to `.$node`: another node's item."""
    depth = 0
    for j in range(at, len(tokens)):
        depth += {"(": 1, ")": -1}.get(tokens[j].text, 0) if tokens[j].kind == "punct" else 0
        if depth == 0:
            nxt = [t.text for t in tokens[j + 1 : j + 3]]
            return nxt == [".", "$node"]
    return False


def code_context(
    source: str, scope: Scope, items: str | None, named: list[str] | None = None
) -> dict[str, Any]:
    """action.code's `n8n` settings for an n8n Code node's code: its input items (`items`, a
    template), templates of the nodes it names (`named`, or those its JavaScript names), and
    the names it reads under other WorkFuse names."""
    tokens: list[Token] | None = None
    if named is None:
        try:
            tokens = flat(tokenize(source))
        except _Unreadable:
            tokens = None
    context: dict[str, Any] = {}
    aliases: dict[str, list[list[str]]] = {}
    if items is not None:
        context["items"] = items
    ref = scope.resolve(None)
    if ref is not None and ref[1]:
        aliases[""] = [[old, new] for old, new in ref[1].items()]
    nodes, lists = {}, {}
    for name in _nodes_named(tokens, source) if named is None else named:
        found = scope.resolve(name)
        if found is None:
            continue
        nodes[name] = "{{ " + found[0] + " }}"
        if found[1]:
            aliases[name] = [[old, new] for old, new in found[1].items()]
        many = scope.lists(name)
        if many is not None:
            lists[name] = "{{ " + many + " }}"
    for key, value in (("nodes", nodes), ("lists", lists), ("aliases", aliases)):
        if value:
            context[key] = value
    if scope.timezone:
        context["timezone"] = scope.timezone
    if scope.previous:
        context["previous"] = scope.previous
    return context


# --- triggersplit ---
def nodes_read(source: str, expression: bool) -> list[str]:
    """The n8n node names an expression (without its `=`: its `{{ }}` blocks are read) or a
    Code node's JavaScript (`expression` False) reads."""
    found: list[str] = []
    for code in [m.group(1) for m in _BLOCK.finditer(source)] if expression else [source]:
        try:
            tokens: list[Token] | None = flat(tokenize(code))
        except _Unreadable:
            tokens = None
        found += _nodes_named(tokens, code)
    return list(dict.fromkeys(found))


# --- end triggersplit ---
# Names through which an expression's JavaScript may read its item whole (n8n_shim.js), besides
# `$json` followed by a field.
_READS_ITEM = frozenset({"$json", "$data", "$input", "$item", "$items", "$binary", "item", "items"})


def json_fields(source: str) -> list[str] | None:
    """The top-level fields of `$json` an expression's JavaScript reads, when it reads `$json`
    only as `$json.name`, `$json?.name` or `$json["name"]`; None when it may read the item
    whole (`$json` alone, `$input`, text it cannot read)."""
    try:
        tokens = flat(tokenize(source))
    except _Unreadable:
        return None
    fields: list[str] = []
    for i, token in enumerate(tokens):
        if token.kind != "name" or token.text not in _READS_ITEM:
            continue
        after = tokens[i + 1 : i + 4]
        if i > 0 and tokens[i - 1].text in (".", "?."):
            continue  # a property of that name on some other value
        if token.text != "$json" or len(after) < 2:
            return None
        if after[0].text in (".", "?.") and after[1].kind == "name":
            fields.append(after[1].text)
        elif [t.text for t in after[::2]] == ["[", "]"] and after[1].kind == "string":
            fields.append(after[1].value)
        else:
            return None
    return list(dict.fromkeys(fields))


def _nodes_named(tokens: list[Token] | None, source: str) -> list[str]:
    """The n8n node names an expression reads: `$('X')`, `$node["X"]`, `$node.X`,
    `$items("X")`."""
    found: list[str] = []
    if tokens is None:
        pattern = r"""\$(?:\(|node\[|items\()\s*(['"])(.+?)\1"""
        return list(dict.fromkeys(m.group(2) for m in re.finditer(pattern, source)))
    for i, token in enumerate(tokens):
        nxt = tokens[i + 1 : i + 3]
        if len(nxt) < 2:
            continue
        opener, name = nxt
        if token.kind != "name":
            continue
        called = token.text in ("$", "$items") and opener.text == "("
        indexed = token.text == "$node" and opener.text == "["
        if (called or indexed) and name.kind == "string":
            found.append(name.value)
        elif token.text == "$node" and opener.text == "." and name.kind == "name":
            found.append(name.text)
    return list(dict.fromkeys(found))


def _quote(text: str) -> str:
    """A Jinja string literal for any text, with no `{{`, `}}`, `{%` or `{#` in it (they would
    end the template around it, or read as one)."""
    out = ["'"]
    for i, c in enumerate(text):
        if c == "\\":
            out.append("\\\\")
        elif c == "'":
            out.append("\\'")
        elif c == "\n":
            out.append("\\n")
        elif c == "\r":
            out.append("\\r")
        elif c == "\t":
            out.append("\\t")
        elif c == "{" and text[i + 1 : i + 2] in ("{", "%", "#"):
            out.append("\\x7b")
        elif c == "}" and i and text[i - 1] in "}%#" and out[-1] != "\\x7d":
            out.append("\\x7d")
        elif ord(c) < 32:
            out.append(f"\\x{ord(c):02x}")
        else:
            out.append(c)
    return "".join(out) + "'"


# --- struct2 ---
quote = _quote  # for the modules that write n8n() calls themselves
# --- end struct2 ---


def _jinja_value(value: Any) -> str:
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_quote(k)}: {_jinja_value(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_jinja_value(v) for v in value) + "]"
    return _quote(str(value))


# --- text -------------------------------------------------------------------------------------


def literal(text: str, in_template: bool = False) -> str:
    """Plain n8n text, kept from being read as a template."""
    markers = ("{{", "{%", "{#") if in_template else ("{{", "{%")
    if any(m in text for m in markers):
        return "{% raw %}" + text + "{% endraw %}"
    return text


def single(template: Any) -> str | None:
    """The Jinja expression of a template that is exactly one `{{ ... }}`, else None."""
    if not isinstance(template, str):
        return None
    match = re.fullmatch(r"\s*\{\{(.*?)\}\}\s*", template, re.S)
    if match and "{{" not in match.group(1) and "}}" not in match.group(1):
        return match.group(1).strip()
    return None
