"""A fake Mailgun: basic auth `api:<key>`, POST `/v3/<domain>/messages` (a form: from, to, cc,
bcc, subject, text, html) answered `{"id", "message": "Queued. Thank you."}`, GET
`/v3/<domain>/tags`, a wrong key's 401 "Forbidden", an unknown domain's 404 and Mailgun's
`{"message"}` errors."""

from __future__ import annotations

import base64
import itertools
from typing import Any

from tests.fakes import Answer, FakeService, Received

KEY = "key-3ax6xnjp29jd6fds4gc373sgvjxteol0"
DOMAIN = "mg.example.com"


class FakeMailgun(FakeService):
    def __init__(self) -> None:
        super().__init__()
        self.sent: list[dict[str, Any]] = []
        self._ids = itertools.count(1)

    def respond(self, request: Received) -> Answer:
        expected = "Basic " + base64.b64encode(f"api:{KEY}".encode()).decode()
        if request.headers.get("authorization") != expected:
            return Answer(401, "Forbidden")
        parts = request.path.strip("/").split("/")
        if len(parts) != 3 or parts[0] != "v3":
            return Answer(404, {"message": "Not Found"})
        if parts[1] != DOMAIN:
            return Answer(404, {"message": f"Domain not found: {parts[1]}"})
        if parts[2] == "tags":
            return Answer(200, {"items": [], "paging": {}})
        if parts[2] != "messages" or request.method != "POST":
            return Answer(404, {"message": "Not Found"})
        form = request.form
        for needed in ("from", "to"):
            if not form.get(needed):
                return Answer(400, {"message": f"'{needed}' parameter is missing"})
        if not (form.get("text") or form.get("html")):
            return Answer(
                400, {"message": "Need at least one of 'text', 'html' parameters specified"}
            )
        self.sent.append(form)
        message_id = f"<20261206.{next(self._ids)}@{DOMAIN}>"
        return Answer(200, {"id": message_id, "message": "Queued. Thank you."})
