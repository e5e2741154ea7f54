"""A fake Automizy API v2: the token as a bearer token; smart lists (GET/POST `/v2/smart-lists`
paged by `limit` and `page` as `{smartLists, page, pageCount, totalCount}`; GET, PATCH, DELETE
`/v2/smart-lists/<id>`), their contacts (GET paged as `{contacts, …}`, POST adding one and
answering `{contacts: [it]}`), contacts by id or email (GET, PATCH, DELETE `/v2/contacts/<c>`),
and Automizy's problem-JSON errors `{title, detail, status}`."""

from __future__ import annotations

import math
import re
from typing import Any
from urllib.parse import unquote

from tests.fakes import Answer, FakeService, Received

TOKEN = "automizy-fake-token-4f2a"
LIST = re.compile(r"^/v2/smart-lists(?:/(?P<id>\d+)(?P<contacts>/contacts)?)?$")
CONTACT = re.compile(r"^/v2/contacts/(?P<key>[^/]+)$")


def problem(status: int, detail: str) -> Answer:
    return Answer(status, {"title": "Error", "detail": detail, "status": status})


class FakeAutomizy(FakeService):
    def __init__(self) -> None:
        super().__init__()
        self.lists: dict[int, dict[str, Any]] = {}
        self.contacts: dict[int, dict[str, Any]] = {}
        self.members: dict[int, list[int]] = {}

    def add_list(self, name: str) -> dict[str, Any]:
        list_id = 100 + len(self.lists)
        self.lists[list_id] = {"id": list_id, "name": name, "contactCount": 0}
        self.members[list_id] = []
        return self.lists[list_id]

    def add_contact(self, list_id: int, email: str, **fields: Any) -> dict[str, Any]:
        contact_id = 500 + len(self.contacts)
        contact = {"id": contact_id, "email": email, "status": "ACTIVE", "tags": []} | fields
        self.contacts[contact_id] = contact
        self.members[list_id].append(contact_id)
        self.lists[list_id]["contactCount"] += 1
        return contact

    def respond(self, request: Received) -> Answer:
        if request.headers.get("authorization") != f"Bearer {TOKEN}":
            return problem(401, "Invalid access token")
        query = {k: v[-1] for k, v in request.query.items()}
        if match := LIST.match(request.path):
            return self._list(request, match, query)
        if match := CONTACT.match(request.path):
            return self._contact(request, unquote(match["key"]))
        return problem(404, "No route")

    def _list(self, request: Received, match: re.Match[str], query: dict[str, str]) -> Answer:
        if match["id"] is None:
            if request.method == "POST":
                return Answer(201, self.add_list(request.json["name"]))
            return Answer(200, paged("smartLists", list(self.lists.values()), query))
        list_id = int(match["id"])
        if list_id not in self.lists:
            return problem(404, f"Smart list {list_id} not found")
        if match["contacts"]:
            if request.method == "POST":
                body = dict(request.json)
                return Answer(
                    201, {"contacts": [self.add_contact(list_id, body.pop("email"), **body)]}
                )
            members = [self.contacts[c] for c in self.members[list_id] if c in self.contacts]
            return Answer(200, paged("contacts", members, query))
        if request.method == "DELETE":
            del self.lists[list_id]
            return Answer(204)
        if request.method == "PATCH":
            self.lists[list_id] |= request.json
        return Answer(200, self.lists[list_id])

    def _contact(self, request: Received, key: str) -> Answer:
        found = next((c for c in self.contacts.values() if key in (str(c["id"]), c["email"])), None)
        if found is None:
            return problem(404, f"Contact {key} not found")
        if request.method == "DELETE":
            del self.contacts[found["id"]]
            return Answer(204)
        if request.method == "PATCH":
            found |= request.json
        return Answer(200, found)


def paged(key: str, found: list[dict[str, Any]], query: dict[str, str]) -> dict[str, Any]:
    page, limit = int(query.get("page", 1)), int(query.get("limit", 20))
    return {
        key: found[(page - 1) * limit : page * limit],
        "page": page,
        "limit": limit,
        "pageCount": max(1, math.ceil(len(found) / limit)),
        "totalCount": len(found),
    }
