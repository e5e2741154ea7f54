"""A fake Webflow Data API v2: the token as a bearer token; a collection's items created (POST
`/v2/collections/{id}/items`, or `/items/live` to publish), read, listed by `offset` and
`limit` pages with `pagination.total`, updated (PATCH, `/live` too) and deleted (204);
`/v2/sites`; Webflow's `{code, message, details}` errors."""

from __future__ import annotations

import re
from typing import Any

from tests.fakes import Answer, FakeService, Received

TOKEN = "webflow-fake-token-8a"
COLLECTION = "6500abc"
ITEMS = re.compile(
    r"^/v2/collections/(?P<collection>\w+)/items(?:/(?P<item>(?!live)\w+))?(?P<live>/live)?$"
)


def error(status: int, code: str, message: str, details: list[Any] | None = None) -> Answer:
    return Answer(status, {"code": code, "message": message, "details": details or []})


class FakeWebflow(FakeService):
    def __init__(self) -> None:
        super().__init__()
        self.items: list[dict[str, Any]] = []

    def add(self, name: str) -> dict[str, Any]:
        item = {
            "id": f"item{len(self.items) + 1}",
            "isDraft": False,
            "isArchived": False,
            "lastPublished": None,
            "fieldData": {"name": name, "slug": name.lower()},
        }
        self.items.append(item)
        return item

    def respond(self, request: Received) -> Answer:
        if request.headers.get("authorization") != f"Bearer {TOKEN}":
            return error(401, "not_authorized", "Request not authorized")
        if request.path == "/v2/sites":
            return Answer(200, {"sites": [{"id": "site1", "displayName": "Docs"}]})
        match = ITEMS.match(request.path)
        if match is None or match["collection"] != COLLECTION:
            return error(404, "resource_not_found", "Requested resource not found")
        if match["item"] is None:
            if request.method == "POST":
                return self._create(request.json.get("fieldData") or {}, bool(match["live"]))
            return self._page(request)
        found = next((i for i in self.items if i["id"] == match["item"]), None)
        if found is None:
            return error(404, "resource_not_found", "Requested resource not found")
        if request.method == "DELETE":
            self.items.remove(found)
            return Answer(204)
        if request.method == "PATCH":
            found["fieldData"] |= request.json.get("fieldData") or {}
            found["lastPublished"] = (
                "2026-12-06T22:00:00Z" if match["live"] else found["lastPublished"]
            )
        return Answer(200, found)

    def _create(self, fields: dict[str, Any], live: bool) -> Answer:
        if not fields.get("name"):
            return error(
                400,
                "validation_error",
                "Validation Error",
                [
                    {
                        "param": "name",
                        "description": "Field is required",
                        "message": "name: Field is required",
                    }
                ],
            )
        item = self.add(str(fields["name"]))
        item["fieldData"] |= fields
        item["lastPublished"] = "2026-12-06T22:00:00Z" if live else None
        return Answer(202 if live else 200, item)

    def _page(self, request: Received) -> Answer:
        limit = int(request.query.get("limit", ["100"])[-1])
        offset = int(request.query.get("offset", ["0"])[-1])
        page = self.items[offset : offset + min(limit, 100)]
        pagination = {"limit": limit, "offset": offset, "total": len(self.items)}
        return Answer(200, {"items": page, "pagination": pagination})
