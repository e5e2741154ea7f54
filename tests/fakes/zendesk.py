"""A fake Zendesk Support API (`/api/v2/<path>.json`): HTTP Basic `<email>/token:<token>` or a
bearer OAuth token, `/users/me`, tickets (POST `/tickets` with `Idempotency-Key` honoured,
GET/PUT `/tickets/<id>`, a comment added on update), `/search` (`type:ticket` plus field terms,
paged by `per_page` with a full `next_page` URL), users (POST, GET/PUT by id, `/users/search`),
and Zendesk's error shapes (`{"error": "RecordNotFound", "description"}`,
`{"error": "Couldn't authenticate you"}`, 422 `RecordInvalid` with `details`)."""

from __future__ import annotations

import base64
import re
from typing import Any
from urllib.parse import urlencode

from tests.fakes import Answer, FakeService, Received

EMAIL = "agent@acme.io"
API_TOKEN = "6wiIBWbGkBMo1mRDMuVwkw1EPsNkeUj95PIz2akv"
OAUTH_TOKEN = "zd-oauth-0123456789abcdef"
RECORD = re.compile(r"/api/v2/(?P<kind>tickets|users)(?:/(?P<id>\d+|search|me))?\.json$")
TERM = re.compile(r"(?P<field>\w+)(?P<op>[:<>])(?P<value>\S+)")
STATUSES = ("new", "open", "pending", "hold", "solved", "closed")


class FakeZendesk(FakeService):
    def __init__(self) -> None:
        super().__init__()
        self.tickets: list[dict[str, Any]] = []
        self.users: list[dict[str, Any]] = []
        self.comments: dict[int, list[dict[str, Any]]] = {}
        self.keys: dict[str, dict[str, Any]] = {}

    def ticket(self, subject: str, **fields: Any) -> dict[str, Any]:
        number = len(self.tickets) + 1
        ticket = {"id": number, "subject": subject, "status": "new", "assignee_id": None}
        ticket |= {"external_id": None, "tags": [], "custom_fields": [], **fields}
        self.tickets.append(ticket)
        return ticket

    def user(self, name: str, **fields: Any) -> dict[str, Any]:
        record = {"id": 500 + len(self.users) + 1, "name": name, "role": "end-user", **fields}
        self.users.append(record)
        return record

    def _authorised(self, request: Received) -> bool:
        basic = base64.b64encode(f"{EMAIL}/token:{API_TOKEN}".encode()).decode()
        return request.headers.get("authorization") in (f"Basic {basic}", f"Bearer {OAUTH_TOKEN}")

    def respond(self, request: Received) -> Answer:
        if not self._authorised(request):
            return Answer(401, {"error": "Couldn't authenticate you"})
        if request.path == "/api/v2/search.json":
            return self._search(request)
        match = RECORD.match(request.path)
        if match is None:
            return Answer(404, {"error": "InvalidEndpoint", "description": "Not found"})
        kind, key = match["kind"], match["id"]
        if key == "me":
            return Answer(200, {"user": {"id": 1, "name": "Agent Smith", "role": "admin"}})
        if kind == "users" and key == "search":
            query = request.query.get("query", [""])[-1].removeprefix("email:")
            found = [u for u in self.users if query in (u.get("email"), u["name"])]
            return Answer(200, {"users": found, "next_page": None, "count": len(found)})
        if key is None and request.method == "POST":
            return self._create(kind, request)
        records = self.tickets if kind == "tickets" else self.users
        record = next((r for r in records if str(r["id"]) == key), None)
        if record is None:
            return Answer(404, {"error": "RecordNotFound", "description": "Not found"})
        if request.method == "PUT":
            changes = dict(request.json[kind[:-1]])
            if comment := changes.pop("comment", None):
                self.comments.setdefault(record["id"], []).append(comment)
            record.update(changes)
        return Answer(200, {kind[:-1]: record})

    def _create(self, kind: str, request: Received) -> Answer:
        fields = dict(request.json[kind[:-1]])
        if kind == "users":
            if not str(fields.get("name") or "").strip():
                return Answer(
                    422,
                    {
                        "error": "RecordInvalid",
                        "description": "Record validation errors",
                        "details": {"name": [{"description": "Name: cannot be blank"}]},
                    },
                )
            return Answer(201, {"user": self.user(fields.pop("name"), **fields)})
        key = request.headers.get("idempotency-key")
        if key and key in self.keys:
            return Answer(201, {"ticket": self.keys[key]}, {"x-idempotency-lookup": "hit"})
        comment = fields.pop("comment", None)
        if not comment:
            return Answer(
                422,
                {
                    "error": "RecordInvalid",
                    "description": "Record validation errors",
                    "details": {"base": [{"description": "Description: cannot be blank"}]},
                },
            )
        ticket = self.ticket(fields.pop("subject", comment.get("body", "")[:30]), **fields)
        ticket["description"] = comment.get("body") or comment.get("html_body")
        self.comments[ticket["id"]] = [comment]
        if key:
            self.keys[key] = ticket
        return Answer(201, {"ticket": ticket, "audit": {"id": 9000 + ticket["id"]}})

    def _search(self, request: Received) -> Answer:
        query = request.query.get("query", [""])[-1]
        per_page = int(request.query.get("per_page", ["100"])[-1])
        page = int(request.query.get("page", ["1"])[-1])
        if "type:ticket" not in query.split():
            return Answer(200, {"results": [], "next_page": None, "count": 0})
        found = [t for t in self.tickets if all(_matches(t, m) for m in TERM.finditer(query))]
        if request.query.get("sort_order", [""])[-1] == "desc":
            found.reverse()
        chunk = found[(page - 1) * per_page : page * per_page]
        following = None
        if page * per_page < len(found):
            more = urlencode({"query": query, "per_page": per_page, "page": page + 1})
            following = f"{self.url}/api/v2/search.json?{more}"
        results = [{**t, "result_type": "ticket"} for t in chunk]
        return Answer(200, {"results": results, "next_page": following, "count": len(found)})


def _matches(ticket: dict[str, Any], term: re.Match[str]) -> bool:
    field, op, value = term["field"], term["op"], term["value"]
    if field == "type":
        return True
    if field == "status" and op in "<>":
        rank = STATUSES.index(ticket["status"])
        return rank < STATUSES.index(value) if op == "<" else rank > STATUSES.index(value)
    if field == "assignee":
        return (
            ticket["assignee_id"] is None
            if value == "none"
            else str(ticket["assignee_id"]) == value
        )
    return str(ticket.get(field)) == value
