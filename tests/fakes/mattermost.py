"""A fake Mattermost server (`/api/v4`): a bearer token, `/users/me`, posts (POST `/posts` with
`channel_id`, `message`, `props`, `root_id`; POST `/posts/ephemeral` with `user_id` and
`post`), channels (POST `/channels`) and channel members (POST `/channels/<id>/members`),
answering Mattermost's objects and its `{"id", "message", "status_code"}` errors."""

from __future__ import annotations

import re
from typing import Any

from tests.fakes import Answer, FakeService, Received

TOKEN = "xh7z3iyd5bdrmjcwzj9gzm7yfr"
CHANNEL_ID = "w6rsxrqds3bt9pguxzduowqucy"
USER_ID = "5xy8ptwbgpgnd8kzb1yxgmnd7a"
TEAM_ID = "qjzb5f6kgjn6tb7xq8w8dd7jyw"
MEMBERS = re.compile(r"/api/v4/channels/(?P<id>[a-z0-9]{26})/members$")
CREATED = 1_765_000_000_000


def error(status: int, code: str, message: str) -> Answer:
    body = {"id": code, "message": message, "request_id": "r1", "status_code": status}
    return Answer(status, body)


class FakeMattermost(FakeService):
    def __init__(self) -> None:
        super().__init__()
        self.posts: list[dict[str, Any]] = []
        self.channels: dict[str, dict[str, Any]] = {CHANNEL_ID: {"id": CHANNEL_ID, "name": "town"}}
        self.members: list[tuple[str, str]] = []

    def _post(self, body: dict[str, Any], user_id: str = "botuser0000000000000000000") -> Any:
        post = {
            "id": f"p{len(self.posts) + 1:025d}",
            "create_at": CREATED,
            "update_at": CREATED,
            "user_id": user_id,
            "channel_id": body.get("channel_id", ""),
            "root_id": body.get("root_id", ""),
            "message": body.get("message", ""),
            "type": "",
            "props": body.get("props") or {},
        }
        self.posts.append(post)
        return post

    def respond(self, request: Received) -> Answer:
        if request.headers.get("authorization") != f"Bearer {TOKEN}":
            return error(
                401,
                "api.context.session_expired.app_error",
                "Invalid or expired session, please login again.",
            )
        body = request.json if request.body else {}
        if request.path == "/api/v4/users/me":
            return Answer(200, {"id": USER_ID, "username": "ada"})
        if request.path == "/api/v4/posts":
            if body.get("channel_id") not in self.channels:
                return error(
                    403,
                    "api.context.permissions.app_error",
                    "You do not have the appropriate permissions.",
                )
            return Answer(201, self._post(body))
        if request.path == "/api/v4/posts/ephemeral":
            if not body.get("user_id"):
                return error(
                    400, "api.context.invalid_param.app_error", "Invalid user_id parameter."
                )
            return Answer(201, {**self._post(body["post"]), "type": "system_ephemeral"})
        if request.path == "/api/v4/channels":
            if not re.fullmatch(r"[a-z0-9_-]+", str(body.get("name", ""))):
                return error(
                    400,
                    "model.channel.is_valid.2_or_more.app_error",
                    "Name must be 2 or more lowercase alphanumeric characters.",
                )
            channel = {"id": f"c{len(self.channels):025d}", "create_at": CREATED, **body}
            self.channels[channel["id"]] = channel
            return Answer(201, channel)
        if match := MEMBERS.match(request.path):
            if match["id"] not in self.channels:
                return error(
                    404,
                    "app.channel.get.existing.app_error",
                    "Unable to find the existing channel.",
                )
            self.members.append((match["id"], body["user_id"]))
            return Answer(
                201,
                {"channel_id": match["id"], "user_id": body["user_id"], "roles": "channel_user"},
            )
        return error(404, "api.context.404.app_error", "Sorry, we could not find the page.")
