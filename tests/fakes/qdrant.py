"""A fake Qdrant REST API: `api-key` header, `GET/PUT /collections/<name>` (create with
`{"vectors": {"size", "distance"}}`), `PUT /collections/<name>/points?wait=true` (upsert
`{"points": [{id, vector, payload}]}`) and `POST /collections/<name>/points/search` (cosine
scores, best first), answering in Qdrant's `{"result", "status", "time"}` envelope and its error
shape `{"status": {"error": ...}}`."""

from __future__ import annotations

import math
from typing import Any

from tests.fakes import Answer, FakeService, Received

API_KEY = "qdrant-key-0123456789"


def cosine(a: list[float], b: list[float]) -> float:
    dot = sum(x * y for x, y in zip(a, b, strict=True))
    return dot / ((math.sqrt(sum(x * x for x in a)) * math.sqrt(sum(y * y for y in b))) or 1)


class FakeQdrant(FakeService):
    def __init__(self, api_key: str | None = API_KEY) -> None:
        super().__init__()
        self.api_key = api_key
        self.collections: dict[str, dict[str, Any]] = {}  # name -> {size, points: {id: point}}

    def respond(self, request: Received) -> Answer:
        if self.api_key is not None and request.headers.get("api-key") != self.api_key:
            return Answer(401, "Must provide an API key or an Authorization bearer token")
        parts = request.path.strip("/").split("/")
        if len(parts) < 2 or parts[0] != "collections":
            return _error(404, f"Not found: {request.path}")
        name = parts[1]
        collection = self.collections.get(name)
        if len(parts) == 2:
            if request.method == "PUT":
                vectors = (request.json or {}).get("vectors") or {}
                self.collections[name] = {"size": vectors["size"], "points": {}}
                return _ok(True)
            if collection is None:
                return _error(404, f"Not found: Collection `{name}` doesn't exist!")
            return _ok({"status": "green", "points_count": len(collection["points"])})
        if collection is None:
            return _error(404, f"Not found: Collection `{name}` doesn't exist!")
        if parts[2:] == ["points"] and request.method == "PUT":
            for point in request.json["points"]:
                if len(point["vector"]) != collection["size"]:
                    return _error(
                        400,
                        f"Wrong input: Vector dimension error: expected dim: "
                        f"{collection['size']}, got {len(point['vector'])}",
                    )
                collection["points"][point["id"]] = point
            return _ok({"operation_id": len(collection["points"]), "status": "completed"})
        if parts[2:] == ["points", "search"] and request.method == "POST":
            body = request.json
            scored = [
                {
                    "id": p["id"],
                    "version": 0,
                    "score": cosine(body["vector"], p["vector"]),
                    "payload": p["payload"] if body.get("with_payload") else None,
                }
                for p in collection["points"].values()
            ]
            scored.sort(key=lambda p: p["score"], reverse=True)
            return _ok(scored[: body.get("limit", 10)])
        return _error(404, f"Not found: {request.path}")


def _ok(result: Any) -> Answer:
    return Answer(200, {"result": result, "status": "ok", "time": 0.001})


def _error(status: int, message: str) -> Answer:
    return Answer(status, {"status": {"error": message}, "time": 0.0})
