"""A fake Mailchimp Marketing API (`/3.0`): basic auth (any user, the API key as password), the
API root, an audience's members under `/3.0/lists/<id>/members` (POST adds, refusing an address
already there; PUT `/<hash>` updates or adds when `status_if_new` is given; GET `/<hash>` reads;
GET lists by `count`/`offset` with `total_items`, filtered by `status` and
`since_last_changed`), member tags (POST `/<hash>/tags`, answering 204), with Mailchimp's
problem shape `{"type", "title", "status", "detail", "instance"}`."""

from __future__ import annotations

import base64
import hashlib
import re
from typing import Any

from tests.fakes import Answer, FakeService, Received

API_KEY = "0123456789abcdef0123456789abcdef-us6"
LIST_ID = "8965eba136"
MEMBERS = re.compile(
    r"/3\.0/lists/(?P<list>[^/]+)/members(?:/(?P<hash>[0-9a-f]{32}))?(?P<tags>/tags)?$"
)


def _problem(status: int, title: str, detail: str) -> Answer:
    body = {
        "type": "https://mailchimp.com/developer/marketing/docs/errors/",
        "title": title,
        "status": status,
        "detail": detail,
        "instance": "0f8b-fake",
    }
    return Answer(status, body, {"Content-Type": "application/problem+json; charset=utf-8"})


def md5(email: str) -> str:
    return hashlib.md5(email.lower().encode(), usedforsecurity=False).hexdigest()


class FakeMailchimp(FakeService):
    def __init__(self) -> None:
        super().__init__()
        self.members: dict[str, dict[str, Any]] = {}  # by subscriber hash, in LIST_ID
        self.clock = 0

    def add(self, email: str, status: str = "subscribed", **fields: Any) -> dict[str, Any]:
        self.clock += 1
        member = {
            "id": md5(email),
            "email_address": email,
            "unique_email_id": f"u{self.clock}",
            "status": status,
            "merge_fields": {"FNAME": "", "LNAME": ""},
            "tags": [],
            "list_id": LIST_ID,
            "last_changed": f"2026-12-0{min(self.clock, 9)}T10:00:00+00:00",
            **fields,
        }
        self.members[member["id"]] = member
        return member

    def respond(self, request: Received) -> Answer:
        pair = base64.b64encode(f"workfuse:{API_KEY}".encode()).decode()
        if request.headers.get("authorization") != f"Basic {pair}":
            return _problem(
                401,
                "API Key Invalid",
                "Your API key may be invalid, or you've attempted to access the wrong datacenter.",
            )
        if request.path in ("/3.0", "/3.0/"):
            return Answer(200, {"account_id": "a1", "account_name": "Acme Newsletter"})
        match = MEMBERS.match(request.path)
        if match is None or match["list"] != LIST_ID:
            return _problem(404, "Resource Not Found", "The requested resource could not be found.")
        if match["hash"] is None:
            if request.method == "POST":
                return self._create(request.json)
            return self._list(request.query)
        member = self.members.get(match["hash"])
        if match["tags"]:
            if member is None:
                return _problem(
                    404, "Resource Not Found", "The requested resource could not be found."
                )
            for tag in request.json["tags"]:
                names = [t["name"] for t in member["tags"]]
                if tag["status"] == "active" and tag["name"] not in names:
                    member["tags"].append({"id": len(names) + 1, "name": tag["name"]})
                if tag["status"] == "inactive":
                    member["tags"] = [t for t in member["tags"] if t["name"] != tag["name"]]
            return Answer(204)
        if request.method == "PUT":
            return self._put(match["hash"], member, request.json)
        if member is None:
            return _problem(404, "Resource Not Found", "The requested resource could not be found.")
        return Answer(200, member)

    def _create(self, body: dict[str, Any]) -> Answer:
        email = body.get("email_address", "")
        if md5(email) in self.members:
            return _problem(
                400,
                "Member Exists",
                f"{email} is already a list member. Use PUT to insert or update list members.",
            )
        if body.get("status") not in (
            "subscribed",
            "unsubscribed",
            "cleaned",
            "pending",
            "transactional",
        ):
            return _problem(
                400, "Invalid Resource", "The resource submitted could not be validated."
            )
        tags = [{"id": n + 1, "name": t} for n, t in enumerate(body.pop("tags", []))]
        member = self.add(email, **{**body, "tags": tags})
        return Answer(200, member)

    def _put(self, key: str, member: dict[str, Any] | None, body: dict[str, Any]) -> Answer:
        if member is None:
            if not body.get("status_if_new"):
                return _problem(
                    400,
                    "Invalid Resource",
                    "The resource submitted could not be validated. For field-specific "
                    "details, see the 'errors' array.",
                )
            member = self.add(body["email_address"], status=body["status_if_new"])
        for name, value in body.items():
            if name == "merge_fields":
                member["merge_fields"].update(value)
            elif name != "status_if_new":
                member[name] = value
        self.clock += 1
        member["last_changed"] = f"2026-12-0{min(self.clock, 9)}T10:00:00+00:00"
        return Answer(200, member)

    def _list(self, query: dict[str, list[str]]) -> Answer:
        q = {k: v[-1] for k, v in query.items()}
        found = list(self.members.values())
        if q.get("status"):
            found = [m for m in found if m["status"] == q["status"]]
        if q.get("since_last_changed"):
            found = [m for m in found if m["last_changed"] > q["since_last_changed"]]
        count, offset = int(q.get("count", "10")), int(q.get("offset", "0"))
        if count > 1000:
            return _problem(400, "Invalid Resource", "count may not be more than 1000")
        page = found[offset : offset + count]
        return Answer(200, {"members": page, "list_id": LIST_ID, "total_items": len(found)})
