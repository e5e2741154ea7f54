"""A fake Supabase database API (PostgREST under `/rest/v1`): the key in both `apikey` and
`Authorization: Bearer`, tables as lists of rows; POST inserts a list (or one object), GET
selects, PATCH updates, DELETE deletes the rows the query keeps, returning them with `Prefer:
return=representation`. Filters: `column=op.value` (eq, neq, gt, gte, lt, lte, like, ilike with
`*`, is null/true/false), `or=(column.op.value,…)` with "quoted" values, a `column->>key` JSON
path, `limit` and `offset`; errors in PostgREST's `{"code", "message", "details", "hint"}`.
`POST /rest/v1/rpc/<function>` calls a function of `functions` (name -> table): Supabase's
pgvector guide's `match_documents(query_embedding, match_count, filter)`, answering the table's
rows `{id, content, metadata, similarity}` by cosine similarity, best first."""

from __future__ import annotations

import fnmatch
import math
import re
from typing import Any

from tests.fakes import Answer, FakeService, Received

SERVICE_KEY = "eyJhbGciOiJIUzI1NiJ9.fake-service-role"
OR_PART = re.compile(r'([^.,()]+(?:->>[^.,()]+)?)\.(\w+)\.("(?:[^"\\]|\\.)*"|[^,()]*)')


def _error(status: int, code: str, message: str, details: str | None = None) -> Answer:
    return Answer(status, {"code": code, "message": message, "details": details, "hint": None})


def _cell(row: dict[str, Any], column: str) -> Any:
    if "->>" in column:
        name, key = column.split("->>", 1)
        inner = row.get(name)
        value = inner.get(key) if isinstance(inner, dict) else None
        return None if value is None else str(value)
    return row.get(column)


def _holds(row: dict[str, Any], column: str, op: str, wanted: str) -> bool:
    if wanted.startswith('"') and wanted.endswith('"'):
        wanted = re.sub(r"\\(.)", r"\1", wanted[1:-1])
    value = _cell(row, column)
    if op == "is":
        return {"null": None, "true": True, "false": False}.get(wanted, ...) is value
    if value is None:
        return False
    if op in ("like", "ilike"):
        pattern = wanted.replace("*", "%").replace("%", "*")
        if op == "ilike":
            return fnmatch.fnmatchcase(str(value).lower(), pattern.lower())
        return fnmatch.fnmatchcase(str(value), pattern)
    if isinstance(value, bool):
        compared: Any = wanted == "true"
    elif isinstance(value, int | float):
        compared = float(wanted)
    else:
        compared = wanted
    return {
        "eq": value == compared,
        "neq": value != compared,
        "gt": value > compared,
        "gte": value >= compared,
        "lt": value < compared,
        "lte": value <= compared,
    }[op]


class FakeSupabase(FakeService):
    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, list[dict[str, Any]]] = {}
        self.functions: dict[str, str] = {}  # match function -> the table it searches

    def respond(self, request: Received) -> Answer:
        key = request.headers.get("apikey")
        if key != SERVICE_KEY or request.headers.get("authorization") != f"Bearer {key}":
            return Answer(401, {"message": "Invalid API key", "hint": "Double check your key"})
        if request.path in ("/rest/v1/", "/rest/v1"):
            return Answer(200, {"swagger": "2.0", "paths": {f"/{t}": {} for t in self.tables}})
        if request.path.startswith("/rest/v1/rpc/"):
            return self._match(request)
        table = self.tables.get(request.path.removeprefix("/rest/v1/"))
        if table is None:
            return _error(
                404,
                "PGRST205",
                f"Could not find the table 'public.{request.path[9:]}' in the schema cache",
            )
        try:
            kept = self._filter(table, request.query)
        except (KeyError, ValueError):
            return _error(400, "PGRST100", "failed to parse filter")
        returning = "return=representation" in request.headers.get("prefer", "")
        if request.method == "GET":
            offset = int(request.query.get("offset", ["0"])[-1])
            limit = int(request.query.get("limit", [str(len(kept))])[-1])
            return Answer(200, kept[offset : offset + limit])
        if request.method == "POST":
            body = request.json
            new = [dict(r) for r in (body if isinstance(body, list) else [body])]
            for row in new:
                if any(row.get("id") == old.get("id") for old in table if "id" in row):
                    return _error(
                        409,
                        "23505",
                        'duplicate key value violates unique constraint "pkey"',
                        f"Key (id)=({row['id']}) already exists.",
                    )
                row.setdefault("id", len(table) + 1)
                table.append(row)
            return Answer(201, new if returning else None)
        if request.method == "PATCH":
            for row in kept:
                row.update(request.json)
            return Answer(200, kept if returning else None)
        if request.method == "DELETE":
            self.tables[request.path.removeprefix("/rest/v1/")] = [
                r for r in table if r not in kept
            ]
            return Answer(200, kept if returning else None)
        return _error(405, "PGRST117", "Unsupported HTTP method")

    def _match(self, request: Received) -> Answer:
        name = request.path.removeprefix("/rest/v1/rpc/")
        if name not in self.functions or request.method != "POST":
            return _error(
                404, "PGRST202", f"Could not find the function public.{name} in the schema cache"
            )
        args = request.json if isinstance(request.json, dict) else {}
        query = args.get("query_embedding")
        if not isinstance(query, list) or set(args) - {"query_embedding", "match_count", "filter"}:
            return _error(404, "PGRST202", f"Could not find the function public.{name}({args})")
        wanted = args.get("filter") or {}
        rows = []
        for row in self.tables[self.functions[name]]:
            stored = row["embedding"]
            if len(stored) != len(query):
                return _error(
                    400, "22000", f"different vector dimensions {len(stored)} and {len(query)}"
                )
            metadata = row.get("metadata") or {}
            if any(metadata.get(k) != v for k, v in wanted.items()):
                continue
            similarity = sum(a * b for a, b in zip(query, stored, strict=True)) / (
                math.sqrt(sum(a * a for a in query)) * math.sqrt(sum(b * b for b in stored))
            )
            rows.append(
                {
                    "id": row["id"],
                    "content": row.get("content"),
                    "metadata": metadata,
                    "similarity": similarity,
                }
            )
        rows.sort(key=lambda r: -r["similarity"])
        count = args.get("match_count")
        limit = int(request.query.get("limit", [str(len(rows))])[-1])
        return Answer(200, rows[: min(limit, count if isinstance(count, int) else len(rows))])

    def _filter(
        self, table: list[dict[str, Any]], query: dict[str, list[str]]
    ) -> list[dict[str, Any]]:
        kept = list(table)
        for name, values in query.items():
            if name in ("limit", "offset", "select", "order"):
                continue
            for value in values:
                if name == "or":
                    parts = OR_PART.findall(value.strip()[1:-1])
                    if not parts:
                        raise ValueError(value)
                    kept = [r for r in kept if any(_holds(r, c, o, v) for c, o, v in parts)]
                else:
                    op, _, wanted = value.partition(".")
                    kept = [r for r in kept if _holds(r, name, op, wanted)]
        return kept
