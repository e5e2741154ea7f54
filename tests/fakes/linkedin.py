"""A fake LinkedIn: OpenID userinfo (`/v2/userinfo`) and the versioned Posts API (POST
`/rest/posts`, which needs `LinkedIn-Version` and Rest.li 2.0 and answers 201 with an empty body
and the post's URN in `x-restli-id`) and the Images API's two-step upload
(`/rest/images?action=initializeUpload`, then a PUT to `/dms-uploads/<id>`), with LinkedIn's `{"status", "code", "message"}` errors."""

from __future__ import annotations

import itertools
import re
from typing import Any

from tests.fakes import Answer, FakeService, Received

ACCESS_TOKEN = "AQVfake-linkedin-member-token"
PERSON_ID = "afi4Hy9wlI"
ORGANIZATION_ID = "2414183"
AUTHOR = re.compile(r"^urn:li:(person|organization):(.+)$")


def error(status: int, code: str, message: str) -> Answer:
    return Answer(status, {"status": status, "code": code, "message": message})


class FakeLinkedIn(FakeService):
    def __init__(self) -> None:
        super().__init__()
        self.posts: list[dict[str, Any]] = []
        self.images: dict[str, bytes | None] = {}  # image URN -> its bytes, once uploaded
        self._ids = itertools.count(7_300_000_000_000_000_001)

    def respond(self, request: Received) -> Answer:
        if request.headers.get("authorization") != f"Bearer {ACCESS_TOKEN}":
            return error(
                401,
                "REVOKED_ACCESS_TOKEN",
                "The token used in the request has been revoked by the user",
            )
        if request.path == "/v2/userinfo":
            return Answer(200, {"sub": PERSON_ID, "name": "Ada Lovelace", "email_verified": True})
        if request.path.startswith("/dms-uploads/") and request.method == "PUT":
            urn = f"urn:li:image:{request.path.rsplit('/', 1)[1]}"
            if urn not in self.images:
                return error(404, "NOT_FOUND", "Upload URL expired or unknown")
            self.images[urn] = request.body
            return Answer(201, None)
        if request.path == "/rest/images" and request.query.get("action") == ["initializeUpload"]:
            owner = request.json["initializeUploadRequest"]["owner"]
            ident = f"D4E10AQ{len(self.images) + 1:06d}"
            self.images[f"urn:li:image:{ident}"] = None
            value = {
                "uploadUrlExpiresAt": 1_767_000_000_000,
                "uploadUrl": f"{self.url}/dms-uploads/{ident}",
                "image": f"urn:li:image:{ident}",
                "owner": owner,
            }
            return Answer(200, {"value": value})
        if request.path != "/rest/posts" or request.method != "POST":
            return error(404, "NOT_FOUND", f"No resource found at {request.path}")
        if not request.headers.get("linkedin-version"):
            return error(
                426,
                "VERSION_MISSING",
                "A version must be present. Please specify a version by adding the LinkedIn-Version header.",
            )
        if request.headers.get("x-restli-protocol-version") != "2.0.0":
            return error(400, "ILLEGAL_ARGUMENT", "Rest.li protocol version 2.0.0 is required")
        post = request.json
        match = AUTHOR.match(str(post.get("author", "")))
        if match is None:
            return error(422, "UNPROCESSABLE_ENTITY", "/author :: is not a valid urn")
        allowed = {("person", PERSON_ID), ("organization", ORGANIZATION_ID)}
        if (match[1], match[2]) not in allowed:
            return error(
                403, "ACCESS_DENIED", f"Not enough permissions to post as {post['author']}"
            )
        media = (post.get("content") or {}).get("media")
        if media and self.images.get(media["id"]) is None:
            return error(
                422, "UNPROCESSABLE_ENTITY", f"/content/media/id :: {media['id']} is not uploaded"
            )
        urn = f"urn:li:share:{next(self._ids)}"
        self.posts.append({"urn": urn, **post})
        return Answer(201, None, headers={"x-restli-id": urn})
