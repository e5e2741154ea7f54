"""`action.vector_store`: puts texts into a vector store and searches it (retrieval, RAG).

`insert` turns each item into documents (its `text`: a string is one document, an object or
list gives one document per text value in it, as n8n's Default Data Loader does), splits them
like LangChain's recursive character splitter (`chunk_size`, `chunk_overlap`:
editor/nodes/vectors/splitter.py), computes their embeddings and stores the chunks with the
item's `metadata`. `search` embeds `query` and returns the `top_k` closest chunks with their
scores. Stores: WorkFuse's own (durable, per owner and collection), Qdrant, Pinecone and
Supabase (editor/nodes/vectors/stores.py). The embeddings' tokens and cost count towards the workflow's
`ai_budget` like an AI prompt's.
"""

from __future__ import annotations

from typing import Any, Literal, Self

from pydantic import Field, field_validator, model_validator

from editor.models import Workflow
from editor.nodes import items as data
from editor.nodes.base import NodeConfig, NodeError, NodeType, RunContext, Secret
from editor.nodes.utility_image import Number  # a whole number or a template giving one
from editor.nodes.vectors import stores
from editor.nodes.vectors.settings import (
    EMBEDDING_CREDENTIAL_KINDS,
    STORE_CREDENTIAL_KINDS,
    Embeddings,
    Store,
    default_embeddings,
)
from editor.nodes.vectors.splitter import split_text

MAX_TEXT_CHARS = 2_000_000  # all documents of one insert together
MAX_CHUNKS = 2_000  # chunks of one insert (each is embedded and stored)


class Config(NodeConfig):
    operation: Literal["insert", "search"] = Field(
        "search",
        description="'insert': store the items' texts; 'search': find the chunks closest to "
        "a query.",
    )
    store: Store = Field(..., description="Where the vectors live.")
    embeddings: Embeddings = Field(
        default_factory=default_embeddings,
        validate_default=True,
        description="The model that computes the vectors; insert and search must use the same.",
    )
    items: Any = Field(None, description="Insert: " + data.ITEMS_HELP)
    text: Any = Field(
        "",
        description="Insert: each item's text, a template such as '{{ item.content }}'. Empty: "
        "every text value of the item, each its own document.",
    )
    metadata: dict[str, Any] = Field(
        default_factory=dict,
        description="Insert: fields stored with each item's chunks, e.g. "
        "{'source': '{{ item.url }}'}; returned by searches.",
    )
    chunk_size: int = Field(
        1000, ge=1, le=100_000, description="Insert: the longest chunk, in characters."
    )
    chunk_overlap: int = Field(
        200,
        ge=0,
        le=99_999,
        description="Insert: characters a chunk repeats from the end of the one before.",
    )
    clear: bool = Field(
        False,
        description="Insert, WorkFuse's own store or Pinecone: empty the collection (the "
        "Pinecone namespace) first.",
    )
    query: str = Field("", description="Search: what to look for, e.g. '{{ trigger.body.q }}'.")
    top_k: Number = Field(
        4,
        description="Search: how many chunks to return, 1 to 100 (or a template giving one, "
        "e.g. '{{ trigger.body.k }}').",
    )

    _items = field_validator("items")(data.check_items)

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if self.chunk_overlap >= self.chunk_size:
            raise ValueError("chunk_overlap must be smaller than chunk_size")
        if self.operation == "search" and not self.query.strip():
            raise ValueError("search needs a query")
        if isinstance(self.top_k, int) and not 1 <= self.top_k <= 100:
            raise ValueError(f"top_k must be from 1 to 100, not {self.top_k}")
        if self.clear and (
            self.operation != "insert" or self.store.kind not in ("workfuse", "pinecone")
        ):
            raise ValueError("clear is for inserts into WorkFuse's own store or Pinecone")
        if self.operation == "insert" and self.store.metadata_filter:  # vector
            raise ValueError("store.metadata_filter is for searches")
        return self


def run(config: Config, ctx: RunContext) -> dict[str, Any]:
    """Insert: `{inserted, collection, documents: [{text, metadata}], model, usage, cost_usd}`.
    Search: `{results: [{text, metadata, score}], query, model, usage, cost_usd}`."""
    owner_id = owner_of(ctx)
    store_secret = credential(ctx, config.store.credential, STORE_CREDENTIAL_KINDS)
    embed_secret = credential(ctx, config.embeddings.credential, EMBEDDING_CREDENTIAL_KINDS)
    stores.check_ready(config.store, store_secret)
    if config.operation == "search":
        found, spent = search(
            config.store,
            config.embeddings,
            owner_id,
            config.query,
            int(config.top_k),  # a number once rendered (`Number`)
            store_secret,
            embed_secret,
        )
        return {"results": [f.as_dict() for f in found], "query": config.query, **spent}
    documents = _documents(config, ctx)
    chunks = _chunks(config, documents)
    vectors, spent = embed(config.embeddings, [text for text, _ in chunks], embed_secret)
    if config.clear:
        stores.clear(config.store, owner_id, store_secret)
    stores.insert(
        config.store,
        owner_id,
        [stores.Chunk(t, m, v) for (t, m), v in zip(chunks, vectors, strict=True)],
        store_secret,
    )
    return {
        "inserted": len(chunks),
        "collection": config.store.collection,
        "documents": [{"text": t, "metadata": m} for t, m in chunks],
        **spent,
    }


def owner_of(ctx: RunContext) -> int:
    owner = None
    if ctx.workflow_id is not None:
        owner = (
            Workflow.objects.filter(pk=ctx.workflow_id).values_list("owner_id", flat=True).first()
        )
    if owner is None:
        raise NodeError("A vector store runs inside a workflow: its collections are its owner's.")
    return owner


def credential(ctx: RunContext, credential_id: int | None, kinds: tuple[str, ...]) -> Secret | None:
    if credential_id is None:
        return None
    if ctx.resolve_credential is None:
        raise NodeError("Credentials are only available while a workflow runs.")
    return ctx.resolve_credential(credential_id, kinds)


def embed(
    settings: Embeddings, texts: list[str], secret: Secret | None
) -> tuple[list[list[float]], dict[str, Any]]:
    from aiconfig.providers import embed_texts  # the AI SDKs load only when a vector node runs

    if settings.strip_newlines:  # LangChain's stripNewLines
        texts = [text.replace("\n", " ") for text in texts]
    vectors, spent = embed_texts(
        settings.provider, settings.model, texts, secret, settings.base_url, settings.dimensions
    )
    return vectors, {
        "model": spent["model"],
        "usage": spent["usage"],
        "cost_usd": spent["cost_usd"],
    }


def search(
    store: Store,
    settings: Embeddings,
    owner_id: int,
    query: str,
    top_k: int,
    store_secret: Secret | None,
    embed_secret: Secret | None,
) -> tuple[list[stores.Found], dict[str, Any]]:
    """The `top_k` chunks closest to `query`, best first, and what embedding it spent."""
    stores.check_ready(store, store_secret)
    vectors, spent = embed(settings, [query], embed_secret)
    return stores.search(store, owner_id, vectors[0], top_k, store_secret), spent


def _documents(config: Config, ctx: RunContext) -> list[tuple[str, dict[str, Any]]]:
    """(text, metadata) per document, items in order; templates rendered per item."""
    items = data.items_from(config.items, ctx)
    documents: list[tuple[str, dict[str, Any]]] = []
    size = 0
    with data.one_budget():
        for index, item in enumerate(items):
            scope = data.item_context(ctx, item, index)
            text = data.render_for_item(config.text, scope, "text") if config.text != "" else item
            metadata = data.render_for_item(config.metadata, scope, "metadata")
            for part in texts_in(text):
                size += len(part)
                if size > MAX_TEXT_CHARS:
                    raise NodeError(
                        f"The documents hold more than {MAX_TEXT_CHARS:,} characters; insert "
                        "them in smaller batches."
                    )
                documents.append((part, dict(metadata)))
    return documents


def texts_in(value: Any) -> list[str]:
    """The documents in one item's text: a string is one; an object or list gives each string
    inside it, depth first (LangChain's JSONLoader, which n8n's loader uses for JSON); numbers
    and booleans alone become their text."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [t for v in value.values() for t in _strings(v)]
    if isinstance(value, list):
        return [t for v in value for t in _strings(v)]
    if value is None:
        return []
    return [str(value).lower() if isinstance(value, bool) else str(value)]


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [t for v in value.values() for t in _strings(v)]
    if isinstance(value, list):
        return [t for v in value for t in _strings(v)]
    return []


def _chunks(
    config: Config, documents: list[tuple[str, dict[str, Any]]]
) -> list[tuple[str, dict[str, Any]]]:
    chunks: list[tuple[str, dict[str, Any]]] = []
    for text, metadata in documents:
        for chunk in split_text(text, config.chunk_size, config.chunk_overlap):
            chunks.append((chunk, metadata))
            if len(chunks) > MAX_CHUNKS:
                raise NodeError(
                    f"The documents make more than {MAX_CHUNKS:,} chunks; insert them in smaller "
                    "batches or raise chunk_size."
                )
    return chunks


NODE = NodeType(
    type="action.vector_store",
    label="Vector store",
    category="action",
    description="Stores texts as embeddings in a vector store (WorkFuse's own, Qdrant, Pinecone "
    "or Supabase) and finds the passages closest to a question, for retrieval-augmented answers.",
    Config=Config,
    run=run,
    item_fields=("text", "metadata"),
    icon="⌕",
    examples=(
        (
            "Store the help-center articles from the previous step in the 'docs' collection, "
            "with each article's URL.",
            {
                "operation": "insert",
                "store": {"kind": "workfuse", "collection": "docs"},
                "items": "{{ nodes.articles.items }}",
                "text": "{{ item.body }}",
                "metadata": {"url": "{{ item.url }}"},
            },
        ),
        (
            "Find the five passages of 'docs' closest to the question in the webhook.",
            {
                "operation": "search",
                "store": {"kind": "workfuse", "collection": "docs"},
                "query": "{{ trigger.body.question }}",
                "top_k": 5,
            },
        ),
    ),
)
