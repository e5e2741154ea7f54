"""utility.parse: JSON, XML, HTML and CSV text to data, and data back to text, within limits.

XML is read by defusedxml (no DTDs, entities or external references: no "billion laughs", no
file reads) into objects the way xmltodict writes them: attributes as `@name`, text beside
children as `#text`, a repeated element as a list. HTML is read by selectolax (the Lexbor HTML5
parser) and picked with CSS selectors. CSV is the standard library's reader and writer.
XML is built in WorkFuse's layout (the same `@name` / `#text` keys), or in xml2js's
(editor/nodes/xml2js.py: what n8n's XML node writes).
"""

from __future__ import annotations

import csv
import html
import io
import json
import re
import xml.etree.ElementTree as ET
from typing import Any, Literal

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import ParseError
from defusedxml.ElementTree import fromstring as xml_fromstring
from pydantic import Field, ValidationInfo, field_validator
from selectolax.lexbor import LexborHTMLParser, LexborNode, SelectolaxError

from editor.nodes.base import NodeConfig, NodeError, NodeType, RunContext
from editor.nodes.items import items_from
from editor.nodes.xml2js import Options as Xml2jsOptions  # seconds
from editor.nodes.xml2js import build as build_xml2js  # seconds
from workfuse.lib import safe_json

MAX_TEXT = 5_000_000  # characters of text to parse (a step's output is 1 MB by default)
MAX_ROWS = 100_000  # CSV rows read or written
XML_NAME = re.compile(r"^[A-Za-z_][\w.\-]*(:[A-Za-z_][\w.\-]*)?$")
DELIMITER_NAMES = {"tab": "\t", "\\t": "\t", "comma": ",", "semicolon": ";", "pipe": "|"}


class Selector(NodeConfig):
    name: str = Field(min_length=1, description="The key of this value in the result.")
    css: str = Field(
        min_length=1, description="A CSS selector, e.g. 'h1', 'a.title', 'td:nth-child(2)'."
    )
    attribute: str = Field(
        "",
        description="The attribute to read, e.g. 'href'; 'html' for the element's HTML. Empty: "
        "its text, whitespace collapsed.",
    )
    multiple: bool = Field(
        False, description="Every match as a list; off: the first match (or null)."
    )

    @field_validator("css")
    @classmethod
    def _parses(cls, css: str) -> str:
        try:
            LexborHTMLParser("").css(css)
        except SelectolaxError:
            raise ValueError(f"'{css}' is not a CSS selector") from None
        return css


# --- seconds ---
class Xml2js(NodeConfig):
    attrkey: str = Field("$", min_length=1, description="The key holding an element's attributes.")
    charkey: str = Field("_", min_length=1, description="The key holding an element's text.")
    root_name: str = Field(
        "root",
        min_length=1,
        description="The root element. 'root': an object with one key is that element.",
    )
    headless: bool = Field(False, description="Leave out the <?xml ...?> declaration.")
    cdata: bool = Field(
        False, description="Write text holding & < or > as CDATA instead of escaping it."
    )


# --- end seconds ---
class Config(NodeConfig):
    format: Literal["json", "xml", "html", "csv"] = Field(
        "json", description="The text format: json, xml, html or csv."
    )
    direction: Literal["parse", "build"] = Field(
        "parse",
        description="parse: text to data. build: data to text (html builds a table from a list).",
    )
    value: Any = Field(
        None,
        description="For parse, the text, e.g. '{{ nodes.fetch.body }}'; for build, the data, e.g. "
        "'{{ nodes.report.items }}'. Empty: the previous node's output (build csv and html: its "
        "list, or its first field that is a list).",
    )
    selectors: list[Selector] = Field(
        default_factory=list,
        description="For parsing html: what to pick, e.g. [{'name': 'title', 'css': 'h1'}, "
        "{'name': 'links', 'css': 'a', 'attribute': 'href', 'multiple': true}].",
    )
    delimiter: str = Field(
        ",", description="For csv: the character between fields, e.g. ',' ';' '|' or 'tab'."
    )
    header: bool = Field(
        True,
        description="For csv: the first row names the columns (rows are objects); off: rows are "
        "lists.",
    )
    # --- seconds ---
    layout: Literal["workfuse", "xml2js"] = Field(
        "workfuse",
        description="For building xml: workfuse (attributes as '@name', text as '#text', one "
        "line) or xml2js (attributes under '$', text under '_', indented with a declaration: "
        "what n8n's XML node writes).",
    )
    xml2js: Xml2js | None = Field(
        None,
        description="For building xml in the xml2js layout: its options (attrkey, charkey, "
        "root_name, headless, cdata); empty: xml2js's defaults.",
    )
    # --- end seconds ---

    @field_validator("selectors")
    @classmethod
    def _needed_and_unique(cls, selectors: list[Selector], info: ValidationInfo) -> list[Selector]:
        wanted = info.data.get("format") == "html" and info.data.get("direction") == "parse"
        if wanted and not selectors:
            raise ValueError("parsing html needs at least one selector naming what to pick")
        names = [s.name for s in selectors]
        if len(set(names)) < len(names):
            raise ValueError("two selectors have the same name")
        return selectors

    @field_validator("delimiter")
    @classmethod
    def _one_character(cls, value: str) -> str:
        value = DELIMITER_NAMES.get(value.lower(), value)
        if len(value) != 1 or value in '"\r\n':
            raise ValueError("must be one character (not a quote or line break), or 'tab'")
        return value


# --- parse ----------------------------------------------------------------------------------


def _text(value: Any, fmt: str) -> str:
    if not isinstance(value, str):
        raise NodeError(
            f"{fmt} parse needs text; the value is {type(value).__name__}. Point value at the "
            "text, e.g. '{{ nodes.fetch.body }}'."
        )
    if len(value) > MAX_TEXT:
        raise NodeError(f"The text is {len(value):,} characters, over the {MAX_TEXT:,} limit.")
    return value


def parse_json(text: str) -> Any:
    try:
        return safe_json.loads(text)
    except safe_json.JsonRefused as exc:
        raise NodeError(exc.message) from None


def _local(name: str) -> str:
    return name.rpartition("}")[2]  # "{namespace}tag" -> "tag"


def _element(element: ET.Element) -> Any:
    node: dict[str, Any] = {f"@{_local(k)}": v for k, v in element.attrib.items()}
    repeated: set[str] = set()
    for child in element:
        tag, value = _local(child.tag), _element(child)
        if tag not in node:
            node[tag] = value
        elif tag in repeated:
            node[tag].append(value)
        else:
            node[tag] = [node[tag], value]
            repeated.add(tag)
    text = " ".join(
        t.strip() for t in [element.text, *(c.tail for c in element)] if t and t.strip()
    )
    if not node:
        return text or None
    if text:
        node["#text"] = text
    return node


def parse_xml(text: str) -> dict[str, Any]:
    try:
        root = xml_fromstring(text, forbid_dtd=True)
    except DefusedXmlException as exc:
        raise NodeError(
            f"The XML was refused: {exc} (DTDs and entities are not allowed)."
        ) from None
    except ParseError as exc:
        raise NodeError(f"This is not valid XML: {exc}") from None
    return {_local(root.tag): _element(root)}


def _picked(node: LexborNode, attribute: str) -> str | None:
    if not attribute:
        return " ".join(node.text().split())
    if attribute == "html":
        return node.html
    return node.attributes.get(attribute)


def parse_html(text: str, selectors: list[Selector]) -> dict[str, Any]:
    tree = LexborHTMLParser(text)
    result: dict[str, Any] = {}
    for selector in selectors:
        found = tree.css(selector.css)
        values = [_picked(node, selector.attribute) for node in found]
        result[selector.name] = values if selector.multiple else next(iter(values), None)
    return result


def _unique_names(row: list[str]) -> list[str]:
    names: list[str] = []
    for index, name in enumerate(row):
        name = name.strip() or f"column_{index + 1}"
        base, n = name, 2
        while name in names:
            name, n = f"{base}_{n}", n + 1
        names.append(name)
    return names


def parse_csv(text: str, delimiter: str, header: bool) -> list[Any]:
    reader = csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline=""), delimiter=delimiter)
    rows: list[list[str]] = []
    try:
        for row in reader:
            if not row:
                continue
            if len(rows) >= MAX_ROWS + header:
                raise NodeError(f"The CSV has more than {MAX_ROWS:,} rows.")
            rows.append(row)
    except csv.Error as exc:
        raise NodeError(f"This is not valid CSV (line {reader.line_num}): {exc}") from None
    if not header:
        return rows
    if not rows:
        return []
    names = _unique_names(rows[0])
    width = max(len(row) for row in rows)
    names += _unique_names([""] * width)[len(names) :]
    return [
        dict(zip(names, row + [""] * (len(names) - len(row)), strict=False)) for row in rows[1:]
    ]


# --- build ----------------------------------------------------------------------------------


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value
    if isinstance(value, int | float):
        return str(value)
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def _table(rows: list[Any]) -> tuple[list[str] | None, list[list[str]]]:
    """The header (None for rows that are lists) and the cells of each row, as text."""
    if len(rows) > MAX_ROWS:
        raise NodeError(f"The list has {len(rows):,} rows, over the {MAX_ROWS:,} limit.")
    if all(isinstance(row, dict) for row in rows):
        names = list(dict.fromkeys(str(k) for row in rows for k in row))
        return names, [[_cell(row.get(n)) for n in names] for row in rows]
    if all(isinstance(row, list) for row in rows):
        return None, [[_cell(v) for v in row] for row in rows]
    raise NodeError("Every item must be an object (a row of named fields) or a list of cells.")


def build_csv(rows: list[Any], delimiter: str, header: bool) -> str:
    names, cells = _table(rows)
    out = io.StringIO()
    # Lines end in CRLF (RFC 4180): the writer then quotes a lone CR in a value too.
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    if header and names is not None:
        writer.writerow(names)
    writer.writerows(cells)
    return out.getvalue()


def build_html(rows: list[Any]) -> str:
    names, cells = _table(rows)
    lines = ["<table>"]
    if names is not None:
        lines.append(
            "<thead><tr>" + "".join(f"<th>{html.escape(n)}</th>" for n in names) + "</tr></thead>"
        )
    lines.append("<tbody>")
    lines += [
        "<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>" for row in cells
    ]
    lines.append("</tbody></table>")
    return "\n".join(lines)


def _add(parent: ET.Element | None, tag: str, value: Any) -> ET.Element:
    if not XML_NAME.match(tag):
        raise NodeError(f"'{tag}' cannot be an XML element name.")
    if isinstance(value, list):
        if parent is None:
            raise NodeError("The root of an XML document cannot be a list.")
        for item in value:
            _add(parent, tag, item)
        return parent
    element = ET.Element(tag) if parent is None else ET.SubElement(parent, tag)
    if isinstance(value, dict):
        for key, inner in value.items():
            if key == "#text":
                element.text = _cell(inner)
            elif key.startswith("@") and XML_NAME.match(key[1:]):
                element.set(key[1:], _cell(inner))
            else:
                _add(element, key, inner)
    elif value is not None:
        element.text = _cell(value)
    return element


def build_xml(value: Any) -> str:
    """An object with one key is the root element; anything else goes inside <root>."""
    if (
        isinstance(value, dict)
        and len(value) == 1
        and not isinstance(next(iter(value.values())), list)
    ):
        ((tag, inner),) = value.items()
    else:
        tag, inner = "root", value if isinstance(value, dict) else {"item": value}
    return ET.tostring(_add(None, str(tag), inner), encoding="unicode")


# --- the node -------------------------------------------------------------------------------


def run(config: Config, ctx: RunContext) -> dict[str, Any]:
    """{result}: the data read, or the text built."""
    value = ctx.input if config.value is None else config.value
    fmt = config.format
    if config.direction == "build":
        if fmt == "json":
            return {"result": json.dumps(value, ensure_ascii=False)}
        if fmt == "xml" and config.layout == "xml2js":  # seconds
            options = Xml2jsOptions(**(config.xml2js or Xml2js()).model_dump())
            return {"result": build_xml2js(value, options)}
        if fmt == "xml":
            return {"result": build_xml(value)}
        rows = items_from(config.value, ctx)
        if fmt == "csv":
            return {"result": build_csv(rows, config.delimiter, config.header)}
        return {"result": build_html(rows)}
    if fmt == "json" and not isinstance(value, str):
        return {"result": value}  # already data: a JSON body the HTTP node parsed, say
    text = _text(value, fmt)
    if fmt == "json":
        return {"result": parse_json(text)}
    if fmt == "xml":
        return {"result": parse_xml(text)}
    if fmt == "csv":
        return {"result": parse_csv(text, config.delimiter, config.header)}
    return {"result": parse_html(text, config.selectors)}


NODE = NodeType(
    contained=True,
    type="utility.parse",
    label="Parse & build",
    category="utility",
    description="Reads JSON, XML, HTML (with CSS selectors) or CSV text into data, or writes "
    "data as JSON, XML, CSV or an HTML table.",
    Config=Config,
    run=run,
)
