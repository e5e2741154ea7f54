"""app.elasticsearch: documents indexed, read, searched, updated and deleted."""

from __future__ import annotations

from typing import Any, Literal, get_args
from urllib.parse import quote

from pydantic import Field, field_validator

from integrations.elasticsearch import rest_api
from integrations.elasticsearch.credentials import Cluster
from integrations.operations import OperationConfig, json_object, rendered_object, used_by
from integrations.service import credential_for
from workfuse.lib.node_run import RunContext
from workfuse.lib.node_types import NodeType

Operation = Literal[
    "index_document", "get_document", "search_documents", "update_document", "delete_document"
]
OPERATIONS: tuple[str, ...] = get_args(Operation)
BY_ID = ("get_document", "update_document", "delete_document")
MAX_HITS = 10_000  # Elasticsearch's default index.max_result_window


class Config(OperationConfig):
    credential: int | None = Field(
        None, ge=1, description="Your Elasticsearch cluster credential. Needed to run."
    )
    operation: Operation = Field(
        "index_document",
        description="index_document: store a document (a new id, or replace the one given). "
        "get_document / update_document / delete_document: one document by id. "
        "search_documents: the documents a query finds.",
    )
    index: str = Field(
        "",
        description="The index's name.",
        json_schema_extra=used_by(*OPERATIONS, required=True),
    )
    document_id: str = Field(
        "",
        description="The document's id (index_document: optional, Elasticsearch makes one).",
        json_schema_extra=used_by("index_document", *BY_ID, required=BY_ID),
    )
    document: Any = Field(
        None,
        description='The document\'s fields as a JSON object: {"title": "…", "tags": ["a"]} '
        "(update_document: only the fields to change).",
        json_schema_extra=used_by("index_document", "update_document", required=True),
    )
    query: Any = Field(
        None,
        description='search_documents: the query DSL as a JSON object, e.g. {"match": {"title": '
        '"cat"}}. Empty: every document.',
        json_schema_extra=used_by("search_documents"),
    )
    max_results: int = Field(
        50,
        ge=1,
        le=MAX_HITS,
        description="search_documents: keep at most this many documents.",
        json_schema_extra=used_by("search_documents"),
    )
    simple: bool = Field(
        True,
        description="get_document / search_documents: each document as its fields with its "
        "_id (off: Elasticsearch's whole answer, with _source, _index, _score…).",
        json_schema_extra=used_by("get_document", "search_documents"),
    )

    @field_validator("document", "query", mode="before")
    @classmethod
    def rendered_object(cls, value: Any) -> Any:
        return json_object(value, "Elasticsearch fields")


def _simple(hit: dict[str, Any]) -> dict[str, Any]:
    return {"_id": hit.get("_id"), **(hit.get("_source") or {})}


def run(config: Config, ctx: RunContext) -> Any:
    """As n8n outputs it: Elasticsearch's answer for index_document, update_document and
    delete_document; the document (simplified: its fields and _id) for get_document;
    {documents, count} for search_documents."""
    secret, _ = credential_for(ctx, config.operation, Cluster)
    op = config.operation
    index = quote(config.index.strip(), safe="")
    doc = quote(config.document_id.strip(), safe="")
    if op == "index_document":
        body = rendered_object(config.document, "document")
        path = f"/{index}/_doc/{doc}" if doc else f"/{index}/_doc"
        return rest_api.call(secret, "PUT" if doc else "POST", path, what=op, json=body)
    if op == "get_document":
        found = rest_api.call(secret, "GET", f"/{index}/_doc/{doc}", what=op)
        return _simple(found) if config.simple else found
    if op == "update_document":
        body = {"doc": rendered_object(config.document, "document")}
        return rest_api.call(secret, "POST", f"/{index}/_update/{doc}", what=op, json=body)
    if op == "delete_document":
        return rest_api.call(secret, "DELETE", f"/{index}/_doc/{doc}", what=op)
    search: dict[str, Any] = {"size": config.max_results}
    query = rendered_object(config.query, "query")
    if query:
        search["query"] = query
    answer = rest_api.call(secret, "POST", f"/{index}/_search", what=op, json=search)
    hits = (answer.get("hits") or {}).get("hits") or []
    documents = [_simple(h) for h in hits] if config.simple else hits
    return {"documents": documents, "count": len(documents)}


NODE = NodeType(
    type="app.elasticsearch",
    label="Elasticsearch",
    category="app",
    description="Indexes, reads, searches, updates and deletes Elasticsearch documents.",
    Config=Config,
    run=run,
    credential_kinds=(Cluster.kind,),
    icon="⌕",
    examples=(
        (
            "Index the document title Hello into the Elasticsearch index posts, credential 8",
            {
                "credential": 8,
                "operation": "index_document",
                "index": "posts",
                "document": {"title": "Hello"},
            },
        ),
        (
            "Read Elasticsearch document 42 of the index posts",
            {"operation": "get_document", "index": "posts", "document_id": "42"},
        ),
        (
            "Search the Elasticsearch index posts for documents whose title matches cat",
            {
                "operation": "search_documents",
                "index": "posts",
                "query": {"match": {"title": "cat"}},
            },
        ),
        (
            "Set status to done on Elasticsearch document 42 of the index posts",
            {
                "operation": "update_document",
                "index": "posts",
                "document_id": "42",
                "document": {"status": "done"},
            },
        ),
        (
            "Delete Elasticsearch document 42 of the index posts",
            {"operation": "delete_document", "index": "posts", "document_id": "42"},
        ),
    ),
)
