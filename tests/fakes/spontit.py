"""A fake Spontit API v3: the secret key in `X-Authorization` and the username in `X-UserId`,
`GET /v3/channel` (the main channel), pushes made with `POST /v3/push` (to the main account or
one of its channels), answers wrapped in `{"data"}` and errors as `{"message"}` (404 for a
channel the account does not have, 400 for a push without content)."""

from __future__ import annotations

from typing import Any

from tests.fakes import Answer, FakeService, Received

KEY = "SPONTITFAKESECRETKEY0123456789"
USER = "ada_lovelace"
CHANNELS = {"alerts"}


class FakeSpontit(FakeService):
    def __init__(self) -> None:
        super().__init__()
        self.pushes: list[dict[str, Any]] = []

    def respond(self, request: Received) -> Answer:
        if request.headers.get("x-authorization") != KEY or request.headers.get("x-userid") != USER:
            return Answer(401, {"message": "Invalid authorization: check your userId and key."})
        if (request.method, request.path) == ("GET", "/v3/channel"):
            return Answer(200, {"data": {"channelName": USER, "followerCount": 2}})
        if (request.method, request.path) != ("POST", "/v3/push"):
            return Answer(404, {"message": "Not found"})
        body = request.json or {}
        if not body.get("content"):
            return Answer(400, {"message": "Supply content or pushContent."})
        channel = body.get("channelName")
        if channel is not None and channel not in CHANNELS:
            return Answer(404, {"message": f"You have no channel named {channel}."})
        self.pushes.append(body)
        pushed = {"pushId": f"push-{len(self.pushes)}", "channelName": channel or USER}
        return Answer(200, {"data": {**pushed, **body}})
