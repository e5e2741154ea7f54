"""n8n's Summarization Chain as a WorkFuse AI step (`action.ai`) that summarises the item.

n8n (LangChain) reads every text value of the item (`JSONLoader`: strings in key order, numbers
left out), splits texts longer than the chunk size into overlapping chunks, and:

* stuff: sends its prompt once, `{text}` being the chunks joined by blank lines;
* map_reduce: does the same with its combine prompt ("Final Prompt to Combine") while that fits
  in 3,000 tokens, and otherwise first summarises each chunk with the map prompt;
* refine: summarises the first chunk with its initial prompt, then refines that summary with
  each next chunk.

WorkFuse sends the prompt n8n sends first (stuff's, map_reduce's combine prompt, refine's
initial prompt) with `{text}` being the item's texts joined by blank lines, once. That is
n8n's request exactly while no text is over the chunk size (and, for map_reduce, the whole
under 3,000 tokens); past that n8n made several requests, which each conversion states.
"""

from __future__ import annotations

import re
from typing import Any

from editor.n8n.ai_parts import chat_model
from editor.n8n.converter import LANGCHAIN, Converted, Converter, N8nNode, Refusal, Spec

DEFAULT_PROMPT = 'Write a concise summary of the following:\n\n\n"{text}"\n\n\nCONCISE SUMMARY:'
# Every text value of n8n's item, in order, as LangChain's JSONLoader reads them.
ITEM_TEXTS = (
    "(function texts(v) { return typeof v === 'string' ? [v] : Array.isArray(v) ? "
    "v.flatMap(texts) : v !== null && typeof v === 'object' ? Object.values(v).flatMap(texts) "
    ": []; })($json).join('\\n\\n')"
)
_PLACEHOLDER = re.compile(r"\{(\w*)\}")
_EXPRESSION = re.compile(r"\{\{.*?\}\}", re.S)


def _summarization(node: N8nNode, cx: Converter) -> Converted:
    p = node.params
    notes: list[str] = []
    if node.version < 2 or p.get("operationMode") == "documentLoader":
        raise Refusal(
            "reads its text from a document loader sub-node, which WorkFuse has not; set 'Data "
            "to Summarize' to 'Use Node Input (JSON)' in n8n and export again."
        )
    if p.get("operationMode") == "nodeInputBinary":
        raise Refusal(
            "summarises a binary file, which this import does not read yet; extract its text "
            "first (Extract from File) and summarise the JSON."
        )
    config: dict[str, Any] = chat_model(node, cx, notes)
    values = ((p.get("options") or {}).get("summarizationMethodAndPrompts") or {}).get("values")
    values = values if isinstance(values, dict) else {}
    method = values.get("summarizationMethod") or "map_reduce"
    if method not in ("stuff", "map_reduce", "refine"):
        raise Refusal(f"summarises by '{method}', which n8n's chain does not have.")
    key = "refineQuestionPrompt" if method == "refine" else "prompt"
    prompt = values.get(key) or DEFAULT_PROMPT
    config["prompt"] = _prompt(node, cx, str(prompt), key)
    notes.append(_chunk_note(node, method))
    return Converted("action.ai", config, notes=notes)


def _prompt(node: N8nNode, cx: Converter, prompt: str, key: str) -> str:
    """The prompt with `{text}` being the item's texts (a LangChain template inside what may
    be an n8n expression, which n8n fills in first)."""
    is_expression = prompt.startswith("=")
    body = prompt[1:] if is_expression else prompt
    outside = _EXPRESSION.sub("", body) if is_expression else body
    if not is_expression and "{{" in body:
        raise Refusal(
            f"has '{{{{' in its {key} prompt, which LangChain reads as a literal brace; "
            "WorkFuse would read it as an expression. Remove it in n8n and export again."
        )
    others = sorted({name for name in _PLACEHOLDER.findall(outside) if name != "text"})
    if others or re.search(r"[{}]", _PLACEHOLDER.sub("", outside)):
        shown = ", ".join("{" + n + "}" for n in others) or "a lone brace"
        raise Refusal(
            f"has {shown} in its {key} prompt besides {{text}}; LangChain fails on it. Remove "
            "it in n8n and export again."
        )
    filled = body.replace("{text}", "{{ " + ITEM_TEXTS + " }}")
    return str(cx.expression(filled, node))


def _chunk_note(node: N8nNode, method: str) -> str:
    p = node.params
    if p.get("chunkingMode") == "advanced":
        limit = "the attached text splitter's chunk size"
    else:
        size, overlap = p.get("chunkSize", 1000), p.get("chunkOverlap", 200)
        limit = f"{size} characters (chunks overlapping by {overlap})"
    several = {
        "stuff": "sent the chunks joined, their overlaps repeated",
        "map_reduce": "summarised chunk by chunk and then combined, once the text passed "
        "3,000 tokens",
        "refine": "summarised the first chunk and refined it with each next one",
    }[method]
    return (
        f"n8n split each text of the item longer than {limit} and {several}; WorkFuse "
        "sends the whole text in one request, which is n8n's request for shorter texts."
    )


SPECS: dict[str, Spec] = {
    f"{LANGCHAIN}chainSummarization": Spec(
        _summarization, "", (("response.text", "response"), ("response.output_text", "response"))
    )
}
