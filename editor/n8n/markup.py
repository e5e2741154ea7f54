"""n8n's XML and HTML nodes (and the legacy HTML Extract node): XML and HTML extraction as
WorkFuse parse steps, HTML templates as
set steps (editor/n8n/html_template.py); the Markdown node is editor/n8n/markdown.py."""

from __future__ import annotations

from typing import Any

from editor.n8n.converter import BASE, Converted, Converter, N8nNode, Refusal, Spec
from editor.n8n.expressions import literal
from editor.n8n.html_template import html_template


def _field(node: N8nNode, cx: Converter, name: Any) -> str:
    """`{{ <the item>.<name> }}`: a field of the item this node receives."""
    text = str(name or "data")
    if text.startswith("="):
        return str(cx.value(text, node))
    return str(cx.expression("{{ $json[" + _quoted(text) + "] }}", node))


def _quoted(text: str) -> str:
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _xml(node: N8nNode, cx: Converter) -> Converted:
    p = node.params
    if p.get("mode", "xmlToJson") == "jsonToxml":
        return _json_to_xml(node, cx)  # seconds
    options = p.get("options") or {}
    notes = [
        "WorkFuse reads XML as xmltodict does (attributes as '@name', text beside children as "
        "'#text', numbers kept as text); n8n's xml2js merged attributes into the element."
    ]
    if options.get("explicitRoot") is False:
        notes.append("n8n left out the root element; WorkFuse keeps it.")
    if options.get("explicitArray"):
        notes.append("n8n put every child in a list; WorkFuse makes a list only of repeats.")
    config = {"format": "xml", "value": _field(node, cx, p.get("dataPropertyName"))}
    return Converted("utility.parse", config, notes=notes)


# --- seconds ---
# n8n's XML options for JSON to XML, as utility.parse's xml2js options. allowSurrogateChars
# is left out: the xmlbuilder under xml2js 0.5+ refuses lone surrogates either way.
XML2JS_OPTIONS = {
    "attrkey": "attrkey",
    "charkey": "charkey",
    "rootName": "root_name",
    "headless": "headless",
    "cdata": "cdata",
}


def _json_to_xml(node: N8nNode, cx: Converter) -> Converted:
    """JSON to XML: xml2js's Builder over the whole item, into `dataPropertyName` ("data"), the
    only field of the item n8n emits; WorkFuse's step outputs it as `result`."""
    p = node.params
    options: dict[str, Any] = {}
    for name, value in (p.get("options") or {}).items():
        if isinstance(value, str) and value.startswith("="):
            raise Refusal(
                f"sets its XML option '{name}' from an expression ({value[:60]}); WorkFuse "
                "fixes the XML layout at import. Write the value out in n8n and export again."
            )
        if name in XML2JS_OPTIONS:
            options[XML2JS_OPTIONS[name]] = value
    prop = str(p.get("dataPropertyName") or "data")
    if prop.startswith("="):
        raise Refusal(
            f"names the field it writes the XML to with an expression ({prop[:60]}); set a "
            "name in n8n and export again."
        )
    config = {
        "format": "xml",
        "direction": "build",
        "value": cx.expression("{{ $json }}", node),
        "layout": "xml2js",
        "xml2js": options,
    }
    notes = [
        f"n8n's item held only '{prop}' (the XML); WorkFuse's step outputs it as 'result', and "
        f"expressions reading '{prop}' read 'result'."
    ]
    spec = {"data": "", "aliases": ((prop, "result"),)}
    return Converted("utility.parse", config, notes=notes, spec=spec)


# --- end seconds ---
def _html(node: N8nNode, cx: Converter) -> Converted:
    p = node.params
    operation = p.get("operation", "generateHtmlTemplate")
    # --- media ---
    if operation == "generateHtmlTemplate":
        return html_template(node, cx)
    # --- end media ---
    if operation != "extractHtmlContent":
        raise Refusal(
            f"runs '{operation}'; WorkFuse extracts from HTML and fills HTML templates. Build "
            "the table in a Code node instead, and export again."
        )
    return _extract(node, cx)


def _extract(node: N8nNode, cx: Converter) -> Converted:
    """HTML's extractHtmlContent, and the legacy HTML Extract node (the same settings)."""
    p = node.params
    # --- files ---
    before = [_file_text(node, cx)] if p.get("sourceData", "json") == "binary" else []
    # --- end files ---
    selectors = []
    notes: list[str] = []
    for value in (p.get("extractionValues") or {}).get("values") or []:
        returned = value.get("returnValue", "text")
        selector: dict[str, Any] = {
            "name": literal(str(value.get("key") or "")),  # quality: n8n's text, never a template
            "css": _css(str(value.get("cssSelector") or "")),
            "multiple": bool(value.get("returnArray")),
        }
        if returned == "attribute":
            selector["attribute"] = str(value.get("attribute") or "")
        elif returned == "html":
            selector["attribute"] = "html"
        elif returned == "value":
            selector["attribute"] = "value"
            notes.append("A form field's value is read from its value attribute.")
        selectors.append(selector)
    if not selectors:
        raise Refusal("extracts nothing; add a value to extract in n8n and export again.")
    if node.version >= 1.2 and any(s.get("attribute") is None for s in selectors):
        notes.append(
            "Text is the elements' text with whitespace collapsed; n8n laid it out as plain text "
            "(line breaks between blocks, links followed by their address)."
        )
    # --- files ---
    if before:
        value = "{{ nodes." + before[0]["id"] + ".text }}"
        notes.append(FILE_TEXT_NOTE)
    else:
        value = _field(node, cx, p.get("dataPropertyName"))
    config = {"format": "html", "value": value, "selectors": selectors}
    return Converted("utility.parse", config, notes=notes, before=before)
    # --- end files ---


# --- files ---
FILE_TEXT_NOTE = (
    "The HTML is the file's text, read by the step added before this one; a file that is not "
    "UTF-8 fails there, where n8n read it with replacement characters."
)


def _file_text(node: N8nNode, cx: Converter) -> dict[str, Any]:
    """The step reading the item's file (binary property Input Binary Field, `data` by
    default) as UTF-8 text, as n8n decodes it (`getBinaryDataBuffer(...).toString('utf-8')`)
    before loading the HTML."""
    file = cx.file_ref(node, node.params.get("dataPropertyName") or "data")
    return {
        "id": cx.step_id(node, "text"),
        "type": "utility.extract_file",
        "label": f"{node.name} (file text)",
        "config": {"format": "text", "file": file, "key": "text"},
        "notes": f"Added on import: the text of the file n8n's '{node.name}' read its HTML from.",
    }


# --- end files ---


def _css(selector: str) -> str:
    """The selector n8n uses: `=` marks an expression, and one without `{{ }}` is its text."""
    if not selector.startswith("="):
        return selector
    if "{{" in selector:
        raise Refusal(
            f"sets a CSS selector from an expression ('{selector}'); WorkFuse's selectors are "
            "fixed text. Write the selector out in n8n and export again."
        )
    return selector[1:]


SPECS: dict[str, Spec] = {
    f"{BASE}xml": Spec(_xml, "result"),
    f"{BASE}html": Spec(_html, "result"),
    f"{BASE}htmlExtract": Spec(_extract, "result"),
}
