"""A fake Airtable Web API: `Authorization: Bearer <token>`, `/v0/meta/whoami`, and records
under `/v0/<base id>/<table>` (POST creates up to 10, PATCH updates up to 10 by id, GET lists
them a page at a time with `offset`, GET `/<record id>` reads one), PATCH with `performUpsert`
(`fieldsToMergeOn`: update the one matching record or create one; several matching is refused),
`/v0/meta/bases` and `/v0/meta/bases/<id>/tables`, with Airtable's error shape `{"error":
{"type", "message"}}`. A tiny `filterByFormula` is understood: `{Field} = 'value'` (or a
"double-quoted" value, a number), alone or several inside AND(...). DELETE with `records[]`
deletes up to 10 records; a list honours `fields[]` and `sort[i][field]`/`sort[i][direction]`."""

from __future__ import annotations

import itertools
import re
from typing import Any
from urllib.parse import unquote

from tests.fakes import Answer, FakeService, Received

TOKEN = "patFAKE1234.abcdef0123456789"
BASE = "appFAKEbase12345"
FORMULA = re.compile(
    r"""^\{(?P<field>[^}]+)\}\s*=\s*"""
    r"""(?:'(?P<single>[^']*)'|"(?P<double>(?:[^"\\]|\\.)*)"|(?P<number>-?[0-9.]+))$"""
)
SCHEMA = {
    "id": "tblLeads0000001",
    "name": "Leads",
    "primaryFieldId": "fldName0000001",
    "fields": [
        {"id": "fldName0000001", "name": "Name", "type": "singleLineText"},
        {"id": "fldEmail000001", "name": "Email", "type": "email"},
    ],
    "views": [{"id": "viwGrid0000001", "name": "Grid view", "type": "grid"}],
}


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
        if request.path == "/v0/meta/bases":
            return self._bases(request)
        if request.path == f"/v0/meta/bases/{BASE}/tables":
            return Answer(200, {"tables": [SCHEMA]})
        parts = [unquote(part) for part in request.path.split("/")]
        if len(parts) == 5 and parts[1] == "v0" and request.method == "GET":
            table = self.tables.get((parts[2], parts[3]))
            found = next((r for r in table or [] if r["id"] == parts[4]), None)
            if found is None:
                return _error(404, "NOT_FOUND", "Could not find what you are looking for")
            return Answer(200, found)
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
        if request.method == "DELETE":
            return self._delete(table, request.query.get("records[]") or [])
        body = request.json if request.body else None
        records = body.get("records") if isinstance(body, dict) else None
        if not isinstance(records, list) or not records:
            return _error(422, "INVALID_REQUEST_MISSING_FIELDS", "Could not find field records")
        if len(records) > 10:
            return _error(422, "INVALID_RECORDS", "You can only create or update 10 records")
        if request.method == "POST":
            return Answer(200, {"records": [self._create(table, r) for r in records]})
        if request.method == "PATCH" and isinstance(body.get("performUpsert"), dict):
            return self._upsert(table, records, body["performUpsert"].get("fieldsToMergeOn"))
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
            if not str(sent.get("id") or "").startswith("rec"):
                return _error(422, "INVALID_RECORDS", f"Invalid record id {sent.get('id')!r}")
            record = by_id.get(sent.get("id", ""))
            if record is None:
                return _error(404, "NOT_FOUND", f"Record ID {sent.get('id')} does not exist")
            record["fields"].update(sent.get("fields") or {})
            done.append(record)
        return Answer(200, {"records": done})

    def _upsert(
        self, table: list[dict[str, Any]], records: list[dict[str, Any]], on: Any
    ) -> Answer:
        if not isinstance(on, list) or not 1 <= len(on) <= 3:
            return _error(422, "INVALID_REQUEST_UNKNOWN", "fieldsToMergeOn must list 1 to 3 fields")
        done, created, updated = [], [], []
        for sent in records:
            fields = dict(sent.get("fields") or {})
            if any(name not in fields for name in on):
                return _error(
                    422, "INVALID_VALUE_FOR_COLUMN", "Each record must give the merge fields"
                )
            matches = [r for r in table if all(r["fields"].get(n) == fields[n] for n in on)]
            if len(matches) > 1:
                return _error(
                    422,
                    "INVALID_VALUE_FOR_COLUMN",
                    "Cannot update more than one record with the same fieldsToMergeOn values",
                )
            if matches:
                matches[0]["fields"].update(fields)
                updated.append(matches[0]["id"])
                done.append(matches[0])
            else:
                record = self._create(table, {"fields": fields})
                created.append(record["id"])
                done.append(record)
        return Answer(200, {"records": done, "createdRecords": created, "updatedRecords": updated})

    def _delete(self, table: list[dict[str, Any]], ids: list[str]) -> Answer:
        if not ids or len(ids) > 10:
            return _error(422, "INVALID_RECORDS", "You can only delete 1 to 10 records")
        by_id = {r["id"]: r for r in table}
        missing = [i for i in ids if i not in by_id]
        if missing:
            return _error(404, "NOT_FOUND", f"Record ID {missing[0]} does not exist")
        table[:] = [r for r in table if r["id"] not in ids]
        return Answer(200, {"records": [{"id": i, "deleted": True} for i in ids]})

    def _bases(self, request: Received) -> Answer:
        bases = [
            {"id": BASE, "name": "Sales", "permissionLevel": "create"},
            {"id": "appFAKEother0001", "name": "Ops", "permissionLevel": "read"},
        ]
        if not request.query.get("offset"):
            return Answer(200, {"bases": bases[:1], "offset": "itr1"})
        return Answer(200, {"bases": bases[1:]})

    def _list(self, table: list[dict[str, Any]], request: Received) -> Answer:
        query = {k: v[-1] for k, v in request.query.items()}
        found = table
        formula = query.get("filterByFormula")
        if formula:
            inner = formula[4:-1] if formula.startswith("AND(") else formula
            tests = [FORMULA.match(part.strip()) for part in inner.split(", ")]
            if not all(tests):
                return _error(422, "INVALID_FILTER_BY_FORMULA", "The formula is invalid")
            found = [r for r in found if all(_holds(r, t) for t in tests if t)]
        rules = sorted(k for k in query if k.startswith("sort[") and k.endswith("][field]"))
        for key in reversed(rules):  # the first rule last: it decides
            name, way = query[key], query.get(key.replace("[field]", "[direction]"), "asc")
            found = sorted(
                found, key=lambda r: str(r["fields"].get(name, "")), reverse=way == "desc"
            )
        found = found[: int(query.get("maxRecords", len(found)))]
        names = request.query.get("fields[]")
        if names:
            found = [
                {**r, "fields": {k: v for k, v in r["fields"].items() if k in names}} for r in found
            ]
        start = int(query.get("offset", "0").removeprefix("itr") or 0)
        size = int(query.get("pageSize", "100"))
        page = found[start : start + size]
        answer: dict[str, Any] = {"records": page}
        if start + size < len(found):
            answer["offset"] = f"itr{start + size}"
        return Answer(200, answer)


def _error(status: int, kind: str, message: str) -> Answer:
    return Answer(status, {"error": {"type": kind, "message": message}})


def _holds(record: dict[str, Any], test: re.Match[str]) -> bool:
    value = record["fields"].get(test["field"])
    if test["number"] is not None:
        return isinstance(value, int | float) and value == float(test["number"])
    wanted = test["single"] if test["single"] is not None else test["double"]
    wanted = re.sub(r"\\(.)", r"\1", wanted)
    return str(value if value is not None else "") == wanted
