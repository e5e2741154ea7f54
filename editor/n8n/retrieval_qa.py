"""n8n's Question and Answer Chain (`chainRetrievalQa`) reading a Vector Store Retriever, as two
WorkFuse steps: an `action.vector_store` search for the question, then the chain's own node, an
`action.ai` step that answers it with the chunks found in its system prompt.

n8n (LangChain's `createRetrievalChain` with a "stuff" documents chain) retrieves the
retriever's `topK` chunks (4 by default) for the question, joins their texts with blank lines
into `{context}` of its system prompt template, and sends that system message and the question
as the user message to the chat model. It answers `{response: answer}` from version 1.5 and
`{response: {text: answer}}` before.
"""

from __future__ import annotations

import dataclasses
import re
from typing import Any

from editor.n8n import vector_stores
from editor.n8n.ai import _text as chain_text  # what an agent or chain asks, by version
from editor.n8n.ai_parts import attached, chat_model, described
from editor.n8n.attachments import QA_CHAIN, RETRIEVER, VECTOR_STORES
from editor.n8n.converter import Converted, Converter, N8nNode, Refusal, Spec

SYSTEM_PROMPT = (
    "You are an assistant for question-answering tasks. Use the following pieces of retrieved "
    "context to answer the question.\nIf you don't know the answer, just say that you don't "
    "know, don't try to make up an answer.\n----------------\nContext: {context}"
)
# LangChain's f-string template: {name} is a variable, {{ and }} are braces.
_TEMPLATE_PART = re.compile(r"\{\{|\}\}|\{(\w*)\}|[{}]")
NOTE = (
    "n8n's chain searched the store and answered in one node; WorkFuse searches in the step "
    "'{search}' before it, and this step answers with the chunks found."
)


def _convert(node: N8nNode, cx: Converter) -> Converted:
    try:
        return _converted(node, cx)
    except Refusal:
        vector_stores.refuse_parts(node, cx)
        raise


def _converted(node: N8nNode, cx: Converter) -> Converted:
    p = node.params
    notes: list[str] = []
    config: dict[str, Any] = chat_model(node, cx, notes)
    text = chain_text(p, "query", node.version, 1.3)
    query = str(cx.value(text, node) if text else "")
    if not query.strip():
        raise Refusal("has no question to answer; write one in n8n and export again.")
    search_id = cx.step_id(node, "search")
    search = {
        "id": search_id,
        "type": "action.vector_store",
        "label": f"{node.name} (search)",
        "config": {"operation": "search", **_retrieval(node, cx, notes), "query": query},
        "notes": f"Added on import: the search n8n's chain '{node.name}' made before answering.",
    }
    options = dict(p.get("options") or {})
    template = options.pop("systemPromptTemplate", SYSTEM_PROMPT)
    options.pop("batching", None)  # how many items n8n answered at once: the answers are the same
    if options:
        raise Refusal(f"sets {', '.join(sorted(options))}, which WorkFuse does not have.")
    context = "{{ nodes." + search_id + ".results | map(attribute='text') | join('\\n\\n') }}"
    config["system_prompt"] = _system_prompt(node, str(template), context, query)
    config["prompt"] = query
    notes.append(NOTE.format(search=search["label"]))
    return Converted("action.ai", config, notes=notes, before=[search])


def _retrieval(chain: N8nNode, cx: Converter, notes: list[str]) -> dict[str, Any]:
    """`store`, `embeddings` and `top_k` from the chain's retriever and the store it reads."""
    retrievers = attached(cx, chain, "ai_retriever")
    if not retrievers:
        raise Refusal("has no retriever attached, which n8n requires.")
    retriever = retrievers[0]
    if retriever.type != RETRIEVER:
        raise Refusal(
            f"retrieves with {described(retriever)}; WorkFuse's chain searches a vector store "
            "(n8n's Vector Store Retriever). Use one in n8n and export again."
        )
    extra = sorted(set(retriever.params) - {"topK", "name", "description"})
    if extra:
        raise Refusal(
            f"its retriever {described(retriever)} sets {', '.join(extra)}, which WorkFuse "
            "does not have."
        )
    stores = attached(cx, retriever, "ai_vectorStore")
    if not stores or stores[0].type not in VECTOR_STORES:
        which = described(stores[0]) if stores else "no vector store"
        raise Refusal(
            f"its retriever {described(retriever)} reads {which}; WorkFuse searches its own "
            "store, Qdrant, Pinecone and Supabase (n8n's Simple, Qdrant, Pinecone and Supabase "
            "Vector Stores)."
        )
    source = stores[0]
    mode = source.params.get("mode", "retrieve")
    if mode != "retrieve":
        raise Refusal(f"its store {described(source)} is in {mode} mode; a retriever reads one.")
    count = vector_stores.top_k(retriever, cx, retriever.params.get("topK"), reader=chain)
    if isinstance(count, int) and not 1 <= count <= 100:
        raise Refusal(
            f"its retriever {described(retriever)} sets topK to {count}; WorkFuse returns 1 to "
            "100 chunks."
        )
    return {
        "store": vector_stores.store(source, cx, notes, reader=chain),
        "embeddings": vector_stores.embeddings(source, cx, notes),
        "top_k": count,
    }


def _system_prompt(node: N8nNode, template: str, context: str, query: str) -> str:
    """The system prompt template as a WorkFuse template: `{context}` the chunks found,
    `{input}` (`{question}` before version 1.5) the question, braces kept as text."""
    if template.startswith("="):
        if "{{" in template:
            raise Refusal(
                "builds its system prompt template with an expression; write it as text in "
                "n8n and export again."
            )
        template = template[1:]
    names = {"context": context, "input": query}
    if node.version < 1.5:
        names["question"] = query

    def part(match: re.Match[str]) -> str:
        piece = match.group(0)
        if match.group(1) is not None:
            if match.group(1) not in names:
                raise Refusal(
                    f"has {piece} in its system prompt template, which is not a variable of "
                    "n8n's chain ({context} or {input}); LangChain fails on it."
                )
            return names[match.group(1)]
        if piece in ("{{", "}}"):
            piece = piece[0]
        elif piece in "{}":
            raise Refusal("has a lone brace in its system prompt template; LangChain fails on it.")
        return "{{ '" + piece + "' }}"

    return _TEMPLATE_PART.sub(part, template)


def _spec(node: N8nNode, cx: Converter) -> Spec:
    """Before version 1.5 n8n's chain answered `{response: {text}}`."""
    spec = dataclasses.replace(SPECS[QA_CHAIN], per_node=None)
    if node.version < 1.5:
        return dataclasses.replace(spec, aliases=(("response.text", "response"),))
    return spec


SPECS: dict[str, Spec] = {QA_CHAIN: Spec(_convert, "", per_node=_spec)}
