"""A fake PagerDuty REST API v2: `Authorization: Token token=<key>`, the v2 Accept header, a
`From` header required on writes (as with an account key), `/abilities`, incidents (POST
`/incidents`, GET/PUT `/incidents/<id>`, POST `/incidents/<id>/notes`), the incidents listed by
`statuses[]`, `service_ids[]` and `urgencies[]`, paged by `limit`, `offset` and `more`, and
PagerDuty's `{"error": {"message", "code", "errors"}}` errors."""

from __future__ import annotations

import re
from typing import Any

from tests.fakes import Answer, FakeService, Received

TOKEN = "y_NbAkKc66ryYTWUXYEu"
SERVICE = "PWIXJZS"
ACCEPT = "application/vnd.pagerduty+json;version=2"
INCIDENT = re.compile(r"/incidents/(?P<id>\w+)(?P<notes>/notes)?$")


def error(status: int, code: int, message: str, *errors: str) -> Answer:
    return Answer(status, {"error": {"message": message, "code": code, "errors": list(errors)}})


class FakePagerDuty(FakeService):
    def __init__(self) -> None:
        super().__init__()
        self.incidents: list[dict[str, Any]] = []
        self.notes: list[dict[str, Any]] = []

    def open(self, title: str, **fields: Any) -> dict[str, Any]:
        number = len(self.incidents) + 1
        incident = {
            "id": f"PT{number:05d}",
            "type": "incident",
            "incident_number": number,
            "title": title,
            "status": "triggered",
            "urgency": "high",
            "service": {"id": SERVICE, "type": "service_reference"},
            "created_at": "2026-12-06T10:00:00Z",
            **fields,
        }
        self.incidents.append(incident)
        return incident

    def _write(self, request: Received, incident: dict[str, Any] | None) -> Answer:
        if not request.headers.get("from"):
            return error(400, 2001, "Invalid Input Provided", "Requester User Not Found")
        body = request.json.get("incident") or {}
        if incident is None:
            if not body.get("title") or not (body.get("service") or {}).get("id"):
                return error(400, 2001, "Invalid Input Provided", "Service can't be blank")
            incident = self.open(body["title"])
            return Answer(201, {"incident": _applied(incident, body)})
        if body.get("status") not in (None, "acknowledged", "resolved"):
            return error(400, 2001, "Invalid Input Provided", "Status is invalid")
        _applied(incident, body)
        return Answer(200, {"incident": incident})

    def respond(self, request: Received) -> Answer:
        if request.headers.get("authorization") != f"Token token={TOKEN}":
            return error(401, 2006, "Unauthorized")
        if request.headers.get("accept") != ACCEPT:
            return error(406, 2001, "Not Acceptable")
        if request.path == "/abilities":
            return Answer(200, {"abilities": ["teams", "urgencies"]})
        if request.path == "/incidents" and request.method == "POST":
            return self._write(request, None)
        if request.path == "/incidents":
            found = self.incidents
            for key, field in (("statuses[]", "status"), ("urgencies[]", "urgency")):
                if key in request.query:
                    found = [i for i in found if i[field] in request.query[key]]
            if "service_ids[]" in request.query:
                found = [i for i in found if i["service"]["id"] in request.query["service_ids[]"]]
            offset = int(request.query.get("offset", ["0"])[-1])
            limit = int(request.query.get("limit", ["25"])[-1])
            page = found[offset : offset + limit]
            more = offset + limit < len(found)
            body = {"incidents": page, "limit": limit, "offset": offset, "more": more}
            return Answer(200, body)
        match = INCIDENT.match(request.path)
        incident = next((i for i in self.incidents if match and i["id"] == match["id"]), None)
        if incident is None:
            return error(404, 2100, "Not Found")
        if match and match["notes"]:
            if not request.headers.get("from"):
                return error(400, 2001, "Invalid Input Provided", "Requester User Not Found")
            note = {"id": f"PN{len(self.notes) + 1:05d}", **request.json["note"]}
            self.notes.append(note | {"incident": incident["id"]})
            return Answer(201, {"note": note})
        if request.method == "PUT":
            return self._write(request, incident)
        return Answer(200, {"incident": incident})


def _applied(incident: dict[str, Any], body: dict[str, Any]) -> dict[str, Any]:
    for key, value in body.items():
        if key != "type":
            incident[key] = value
    return incident
