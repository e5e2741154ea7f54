"""A fake E-goi API v3: the key in `Apikey`, lists (GET `/lists`), a list's fields (GET
`/lists/<id>/fields`), contacts (POST `/lists/<id>/contacts` answering `{contact_id}`, GET
`/lists/<id>/contacts?email=` answering `{total_items, items}`, GET and PATCH
`/lists/<id>/contacts/<cid>`), tags attached (POST `/lists/<id>/contacts/actions/attach-tag`),
and E-goi's problem details (`{"type", "title", "status", "detail"}`)."""

from __future__ import annotations

import re
from typing import Any

from tests.fakes import Answer, FakeService, Received

KEY = "c0ffee0123456789abcdef0123456789abcdef01"
LIST = "1"
CONTACTS = re.compile(
    r"^/lists/(?P<list>\d+)/contacts(?:/(?P<id>[\w-]+))?(?:/(?P<action>[\w/-]+))?$"
)
FIELDS = [
    {"field_id": "first_name", "name": "first_name", "type": "base"},
    {"field_id": 1, "name": "city", "type": "extra"},
]


def problem(status: int, title: str, detail: str) -> Answer:
    return Answer(
        status, {"type": "about:blank", "title": title, "status": status, "detail": detail}
    )


class FakeEgoi(FakeService):
    def __init__(self) -> None:
        super().__init__()
        self.contacts: dict[str, dict[str, Any]] = {}

    def respond(self, request: Received) -> Answer:
        if request.headers.get("apikey") != KEY:
            return problem(401, "Unauthorized", "Invalid API key")
        if request.path == "/lists":
            return Answer(
                200, {"total_items": 1, "items": [{"list_id": 1, "internal_name": "Main"}]}
            )
        if request.path == f"/lists/{LIST}/fields":
            return Answer(200, FIELDS)
        match = CONTACTS.match(request.path)
        if match is None or match["list"] != LIST:
            return problem(404, "Not Found", "List not found")
        if match["id"] == "actions":
            body = request.json
            for cid in body["contacts"]:
                self.contacts[cid]["tags"].append(body["tag_id"])
            return Answer(200, {"job_id": 1})
        if match["id"] is None:
            if request.method == "POST":
                return self._create(request.json)
            email = (request.query.get("email") or [""])[-1]
            items = [c for c in self.contacts.values() if c["base"]["email"] == email]
            return Answer(200, {"total_items": len(items), "items": items})
        contact = self.contacts.get(match["id"])
        if contact is None:
            return problem(404, "Not Found", "Contact not found")
        if request.method == "PATCH":
            contact["base"].update(request.json.get("base") or {})
            self._extra(contact, request.json.get("extra") or [])
            return Answer(200, {"contact_id": match["id"]})
        return Answer(200, contact)

    def _create(self, body: dict[str, Any]) -> Answer:
        base = body.get("base") or {}
        if not base.get("email"):
            return Answer(
                422,
                {
                    "title": "Unprocessable Entity",
                    "status": 422,
                    "errors": {"email": "is required"},
                },
            )
        cid = f"c{len(self.contacts) + 1:07d}"
        contact = {
            "base": {"contact_id": cid, "status": "active", **base},
            "extra": [],
            "tags": [],
            "email_stats": {"sent": 0},
        }
        self._extra(contact, body.get("extra") or [])
        self.contacts[cid] = contact
        return Answer(201, {"contact_id": cid})

    @staticmethod
    def _extra(contact: dict[str, Any], extra: list[dict[str, Any]]) -> None:
        for field in extra:
            contact["extra"] = [
                e for e in contact["extra"] if str(e["field_id"]) != str(field["field_id"])
            ]
            contact["extra"].append(
                {"field_id": int(field["field_id"]), "format": "text", "value": field["value"]}
            )
