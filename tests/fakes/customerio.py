"""A fake Customer.io Track API v1: HTTP Basic auth `<site id>:<key>`, `/api/v1/accounts/region`,
people (PUT / DELETE `/api/v1/customers/<id>`), events (POST `/api/v1/customers/<id>/events`,
POST `/api/v1/events`), manual segments (POST `/api/v1/segments/<id>/add_customers` and
`remove_customers` with `{"ids"}`), and Customer.io's `{"meta": {"error"}}`."""

from __future__ import annotations

import base64
import re
from typing import Any

from tests.fakes import Answer, FakeService, Received

SITE, KEY = "a1b2c3d4e5f6a7b8c9d0", "0f9e8d7c6b5a49382716"
SEGMENT = "7"
PERSON = re.compile(r"^/api/v1/customers/(?P<id>[^/]+)(?P<events>/events)?$")
MEMBERS = re.compile(r"^/api/v1/segments/(?P<id>\d+)/(?P<action>add|remove)_customers$")


def meta_error(status: int, message: str) -> Answer:
    return Answer(status, {"meta": {"error": message}})


class FakeCustomerIo(FakeService):
    def __init__(self) -> None:
        super().__init__()
        self.people: dict[str, dict[str, Any]] = {}
        self.events: list[tuple[str | None, dict[str, Any]]] = []
        self.segment: set[str] = set()

    def respond(self, request: Received) -> Answer:
        expected = "Basic " + base64.b64encode(f"{SITE}:{KEY}".encode()).decode()
        if request.headers.get("authorization") != expected:
            return meta_error(401, "Unauthorized request")
        if request.path == "/api/v1/accounts/region":
            return Answer(200, {"url": "https://track.customer.io", "region": "us"})
        if request.path == "/api/v1/events":
            self.events.append((None, request.json))
            return Answer(200, {})
        match = MEMBERS.match(request.path)
        if match:
            if match["id"] != SEGMENT:
                return meta_error(404, "segment not found")
            ids = set(request.json["ids"])
            self.segment = self.segment | ids if match["action"] == "add" else self.segment - ids
            return Answer(200, {})
        match = PERSON.match(request.path)
        if match is None:
            return meta_error(404, "not found")
        person = match["id"]
        if match["events"]:
            if not request.json.get("name"):
                return meta_error(400, "event name is required")
            self.events.append((person, request.json))
        elif request.method == "PUT":
            self.people.setdefault(person, {}).update(request.json)
        else:
            self.people.pop(person, None)
        return Answer(200, {})
