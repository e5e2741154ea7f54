"""A fake Elasticsearch 8 REST API: basic auth or `ApiKey`, documents (POST `/<index>/_doc`,
PUT/GET/DELETE `/<index>/_doc/<id>`, POST `/<index>/_update/<id>` with `{"doc"}`), searches
(POST `/<index>/_search` with `size` and a `match_all`, `match` or `term` query), the cluster's
info at `/`, a missing index's `index_not_found_exception`, a missing document's
`{"found": false}`, and the security layer's 401."""

from __future__ import annotations

import base64
import itertools
from typing import Any

from tests.fakes import Answer, FakeService, Received

USER, PASSWORD = "elastic", "changeme-8Xk2"
API_KEY = base64.b64encode(b"VuaCfGcBCdbkQm-e5aOx:ui2lp2axTNmsyakw9tvNnw").decode()


def error(status: int, kind: str, reason: str) -> Answer:
    cause = {"type": kind, "reason": reason}
    return Answer(status, {"error": {"root_cause": [cause], **cause}, "status": status})


def _matches(source: dict[str, Any], query: dict[str, Any]) -> bool:
    if not query or "match_all" in query:
        return True
    for kind in ("match", "term"):
        if kind in query:
            [(field, wanted)] = query[kind].items()
            if isinstance(wanted, dict):
                wanted = wanted.get("query", wanted.get("value"))
            value = source.get(field)
            if kind == "match":
                return str(wanted).lower() in str(value).lower().split()
            return value == wanted
    raise ValueError(f"the fake does not run {list(query)}")


class FakeElasticsearch(FakeService):
    def __init__(self) -> None:
        super().__init__()
        self.indices: dict[str, dict[str, dict[str, Any]]] = {}
        self._ids = itertools.count(1)

    def _authorized(self, request: Received) -> bool:
        basic = "Basic " + base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()
        return request.headers.get("authorization") in (basic, f"ApiKey {API_KEY}")

    def respond(self, request: Received) -> Answer:
        if not self._authorized(request):
            return error(401, "security_exception", "unable to authenticate user [elastic]")
        parts = request.path.strip("/").split("/")
        if parts == [""]:
            info = {
                "name": "node-1",
                "cluster_name": "docker-cluster",
                "version": {"number": "8.15.0"},
            }
            return Answer(200, info | {"tagline": "You Know, for Search"})
        index, action = parts[0], parts[1] if len(parts) > 1 else ""
        doc_id = parts[2] if len(parts) > 2 else None
        if action == "_doc" and request.method in ("POST", "PUT"):
            return self._put(index, doc_id or f"gen{next(self._ids)}", request.json)
        docs = self.indices.get(index)
        if docs is None:
            return error(404, "index_not_found_exception", f"no such index [{index}]")
        if action == "_search":
            return self._search(index, docs, request.json or {})
        source = docs.get(doc_id or "")
        head = {"_index": index, "_id": doc_id}
        if source is None:
            if request.method == "DELETE":
                return Answer(404, head | {"result": "not_found"})
            if action == "_update":
                return error(404, "document_missing_exception", f"[{doc_id}]: document missing")
            return Answer(404, head | {"found": False})
        if action == "_update":
            source.update(request.json["doc"])
            return Answer(200, head | {"_version": 2, "result": "updated"})
        if request.method == "DELETE":
            del docs[doc_id or ""]
            return Answer(200, head | {"_version": 2, "result": "deleted"})
        return Answer(200, head | {"_version": 1, "found": True, "_source": source})

    def _put(self, index: str, doc_id: str, source: Any) -> Answer:
        if not isinstance(source, dict):
            return error(400, "mapper_parsing_exception", "failed to parse")
        docs = self.indices.setdefault(index, {})
        result = "updated" if doc_id in docs else "created"
        docs[doc_id] = dict(source)
        shards = {"total": 2, "successful": 1, "failed": 0}
        body = {"_index": index, "_id": doc_id, "_version": 1, "result": result, "_shards": shards}
        return Answer(201 if result == "created" else 200, body)

    def _search(self, index: str, docs: dict[str, Any], body: dict[str, Any]) -> Answer:
        found = [
            {"_index": index, "_id": i, "_score": 1.0, "_source": s}
            for i, s in docs.items()
            if _matches(s, body.get("query") or {})
        ]
        hits = {"total": {"value": len(found), "relation": "eq"}, "max_score": 1.0}
        return Answer(
            200,
            {"took": 1, "timed_out": False, "hits": hits | {"hits": found[: body.get("size", 10)]}},
        )
