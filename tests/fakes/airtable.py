"""A fake Airtable Web API: `Authorization: Bearer <token>`, `/v0/meta/whoami`, and records
under `/v0/<base id>/<table>` (POST creates up to 10, PATCH updates up to 10 by id, GET lists
them a page at a time with `offset`), with Airtable's error shape `{"error": {"type",
"message"}}`. A tiny `filterByFormula` is understood: `{Field} = 'value'`."""

from __future__ import annotations

import itertools
import re
from typing import Any
from urllib.parse import unquote

from tests.fakes import Answer, FakeService, Received

TOKEN = "patFAKE1234.abcdef0123456789"
BASE = "appFAKEbase12345"
FORMULA = re.compile(r"^\{(?P<field>[^}]+)\}\s*=\s*'(?P<value>[^']*)'$")


class FakeAirtable(FakeService):
    def __init__(self) -> None:
        super().__init__()
        self.tokens = {TOKEN}
        self.tables: dict[tuple[str, str], list[dict[str, Any]]] = {(BASE, "Leads"): []}
        self._ids = itertools.count(1)

    def add(self, table: str, **fields: Any) -> dict[str, Any]:
        record = {
            "id": f"rec{next(self._ids):014d}",
            "createdTime": "2024-05-01T10:00:00.000Z",
            "fields": fields,
        }
        self.tables[(BASE, table)].append(record)
        return record

    def respond(self, request: Received) -> Answer:
        token = request.headers.get("authorization", "").removeprefix("Bearer ")
        if token not in self.tokens:
            return _error(401, "AUTHENTICATION_REQUIRED", "Authentication required")
        if request.path == "/v0/meta/whoami":
            return Answer(200, {"id": "usrFAKE", "email": "ada@example.com"})
        parts = [unquote(part) for part in request.path.split("/")]
        if len(parts) != 4 or parts[1] != "v0":
            return _error(404, "NOT_FOUND", "Could not find what you are looking for")
        table = self.tables.get((parts[2], parts[3]))
        if table is None:
            return _error(
                403,
                "INVALID_PERMISSIONS_OR_MODEL_NOT_FOUND",
                "Invalid permissions, or the requested model was not found.",
            )
        if request.method == "GET":
            return self._list(table, request)
        body = request.json if request.body else None
        records = body.get("records") if isinstance(body, dict) else None
        if not isinstance(records, list) or not records:
            return _error(422, "INVALID_REQUEST_MISSING_FIELDS", "Could not find field records")
        if len(records) > 10:
            return _error(422, "INVALID_RECORDS", "You can only create or update 10 records")
        if request.method == "POST":
            return Answer(200, {"records": [self._create(table, r) for r in records]})
        if request.method == "PATCH":
            return self._update(table, records)
        return _error(404, "NOT_FOUND", "Could not find what you are looking for")

    def _create(self, table: list[dict[str, Any]], sent: dict[str, Any]) -> dict[str, Any]:
        record = {
            "id": f"rec{next(self._ids):014d}",
            "createdTime": "2024-05-01T10:00:00.000Z",
            "fields": dict(sent.get("fields") or {}),
        }
        table.append(record)
        return record

    def _update(self, table: list[dict[str, Any]], records: list[dict[str, Any]]) -> Answer:
        by_id = {r["id"]: r for r in table}
        done = []
        for sent in records:
            record = by_id.get(sent.get("id", ""))
            if record is None:
                return _error(404, "NOT_FOUND", f"Record ID {sent.get('id')} does not exist")
            record["fields"].update(sent.get("fields") or {})
            done.append(record)
        return Answer(200, {"records": done})

    def _list(self, table: list[dict[str, Any]], request: Received) -> Answer:
        query = {k: v[-1] for k, v in request.query.items()}
        found = table
        formula = query.get("filterByFormula")
        if formula:
            match = FORMULA.match(formula)
            if match is None:
                return _error(422, "INVALID_FILTER_BY_FORMULA", "The formula is invalid")
            found = [r for r in found if str(r["fields"].get(match["field"])) == match["value"]]
        found = found[: int(query.get("maxRecords", len(found)))]
        start = int(query.get("offset", "0").removeprefix("itr") or 0)
        size = int(query.get("pageSize", "100"))
        page = found[start : start + size]
        answer: dict[str, Any] = {"records": page}
        if start + size < len(found):
            answer["offset"] = f"itr{start + size}"
        return Answer(200, answer)


def _error(status: int, kind: str, message: str) -> Answer:
    return Answer(status, {"error": {"type": kind, "message": message}})
