"""n8n's Markdown node as a WorkFuse markdown step: HTML to Markdown and Markdown to HTML, the
text written into the item under the destination key (dots nest, as n8n's lodash `set`).

n8n converts with node-html-markdown and showdown; WorkFuse with markdownify and a CommonMark
parser, so the main options carry over and the text can differ in layout (each conversion says
so). Options WorkFuse has no form for are refused by name when they are set.
"""

from __future__ import annotations

from typing import Any

from editor.n8n.converter import BASE, Converted, Converter, N8nNode, Refusal, Spec
from editor.n8n.data_input import field_list

# showdown's options (Markdown to HTML) as utility.markdown fields
TO_HTML_OPTIONS = {
    "tables": "tables",
    "strikethrough": "strikethrough",
    "simpleLineBreaks": "line_breaks",
    "openLinksInNewWindow": "links_in_new_window",
    "completeHTMLDocument": "complete_document",
}
# showdown options whose default WorkFuse shares: fine left at it, refused otherwise.
TO_HTML_DEFAULTS = {"ghCodeBlocks": True, "encodeEmails": True}
TO_MARKDOWN_OPTIONS = {"bulletMarker", "emDelimiter", "strongDelimiter", "ignore", "keepDataImages"}
# node-html-markdown options whose n8n default WorkFuse writes like: fine at it, refused otherwise.
TO_MARKDOWN_DEFAULTS = {
    "codeFence": "```",
    "codeBlockStyle": "fence",
    "maxConsecutiveNewlines": 3,
    "useLinkReferenceDefinitions": False,
}


def _markdown(node: N8nNode, cx: Converter) -> Converted:
    p = node.params
    options = p.get("options") or {}
    if not isinstance(options, dict):
        raise Refusal("has options that could not be read; open and save it in n8n.")
    if p.get("mode", "htmlToMarkdown") == "markdownToHtml":
        config = _to_html(options)
        config["value"] = cx.value(p.get("markdown", ""), node)
        layout = "markdown-it (CommonMark) lays out the HTML"
        original = "showdown"
    else:
        config = _to_markdown(options)
        config["value"] = cx.value(p.get("html", ""), node)
        layout = "markdownify lays out the Markdown"
        original = "node-html-markdown"
    field = p.get("destinationKey", "data")
    if not isinstance(field, str) or field.startswith("="):
        raise Refusal("names its destination key with an expression; give a fixed name in n8n.")
    config["output_field"] = field or "data"
    ref = cx.input_ref(node)
    aliases: dict[str, str] = {}
    if ref is not None:
        config["input"] = "{{ " + ref[0] + " }}"
        aliases = ref[1]
    notes = [
        f"{layout}: the same content as n8n's {original}, with spacing, escapes and entity "
        "forms that can differ."
    ]
    spec = {"data": "", "aliases": tuple(aliases.items())}
    return Converted("utility.markdown", config, notes=notes, spec=spec)


def _to_markdown(options: dict[str, Any]) -> dict[str, Any]:
    for option, value in options.items():
        if option in TO_MARKDOWN_OPTIONS or not value or value == TO_MARKDOWN_DEFAULTS.get(option):
            continue
        raise Refusal(
            f"sets the '{option}' option (HTML to Markdown), which WorkFuse does not have; "
            "remove it in n8n and export again."
        )
    config: dict[str, Any] = {"direction": "html_to_markdown"}
    for option, key, allowed in (
        ("bulletMarker", "bullet", ("*", "-", "+")),
        ("emDelimiter", "emphasis", ("_", "*")),
        ("strongDelimiter", "strong", ("**", "__")),
    ):
        if options.get(option) not in (None, ""):
            if options[option] not in allowed:
                raise Refusal(
                    f"sets {option} to '{options[option]}'; WorkFuse writes "
                    + " or ".join(f"'{a}'" for a in allowed)
                    + "."
                )
            config[key] = options[option]
    if options.get("ignore"):
        config["ignore"] = field_list(options["ignore"])
    if options.get("keepDataImages"):
        config["keep_data_images"] = True
    return config


def _to_html(options: dict[str, Any]) -> dict[str, Any]:
    config: dict[str, Any] = {"direction": "markdown_to_html"}
    for option, value in options.items():
        if option in TO_HTML_OPTIONS:
            config[TO_HTML_OPTIONS[option]] = bool(value)
        elif option == "noHeaderId":
            config["heading_ids"] = not value
        elif option in TO_HTML_DEFAULTS:
            if value != TO_HTML_DEFAULTS[option]:
                raise Refusal(f"turns showdown's '{option}' off, which WorkFuse does not.")
        elif value:
            raise Refusal(
                f"sets showdown's '{option}' option (Markdown to HTML), which WorkFuse does "
                "not have; remove it in n8n and export again."
            )
    return config


SPECS: dict[str, Spec] = {f"{BASE}markdown": Spec(_markdown, "")}
