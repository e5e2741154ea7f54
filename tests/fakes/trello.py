"""A fake Trello REST API (`/1`): the key and token in an `Authorization: OAuth
oauth_consumer_key="…", oauth_token="…"` header, `/1/members/me`, cards (POST `/1/cards` with
`idList` and fields, GET/PUT/DELETE `/1/cards/<id or short link>`, `fields` to pick fields),
a list's open cards (GET `/1/lists/<id>/cards`) and comments (POST
`/1/cards/<id>/actions/comments` answering the commentCard action), with Trello's plain-text
errors ("invalid id", "invalid token") and its JSON 429."""

from __future__ import annotations

import re
from typing import Any

from tests.fakes import Answer, FakeService, Received

API_KEY = "0f1e2d3c4b5a69788796a5b4c3d2e1f0"
API_TOKEN = "ATTAfake0123456789abcdef0123456789abcdef"
LIST_ID = "5fbb9e2eb1d5cc0a8a7ab8ac"
CARD = re.compile(r"/1/cards/(?P<id>[A-Za-z0-9]+)(?P<comments>/actions/comments)?$")
LIST_CARDS = re.compile(r"/1/lists/(?P<id>[0-9a-f]{24})/cards$")


class FakeTrello(FakeService):
    def __init__(self) -> None:
        super().__init__()
        self.cards: list[dict[str, Any]] = []
        self.comments: list[dict[str, Any]] = []

    def add(self, name: str, list_id: str = LIST_ID, **fields: Any) -> dict[str, Any]:
        number = len(self.cards) + 1
        card = {
            "id": f"6{number:023x}",
            "shortLink": f"short{number}",
            "name": name,
            "desc": "",
            "idList": list_id,
            "closed": False,
            "due": None,
            "pos": 16384 * number,
            "url": f"https://trello.com/c/short{number}",
            **fields,
        }
        self.cards.append(card)
        return card

    def respond(self, request: Received) -> Answer:
        auth = f'OAuth oauth_consumer_key="{API_KEY}", oauth_token="{API_TOKEN}"'
        if request.headers.get("authorization") != auth:
            return Answer(401, "invalid token")
        if request.path == "/1/members/me":
            return Answer(200, {"id": "m1", "username": "ada", "fullName": "Ada Lovelace"})
        if request.path == "/1/cards" and request.method == "POST":
            body = request.json
            if not body.get("idList"):
                return Answer(400, "invalid value for idList")
            fields = {k: v for k, v in body.items() if k != "idList"}
            return Answer(200, self.add(fields.pop("name", ""), body["idList"], **fields))
        if match := LIST_CARDS.match(request.path):
            found = [c for c in self.cards if c["idList"] == match["id"] and not c["closed"]]
            return Answer(200, [self._view(c, request.query) for c in found])
        match = CARD.match(request.path)
        card = None
        if match is not None:
            card = next((c for c in self.cards if match["id"] in (c["id"], c["shortLink"])), None)
        if match is None or card is None:
            return Answer(400, "invalid id")
        if match["comments"]:
            action = {
                "id": f"a{len(self.comments) + 1}",
                "type": "commentCard",
                "data": {"text": request.json["text"], "card": {"id": card["id"]}},
            }
            self.comments.append(action)
            return Answer(200, action)
        if request.method == "PUT":
            card.update(request.json)
            return Answer(200, card)
        if request.method == "DELETE":
            self.cards.remove(card)
            return Answer(200, {"limits": {}})
        return Answer(200, self._view(card, request.query))

    def _view(self, card: dict[str, Any], query: dict[str, list[str]]) -> dict[str, Any]:
        if "fields" not in query:
            return card
        return {"id": card["id"], **{f: card.get(f) for f in query["fields"][-1].split(",")}}
