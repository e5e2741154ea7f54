"""A fake Baserow REST API: a database token in `Authorization: Token …`,
`/api/database/tokens/check/`, a table's fields (`/api/database/fields/table/<id>/`) and rows
(`/api/database/rows/table/<id>/` and `…/<row id>/`: GET, POST, PATCH, DELETE), rows keyed by
`field_<id>`, the list paged by `page`/`size` with `count`/`next`, `filter__field_<id>__equal`,
`filter_type`, `search` and `order_by`, and Baserow's `{"error", "detail"}` errors."""

from __future__ import annotations

import re
from typing import Any

from tests.fakes import Answer, FakeService, Received

TOKEN = "Rk9PQkFSYmF6cXV4MTIzNDU2Nzg5MGFiY2RlZg"
TABLE_ID = 607
FIELDS = [
    {"id": 5868, "name": "Date", "type": "date", "primary": False},
    {"id": 5869, "name": "Summary", "type": "long_text", "primary": False},
    {"id": 5870, "name": "Status", "type": "text", "primary": True},
]
ROWS = re.compile(r"/api/database/rows/table/(?P<table>\d+)/(?:(?P<row>\d+)/)?$")


def error(status: int, code: str, detail: Any) -> Answer:
    return Answer(status, {"error": code, "detail": detail})


class FakeBaserow(FakeService):
    def __init__(self) -> None:
        super().__init__()
        self.rows: list[dict[str, Any]] = []

    def add(self, **values: Any) -> dict[str, Any]:
        row = {"id": len(self.rows) + 1, "order": f"{len(self.rows) + 1}.00000000000000000000"}
        row.update({f"field_{f['id']}": None for f in FIELDS})
        row.update(values)
        self.rows.append(row)
        return row

    def respond(self, request: Received) -> Answer:
        if request.headers.get("authorization") != f"Token {TOKEN}":
            return error(401, "ERROR_TOKEN_DOES_NOT_EXIST", "The provided token does not exist.")
        if request.path == "/api/database/tokens/check/":
            return Answer(200, {"token": "OK"})
        if request.path == f"/api/database/fields/table/{TABLE_ID}/":
            return Answer(200, FIELDS)
        match = ROWS.match(request.path)
        if match is None or int(match["table"]) != TABLE_ID:
            return error(404, "ERROR_TABLE_DOES_NOT_EXIST", "The requested table does not exist.")
        if match["row"] is None:
            return self._table(request)
        row = next((r for r in self.rows if r["id"] == int(match["row"])), None)
        if row is None:
            return error(404, "ERROR_ROW_DOES_NOT_EXIST", f"The row {match['row']} does not exist.")
        if request.method == "PATCH":
            return self._write(row, request.json)
        if request.method == "DELETE":
            self.rows.remove(row)
            return Answer(204)
        return Answer(200, row)

    def _write(self, row: dict[str, Any], values: dict[str, Any]) -> Answer:
        known = {f"field_{f['id']}" for f in FIELDS}
        unknown = sorted(set(values) - known)
        if unknown:
            detail = {
                k: [{"error": "This field does not exist.", "code": "invalid"}] for k in unknown
            }
            return error(400, "ERROR_REQUEST_BODY_VALIDATION", detail)
        row.update(values)
        return Answer(200, row)

    def _table(self, request: Received) -> Answer:
        if request.method == "POST":
            row = self.add()
            answer = self._write(row, request.json)
            return Answer(200, answer.body) if answer.status == 200 else answer
        query = {k: v[-1] for k, v in request.query.items()}
        rows = list(self.rows)
        checks = [
            (f"field_{m[1]}", value)
            for key, value in query.items()
            if (m := re.fullmatch(r"filter__field_(\d+)__equal", key))
        ]
        if checks:
            join = any if query.get("filter_type") == "OR" else all
            rows = [r for r in rows if join(str(r.get(f)) == v for f, v in checks)]
        if query.get("search"):
            rows = [r for r in rows if any(query["search"] in str(v) for v in r.values())]
        for key in reversed(query.get("order_by", "").split(",") if query.get("order_by") else []):
            rows.sort(key=lambda r: str(r.get(key.lstrip("-"))), reverse=key.startswith("-"))
        page, size = int(query.get("page", 1)), int(query.get("size", 100))
        chunk = rows[(page - 1) * size : page * size]
        more = page * size < len(rows)
        next_url = f"{self.url}{request.path}?page={page + 1}" if more else None
        return Answer(
            200, {"count": len(rows), "next": next_url, "previous": None, "results": chunk}
        )
