"""A fake WordPress REST API (`/wp-json/wp/v2`): basic auth (user:application password),
`/users/me`, posts and pages (POST creates, POST `/<id>` updates the fields sent, GET `/<id>`
reads, GET lists newest first with `page`/`per_page`, `status` (default publish), `search`,
`categories`, and the `X-WP-Total`/`X-WP-TotalPages` headers), with WordPress's error shape
`{"code", "message", "data": {"status"}}`."""

from __future__ import annotations

import base64
import re
from typing import Any

from tests.fakes import Answer, FakeService, Received

USERNAME = "editor"
APP_PASSWORD = "abcd EFGH 1234 ijkl MNOP 5678"
ITEM = re.compile(r"/wp-json/wp/v2/(?P<kind>posts|pages)(?:/(?P<id>\d+))?$")


def _error(status: int, code: str, message: str) -> Answer:
    return Answer(status, {"code": code, "message": message, "data": {"status": status}})


class FakeWordPress(FakeService):
    def __init__(self) -> None:
        super().__init__()
        self.items: dict[str, list[dict[str, Any]]] = {"posts": [], "pages": []}
        self.next_id = 100

    def add(self, kind: str = "posts", **fields: Any) -> dict[str, Any]:
        self.next_id += 1
        item = {
            "id": self.next_id,
            "date": f"2026-12-0{min(self.next_id - 100, 9)}T10:00:00",
            "status": "publish",
            "slug": "",
            "categories": [],
            "tags": [],
            "author": 1,
            **{k: v for k, v in fields.items() if k not in ("title", "content")},
            "title": {"raw": fields.get("title", ""), "rendered": fields.get("title", "")},
            "content": {"raw": fields.get("content", ""), "rendered": fields.get("content", "")},
        }
        self.items[kind].append(item)
        return item

    def respond(self, request: Received) -> Answer:
        pair = base64.b64encode(f"{USERNAME}:{APP_PASSWORD}".encode()).decode()
        if request.headers.get("authorization") != f"Basic {pair}":
            return _error(
                401,
                "incorrect_password",
                "The provided password is an invalid application password.",
            )
        if request.path == "/wp-json/wp/v2/users/me":
            return Answer(200, {"id": 1, "name": "Ada Editor", "slug": USERNAME})
        match = ITEM.match(request.path)
        if match is None:
            return _error(
                404, "rest_no_route", "No route was found matching the URL and request method."
            )
        items = self.items[match["kind"]]
        if match["id"] is None:
            if request.method == "POST":
                return self._write(match["kind"], None, request.json)
            return self._list(items, request.query)
        item = next((i for i in items if i["id"] == int(match["id"])), None)
        if item is None:
            return _error(404, "rest_post_invalid_id", "Invalid post ID.")
        if request.method == "POST":
            return self._write(match["kind"], item, request.json)
        return Answer(200, item)

    def _write(self, kind: str, item: dict[str, Any] | None, body: dict[str, Any]) -> Answer:
        created = item is None
        if item is None:
            if not body.get("title") and not body.get("content"):
                return _error(400, "empty_content", "Content, title, and excerpt are empty.")
            item = self.add(kind, status="draft")
        for key, value in body.items():
            if key in ("title", "content"):
                item[key] = {"raw": value, "rendered": value}
            elif key in ("categories", "tags") and isinstance(value, str):
                item[key] = [int(v) for v in value.split(",") if v.strip()]
            else:
                item[key] = value
        return Answer(201 if created else 200, item)

    def _list(self, items: list[dict[str, Any]], query: dict[str, list[str]]) -> Answer:
        q = {k: v[-1] for k, v in query.items()}
        found = [i for i in items if i["status"] == q.get("status", "publish")]
        if q.get("search"):
            found = [i for i in found if q["search"].lower() in i["title"]["raw"].lower()]
        if q.get("categories"):
            wanted = {int(c) for c in q["categories"].split(",")}
            found = [i for i in found if wanted & set(i["categories"])]
        found = sorted(found, key=lambda i: i["id"], reverse=q.get("order", "desc") == "desc")
        per_page = int(q.get("per_page", "10"))
        if per_page > 100:
            return _error(400, "rest_invalid_param", "Invalid parameter(s): per_page")
        page = int(q.get("page", "1"))
        pages = max(1, -(-len(found) // per_page))
        if page > pages:
            return _error(
                400,
                "rest_post_invalid_page_number",
                "The page number requested is larger than the number of pages available.",
            )
        headers = {"X-WP-Total": str(len(found)), "X-WP-TotalPages": str(pages)}
        return Answer(200, found[(page - 1) * per_page : page * per_page], headers)
