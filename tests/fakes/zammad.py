"""A fake Zammad API v1: the token as `Authorization: Token token=<token>`; tickets listed by
pages (`page`, `per_page`, a page past the end empty) and read by id; `/api/v1/users/me`;
Zammad's `{error, error_human}` errors."""

from __future__ import annotations

import re
from typing import Any

from tests.fakes import Answer, FakeService, Received

TOKEN = "zammad-fake-token-3b"
TICKET = re.compile(r"^/api/v1/tickets/(?P<id>\d+)$")


class FakeZammad(FakeService):
    def __init__(self) -> None:
        super().__init__()
        self.tickets: list[dict[str, Any]] = []

    def add(self, title: str, state_id: int) -> dict[str, Any]:
        ticket = {"id": len(self.tickets) + 1, "title": title, "state_id": state_id, "group_id": 1}
        self.tickets.append(ticket)
        return ticket

    def respond(self, request: Received) -> Answer:
        if request.headers.get("authorization") != f"Token token={TOKEN}":
            return Answer(401, {"error": "Invalid token!", "error_human": "Invalid token!"})
        if request.path == "/api/v1/users/me":
            return Answer(200, {"id": 3, "login": "agent", "firstname": "Ada", "lastname": "Agent"})
        query = {k: v[-1] for k, v in request.query.items()}
        if request.path == "/api/v1/tickets":
            page, size = int(query.get("page", 1)), int(query.get("per_page", 50))
            return Answer(200, self.tickets[(page - 1) * size : page * size])
        match = TICKET.match(request.path)
        found = next((t for t in self.tickets if match and t["id"] == int(match["id"])), None)
        if found is None:
            return Answer(
                404, {"error": "Couldn't find Ticket", "error_human": "Couldn't find Ticket"}
            )
        return Answer(200, found)
