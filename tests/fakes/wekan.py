"""A fake Wekan server: `POST /users/login` (JSON user name and password → {id, token,
tokenExpires}), and under `/api` with the bearer token: boards (POST `/boards`), lists (POST
`/boards/<b>/lists`), cards (POST `/boards/<b>/lists/<l>/cards`; GET, PUT, DELETE
`…/cards/<c>`, a PUT with `listId` moving the card), and Meteor's `{"error", "reason"}`
errors."""

from __future__ import annotations

import itertools
import re
import secrets
from typing import Any

from tests.fakes import Answer, FakeService, Received

USER, PASSWORD, USER_ID = "ada", "correct horse battery staple", "c4nzTEvSwGPBxKTCc"
CARDS = re.compile(r"/api/boards/(?P<b>\w+)/lists/(?P<l>\w+)/cards(?:/(?P<c>\w+))?$")
LISTS = re.compile(r"/api/boards/(?P<b>\w+)/lists$")


def meteor_error(status: int, error: str, reason: str) -> Answer:
    return Answer(status, {"error": error, "reason": reason, "statusCode": status})


class FakeWekan(FakeService):
    def __init__(self) -> None:
        super().__init__()
        self.tokens: set[str] = set()
        self.boards: dict[str, dict[str, Any]] = {}
        self.lists: dict[str, dict[str, Any]] = {}
        self.cards: dict[str, dict[str, Any]] = {}
        self._ids = (f"W{n:016d}" for n in itertools.count(1))

    def respond(self, request: Received) -> Answer:
        if request.path == "/users/login":
            body = request.json or {}
            if (body.get("username"), body.get("password")) != (USER, PASSWORD):
                return meteor_error(400, "error", "Incorrect password")  # as Wekan says it
            token = secrets.token_urlsafe(16)
            self.tokens.add(token)
            return Answer(200, {"id": USER_ID, "token": token, "tokenExpires": "2027-03-01"})
        if request.headers.get("authorization", "").removeprefix("Bearer ") not in self.tokens:
            return meteor_error(401, "Unauthorized", "You must be logged in")
        if request.path == "/api/boards" and request.method == "POST":
            ident, lane = next(self._ids), next(self._ids)
            self.boards[ident] = {**request.json, "_id": ident, "defaultSwimlaneId": lane}
            return Answer(200, {"_id": ident, "defaultSwimlaneId": lane})
        if found := LISTS.match(request.path):
            if found["b"] not in self.boards:
                return meteor_error(404, "error", "Board not found")
            ident = next(self._ids)
            self.lists[ident] = {**request.json, "_id": ident, "boardId": found["b"]}
            return Answer(200, {"_id": ident})
        found = CARDS.match(request.path)
        if not found or found["l"] not in self.lists:
            return meteor_error(404, "error", "List not found")
        if found["c"] is None and request.method == "POST":
            ident = next(self._ids)
            card = {**request.json, "_id": ident, "boardId": found["b"], "listId": found["l"]}
            self.cards[ident] = card
            return Answer(200, {"_id": ident})
        card = self.cards.get(found["c"] or "")
        if card is None or card["listId"] != found["l"]:
            return meteor_error(404, "error", "Card not found")
        if request.method == "GET":
            return Answer(200, card)
        if request.method == "PUT":
            card.update(request.json)
            return Answer(200, {"_id": card["_id"]})
        if request.method == "DELETE":
            del self.cards[card["_id"]]
            return Answer(200, {"_id": card["_id"]})
        return meteor_error(405, "error", "Method not allowed")
