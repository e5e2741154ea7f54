"""The vector stores `action.vector_store` writes to and searches: WorkFuse's own (rows of
`aiconfig.VectorRecord`, cosine similarity computed here), Qdrant, Pinecone and Supabase (their
REST APIs, through the integrations' guarded HTTP client, integrations/http.py).

Chunks are stored the way LangChain's stores (and so n8n) store them, so a collection filled by
n8n can be searched from WorkFuse and the other way round: Qdrant points carry
`{"content": text, "metadata": {...}}`, Pinecone vectors the text in the metadata key `text`,
Supabase rows are `{content, metadata, embedding}` searched by the database function
`query_name` (`match_documents(query_embedding)` answering `{id, content, metadata,
similarity}` rows, as Supabase's guide writes it).
"""

from __future__ import annotations

import heapq
import json
import math
import operator
import uuid
from array import array
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from django.db import transaction

from aiconfig.models import VectorRecord
from editor.nodes.vectors.settings import PINECONE_API, Store
from integrations import http
from integrations.supabase import rest_api as supabase
from workfuse.lib.node_run import NodeError, Secret

# WorkFuse's own store compares a query with every chunk of the collection in Python (no
# numpy on the server): 5,000 chunks of 1,536 dimensions take about 1.3 s of CPU (measured on a
# busy 2-core machine, 0.27 ms a chunk), so a collection is bounded at that.
MAX_RECORDS = 5_000
BATCH = 100  # points per Qdrant / Pinecone upsert request
SUPABASE_BATCH = 500  # rows per Supabase insert, as LangChain's SupabaseVectorStore sends
NO_KEY = Secret(kind="api_key", value="", name="")


def _qdrant_error(body: Any) -> str | None:
    """Qdrant's errors: `{"status": {"error": "..."}}`."""
    status = body.get("status") if isinstance(body, dict) else None
    return status.get("error") if isinstance(status, dict) else None


def _pinecone_error(body: Any) -> str | None:
    """Pinecone's errors: `{"error": {"code", "message"}}` (older APIs: `{"message"}`)."""
    if not isinstance(body, dict):
        return None
    error = body.get("error")
    return (error.get("message") if isinstance(error, dict) else None) or body.get("message")


QDRANT = http.Api("Qdrant", error_text=_qdrant_error)
PINECONE = http.Api("Pinecone", error_text=_pinecone_error)
PINECONE_VERSION = "2024-07"


@dataclass(frozen=True)
class Chunk:
    text: str
    metadata: dict[str, Any]
    vector: list[float]


@dataclass(frozen=True)
class Found:
    text: str
    metadata: dict[str, Any]
    score: float

    def as_dict(self) -> dict[str, Any]:
        return {"text": self.text, "metadata": self.metadata, "score": self.score}


def check_ready(store: Store, secret: Secret | None) -> None:
    """Refuse, before anything is embedded, a store that cannot be reached as set."""
    if store.kind in ("pinecone", "supabase"):
        _required(store, secret)


def insert(store: Store, owner_id: int, chunks: list[Chunk], secret: Secret | None) -> None:
    if not chunks:
        return
    dimensions = {len(c.vector) for c in chunks}
    if len(dimensions) != 1:
        raise NodeError("The embeddings model returned vectors of different lengths.")
    if store.kind == "workfuse":
        _own_insert(store, owner_id, chunks)
    elif store.kind == "qdrant":
        _qdrant_insert(store, chunks, secret or NO_KEY)
    elif store.kind == "supabase":
        _supabase_insert(store, chunks, _required(store, secret))
    else:
        _pinecone_insert(store, chunks, _required(store, secret))


def search(
    store: Store, owner_id: int, vector: list[float], top_k: int, secret: Secret | None
) -> list[Found]:
    if store.kind == "workfuse":
        return _own_search(store, owner_id, vector, top_k)
    if store.kind == "qdrant":
        return _qdrant_search(store, vector, top_k, secret or NO_KEY)
    if store.kind == "supabase":
        return _supabase_search(store, vector, top_k, _required(store, secret))
    return _pinecone_search(store, vector, top_k, _required(store, secret))


def clear(store: Store, owner_id: int, secret: Secret | None) -> None:
    """Empty one of WorkFuse's own collections (n8n's Simple Vector Store "Clear Store") or a
    Pinecone namespace (n8n's "Clear Namespace")."""
    if store.kind == "workfuse":
        VectorRecord.objects.filter(owner_id=owner_id, collection=store.collection).delete()
        return
    secret = _required(store, secret)
    host = _pinecone_host(store, secret)
    body: dict[str, Any] = {"deleteAll": True}
    if store.namespace:
        body["namespace"] = store.namespace
    http.send(
        PINECONE,
        secret,
        "POST",
        f"{host}/vectors/delete",
        what="delete vectors",
        headers=_pinecone_headers(secret),
        json=body,
    )


def _required(store: Store, secret: Secret | None) -> Secret:
    if secret is None:
        kind = "a Supabase credential" if store.kind == "supabase" else "an API key credential"
        raise NodeError(
            f"store.credential: a {store.kind.title()} store needs a credential: {kind}."
        )
    if (secret.kind == "supabase") != (store.kind == "supabase"):
        raise NodeError(
            f"store.credential: a {store.kind.title()} store needs "
            + ("a Supabase credential." if store.kind == "supabase" else "an API key credential.")
        )
    return secret


def _part(name: str) -> str:
    """A collection or index name as one segment of a URL path."""
    return quote(name, safe="")


def _key(secret: Secret) -> str:
    value = secret.value
    if isinstance(value, dict):
        value = value.get("api_key") or value.get("token") or value.get("value") or ""
    return str(value or "")


# --- WorkFuse's own store ----------------------------------------------------------------------


def _unit(vector: Iterable[float]) -> array[float]:
    values = array("f", vector)
    norm = math.sqrt(sum(x * x for x in values))
    if norm == 0 or not math.isfinite(norm):
        raise NodeError("The embeddings model returned an empty (all-zero) vector.")
    return array("f", (x / norm for x in values))


def _own_insert(store: Store, owner_id: int, chunks: list[Chunk]) -> None:
    size = len(chunks[0].vector)
    records = [
        VectorRecord(
            owner_id=owner_id,
            collection=store.collection,
            text=c.text,
            metadata=c.metadata,
            vector=_unit(c.vector).tobytes(),
            dimensions=size,
        )
        for c in chunks
    ]
    with transaction.atomic():
        held = VectorRecord.objects.select_for_update().filter(
            owner_id=owner_id, collection=store.collection
        )
        other = held.exclude(dimensions=size).values_list("dimensions", flat=True).first()
        if other is not None:
            raise NodeError(
                f"The collection '{store.collection}' holds vectors of {other} dimensions and "
                f"this embeddings model makes {size}: use the model the collection was filled "
                "with, or another collection."
            )
        count = held.count()
        if count + len(records) > MAX_RECORDS:
            raise NodeError(
                f"The collection '{store.collection}' would hold {count + len(records)} chunks; "
                f"WorkFuse's own store keeps at most {MAX_RECORDS} per collection. Use Qdrant "
                "or Pinecone for more."
            )
        VectorRecord.objects.bulk_create(records, batch_size=500)


def _own_search(store: Store, owner_id: int, vector: list[float], top_k: int) -> list[Found]:
    query = _unit(vector)
    size = len(query)
    rows = VectorRecord.objects.filter(owner_id=owner_id, collection=store.collection)
    best: list[tuple[float, int]] = []
    for pk, dimensions, raw in rows.values_list("pk", "dimensions", "vector").iterator(
        chunk_size=500
    ):
        if dimensions != size:
            raise NodeError(
                f"The collection '{store.collection}' holds vectors of {dimensions} dimensions "
                f"and this embeddings model makes {size}: search with the model it was filled "
                "with."
            )
        stored = array("f")
        stored.frombytes(bytes(raw))
        score = sum(map(operator.mul, query, stored))
        if len(best) < top_k:
            heapq.heappush(best, (score, -pk))
        else:
            heapq.heappushpop(best, (score, -pk))
    ranked = sorted(best, reverse=True)
    found = {r.pk: r for r in VectorRecord.objects.filter(pk__in=[-pk for _, pk in ranked])}
    return [
        Found(found[-pk].text, found[-pk].metadata, round(score, 6))
        for score, pk in ranked
        if -pk in found
    ]


# --- Qdrant --------------------------------------------------------------------------------------


def _qdrant_headers(secret: Secret) -> dict[str, str]:
    key = _key(secret)
    return {"api-key": key} if key else {}


def _qdrant_insert(store: Store, chunks: list[Chunk], secret: Secret) -> None:
    base = f"{store.url}/collections/{_part(store.collection)}"
    headers = _qdrant_headers(secret)
    try:
        http.send(QDRANT, secret, "GET", base, what="get collection", headers=headers)
    except NodeError as error:
        if error.detail.get("status") != 404:
            raise
        config = {"vectors": {"size": len(chunks[0].vector), "distance": "Cosine"}}
        http.send(
            QDRANT, secret, "PUT", base, what="create collection", headers=headers, json=config
        )
    for start in range(0, len(chunks), BATCH):
        points = [
            {
                "id": str(uuid.uuid4()),
                "vector": c.vector,
                "payload": {"content": c.text, "metadata": c.metadata},
            }
            for c in chunks[start : start + BATCH]
        ]
        http.send(
            QDRANT,
            secret,
            "PUT",
            f"{base}/points",
            what="upsert points",
            headers=headers,
            params={"wait": "true"},
            json={"points": points},
        )


def _qdrant_search(store: Store, vector: list[float], top_k: int, secret: Secret) -> list[Found]:
    reply = http.send(
        QDRANT,
        secret,
        "POST",
        f"{store.url}/collections/{_part(store.collection)}/points/search",
        what="search points",
        headers=_qdrant_headers(secret),
        json={"vector": vector, "limit": top_k, "with_payload": True},
    )
    body = reply.body if isinstance(reply.body, dict) else {}
    found = []
    for point in body.get("result") or []:
        payload = point.get("payload") or {}
        metadata = payload.get("metadata")
        found.append(
            Found(
                str(payload.get("content") or ""),
                metadata if isinstance(metadata, dict) else {},
                float(point.get("score") or 0),
            )
        )
    return found


# --- Pinecone ------------------------------------------------------------------------------------


def _pinecone_headers(secret: Secret) -> dict[str, str]:
    return {"Api-Key": _key(secret), "X-Pinecone-API-Version": PINECONE_VERSION}


def _pinecone_host(store: Store, secret: Secret) -> str:
    """The index's own address, from Pinecone's control plane (as n8n finds it by name)."""
    reply = http.send(
        PINECONE,
        secret,
        "GET",
        f"{store.url or PINECONE_API}/indexes/{_part(store.collection)}",
        what="describe index",
        headers=_pinecone_headers(secret),
    )
    host = reply.body.get("host") if isinstance(reply.body, dict) else None
    if not isinstance(host, str) or not host:
        raise NodeError(f"Pinecone did not give the address of the index '{store.collection}'.")
    return host if host.startswith(("http://", "https://")) else f"https://{host}"


def _pinecone_metadata(text: str, metadata: dict[str, Any]) -> dict[str, Any]:
    """Pinecone keeps strings, numbers, booleans and lists of strings; other values (objects,
    nulls) are stored as their JSON text, as LangChain's PineconeStore does."""
    kept: dict[str, Any] = {}
    for key, value in metadata.items():
        if value is None:
            continue
        if isinstance(value, str | int | float | bool) or (
            isinstance(value, list) and all(isinstance(v, str) for v in value)
        ):
            kept[key] = value
        else:
            kept[key] = json.dumps(value, ensure_ascii=False)
    kept["text"] = text
    return kept


def _pinecone_insert(store: Store, chunks: list[Chunk], secret: Secret) -> None:
    host = _pinecone_host(store, secret)
    for start in range(0, len(chunks), BATCH):
        vectors = [
            {
                "id": str(uuid.uuid4()),
                "values": c.vector,
                "metadata": _pinecone_metadata(c.text, c.metadata),
            }
            for c in chunks[start : start + BATCH]
        ]
        body: dict[str, Any] = {"vectors": vectors}
        if store.namespace:
            body["namespace"] = store.namespace
        http.send(
            PINECONE,
            secret,
            "POST",
            f"{host}/vectors/upsert",
            what="upsert vectors",
            headers=_pinecone_headers(secret),
            json=body,
        )


def _pinecone_search(store: Store, vector: list[float], top_k: int, secret: Secret) -> list[Found]:
    host = _pinecone_host(store, secret)
    body: dict[str, Any] = {"vector": vector, "topK": top_k, "includeMetadata": True}
    if store.namespace:
        body["namespace"] = store.namespace
    reply = http.send(
        PINECONE,
        secret,
        "POST",
        f"{host}/query",
        what="query",
        headers=_pinecone_headers(secret),
        json=body,
    )
    answer = reply.body if isinstance(reply.body, dict) else {}
    found = []
    for match in answer.get("matches") or []:
        metadata = dict(match.get("metadata") or {})
        text = metadata.pop("text", "")
        found.append(Found(str(text), metadata, float(match.get("score") or 0)))
    return found


# --- Supabase (PostgREST and pgvector) ------------------------------------------------------------


def _supabase_insert(store: Store, chunks: list[Chunk], secret: Secret) -> None:
    for start in range(0, len(chunks), SUPABASE_BATCH):
        rows = [
            {"content": c.text, "metadata": c.metadata, "embedding": c.vector}
            for c in chunks[start : start + SUPABASE_BATCH]
        ]
        supabase.call(secret, "POST", store.collection, what="insert documents", json=rows)


def _supabase_search(store: Store, vector: list[float], top_k: int, secret: Secret) -> list[Found]:
    rows = supabase.rpc(
        secret,
        store.query_name,
        what=f"search with {store.query_name}",
        params={"limit": top_k},
        # LangChain's SupabaseVectorStore sends its filter only when it has one.
        json={"query_embedding": vector}
        | ({"filter": store.metadata_filter} if store.metadata_filter else {}),
    )
    found = []
    for row in rows if isinstance(rows, list) else []:
        metadata = row.get("metadata") if isinstance(row, dict) else None
        found.append(
            Found(
                str(row.get("content") or ""),
                metadata if isinstance(metadata, dict) else {},
                float(row.get("similarity") or 0),
            )
        )
    return found
