"""A fake Medium API v1: the integration token as a bearer token, `GET /v1/me`, `POST
/v1/users/<id>/posts` (only the token's own user), `POST /v1/publications/<id>/posts`, `GET
/v1/users/<id>/publications`, answers wrapped in `data` and Medium's `{"errors": [{"message",
"code"}]}`."""

from __future__ import annotations

import re
from typing import Any

from tests.fakes import Answer, FakeService, Received

TOKEN = "2c5d8e1f0a9b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1"
USER = "5303d74c64f66366f00cb9b2a94f3251bf5"
PUBLICATION = "b45573563f5a"
POSTS = re.compile(r"^/v1/(?P<owner>users|publications)/(?P<id>\w+)/posts$")


def error(status: int, message: str, code: int) -> Answer:
    return Answer(status, {"errors": [{"message": message, "code": code}]})


class FakeMedium(FakeService):
    def __init__(self) -> None:
        super().__init__()
        self.posts: list[dict[str, Any]] = []

    def respond(self, request: Received) -> Answer:
        if request.headers.get("authorization") != f"Bearer {TOKEN}":
            return error(401, "Token was invalid.", 6003)
        if request.path == "/v1/me":
            return Answer(200, {"data": {"id": USER, "username": "ada", "name": "Ada"}})
        if request.path == f"/v1/users/{USER}/publications":
            return Answer(200, {"data": [{"id": PUBLICATION, "name": "About Medium"}]})
        match = POSTS.match(request.path)
        if match is None or request.method != "POST":
            return error(404, "Not found", 6000)
        if match["owner"] == "users" and match["id"] != USER:
            return error(403, "You are not allowed to publish as this user.", 6027)
        body = request.json
        if not body.get("title") or body.get("contentFormat") not in ("html", "markdown"):
            return error(400, "Missing or invalid title or contentFormat.", 6000)
        post = {
            "id": f"e6f36a{len(self.posts)}",
            "title": body["title"],
            "authorId": USER,
            "tags": body.get("tags", []),
            "url": f"https://medium.com/@ada/post-{len(self.posts)}",
            "publishStatus": body.get("publishStatus", "public"),
            "license": body.get("license", "all-rights-reserved"),
        }
        if match["owner"] == "publications":
            post["publicationId"] = match["id"]
        self.posts.append(post | {"content": body.get("content")})
        return Answer(201, {"data": post})
