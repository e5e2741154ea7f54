"""A fake Ghost Admin API (Ghost 5, `/ghost/api/admin`): `Authorization: Ghost <JWT>` checked as
Ghost does (HS256 with the key's hex secret, `kid` the key's id, audience `/admin/`, at most five
minutes), posts (POST/GET `/posts/` with `limit`, `page`, `filter`; GET, PUT, DELETE
`/posts/<id>/`; GET `/posts/slug/<slug>/`), `?source=html` turning HTML into the post,
the `updated_at` an update must carry, and Ghost's `{"errors": [{"message", "type"}]}`."""

from __future__ import annotations

import base64
import hashlib
import hmac
import itertools
import json
import re
from typing import Any

from tests.fakes import Answer, FakeService, Received

KEY_ID = "6523f0a1b2c3d4e5f6a7b8c9"
KEY_SECRET = "a1" * 32
ADMIN_KEY = f"{KEY_ID}:{KEY_SECRET}"
POST = re.compile(r"/ghost/api/admin/posts/(?:slug/(?P<slug>[\w-]+)|(?P<id>\w+))/$")


def errors(status: int, kind: str, message: str) -> Answer:
    return Answer(status, {"errors": [{"message": message, "type": kind}]})


def _unb64(part: str) -> bytes:
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


def token_problem(authorization: str) -> str | None:
    """Why Ghost would refuse this Authorization header, or None."""
    if not authorization.startswith("Ghost "):
        return 'Authorization header format is "Authorization: Ghost [token]"'
    try:
        header_part, claims_part, signature = authorization[6:].split(".")
        header, claims = json.loads(_unb64(header_part)), json.loads(_unb64(claims_part))
    except ValueError:
        return "Invalid token"
    if header.get("kid") != KEY_ID or header.get("alg") != "HS256":
        return "Unknown Admin API Key"
    expected = hmac.new(
        bytes.fromhex(KEY_SECRET), f"{header_part}.{claims_part}".encode(), hashlib.sha256
    ).digest()
    if not hmac.compare_digest(expected, _unb64(signature)):
        return "Invalid token: invalid signature"
    if claims.get("aud") != "/admin/":
        return "Invalid token: jwt audience invalid"
    if claims.get("exp", 0) - claims.get("iat", 0) > 300:
        return "Invalid token: maximum lifetime is 5 minutes"
    return None


class FakeGhost(FakeService):
    def __init__(self) -> None:
        super().__init__()
        self.posts: dict[str, dict[str, Any]] = {}
        self._ids = itertools.count(1)
        self._clock = itertools.count(1)

    def _stamp(self) -> str:
        return f"2026-12-06T10:00:{next(self._clock):02d}.000Z"

    def respond(self, request: Received) -> Answer:
        problem = token_problem(request.headers.get("authorization", ""))
        if problem:
            return errors(401, "UnauthorizedError", problem)
        if request.path == "/ghost/api/admin/posts/":
            return self._create(request) if request.method == "POST" else self._browse(request)
        match = POST.match(request.path)
        post = None
        if match and match["slug"]:
            post = next((p for p in self.posts.values() if p["slug"] == match["slug"]), None)
        elif match:
            post = self.posts.get(match["id"])
        if post is None:
            return errors(404, "NotFoundError", "Post not found.")
        if request.method == "DELETE":
            del self.posts[post["id"]]
            return Answer(204)
        if request.method == "PUT":
            return self._update(request, post)
        return Answer(200, {"posts": [post]})

    def _body(self, request: Received) -> dict[str, Any]:
        changes = dict(request.json["posts"][0])
        if "html" in changes and request.query.get("source") != ["html"]:
            changes.pop("html")  # without source=html Ghost ignores the HTML
        return changes

    def _create(self, request: Received) -> Answer:
        changes = self._body(request)
        if not changes.get("title"):
            return errors(422, "ValidationError", "Validation error, cannot save post.")
        post_id = f"{next(self._ids):024x}"
        stamp = self._stamp()
        post = {
            "id": post_id,
            "slug": re.sub(r"[^a-z0-9]+", "-", changes["title"].lower()).strip("-"),
            "status": "draft",
            "html": None,
            "created_at": stamp,
            "updated_at": stamp,
            **changes,
        }
        self.posts[post_id] = post
        return Answer(201, {"posts": [post]})

    def _update(self, request: Received, post: dict[str, Any]) -> Answer:
        changes = self._body(request)
        if changes.get("updated_at") != post["updated_at"]:
            return errors(
                409,
                "UpdateCollisionError",
                "Saving failed! Someone else is editing this post.",
            )
        post.update(changes, updated_at=self._stamp())
        return Answer(200, {"posts": [post]})

    def _browse(self, request: Received) -> Answer:
        posts = list(reversed(self.posts.values()))
        wanted = (request.query.get("filter") or [""])[0]
        if wanted.startswith("status:"):
            posts = [p for p in posts if p["status"] == wanted.split(":", 1)[1]]
        limit = int((request.query.get("limit") or ["15"])[0])
        page = int((request.query.get("page") or ["1"])[0])
        shown = posts[(page - 1) * limit : page * limit]
        pages = max(1, -(-len(posts) // limit))
        pagination = {
            "page": page,
            "limit": limit,
            "pages": pages,
            "total": len(posts),
            "next": page + 1 if page < pages else None,
            "prev": page - 1 if page > 1 else None,
        }
        return Answer(200, {"posts": shown, "meta": {"pagination": pagination}})
