"""A fake Salesforce: the OAuth 2.0 token endpoint (`/services/oauth2/token`, grant_type
refresh_token, answering an access token and this server as the instance URL) and the REST API
v59.0: records of any object created (POST `/sobjects/<type>`), read, updated (PATCH) and
deleted at `/sobjects/<type>/<id>`, upserted at `/sobjects/<type>/<field>/<value>`, and SOQL
queries (GET `/query?q=`; this fake reads `SELECT <fields> FROM <type> [WHERE <field> =
'<value>']`) answered in batches of `batch` records with `nextRecordsUrl`. Field names are
matched without regard to case, as Salesforce does; errors are its `[{"message", "errorCode",
"fields"}]` lists."""

from __future__ import annotations

import itertools
import re
from typing import Any

from tests.fakes import Answer, FakeService, Received

CLIENT_ID = "3MVG9fakeConsumerKey"
CLIENT_SECRET = "F4K3C0NSUM3RS3CR3T0123456789"
REFRESH = "5Aep861fakeRefreshTokenxyz"
ACCESS = "00D5g000004fake!AccessToken"
API = "/services/data/v59.0"
RECORD = re.compile(rf"{API}/sobjects/(?P<type>\w+)(?:/(?P<a>[^/]+))?(?:/(?P<b>[^/]+))?$")
SOQL = re.compile(
    r"SELECT\s+(?P<fields>.+?)\s+FROM\s+(?P<type>\w+)(?:\s+WHERE\s+(?P<field>\w+)\s*=\s*"
    r"'(?P<value>(?:[^'\\]|\\.)*)')?\s*$",
    re.I | re.S,
)
PREFIXES = {"lead": "00Q", "contact": "003", "account": "001", "opportunity": "006", "note": "002"}


def errors(status: int, code: str, message: str) -> Answer:
    return Answer(status, [{"message": message, "errorCode": code, "fields": []}])


class FakeSalesforce(FakeService):
    def __init__(self, batch: int = 2000) -> None:
        super().__init__()
        self.records: dict[str, list[dict[str, Any]]] = {}
        self.batch = batch
        self.counter = itertools.count(1)
        self.cursors: dict[str, list[dict[str, Any]]] = {}

    def add(self, sobject: str, **fields: Any) -> dict[str, Any]:
        kind = sobject.lower()
        prefix = PREFIXES.get(kind, "a0X")
        record = {"Id": f"{prefix}5g{next(self.counter):010d}AAA", **fields}
        self.records.setdefault(kind, []).append(record)
        return record

    def find(self, sobject: str, field: str, value: Any) -> dict[str, Any] | None:
        for record in self.records.get(sobject.lower(), []):
            if any(k.lower() == field.lower() and str(v) == str(value) for k, v in record.items()):
                return record
        return None

    @staticmethod
    def _write(record: dict[str, Any], body: dict[str, Any]) -> None:
        for key, value in body.items():
            same = next((k for k in record if k.lower() == key.lower()), key)
            record[same] = value

    def respond(self, request: Received) -> Answer:
        if request.path == "/services/oauth2/token":
            return self._token(request)
        if request.headers.get("authorization") != f"Bearer {ACCESS}":
            return errors(401, "INVALID_SESSION_ID", "Session expired or invalid")
        if request.path == f"{API}/limits":
            return Answer(200, {"DailyApiRequests": {"Max": 15000, "Remaining": 14998}})
        if request.path == f"{API}/query":
            return self._query(request.query.get("q", [""])[-1])
        if request.path.startswith(f"{API}/query/"):
            cursor = request.path.rsplit("/", 1)[-1]
            return self._batch(cursor, self.cursors.pop(cursor, []))
        match = RECORD.match(request.path)
        if match is None:
            return errors(404, "NOT_FOUND", "The requested resource does not exist")
        kind, a, b = match["type"], match["a"], match["b"]
        body = request.json if request.body else {}
        if b is not None and request.method == "PATCH":
            found = self.find(kind, a, b)
            if found is None:
                record = self.add(kind, **{a: b, **body})
                return Answer(
                    201, {"id": record["Id"], "success": True, "errors": [], "created": True}
                )
            self._write(found, body)
            return Answer(200, {"id": found["Id"], "success": True, "errors": [], "created": False})
        if a is None and request.method == "POST":
            if kind.lower() == "lead" and not any(k.lower() == "lastname" for k in body):
                return errors(
                    400, "REQUIRED_FIELD_MISSING", "Required fields are missing: [LastName]"
                )
            record = self.add(kind, **body)
            return Answer(201, {"id": record["Id"], "success": True, "errors": []})
        record = self.find(kind, "Id", a)
        if record is None:
            return errors(404, "NOT_FOUND", "The requested resource does not exist")
        if request.method == "PATCH":
            self._write(record, body)
            return Answer(204)
        if request.method == "DELETE":
            self.records[kind.lower()].remove(record)
            return Answer(204)
        return Answer(200, {"attributes": {"type": kind, "url": request.path}, **record})

    def _token(self, request: Received) -> Answer:
        form = request.form
        good = (
            form.get("grant_type") == "refresh_token"
            and form.get("refresh_token") == REFRESH
            and form.get("client_id") == CLIENT_ID
            and form.get("client_secret") == CLIENT_SECRET
        )
        if not good:
            return Answer(
                400, {"error": "invalid_grant", "error_description": "expired access/refresh token"}
            )
        return Answer(
            200, {"access_token": ACCESS, "instance_url": self.url, "token_type": "Bearer"}
        )

    def _query(self, soql: str) -> Answer:
        parsed = SOQL.match(soql.strip())
        if parsed is None:
            return errors(400, "MALFORMED_QUERY", f"unexpected token: {soql[:40]}")
        wanted = [f.strip() for f in parsed["fields"].split(",")]
        found = list(self.records.get(parsed["type"].lower(), []))
        if parsed["field"]:
            value = parsed["value"].replace("\\'", "'")
            field = parsed["field"].lower()
            found = [
                r
                for r in found
                if any(k.lower() == field and str(v) == value for k, v in r.items())
            ]
        rows = []
        for record in found:
            row: dict[str, Any] = {
                "attributes": {
                    "type": parsed["type"],
                    "url": f"{API}/sobjects/{parsed['type']}/{record['Id']}",
                }
            }
            for name in wanted:
                same = next((k for k in record if k.lower() == name.lower()), name)
                row[same] = record.get(same)
            rows.append(row)
        return self._batch("", rows)

    def _batch(self, cursor: str, rows: list[dict[str, Any]]) -> Answer:
        first, rest = rows[: self.batch], rows[self.batch :]
        page: dict[str, Any] = {"totalSize": len(rows), "done": not rest, "records": first}
        if rest:
            name = f"01g5g{next(self.counter):010d}-{self.batch}"
            self.cursors[name] = rest
            page["nextRecordsUrl"] = f"{API}/query/{name}"
        return Answer(200, page)
