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

import json  # ai4
import re
from typing import Any

from editor.n8n.ai_parts import attached, chat_model
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
    # --- ai4 ---
    texts, limit = ITEM_TEXTS, None
    if node.version < 2 or p.get("operationMode") == "documentLoader":
        texts, limit = _loaded(node, cx)
    elif p.get("chunkingMode") == "advanced":
        limit = _splitter_limit(node, cx)
    # --- end ai4 ---
    if p.get("operationMode") == "nodeInputBinary" and _fileless_feeder(node, cx):  # ai4
        texts = "''"
        notes.append(
            f"n8n's chain summarises the files of its input items, and '{_fileless_feeder(node, cx)}' "
            "outputs items without files, so n8n's loader found no document and sent the prompt "
            "with {text} empty, once: so does WorkFuse."
        )
    elif p.get("operationMode") == "nodeInputBinary":
        raise Refusal(
            "summarises a binary file, which this import does not read yet; extract its text "
            "first (Extract from File) and summarise the JSON."
        )
    config: dict[str, Any] = chat_model(node, cx, notes)
    values = ((p.get("options") or {}).get("summarizationMethodAndPrompts") or {}).get("values")
    values = values if isinstance(values, dict) else {}
    method = values.get("summarizationMethod") or "map_reduce"
    if node.version < 2:  # ai4: version 1 chooses the method only, its prompts LangChain's
        method, values = p.get("type") or "map_reduce", {}
    if method not in ("stuff", "map_reduce", "refine"):
        raise Refusal(f"summarises by '{method}', which n8n's chain does not have.")
    key = "refineQuestionPrompt" if method == "refine" else "prompt"
    prompt = values.get(key) or DEFAULT_PROMPT
    config["prompt"] = _prompt(node, cx, str(prompt), key, texts)  # ai4: texts
    if limit != "":  # ai4: nothing split, nothing to say
        notes.append(_chunk_note(node, method, limit))
    return Converted("action.ai", config, notes=notes)


def _prompt(node: N8nNode, cx: Converter, prompt: str, key: str, texts: str) -> str:
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
    filled = body.replace("{text}", "{{ " + texts + " }}")
    return str(cx.expression(filled, node))


def _chunk_note(node: N8nNode, method: str, limit: str | None) -> str:
    p = node.params
    if limit is None:
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


# --- ai4 ---
DEFAULT_LOADER = f"{LANGCHAIN}documentDefaultDataLoader"
JSON_LOADER = f"{LANGCHAIN}documentJsonInputLoader"
TOKEN_SPLITTER = f"{LANGCHAIN}textSplitterTokenSplitter"
CHARACTER_SPLITTERS = {
    f"{LANGCHAIN}textSplitterRecursiveCharacterTextSplitter",
    f"{LANGCHAIN}textSplitterCharacterTextSplitter",
}
_SINGLE = re.compile(r"^=\s*\{\{(?P<expr>.*?)\}\}\s*$", re.S)
_POINTER = re.compile(r"^(/[^/]+)+$")


def _texts_of(value: str) -> str:
    """Every text value of `value` (an n8n JavaScript expression), as ITEM_TEXTS of `$json`."""
    return ITEM_TEXTS.removesuffix("($json).join('\\n\\n')") + f"({value}).join('\\n\\n')"


def _loaded(node: N8nNode, cx: Converter) -> tuple[str, str | None]:
    """What the chain summarises when its document loader reads the item: the loader's texts
    (an n8n expression) and its splitter's chunk limit. n8n's JSON loaders read the item as
    LangChain's JSONLoader does, every string in key order (of the JSON pointers' values for
    the JSON Input Loader, of its expression's value for 'Load Specific Data')."""
    loaders = attached(cx, node, "ai_document")
    if not loaders:
        raise Refusal("has no document loader attached, which n8n requires; attach one in n8n.")
    loader = loaders[0]
    p = loader.params
    what = f"its document loader '{loader.name}' ({loader.type})"
    if loader.type == DEFAULT_LOADER:
        if p.get("dataType", "json") != "json":
            raise Refusal(
                f"{what} loads a file (binary), which this import does not summarise yet; "
                "extract its text first in n8n (Extract from File) and summarise the JSON."
            )
        texts = ITEM_TEXTS
        if p.get("jsonMode") == "expressionData":
            match = _SINGLE.match(str(p.get("jsonData") or ""))
            if match is None:
                raise Refusal(
                    f"{what} loads {str(p.get('jsonData'))[:80]!r}, which WorkFuse reads only "
                    "as one expression ({{ ... }}); write it so in n8n and export again."
                )
            texts = _texts_of(match.group("expr").strip())
    elif loader.type == JSON_LOADER:
        pointers = [x.strip() for x in str(p.get("pointers") or "").split(",") if x.strip()]
        for pointer in pointers:
            if not _POINTER.match(pointer) or "~" in pointer:
                raise Refusal(
                    f"{what} reads the JSON pointer '{pointer}', which WorkFuse reads "
                    "only as /key/key...; change it in n8n and export again."
                )
        reads = [
            "$json" + "".join(f"[{json.dumps(key)}]" for key in pointer.split("/")[1:])
            for pointer in pointers
        ]
        texts = _texts_of("[" + ", ".join(reads) + "]") if reads else ITEM_TEXTS
    else:
        raise Refusal(
            f"{what} is a loader this import does not summarise from (it reads the item's JSON "
            "with n8n's Default Data Loader or JSON Input Loader); use one of them in n8n."
        )
    simple = p.get("textSplittingMode", "simple") == "simple"
    if loader.type == DEFAULT_LOADER and loader.version >= 1.1 and simple:
        return texts, "1000 characters (chunks overlapping by 200)"
    return texts, _splitter_limit(loader, cx)


# n8n nodes whose output items never carry files (binary data): their items are new JSON.
FILELESS = {"n8n-nodes-base.markdown"}


def _fileless_feeder(node: N8nNode, cx: Converter) -> str:
    """The name of the one node feeding `node` when its items never carry a file, else ""."""
    parents = cx.parents.get(node.name) or []
    if len(parents) != 1:
        return ""
    feeder = cx.nodes.get(parents[0][0])
    return feeder.name if feeder is not None and feeder.type in FILELESS else ""


def _splitter_limit(node: N8nNode, cx: Converter) -> str:
    """The chunk limit of the text splitter attached to `node` (the chain or its loader); ""
    when none is (n8n splits nothing then)."""
    found = attached(cx, node, "ai_textSplitter")
    if not found:  # n8n's JSON loaders then keep each text whole, as WorkFuse does
        return ""
    splitter = found[0]
    p = splitter.params
    if splitter.type not in CHARACTER_SPLITTERS | {TOKEN_SPLITTER}:
        raise Refusal(f"its text splitter '{splitter.name}' ({splitter.type}) is not one n8n has.")
    size, overlap = p.get("chunkSize", 1000), p.get("chunkOverlap", 0)
    unit = "tokens" if splitter.type == TOKEN_SPLITTER else "characters"
    return f"{size} {unit} (chunks overlapping by {overlap}, its text splitter '{splitter.name}')"


# --- end ai4 ---


SPECS: dict[str, Spec] = {
    f"{LANGCHAIN}chainSummarization": Spec(
        _summarization, "", (("response.text", "response"), ("response.output_text", "response"))
    )
}
