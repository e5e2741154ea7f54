"""A fake Pushcut API v1: the key in `API-Key`, `GET /v1/devices`, the account's notifications
sent with `POST /v1/notifications/<name>` (text, title, input, devices), and Pushcut's
`{"error"}` answers (404 for a notification the account does not define)."""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote

from tests.fakes import Answer, FakeService, Received

KEY = "pcut-fake-api-key-0123456789"
DEVICES = [{"id": "iPhone-Ada"}, {"id": "iPad-Ada"}]


class FakePushcut(FakeService):
    def __init__(self) -> None:
        super().__init__()
        self.notifications = {"n8n", "Door bell"}
        self.sent: list[tuple[str, dict[str, Any]]] = []

    def respond(self, request: Received) -> Answer:
        if request.headers.get("api-key") != KEY:
            return Answer(401, {"error": "Invalid API key"})
        if request.path == "/v1/devices" and request.method == "GET":
            return Answer(200, DEVICES)
        name = unquote(request.path.removeprefix("/v1/notifications/"))
        if request.method != "POST" or not request.path.startswith("/v1/notifications/"):
            return Answer(404, {"error": "Not found"})
        if name not in self.notifications:
            return Answer(404, {"error": f"Notification '{name}' not found"})
        body = request.json or {}
        devices = body.get("devices") or [d["id"] for d in DEVICES]
        if any(d not in {x["id"] for x in DEVICES} for d in devices):
            return Answer(400, {"error": "Unknown device"})
        self.sent.append((name, body))
        return Answer(200, {"id": f"notif-{len(self.sent)}", "message": "Notification sent"})
