"""A fake Pinecone: the control plane (`GET /indexes/<name>` answering the index's `host`)
and each index's data plane on the same server under `/hosts/<name>` (`POST .../vectors/upsert`
with `{vectors: [{id, values, metadata}], namespace}`, `POST .../vectors/delete` with `{deleteAll, namespace}`, `POST .../query` with `{vector, topK,
includeMetadata, namespace}` answering `{matches: [{id, score, metadata}]}`), authenticated by
the `Api-Key` header, with Pinecone's error shape `{"error": {"code", "message"}}`."""

from __future__ import annotations

from typing import Any

from tests.fakes import Answer, FakeService, Received
from tests.fakes.qdrant import cosine

API_KEY = "pcsk_fake_0123456789abcdef"


class FakePinecone(FakeService):
    def __init__(self) -> None:
        super().__init__()
        self.indexes: dict[str, dict[str, dict[str, Any]]] = {}  # name -> namespace -> id -> v

    def respond(self, request: Received) -> Answer:
        if request.headers.get("api-key") != API_KEY:
            return _error(401, "UNAUTHENTICATED", "Invalid API Key")
        parts = request.path.strip("/").split("/")
        if parts[0] == "indexes" and len(parts) == 2 and request.method == "GET":
            if parts[1] not in self.indexes:
                return _error(404, "NOT_FOUND", f"Resource {parts[1]} not found")
            host = f"{self.url}/hosts/{parts[1]}"
            return Answer(200, {"name": parts[1], "host": host, "metric": "cosine"})
        if parts[0] != "hosts" or len(parts) < 3 or parts[1] not in self.indexes:
            return _error(404, "NOT_FOUND", f"Not found: {request.path}")
        index = self.indexes[parts[1]]
        body = request.json or {}
        namespace = index.setdefault(body.get("namespace", ""), {})
        if parts[2:] == ["vectors", "upsert"]:
            for vector in body["vectors"]:
                for value in vector.get("metadata", {}).values():
                    if isinstance(value, dict) or value is None:
                        return _error(
                            400,
                            "INVALID_ARGUMENT",
                            "Metadata value must be a string, number, boolean or list of strings",
                        )
                namespace[vector["id"]] = vector
            return Answer(200, {"upsertedCount": len(body["vectors"])})
        if parts[2:] == ["vectors", "delete"]:
            if body.get("deleteAll"):
                namespace.clear()
            return Answer(200, {})
        if parts[2:] == ["query"]:
            matches = [
                {
                    "id": v["id"],
                    "score": cosine(body["vector"], v["values"]),
                    "values": [],
                    **({"metadata": v.get("metadata", {})} if body.get("includeMetadata") else {}),
                }
                for v in namespace.values()
            ]
            matches.sort(key=lambda m: m["score"], reverse=True)
            return Answer(
                200, {"matches": matches[: body["topK"]], "namespace": body.get("namespace", "")}
            )
        return _error(404, "NOT_FOUND", f"Not found: {request.path}")


def _error(status: int, code: str, message: str) -> Answer:
    return Answer(status, {"error": {"code": code, "message": message}, "status": status})
