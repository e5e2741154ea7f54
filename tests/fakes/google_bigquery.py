"""A fake BigQuery API (v2) beside the fake Google token endpoint (service-account JWTs, from the
Sheets fake): tabledata.insertAll (rows checked against the table's schema, insertErrors as
BigQuery reports them, insertId deduplication) and jobs.query / jobs.getQueryResults over a
tiny SQL (`SELECT * FROM dataset.table` and `SELECT COUNT(*) AS name FROM dataset.table`),
answering rows as BigQuery's `{f: [{v}]}` with every value a string. `slow` makes a query's
first answer `jobComplete: false`."""

from __future__ import annotations

import re
from typing import Any

from tests.fakes import Answer, Received
from tests.fakes.gmail import google_error
from tests.fakes.google_sheets import FakeGoogle

PROJECT = "supple-cabinet-289219"
PREFIX = f"/bigquery/v2/projects/{PROJECT}/"
SELECT = re.compile(r"^SELECT (\*|COUNT\(\*\) AS (\w+)) FROM `?(\w+)\.(\w+)`?$", re.IGNORECASE)


class FakeBigQuery(FakeGoogle):
    def __init__(self, public_key: Any) -> None:
        super().__init__(public_key)
        self.tables: dict[tuple[str, str], dict[str, Any]] = {}
        self.insert_ids: set[str] = set()
        self.slow = False
        self._jobs: dict[str, dict[str, Any]] = {}

    def table(self, dataset: str, table: str, schema: list[dict[str, Any]]) -> list[dict[str, Any]]:
        self.tables[(dataset, table)] = {"schema": schema, "rows": []}
        return self.tables[(dataset, table)]["rows"]

    def respond(self, request: Received) -> Answer:
        if not request.path.startswith("/bigquery/"):
            return super().respond(request)
        bearer = request.headers.get("authorization", "").removeprefix("Bearer ")
        if bearer not in self.tokens:
            return google_error(
                401, "UNAUTHENTICATED", "Request had invalid authentication credentials."
            )
        if not request.path.startswith(PREFIX):
            return google_error(404, "NOT_FOUND", "Not found: Project nope")
        path = request.path.removeprefix(PREFIX)
        insert = re.match(r"^datasets/(\w+)/tables/(\w+)/insertAll$", path)
        if insert and request.method == "POST":
            return self._insert(insert[1], insert[2], request.json)
        if path == "queries" and request.method == "POST":
            return self._query(request.json)
        job = re.match(r"^queries/(\w+)$", path)
        if job and request.method == "GET" and job[1] in self._jobs:
            return Answer(200, self._jobs.pop(job[1]))
        return google_error(404, "NOT_FOUND", f"Not found: {path}")

    def _insert(self, dataset: str, table: str, body: dict[str, Any]) -> Answer:
        found = self.tables.get((dataset, table))
        if found is None:
            return google_error(404, "NOT_FOUND", f"Not found: Table {PROJECT}:{dataset}.{table}")
        columns = {f["name"] for f in found["schema"]}
        errors, good = [], []
        for index, row in enumerate(body.get("rows") or []):
            unknown = [k for k in row["json"] if k not in columns]
            if unknown and not body.get("ignoreUnknownValues"):
                message = f"no such field: {unknown[0]}."
                errors.append(
                    {
                        "index": index,
                        "errors": [
                            {"reason": "invalid", "location": unknown[0], "message": message}
                        ],
                    }
                )
            else:
                good.append(row)
        if errors and not body.get("skipInvalidRows"):
            stopped = [
                {"index": r, "errors": [{"reason": "stopped", "message": ""}]}
                for r in range(len(body["rows"]))
                if r not in {e["index"] for e in errors}
            ]
            return Answer(
                200,
                {"kind": "bigquery#tableDataInsertAllResponse", "insertErrors": errors + stopped},
            )
        for row in good:
            if row.get("insertId") not in self.insert_ids:
                self.insert_ids.add(row.get("insertId"))
                found["rows"].append({k: v for k, v in row["json"].items() if k in columns})
        answer: dict[str, Any] = {"kind": "bigquery#tableDataInsertAllResponse"}
        return Answer(200, answer | ({"insertErrors": errors} if errors else {}))

    def _query(self, body: dict[str, Any]) -> Answer:
        match = SELECT.match(str(body.get("query", "")).strip())
        if match is None or body.get("useLegacySql", True):
            return google_error(
                400,
                "INVALID_ARGUMENT",
                "Syntax error: Unexpected identifier at [1:1]",
                "invalidQuery",
            )
        found = self.tables.get((match[3], match[4]))
        if found is None:
            return google_error(
                404, "NOT_FOUND", f"Not found: Table {PROJECT}:{match[3]}.{match[4]}", "notFound"
            )
        if match[2]:
            schema = [{"name": match[2], "type": "INTEGER", "mode": "NULLABLE"}]
            rows = [{"f": [{"v": str(len(found["rows"]))}]}]
        else:
            schema = found["schema"]
            rows = [
                {
                    "f": [
                        {"v": None if r.get(f["name"]) is None else str(r[f["name"]])}
                        for f in schema
                    ]
                }
                for r in found["rows"]
            ]
        job_id = f"job_{len(self.requests)}"
        done = {
            "kind": "bigquery#queryResponse",
            "schema": {"fields": schema},
            "jobReference": {"projectId": PROJECT, "jobId": job_id, "location": "EU"},
            "totalRows": str(len(rows)),
            "rows": rows[: int(body.get("maxResults") or len(rows))],
            "jobComplete": True,
        }
        if self.slow:
            self._jobs[job_id] = done
            return Answer(
                200,
                {
                    "kind": "bigquery#queryResponse",
                    "jobReference": done["jobReference"],
                    "jobComplete": False,
                },
            )
        return Answer(200, done)
