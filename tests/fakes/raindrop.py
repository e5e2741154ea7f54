"""A fake Raindrop.io REST API v1: a bearer token, `/rest/v1/user`, bookmarks created (POST
`/rest/v1/raindrop` with `link`, `collection.$id`, tags…), read and deleted
(`/rest/v1/raindrop/<id>`), and Raindrop's `{"result": false, "error", "errorMessage"}`."""

from __future__ import annotations

from typing import Any

from tests.fakes import Answer, FakeService, Received

TOKEN = "c0ffee00-fake-raindrop-test-token"


def error(status: int, code: str, message: str) -> Answer:
    return Answer(status, {"result": False, "error": code, "errorMessage": message})


class FakeRaindrop(FakeService):
    def __init__(self) -> None:
        super().__init__()
        self.bookmarks: dict[int, dict[str, Any]] = {}

    def respond(self, request: Received) -> Answer:
        if request.headers.get("authorization") != f"Bearer {TOKEN}":
            return error(401, "unauthorized", "Unauthorized")
        path = request.path.removeprefix("/rest/v1")
        if path == "/user":
            return Answer(200, {"result": True, "user": {"_id": 7, "fullName": "Ada"}})
        if path == "/raindrop" and request.method == "POST":
            body = request.json
            if not str(body.get("link", "")).startswith("http"):
                return error(400, "link_invalid", "Link is not valid")
            bookmark_id = 1000 + len(self.bookmarks)
            collection = body.get("collection", {}).get("$id", -1)
            item = {**body, "_id": bookmark_id, "collection": {"$id": collection}}
            item.setdefault("title", body["link"])
            self.bookmarks[bookmark_id] = item
            return Answer(200, {"result": True, "item": item})
        found = self.bookmarks.get(int(path.removeprefix("/raindrop/") or 0))
        if found is None:
            return error(404, "not_found", "Raindrop not found")
        if request.method == "DELETE":
            del self.bookmarks[found["_id"]]
            return Answer(200, {"result": True})
        return Answer(200, {"result": True, "item": found})
