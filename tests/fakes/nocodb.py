"""A fake NocoDB data API v2: the token in `xc-token`, records of a table (POST, PATCH and
DELETE `/api/v2/tables/<id>/records` with `{Id, …}`; GET `…/records/<Id>`; GET `…/records` with
`limit`, `offset`, `where` as `(Column,eq,value)`, `sort`; `{list, pageInfo}`), the bases at
`/api/v2/meta/bases/`, and NocoDB's `{"msg"}` / `{"error", "message"}` errors."""

from __future__ import annotations

import itertools
import re
from typing import Any

from tests.fakes import Answer, FakeService, Received

TOKEN = "nc_tok_R2d2C3poBb8Yv5Kq1Lw7Xz9Ta4Gh6Jm0"
TABLE = "mhbalmu9aaqcun6"
RECORDS = re.compile(r"/api/v2/tables/(?P<table>\w+)/records(?:/(?P<id>\d+))?$")
WHERE = re.compile(r"\((?P<column>\w+),eq,(?P<value>[^)]*)\)$")


class FakeNocoDB(FakeService):
    def __init__(self) -> None:
        super().__init__()
        self.rows: dict[int, dict[str, Any]] = {}
        self._ids = itertools.count(1)

    def respond(self, request: Received) -> Answer:
        if request.headers.get("xc-token") != TOKEN:
            return Answer(401, {"msg": "Authentication required - Invalid token"})
        if request.path == "/api/v2/meta/bases/":
            return Answer(
                200, {"list": [{"id": "prqu4e8bjj4bv1j", "title": "News"}], "pageInfo": {}}
            )
        match = RECORDS.match(request.path)
        if match is None:
            return Answer(404, {"msg": "Not found"})
        if match["table"] != TABLE:
            return Answer(
                404, {"error": "TABLE_NOT_FOUND", "message": f"Table '{match['table']}' not found"}
            )
        if request.method == "POST":
            row_id = next(self._ids)
            self.rows[row_id] = {"Id": row_id, **request.json}
            return Answer(200, {"Id": row_id})
        if request.method == "GET" and match["id"] is None:
            return self._list(request)
        row_id = int(match["id"] or (request.json or {}).get("Id") or 0)
        if row_id not in self.rows:
            return Answer(
                404, {"error": "RECORD_NOT_FOUND", "message": f"Record '{row_id}' not found"}
            )
        if request.method == "PATCH":
            self.rows[row_id].update(request.json)
            return Answer(200, {"Id": row_id})
        if request.method == "DELETE":
            del self.rows[row_id]
            return Answer(200, {"Id": row_id})
        return Answer(200, self.rows[row_id])

    def _list(self, request: Received) -> Answer:
        query = {k: v[-1] for k, v in request.query.items()}
        rows = list(self.rows.values())
        if query.get("where"):
            wanted = WHERE.match(query["where"])
            if wanted is None:
                return Answer(400, {"msg": f"Invalid where: {query['where']}"})
            rows = [r for r in rows if str(r.get(wanted["column"])) == wanted["value"]]
        if query.get("sort", "").startswith("-"):
            rows.reverse()
        limit, offset = int(query.get("limit", "25")), int(query.get("offset", "0"))
        page = rows[offset : offset + limit]
        info = {
            "totalRows": len(rows),
            "page": offset // limit + 1,
            "pageSize": limit,
            "isFirstPage": offset == 0,
            "isLastPage": offset + limit >= len(rows),
        }
        return Answer(200, {"list": page, "pageInfo": info})
