"""utility.markdown: HTML to Markdown (markdownify) and Markdown to HTML (markdown-it-py).

HTML is read by BeautifulSoup's `html.parser` and written as Markdown by markdownify, with ATX
headings (`# Title`) and fenced code as n8n's node-html-markdown writes them; Markdown is read
as CommonMark by markdown-it-py, with the options n8n's showdown converter is mostly set with
(tables, strikethrough, line breaks, links in a new window, heading ids, a whole document).
Both run on bounded text under a CPU budget: hostile nesting fails the step, not the worker.
"""

from __future__ import annotations

import re
from typing import Any, Literal

from bs4 import BeautifulSoup
from markdown_it import MarkdownIt
from markdown_it.renderer import RendererHTML
from markdown_it.rules_core import StateCore
from markdownify import (  # type: ignore[attr-defined]  # not in markdownify's stubs
    ATX,
    MarkdownConverter,
    abstract_inline_conversion,
)
from pydantic import Field

from editor.nodes import items as data
from editor.nodes.base import NodeConfig, NodeError, NodeType, RunContext
from workfuse.lib.cpu_budget import BudgetExceeded, cpu_budget

MAX_TEXT = 2_000_000  # characters converted (a step's output is 1 MB by default)
CPU_SECONDS = 5.0
# showdown's completeHTMLDocument wrapping (no title: n8n does not read Markdown metadata).
DOCUMENT = '<!DOCTYPE HTML>\n<html>\n<head>\n<meta charset="utf-8">\n</head>\n<body>\n{body}\n</body>\n</html>'


class Config(NodeConfig):
    direction: Literal["html_to_markdown", "markdown_to_html"] = Field(
        "html_to_markdown", description="html_to_markdown or markdown_to_html."
    )
    value: Any = Field(
        "",
        description="The HTML or Markdown text, usually a template such as "
        "'{{ nodes.fetch.body }}'.",
    )
    bullet: Literal["*", "-", "+"] = Field(
        "*", description="HTML to Markdown: the marker of list items."
    )
    emphasis: Literal["_", "*"] = Field(
        "_", description="HTML to Markdown: the delimiter of emphasis (<em>, <i>)."
    )
    strong: Literal["**", "__"] = Field(
        "**", description="HTML to Markdown: the delimiter of strong text (<strong>, <b>)."
    )
    ignore: list[str] = Field(
        default_factory=list,
        description="HTML to Markdown: elements left out with everything inside them, e.g. "
        "['nav', 'img'].",
    )
    keep_data_images: bool = Field(
        False,
        description="HTML to Markdown: keep images whose source is a data: URI (they can be "
        "large); off: they are left out.",
    )
    tables: bool = Field(False, description="Markdown to HTML: read GitHub tables.")
    strikethrough: bool = Field(False, description="Markdown to HTML: read ~~struck~~ text.")
    line_breaks: bool = Field(
        False,
        description="Markdown to HTML: a line break in a paragraph becomes <br> (as on "
        "GitHub); off: only two trailing spaces make one.",
    )
    links_in_new_window: bool = Field(
        False, description='Markdown to HTML: links get target="_blank".'
    )
    heading_ids: bool = Field(
        True,
        description="Markdown to HTML: headings get an id made of their letters and digits, "
        "lower case (as showdown makes them), after 'heading_id_prefix'.",
    )
    heading_id_prefix: str = Field("", max_length=100, description="Markdown to HTML: see above.")
    complete_document: bool = Field(
        False,
        description="Markdown to HTML: a whole HTML document (<!DOCTYPE HTML>, <html>, <head>, "
        "<body>) instead of a fragment.",
    )
    output_field: str = Field(
        "",
        max_length=200,
        description="Empty: the output is {result}. A name: the output holds the text under "
        "that name (dots build nested objects, e.g. 'page.markdown'), beside the fields of "
        "'input' when it is set.",
    )
    input: Any = Field(None, description=data.INTO_HELP)


class _Markdownify(MarkdownConverter):
    """markdownify with emphasis and strong delimiters chosen apart, as n8n's options are."""

    convert_em = abstract_inline_conversion(lambda self: self.options["em_mark"])
    convert_i = convert_em
    convert_strong = abstract_inline_conversion(lambda self: self.options["strong_mark"])
    convert_b = convert_strong


def to_markdown(text: str, config: Config) -> str:
    soup = BeautifulSoup(text, "html.parser")
    for tag in soup.find_all(["script", "style", "template", *config.ignore]):
        tag.decompose()
    if not config.keep_data_images:
        for img in soup.find_all("img"):
            if str(img.get("src") or "").strip().lower().startswith("data:"):
                img.decompose()
    options: dict[str, Any] = {
        "heading_style": ATX,
        "bullets": config.bullet,
        "em_mark": config.emphasis,
        "strong_mark": config.strong,
        "escape_underscores": False,
        "escape_misc": False,
    }
    converter = _Markdownify(**options)
    markdown = converter.convert_soup(soup)
    return re.sub(r"\n{3,}", "\n\n", markdown).strip()


def _heading_ids(prefix: str) -> Any:
    """A markdown-it core rule giving each heading showdown's default id (its word characters,
    lower case; a repeat gets -1, -2...)."""

    def rule(state: StateCore) -> None:
        seen: dict[str, int] = {}
        for i, token in enumerate(state.tokens):
            if token.type != "heading_open":
                continue
            inline = state.tokens[i + 1]
            text = "".join(
                child.content
                for child in inline.children or []
                if child.type in ("text", "code_inline")
            )
            base = prefix + re.sub(r"[^\w]", "", text).lower()
            count = seen.get(base, 0)
            seen[base] = count + 1
            token.attrSet("id", base if not count else f"{base}-{count}")

    return rule


def to_html(text: str, config: Config) -> str:
    md = MarkdownIt("commonmark", {"html": True, "breaks": config.line_breaks})
    if config.tables:
        md.enable("table")
    if config.strikethrough:
        md.enable("strikethrough")
        # showdown (n8n) writes struck text as <del>; markdown-it as <s>.
        md.add_render_rule("s_open", lambda *_: "<del>")
        md.add_render_rule("s_close", lambda *_: "</del>")
    if config.heading_ids:
        md.core.ruler.push("heading_ids", _heading_ids(config.heading_id_prefix))
    if config.links_in_new_window:
        renderer = md.renderer
        assert isinstance(renderer, RendererHTML)
        default = renderer.rules.get("link_open") or renderer.renderToken

        def link_open(self: Any, tokens: Any, idx: int, options: Any, env: Any) -> str:
            tokens[idx].attrSet("rel", "noopener noreferrer")
            tokens[idx].attrSet("target", "_blank")
            return str(default(tokens, idx, options, env))

        md.add_render_rule("link_open", link_open)
    # showdown ends the last block without a line break.
    body = md.render(text).removesuffix("\n")
    return DOCUMENT.format(body=body) if config.complete_document else body


def run(config: Config, ctx: RunContext) -> dict[str, Any]:
    """{result}: the Markdown or HTML text (or `input` with it under output_field)."""
    value = config.value
    text = "" if value is None else value if isinstance(value, str) else str(value)
    if len(text) > MAX_TEXT:
        raise NodeError(
            f"value is {len(text):,} characters; utility.markdown converts at most {MAX_TEXT:,}."
        )
    convert = to_markdown if config.direction == "html_to_markdown" else to_html
    try:
        with cpu_budget(CPU_SECONDS):
            result = convert(text, config)
    except BudgetExceeded:
        raise NodeError(
            f"Converting took more than {CPU_SECONDS:.0f} s of CPU time and was stopped; the "
            "text is too large or too deeply nested."
        ) from None
    except RecursionError:
        raise NodeError("The text is nested too deeply to convert.") from None
    # n8n sets its destination key with lodash: dots build nested objects.
    return data.with_result(result, config.output_field, config.input, dotted=True)


NODE = NodeType(
    contained=True,
    type="utility.markdown",
    label="Markdown",
    category="utility",
    description="Converts HTML to Markdown, or Markdown to HTML.",
    Config=Config,
    run=run,
    examples=(
        (
            "Turn the fetched page into Markdown, leaving out the navigation and footer.",
            {"value": "{{ nodes.fetch.body }}", "ignore": ["nav", "footer"]},
        ),
        (
            "Render the Markdown in the webhook's 'notes' as HTML with tables.",
            {
                "direction": "markdown_to_html",
                "value": "{{ trigger.body.notes }}",
                "tables": True,
            },
        ),
    ),
)
