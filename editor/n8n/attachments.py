"""Which n8n nodes configure another node through an `ai_*` connection instead of running
themselves, when their type alone does not say it: a vector store's embeddings, document
loader and its text splitter; a vector store used as an agent's tool (retrieve-as-tool) or by a
Vector Store Tool. Such a node is read by the node it feeds (editor/n8n/vector_stores.py); fed
to a node WorkFuse cannot import, it stays a node of its own and is refused by name."""

from __future__ import annotations

from typing import Any

LANGCHAIN = "@n8n/n8n-nodes-langchain."
VECTOR_STORES = frozenset(
    LANGCHAIN + name
    for name in (
        "vectorStoreQdrant",
        "vectorStorePinecone",
        "vectorStoreInMemory",
        "vectorStoreSupabase",  # rag
    )
)
# --- rag ---
RETRIEVER = LANGCHAIN + "retrieverVectorStore"  # a store's search, for a Q&A chain
QA_CHAIN = LANGCHAIN + "chainRetrievalQa"
# --- end rag ---
# connection kind -> the node types that read what it brings (None: any node)
CONSUMERS: dict[str, frozenset[str] | None] = {
    "ai_embedding": VECTOR_STORES,
    "ai_document": VECTOR_STORES,
    "ai_textSplitter": frozenset({LANGCHAIN + "documentDefaultDataLoader"}),
    "ai_vectorStore": frozenset({LANGCHAIN + "toolVectorStore", RETRIEVER}),  # rag: RETRIEVER
    # --- rag ---
    "ai_retriever": frozenset({QA_CHAIN}),
    # --- end rag ---
}
# Parts that count only while what they feed is itself a part (a splitter's loader, a store's
# retriever).
NESTED = {
    ("ai_textSplitter", LANGCHAIN + "documentDefaultDataLoader"),
    ("ai_vectorStore", RETRIEVER),  # rag
}

# --- ai4 ---
# A Summarization Chain reads its document loader and text splitter (editor/n8n/summarization.py):
# the splitter attached to the chain, or to a JSON loader that is itself the chain's.
SUMMARIZATION = LANGCHAIN + "chainSummarization"
JSON_LOADER = LANGCHAIN + "documentJsonInputLoader"
CONSUMERS["ai_document"] = frozenset({*VECTOR_STORES, SUMMARIZATION})
CONSUMERS["ai_textSplitter"] = frozenset(
    {LANGCHAIN + "documentDefaultDataLoader", SUMMARIZATION, JSON_LOADER}
)
NESTED.add(("ai_textSplitter", JSON_LOADER))
# --- end ai4 ---
# --- vector ---
BINARY_LOADER = LANGCHAIN + "documentBinaryInputLoader"  # the Default Data Loader's forerunner
CONSUMERS["ai_textSplitter"] = frozenset(
    {LANGCHAIN + "documentDefaultDataLoader", SUMMARIZATION, JSON_LOADER, BINARY_LOADER}
)
NESTED.add(("ai_textSplitter", BINARY_LOADER))
# --- end vector ---


def is_part(data: dict[str, Any], name: str, n8n_type: str) -> bool:
    """Whether the node `name` feeds, by an `ai_*` connection, a node that reads it (a loader
    only counts when it is itself a part of a store)."""
    kinds = (data.get("connections") or {}).get(name)
    if not isinstance(kinds, dict):
        return False
    types = {
        str(raw.get("name")): str(raw.get("type") or "")
        for raw in data.get("nodes") or []
        if isinstance(raw, dict)
    }
    for kind, outputs in kinds.items():
        if kind == "ai_tool" and n8n_type in VECTOR_STORES:
            return True
        if kind == "ai_vectorStore" and n8n_type not in VECTOR_STORES:
            continue
        if kind == "ai_retriever" and n8n_type != RETRIEVER:  # rag
            continue
        consumers = CONSUMERS.get(kind)
        if consumers is None:
            continue
        for targets in outputs if isinstance(outputs, list) else []:
            for target in targets if isinstance(targets, list) else []:
                if not isinstance(target, dict):
                    continue
                reader = str(target.get("node"))
                if types.get(reader) not in consumers:
                    continue
                if (kind, types[reader]) not in NESTED or is_part(data, reader, types[reader]):
                    return True
    return False


def configured(data: dict[str, Any], name: str) -> str | None:
    """The node that the sub-node `name` configures in the end, through `ai_*` connections (a
    splitter configures its loader, which configures its store), or None."""
    seen = {name}
    current = name
    while True:
        kinds = (data.get("connections") or {}).get(current)
        fed = [
            str(target.get("node"))
            for kind, outputs in (kinds.items() if isinstance(kinds, dict) else [])
            if kind.startswith("ai_")
            for targets in (outputs if isinstance(outputs, list) else [])
            for target in (targets if isinstance(targets, list) else [])
            if isinstance(target, dict)
        ]
        if not fed or fed[0] in seen:
            return None if current == name else current
        current = fed[0]
        seen.add(current)
