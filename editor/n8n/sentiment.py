"""n8n's Sentiment Analysis (`@n8n/n8n-nodes-langchain.sentimentAnalysis`) as
`logic.ai_classify`: the model puts the text into one of the sentiment categories and the item
goes on down that category's output, unchanged, as n8n routes it.

n8n asks the model for `{sentiment: <category>}` and adds the verdict to the item as the field
`sentimentAnalysis` (`category`, and with detailed results `strength` and `confidence`).
WorkFuse's classifier asks for one true/false per category, one of them true, with n8n's system
prompt; the nodes after it read the item with `sentimentAnalysis.category` added (the Spec's
`adds`), the name of the category chosen. Detailed results are refused, naming them.
"""

from __future__ import annotations

from typing import Any

from editor.n8n import ai_parts
from editor.n8n.ai_media import _handle_for
from editor.n8n.converter import LANGCHAIN, Converted, Converter, N8nNode, Refusal, Spec

DEFAULT_CATEGORIES = "Positive, Neutral, Negative"
DEFAULT_PROMPT = (
    "You are highly intelligent and accurate sentiment analyzer. Analyze the sentiment of the "
    "provided text. Categorize it into one of the following: {categories}. Use the provided "
    "formatting instructions. Only output the JSON."
)


def _sentiment(node: N8nNode, cx: Converter) -> Converted:
    p = node.params
    options = p.get("options") or {}
    if options.get("includeDetailedResults"):
        raise Refusal(
            "includes detailed results (the sentiment's strength and the model's confidence), "
            "which WorkFuse's AI classifier does not give; turn them off in n8n and export again."
        )
    raw = options.get("categories", DEFAULT_CATEGORIES)
    if not isinstance(raw, str) or raw.startswith("="):
        raise Refusal("takes its categories from an expression; write them out in n8n.")
    names = [c.strip() for c in raw.split(",") if c.strip()]
    if not names:
        raise Refusal("has no categories; list them in n8n (comma-separated) and export again.")
    notes: list[str] = []
    config: dict[str, Any] = ai_parts.chat_model(node, cx, notes)
    text = cx.value(p.get("inputText"), node) if p.get("inputText") not in (None, "") else ""
    if not str(text).strip():
        raise Refusal("has no text to analyze; write one in n8n and export again.")
    taken: set[str] = set()
    categories = [{"name": n, "description": "", "handle": _handle_for(n, taken)} for n in names]
    template = options.get("systemPromptTemplate", DEFAULT_PROMPT)
    if isinstance(template, str) and template.startswith("="):
        template = cx.value(template, node) if "{{" in template else template[1:]
    config.update(
        prompt=str(text),
        categories=categories,
        multiple=False,
        fallback="discard",
        system_prompt=str(template),
    )
    notes.append(
        'n8n asked the model for {"sentiment": <category>}; WorkFuse\'s AI classifier asks for '
        "one true/false per category, one of them true, with the same system prompt. An answer "
        "naming no category sends the item nowhere, as in n8n."
    )
    if options.get("enableAutoFixing"):
        notes.append(
            "n8n asked the model again to fix a verdict that did not parse; WorkFuse's "
            "structured output answers in the shape asked, and a verdict that does not match "
            "fails the step."
        )
    # n8n hands each item on as `{...item, sentimentAnalysis: {category}}`: the nodes after it
    # read the item with the category the classifier chose (one, as `multiple` is off).
    verdict = "{'category': nodes." + node.id + ".categories[0]}"
    return Converted(
        "logic.ai_classify",
        config,
        outputs=[[c["handle"]] for c in categories],
        notes=notes,
        spec={"adds": (("sentimentAnalysis", verdict),)},
    )


SPECS: dict[str, Spec] = {
    # Items pass through to the output of their sentiment, as n8n routes them.
    f"{LANGCHAIN}sentimentAnalysis": Spec(_sentiment, None),
}
