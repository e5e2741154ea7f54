"""A fake Strapi server speaking both REST APIs: v4 at `/api/<type>` (bodies and answers
wrapped in `data`, entries as `{id, attributes}`, lists paged by `pagination[page]` and
`pagination[pageSize]` with `meta.pagination`, filtered by `filters[<field>][$eq|$contains]`,
sorted by `sort[i]=<field>:asc|desc`, drafts shown with `publicationState=preview`) and v3 at
`/<type>` (bare entries, `_start`/`_limit`, `_where[<field>]`, `_sort`,
`_publicationState`); a bearer API token; `/users` for the credential test; and v4's
`{"data": null, "error": {"status", "name", "message"}}` / v3's `{"statusCode", "error",
"message"}` errors."""

from __future__ import annotations

import itertools
import re
from typing import Any

from tests.fakes import Answer, FakeService, Received

TOKEN = "f4k3str4p1t0k3n0123456789abcdef"
PATH = re.compile(r"(?P<api>/api)?/(?P<type>[\w-]+)(?:/(?P<id>\w+))?$")
FILTER = re.compile(r"(?:filters|_where)\[(?P<field>\w+)\](?:\[(?P<op>\$\w+)\])?$")


class FakeStrapi(FakeService):
    def __init__(self) -> None:
        super().__init__()
        self.entries: dict[str, list[dict[str, Any]]] = {}
        self.ids = itertools.count(1)

    def add(self, content_type: str, published: bool = True, **fields: Any) -> dict[str, Any]:
        entry = {
            "id": next(self.ids),
            **fields,
            "createdAt": f"2026-12-06T10:00:{len(self.entries.get(content_type, [])):02d}.000Z",
            "publishedAt": "2026-12-06T10:00:00.000Z" if published else None,
        }
        self.entries.setdefault(content_type, []).append(entry)
        return entry

    @staticmethod
    def _v4(entry: dict[str, Any]) -> dict[str, Any]:
        return {"id": entry["id"], "attributes": {k: v for k, v in entry.items() if k != "id"}}

    def _error(self, v4: bool, status: int, name: str, message: str) -> Answer:
        if v4:
            return Answer(
                status,
                {
                    "data": None,
                    "error": {"status": status, "name": name, "message": message, "details": {}},
                },
            )
        return Answer(status, {"statusCode": status, "error": name, "message": message})

    def respond(self, request: Received) -> Answer:
        match = PATH.match(request.path)
        v4 = bool(match and match["api"])
        if request.headers.get("authorization") != f"Bearer {TOKEN}":
            return self._error(v4, 401, "UnauthorizedError", "Missing or invalid credentials")
        if match is None:
            return self._error(v4, 404, "NotFoundError", "Not Found")
        kind = match["type"]
        if kind == "users":
            return Answer(200, [{"id": 1, "username": "ada"}])
        if kind not in self.entries and request.method != "POST":
            return self._error(v4, 404, "NotFoundError", "Not Found")
        query = {k: v[-1] for k, v in request.query.items()}
        wrap = self._v4 if v4 else (lambda e: e)
        if match["id"] is None and request.method == "POST":
            body = request.json or {}
            data = body.get("data") if v4 else body
            if v4 and not isinstance(data, dict):
                return self._error(
                    v4, 400, "ValidationError", 'Missing "data" payload in the request body'
                )
            entry = self.add(kind, **data)
            return Answer(200, {"data": wrap(entry), "meta": {}} if v4 else entry)
        if match["id"] is None:
            return self._list(kind, query, v4)
        entry = next((e for e in self.entries[kind] if str(e["id"]) == match["id"]), None)
        if entry is None:
            return self._error(v4, 404, "NotFoundError", "Not Found")
        if request.method == "PUT":
            body = request.json or {}
            entry.update(body.get("data") if v4 else body)
        elif request.method == "DELETE":
            self.entries[kind].remove(entry)
        return Answer(200, {"data": wrap(entry), "meta": {}} if v4 else entry)

    def _list(self, kind: str, query: dict[str, str], v4: bool) -> Answer:
        found = list(self.entries[kind])
        if query.get("publicationState" if v4 else "_publicationState", "live") == "live":
            found = [e for e in found if e["publishedAt"]]
        for key, value in query.items():
            matched = FILTER.match(key)
            if matched:
                field, op = matched["field"], matched["op"] or "$eq"
                if op == "$contains":
                    found = [e for e in found if value in str(e.get(field, ""))]
                else:
                    found = [e for e in found if str(e.get(field)) == value]
        sorts = [v for k, v in sorted(query.items()) if k.startswith("sort[")]
        sorts += query["_sort"].split(",") if "_sort" in query else []
        for spec in reversed(sorts):
            field, _, direction = spec.partition(":")
            found.sort(key=lambda e: str(e.get(field)), reverse=direction.lower() == "desc")
        if v4:
            page, size = (
                int(query.get("pagination[page]", 1)),
                int(query.get("pagination[pageSize]", 25)),
            )
            if size > 100:
                size = 100  # Strapi caps the page size at its maxLimit
            chunk = found[(page - 1) * size : page * size]
            count = max(1, -(-len(found) // size))
            meta = {
                "pagination": {
                    "page": page,
                    "pageSize": size,
                    "pageCount": count,
                    "total": len(found),
                }
            }
            return Answer(200, {"data": [self._v4(e) for e in chunk], "meta": meta})
        start, limit = int(query.get("_start", 0)), int(query.get("_limit", 100))
        return Answer(200, found[start : start + limit])
