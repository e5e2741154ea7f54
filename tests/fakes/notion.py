"""A fake Notion API: `Authorization: Bearer <token>` and `Notion-Version` required,
`/v1/users/me`, `/v1/pages` (create in a database or under a page), `/v1/search` (databases) and
`/v1/databases/<id>/query` (page_size and start_cursor; filters on a property's equals, alone
or in `or`/`and`), GET and PATCH `/v1/pages/<id>`, GET `/v1/databases/<id>` and GET
`/v1/blocks/<id>/children` (paged), with Notion's error shape `{"object": "error", "status",
"code", "message"}`."""

from __future__ import annotations

import itertools
import uuid
from typing import Any

from tests.fakes import Answer, FakeService, Received

TOKEN = "ntn_fake_1234567890abcdefghijklmnop"
DATABASE = "0123456789abcdef0123456789abcdef"
PAGE = "fedcba9876543210fedcba9876543210"


class FakeNotion(FakeService):
    def __init__(self) -> None:
        super().__init__()
        self.tokens = {TOKEN}
        self.pages: list[dict[str, Any]] = []
        self.databases = {DATABASE}
        self.parents = {PAGE}
        self.blocks: dict[str, list[dict[str, Any]]] = {}  # parent id -> its child blocks
        self._n = itertools.count(1)

    def add_block(self, parent: str, text: str, children: bool = False) -> dict[str, Any]:
        block_id = str(uuid.uuid4())
        block = {
            "object": "block",
            "id": block_id,
            "parent": {"type": "page_id", "page_id": parent},
            "type": "paragraph",
            "has_children": children,
            "paragraph": {"rich_text": [{"type": "text", "plain_text": text}]},
        }
        self.blocks.setdefault(parent.replace("-", ""), []).append(block)
        return block

    def add_row(self, title: str, status: str = "Open") -> dict[str, Any]:
        page = _page({"database_id": DATABASE}, _properties(title, status))
        self.pages.append(page)
        return page

    def respond(self, request: Received) -> Answer:
        token = request.headers.get("authorization", "").removeprefix("Bearer ")
        if token not in self.tokens:
            return _error(401, "unauthorized", "API token is invalid.")
        if not request.headers.get("notion-version"):
            return _error(400, "missing_version", "Notion-Version header failed validation.")
        if request.path == "/v1/users/me" and request.method == "GET":
            return Answer(
                200,
                {
                    "object": "user",
                    "id": "a1b2c3d4-0000-0000-0000-000000000001",
                    "type": "bot",
                    "name": "WorkFuse",
                    "bot": {
                        "owner": {"type": "workspace", "workspace": True},
                        "workspace_name": "Acme",
                    },
                },
            )
        if request.path == "/v1/pages" and request.method == "POST":
            return self._create(request)
        if request.path == "/v1/search" and request.method == "POST":
            return self._search(request)
        parts = request.path.strip("/").split("/")
        if parts[:2] == ["v1", "databases"] and parts[3:] == ["query"]:
            return self._query(parts[2].replace("-", ""), request)
        if parts[:2] == ["v1", "databases"] and len(parts) == 3 and request.method == "GET":
            if parts[2].replace("-", "") not in self.databases:
                return _error(404, "object_not_found", f"Could not find database {parts[2]}.")
            return Answer(200, _database())
        if parts[:2] == ["v1", "pages"] and len(parts) == 3:
            return self._page(parts[2], request)
        if parts[:2] == ["v1", "blocks"] and parts[3:] == ["children"]:
            return self._blocks(parts[2].replace("-", ""), request)
        return _error(400, "invalid_request_url", "Invalid request URL.")

    def _create(self, request: Received) -> Answer:
        body = request.json
        parent = body.get("parent") if isinstance(body, dict) else None
        if not isinstance(parent, dict) or not isinstance(body.get("properties"), dict):
            return _error(400, "validation_error", "body.parent should be defined.")
        target = parent.get("database_id") or parent.get("page_id")
        known = self.databases if "database_id" in parent else self.parents
        if str(target).replace("-", "") not in known:
            return _error(
                404,
                "object_not_found",
                f"Could not find database with ID: {target}. Make sure the relevant pages and "
                "databases are shared with your integration.",
            )
        page = _page(parent, body["properties"])
        if body.get("children"):
            page["_children"] = body["children"]
        self.pages.append(page)
        return Answer(200, _answered(page))

    def _search(self, request: Received) -> Answer:
        """Search, with the databases filter n8n's database getAll sends (one database)."""
        body = request.json or {}
        if body.get("filter") != {"property": "object", "value": "database"}:
            return _error(400, "validation_error", "This fake searches databases only.")
        found = [_database()] if DATABASE in self.databases else []
        start = int(body.get("start_cursor") or 0)
        size = int(body.get("page_size", 100))
        more = start + size < len(found)
        return Answer(
            200,
            {
                "object": "list",
                "results": found[start : start + size],
                "next_cursor": str(start + size) if more else None,
                "has_more": more,
                "type": "page_or_database",
            },
        )

    def _query(self, database: str, request: Received) -> Answer:
        if database not in self.databases:
            return _error(404, "object_not_found", f"Could not find database with ID: {database}.")
        body = request.json or {}
        rows = [p for p in self.pages if p["parent"].get("database_id") == DATABASE]
        test = body.get("filter")
        if test:
            rows = [r for r in rows if _matches(r, test)]
        # --- work: sorts by timestamp (the Notion Trigger's query) ---
        for sort in reversed(body.get("sorts") or []):
            stamp = sort.get("timestamp") or ""
            rows.sort(key=lambda r: r.get(stamp, ""), reverse=sort.get("direction") == "descending")
        # --- end work ---
        start = int(body.get("start_cursor") or 0)
        size = int(body.get("page_size", 100))
        results = rows[start : start + size]
        more = start + size < len(rows)
        return Answer(
            200,
            {
                "object": "list",
                "results": [_answered(r) for r in results],
                "next_cursor": str(start + size) if more else None,
                "has_more": more,
                "type": "page_or_database",
            },
        )

    def _page(self, page_id: str, request: Received) -> Answer:
        found = next(
            (p for p in self.pages if p["id"].replace("-", "") == page_id.replace("-", "")), None
        )
        if found is None:
            return _error(404, "object_not_found", f"Could not find page with ID: {page_id}.")
        if request.method == "PATCH":
            body = request.json or {}
            found["properties"].update(body.get("properties") or {})
            found["last_edited_time"] = _now()  # work
            if body.get("archived"):
                found["archived"] = True
        return Answer(200, _answered(found))

    def _blocks(self, parent: str, request: Received) -> Answer:
        if parent not in self.blocks and parent not in self.parents:
            return _error(404, "object_not_found", f"Could not find block with ID: {parent}.")
        children = self.blocks.get(parent, [])
        start = int(request.query.get("start_cursor", ["0"])[0])
        size = int(request.query.get("page_size", ["100"])[0])
        more = start + size < len(children)
        return Answer(
            200,
            {
                "object": "list",
                "results": children[start : start + size],
                "next_cursor": str(start + size) if more else None,
                "has_more": more,
                "type": "block",
            },
        )


def _plain(value: dict[str, Any]) -> Any:
    """A page property's value as the fake compares it."""
    kind = next(k for k in value if k != "id" and k != "type")
    inner = value[kind]
    if kind in ("title", "rich_text"):
        return "".join(t.get("text", {}).get("content", "") for t in inner)
    if kind in ("select", "status"):
        return (inner or {}).get("name")
    return inner


def _matches(page: dict[str, Any], test: dict[str, Any]) -> bool:
    if "or" in test:
        return any(_matches(page, t) for t in test["or"])
    if "and" in test:
        return all(_matches(page, t) for t in test["and"])
    value = page["properties"].get(test.get("property"))
    kind = next(k for k in test if k != "property")
    condition = test[kind]
    if value is None or "equals" not in condition:
        return False
    return bool(_plain(value) == condition["equals"])


def _database() -> dict[str, Any]:
    return {
        "object": "database",
        "id": "01234567-89ab-cdef-0123-456789abcdef",
        "title": [{"type": "text", "plain_text": "Tasks"}],
        "properties": {
            "Name": {"id": "title", "name": "Name", "type": "title", "title": {}},
            "Status": {"id": "s1", "name": "Status", "type": "select", "select": {"options": []}},
        },
    }


def _answered(page: dict[str, Any]) -> dict[str, Any]:
    """A page as Notion answers it: each property carries its type, each text its plain_text."""
    properties = {}
    for name, value in page["properties"].items():
        kind = next(k for k in value if k not in ("id", "type"))
        inner = value[kind]
        if kind in ("title", "rich_text") and isinstance(inner, list):
            inner = [
                {"type": "text", **t, "plain_text": (t.get("text") or {}).get("content", "")}
                for t in inner
            ]
        properties[name] = {**value, "type": kind, kind: inner}
    shown = {k: v for k, v in page.items() if not k.startswith("_")}
    return {**shown, "properties": properties}


def _properties(title: str, status: str) -> dict[str, Any]:
    return {
        "Name": {"title": [{"type": "text", "text": {"content": title}}]},
        "Status": {"select": {"name": status}},
    }


def _page(parent: dict[str, Any], properties: dict[str, Any]) -> dict[str, Any]:
    page_id = str(uuid.uuid4())
    now = _now()  # work
    return {
        "object": "page",
        "id": page_id,
        "created_time": now,  # work
        "last_edited_time": now,  # work
        "parent": {"type": next(iter(parent)), **parent},
        "properties": properties,
        "url": f"https://www.notion.so/{page_id.replace('-', '')}",
    }


# --- work: page timestamps, distinct and increasing as Notion's are over time ---
_CLOCK = itertools.count(1)


def _now() -> str:
    """A timestamp later than every one before it."""
    tick = next(_CLOCK)
    return f"2026-03-01T{tick // 3600 % 24:02d}:{tick // 60 % 60:02d}:{tick % 60:02d}.000Z"


# --- end work ---


def _error(status: int, code: str, message: str) -> Answer:
    return Answer(status, {"object": "error", "status": status, "code": code, "message": message})
