"""XML written as xml2js's Builder writes it (the Builder of n8n's XML node, JSON to XML), for
utility.parse's `xml2js` layout.

The Builder's rules (xml2js `builder.coffee`, 0.5/0.6), over the JSON of an object:
* an object with one key becomes that element, unless a root name other than `root` is set;
  otherwise everything goes inside `<root>` (or the root name);
* under an element, the attribute key (`$`) holds its attributes (an object; anything else is
  ignored, a null attribute left out), the character key (`_`) its text; a list repeats the
  element once per entry; an object or null is an element of its own; any other value is an
  element holding the value's text (JavaScript's `String()`: `true`, `1.5`, `1e+21`);
* with `cdata`, text holding `&`, `<` or `>` is written as `<![CDATA[...]]>` instead of escaped.

xmlbuilder (11) then writes it pretty: a declaration `<?xml version="1.0" encoding="UTF-8"
standalone="yes"?>` (unless headless), two spaces of indent a level, an element with no content
as `<a/>`, an element with only text on one line, and text beside elements on lines of its own;
text escapes `& < >` and carriage returns, attributes `& < "`, tabs and line breaks. Names that
are not XML names and characters XML 1.0 cannot hold fail the step, where xml2js would throw or
write something no parser reads.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from editor.templating import js_string
from workfuse.lib.node_run import NodeError

XML_NAME = re.compile(r"^[^\W\d][\w.\-]*(:[^\W\d][\w.\-]*)?$")
# XML 1.0's excluded characters (xmlbuilder's assertLegalChar): controls but tab, line feed and
# carriage return; lone surrogates; U+FFFE and U+FFFF.
ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
DEFAULT_ROOT = "root"


@dataclass(frozen=True)
class Options:
    attrkey: str = "$"
    charkey: str = "_"
    root_name: str = DEFAULT_ROOT
    headless: bool = False
    cdata: bool = False


@dataclass
class _Text:
    value: str  # as written: escaped text, or a CDATA section


@dataclass
class _Element:
    name: str
    attributes: dict[str, str] = field(default_factory=dict)
    children: list[_Element | _Text] = field(default_factory=list)

    def element(self, name: str) -> _Element:
        child = _Element(_name(name))
        self.children.append(child)
        return child


def _name(name: str) -> str:
    if not XML_NAME.match(name):
        raise NodeError(f"'{name}' cannot be an XML element or attribute name.")
    return name


def _legal(text: str) -> str:
    bad = ILLEGAL.search(text)
    if bad:
        raise NodeError(
            f"The text {text[:40]!r} holds a character XML cannot hold (U+{ord(bad.group()):04X})."
        )
    return text


def _text(value: Any) -> str:
    if value is None:
        raise NodeError("Missing element text: a character key holds null.")
    text = _legal(js_string(value))
    return (
        text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#xD;")
    )


def _attribute(value: Any) -> str:
    text = _legal(js_string(value))
    for char, entity in (
        ("&", "&amp;"),
        ("<", "&lt;"),
        ('"', "&quot;"),
        ("\t", "&#x9;"),
        ("\n", "&#xA;"),
        ("\r", "&#xD;"),
    ):
        text = text.replace(char, entity)
    return text


def _needs_cdata(value: Any) -> bool:
    return isinstance(value, str) and any(c in value for c in "&<>")


def _cdata(value: str) -> _Text:
    return _Text("<![CDATA[" + _legal(value).replace("]]>", "]]]]><![CDATA[>") + "]]>")


class _Builder:
    def __init__(self, options: Options) -> None:
        self.options = options

    def text(self, value: Any) -> _Text:
        if self.options.cdata and _needs_cdata(value):
            return _cdata(value)
        return _Text(_text(value))

    def render(self, element: _Element, obj: Any) -> None:
        if obj is None:
            return  # an object with nothing in it
        if not isinstance(obj, dict | list):
            element.children.append(self.text(obj))
        elif isinstance(obj, list):
            for child in obj:  # each entry's keys are elements (xml2js issue #119)
                for key, entry in self._keys(child):
                    self.render(element.element(key), entry)
        else:
            for key, child in obj.items():
                self.member(element, str(key), child)

    def _keys(self, value: Any) -> list[tuple[str, Any]]:
        """What JavaScript's `for key of value` visits: an object's keys; a string's or a
        list's indexes (never XML names); nothing of a number, boolean or null."""
        if isinstance(value, dict):
            return [(str(k), v) for k, v in value.items()]
        if isinstance(value, str | list) and value:
            return [("0", None)]  # fails as a name, as in xml2js
        return []

    def member(self, element: _Element, key: str, child: Any) -> None:
        options = self.options
        if key == options.attrkey:
            # Only an object (or a list, whose indexes fail as names) holds attributes.
            attributes = self._keys(child) if isinstance(child, dict | list) else []
            for name, value in attributes:
                _name(name)
                if value is not None:
                    element.attributes[name] = _attribute(value)
        elif key == options.charkey:
            element.children.append(self.text(child))
        elif isinstance(child, list):
            for entry in child:
                inner = element.element(key)
                if isinstance(entry, str):
                    inner.children.append(self.text(entry))
                else:
                    self.render(inner, entry)
        elif child is None or isinstance(child, dict):
            self.render(element.element(key), child)
        else:
            element.element(key).children.append(self.text(child))


def _write(node: _Element | _Text, level: int, out: list[str]) -> None:
    indent = "  " * level
    if isinstance(node, _Text):
        out.append(indent + node.value + "\n")
        return
    opening = indent + "<" + node.name
    opening += "".join(f' {name}="{value}"' for name, value in node.attributes.items())
    children = node.children
    if all(isinstance(c, _Text) and c.value == "" for c in children):
        out.append(opening + "/>\n")
    elif len(children) == 1 and isinstance(children[0], _Text):
        out.append(f"{opening}>{children[0].value}</{node.name}>\n")
    else:
        out.append(opening + ">\n")
        for child in children:
            _write(child, level + 1, out)
        out.append(f"{indent}</{node.name}>\n")


def build(value: Any, options: Options | None = None) -> str:
    """The XML xml2js's `new Builder(options).buildObject(value)` returns for JSON `value` (an
    object, as an n8n item's json always is)."""
    options = options or Options()
    if not isinstance(value, dict):
        raise NodeError("The xml2js layout builds XML from an object (an item's JSON).")
    if len(value) == 1 and options.root_name == DEFAULT_ROOT:
        ((name, inner),) = value.items()
    else:
        name, inner = options.root_name, value
    root = _Element(_name(str(name)))
    _Builder(options).render(root, inner)
    out = [] if options.headless else [DECLARATION + "\n"]
    _write(root, 0, out)
    return "".join(out).removesuffix("\n")
