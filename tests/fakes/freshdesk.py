"""A fake Freshdesk API v2: HTTP Basic auth with the API key and `X`, `/api/v2/agents/me`,
tickets (POST `/api/v2/tickets`, GET / PUT / DELETE `/api/v2/tickets/<id>`; a requester by
`email`, `requester_id`, `phone`, …; `status`, `priority`, `source` as numbers), and Freshdesk's
`{"description", "errors": [{"field", "message", "code"}]}`."""

from __future__ import annotations

import base64
import re
from typing import Any

from tests.fakes import Answer, FakeService, Received

KEY = "Fr3shD3skFakeK3y0123"
TICKET = re.compile(r"^/api/v2/tickets/(?P<id>\d+)$")
REQUESTERS = ("email", "requester_id", "phone", "twitter_id", "facebook_id", "unique_external_id")


def invalid(*errors: tuple[str, str]) -> Answer:
    listed = [{"field": f, "message": m, "code": "invalid_value"} for f, m in errors]
    return Answer(400, {"description": "Validation failed", "errors": listed})


class FakeFreshdesk(FakeService):
    def __init__(self) -> None:
        super().__init__()
        self.tickets: dict[int, dict[str, Any]] = {}

    def respond(self, request: Received) -> Answer:
        expected = "Basic " + base64.b64encode(f"{KEY}:X".encode()).decode()
        if request.headers.get("authorization") != expected:
            return Answer(
                401,
                {
                    "code": "invalid_credentials",
                    "message": "You have to be logged in to perform this action.",
                },
            )
        if request.path == "/api/v2/agents/me":
            return Answer(
                200, {"id": 1, "contact": {"name": "Ada Agent", "email": "ada@acme.example"}}
            )
        if request.path == "/api/v2/tickets" and request.method == "POST":
            body = request.json
            if not any(body.get(r) for r in REQUESTERS):
                return invalid(
                    ("requester_id", "Please fill at least 1 of email, phone, … attributes")
                )
            if not body.get("subject"):
                return invalid(("subject", "It should be a/an String"))
            ticket_id = 1 + len(self.tickets)
            self.tickets[ticket_id] = {"id": ticket_id, "tags": [], **body}
            return Answer(201, self.tickets[ticket_id])
        match = TICKET.match(request.path)
        ticket = self.tickets.get(int(match["id"])) if match else None
        if ticket is None:
            return Answer(404)
        if request.method == "PUT":
            ticket.update(request.json)
        elif request.method == "DELETE":
            del self.tickets[ticket["id"]]
            return Answer(204)
        return Answer(200, ticket)
