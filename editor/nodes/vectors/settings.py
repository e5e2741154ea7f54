"""Where vectors live and which model computes them: the settings `action.vector_store` and the
agent's vector store tool share."""

from __future__ import annotations

from typing import Any, Literal, Self

from pydantic import Field, field_validator, model_validator

from integrations.service import http_url
from workfuse.lib.node_types import NodeConfig

STORE_CREDENTIAL_KINDS = ("api_key", "supabase")
SUPABASE_QUERY = "match_documents"  # the function Supabase's guide (and n8n) searches with
EMBEDDING_CREDENTIAL_KINDS = ("ai_provider",)
PINECONE_API = "https://api.pinecone.io"


def default_embeddings() -> dict[str, Any]:
    """The default embeddings settings, as a form shows them (validated into `Embeddings`)."""
    return {"provider": "openai", "model": "text-embedding-3-small"}


class Embeddings(NodeConfig):
    """The model that turns text into vectors. Insert and search must use the same one."""

    provider: Literal["openai", "openai_compatible", "gemini"] = Field(
        "openai",
        description="Who computes the embeddings: OpenAI, Google Gemini, or an "
        "OpenAI-compatible server (Ollama, vLLM, Mistral) at base_url.",
    )
    model: str = Field(
        "text-embedding-3-small",
        min_length=1,
        max_length=200,
        description="The embeddings model, e.g. 'text-embedding-3-small'.",
    )
    base_url: str | None = Field(
        None,
        description="For OpenAI-compatible servers: the API base URL, e.g. "
        "'http://localhost:11434/v1'.",
    )
    dimensions: int | None = Field(
        None,
        ge=1,
        le=10_000,
        description="Shorter vectors from models that can make them (text-embedding-3-*); "
        "empty: the model's own length.",
    )
    strip_newlines: bool = Field(
        False,
        description="Replace line breaks by spaces in the text sent to the model (as n8n's "
        "embeddings do); the stored text keeps them.",
    )
    credential: int | None = Field(
        None,
        ge=1,
        description="An AI provider credential; empty uses the server's key for the provider.",
        json_schema_extra={"credential_kinds": list(EMBEDDING_CREDENTIAL_KINDS)},
    )

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if self.provider == "openai_compatible" and not (self.base_url or "").strip():
            raise ValueError("provider openai_compatible needs base_url: the server's API address")
        if self.provider != "openai_compatible" and (self.base_url or "").strip():
            raise ValueError("base_url is only for provider openai_compatible")
        return self


class Store(NodeConfig):
    """Which vector store, and which collection in it."""

    kind: Literal["workfuse", "qdrant", "pinecone", "supabase"] = Field(
        "workfuse",
        description="WorkFuse's own store (kept in WorkFuse's database, shared by your "
        "workflows), a Qdrant server, a Pinecone index, or a Supabase table (pgvector).",
    )
    collection: str = Field(
        ...,
        min_length=1,
        max_length=100,
        description="The collection (WorkFuse, Qdrant), index (Pinecone) or table (Supabase) "
        "name, e.g. 'docs'.",
    )
    query_name: str = Field(
        SUPABASE_QUERY,
        min_length=1,
        max_length=100,
        pattern=r"^[A-Za-z_][A-Za-z0-9_]*$",
        description="Supabase only: the database function that searches the table (Supabase's "
        "guide names it match_documents).",
    )
    namespace: str = Field(
        "", max_length=100, description="Pinecone only: the namespace in the index (optional)."
    )
    # --- vector ---
    metadata_filter: dict[str, Any] = Field(
        default_factory=dict,
        description="Supabase only, searches: metadata the chunks found must contain, e.g. "
        "{'file_id': '{{ trigger.file }}'}, given to the search function as its 'filter' "
        "argument (Supabase's guide's match_documents keeps rows whose metadata contains it).",
    )
    # --- end vector ---
    url: str | None = Field(
        None,
        description="Qdrant: the server's address, e.g. 'https://xyz.cloud.qdrant.io:6333'. "
        f"Pinecone: its API address, empty for {PINECONE_API}.",
    )
    credential: int | None = Field(
        None,
        ge=1,
        description="The store's API key (an API key credential; a Supabase credential for "
        "Supabase); Qdrant without a key needs none.",
        json_schema_extra={"credential_kinds": list(STORE_CREDENTIAL_KINDS)},
    )

    @field_validator("url")
    @classmethod
    def _http_url(cls, url: str | None) -> str | None:
        return http_url(url) if url and url.strip() else None

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if self.kind == "qdrant" and not self.url:
            raise ValueError("a Qdrant store needs url: the server's address")
        if self.kind == "workfuse" and (self.url or self.credential is not None):
            raise ValueError("WorkFuse's own store takes no url or credential")
        if self.namespace and self.kind != "pinecone":
            raise ValueError("namespace is for Pinecone stores only")
        if self.kind == "supabase" and self.url:
            raise ValueError("a Supabase store takes its address from its Supabase credential")
        if self.kind != "supabase" and self.query_name != SUPABASE_QUERY:
            raise ValueError("query_name is for Supabase stores only")
        if self.metadata_filter and self.kind != "supabase":  # vector
            raise ValueError("metadata_filter is for Supabase stores only")
        return self
