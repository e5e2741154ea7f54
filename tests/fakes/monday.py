"""A fake monday.com GraphQL API (`POST /v2`): the token in `Authorization`, the operations
app.monday sends (create_item, items, boards → groups → items_page, next_items_page,
change_multiple_column_values, delete_item, me), recognised by their root field, with
monday.com's `{"errors": [{"message", "extensions": {"code"}}]}` answers under HTTP 200, and 401
for a token it does not know."""

from __future__ import annotations

import json
import re
from typing import Any

from tests.fakes import Answer, FakeService, Received

TOKEN = "eyJhbGciOiJIUzI1NiJ9.monday-token-of-ada"
BOARD = "565971708"
ROOT = re.compile(r"\{\s*(\w+)")


def gql_error(code: str, message: str, **extensions: Any) -> Answer:
    return Answer(
        200, {"errors": [{"message": message, "extensions": {"code": code, **extensions}}]}
    )


class FakeMonday(FakeService):
    def __init__(self) -> None:
        super().__init__()
        self.items: list[dict[str, Any]] = []
        self.groups = {"topics", "new_group"}
        self.busy = 0  # the next answers that say the complexity budget is spent

    def add(self, name: str, group: str = "topics", **columns: Any) -> dict[str, Any]:
        item = {
            "id": str(1234567890 + len(self.items)),
            "name": name,
            "created_at": "2026-12-06T10:00:00Z",
            "state": "active",
            "group": group,
            "columns": dict(columns),
        }
        self.items.append(item)
        return item

    def shown(self, item: dict[str, Any]) -> dict[str, Any]:
        values = [
            {
                "id": key,
                "text": value.get("label") if isinstance(value, dict) else str(value),
                "type": "status" if isinstance(value, dict) else "text",
                "value": json.dumps(value),
                "column": {"title": key.title(), "archived": False, "description": None},
            }
            for key, value in item["columns"].items()
        ]
        shown = {k: item[k] for k in ("id", "name", "created_at", "state")}
        return {**shown, "column_values": values}

    def respond(self, request: Received) -> Answer:
        if request.path != "/v2" or request.method != "POST":
            return Answer(404, {"error_message": "Not found", "status_code": 404})
        if request.headers.get("authorization") != TOKEN:
            return Answer(401, {"errors": [{"message": "Not Authenticated"}]})
        if self.busy:
            self.busy -= 1
            return gql_error(
                "COMPLEXITY_BUDGET_EXHAUSTED", "Complexity budget exhausted", retry_in_seconds=1
            )
        query, variables = request.json["query"], request.json.get("variables") or {}
        found = ROOT.search(
            query.split(")", 1)[1] if query.startswith(("query (", "mutation (")) else query
        )
        root = found.group(1) if found else ""
        handler = getattr(self, f"_{root}", None)
        if handler is None:
            return gql_error("GraphQLValidationError", f"Cannot query field {root!r}")
        return handler(variables)

    def _me(self, variables: dict[str, Any]) -> Answer:
        return Answer(200, {"data": {"me": {"id": "1", "name": "Ada", "email": "ada@acme.test"}}})

    def _create_item(self, v: dict[str, Any]) -> Answer:
        if v.get("boardId") != BOARD:
            return gql_error("ResourceNotFoundException", "Board not found")
        if v.get("groupId") not in (None, *self.groups):
            return gql_error("InvalidGroupIdException", "Group not found")
        columns = json.loads(v["columnValues"]) if v.get("columnValues") else {}
        item = self.add(v["itemName"], v.get("groupId") or "topics", **columns)
        return Answer(200, {"data": {"create_item": {"id": item["id"]}}})

    def _items(self, v: dict[str, Any]) -> Answer:
        wanted = set(v.get("itemId") or [])
        found = [self.shown(i) for i in self.items if i["id"] in wanted]
        return Answer(200, {"data": {"items": found}})

    def _page(self, group: str, start: int, limit: int) -> dict[str, Any]:
        inside = [i for i in self.items if i["group"] == group]
        chunk = inside[start : start + limit]
        more = start + limit < len(inside)
        cursor = f"{group}:{start + limit}" if more else None
        return {"cursor": cursor, "items": [self.shown(i) for i in chunk]}

    def _boards(self, v: dict[str, Any]) -> Answer:
        if v.get("boardId") != [BOARD]:
            return Answer(200, {"data": {"boards": []}})
        groups = [g for g in v.get("groupId") or [] if g in self.groups]
        limit = int(v.get("limit") or 25)
        shown = [{"id": g, "items_page": self._page(g, 0, limit)} for g in groups]
        return Answer(200, {"data": {"boards": [{"groups": shown}]}})

    def _next_items_page(self, v: dict[str, Any]) -> Answer:
        group, _, start = str(v.get("cursor")).partition(":")
        page = self._page(group, int(start), int(v.get("limit") or 25))
        return Answer(200, {"data": {"next_items_page": page}})

    def _change_multiple_column_values(self, v: dict[str, Any]) -> Answer:
        item = next((i for i in self.items if i["id"] == v.get("itemId")), None)
        if item is None or v.get("boardId") != BOARD:
            return gql_error("ResourceNotFoundException", "Item not found in board")
        item["columns"].update(json.loads(v["columnValues"]))
        return Answer(200, {"data": {"change_multiple_column_values": {"id": item["id"]}}})

    def _delete_item(self, v: dict[str, Any]) -> Answer:
        item = next((i for i in self.items if i["id"] == v.get("itemId")), None)
        if item is None:
            return gql_error("ResourceNotFoundException", "Item not found")
        self.items.remove(item)
        return Answer(200, {"data": {"delete_item": {"id": item["id"]}}})
