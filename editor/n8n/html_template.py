"""n8n's HTML node, "Generate HTML Template": the HTML with its `{{ }}` expressions filled in for
each item, output as `{html}`. The expressions are n8n expressions (editor/n8n/expressions.py
translates them), so the HTML becomes a WorkFuse set step writing one text field `html`.
"""

from __future__ import annotations

from editor.n8n.converter import Converted, Converter, N8nNode, Refusal

TEXT_NOTE = (
    "n8n wrote a value that is a list, an object or null with JavaScript's String() ('a,b', "
    "'[object Object]', 'null'); WorkFuse writes it as n8n writes values into text. Text and "
    "numbers are the same."
)


def html_template(node: N8nNode, cx: Converter) -> Converted:
    html = node.params.get("html", "")
    if not isinstance(html, str):
        raise Refusal("has an HTML template that is not text; open and save it in n8n.")
    # n8n fills in each `{{ }}` of the template whether or not it is marked as an expression.
    value = cx.value(html if html.startswith("=") else "=" + html, node)
    config = {"fields": [{"name": "html", "value": value, "type": "string"}], "keep": "none"}
    notes = [TEXT_NOTE] if "{{" in html else []
    return Converted("utility.set", config, notes=notes, spec={"data": "", "aliases": ()})
