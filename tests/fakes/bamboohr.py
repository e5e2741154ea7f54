"""A fake BambooHR API (`/api/gateway.php/<company>/v1`): the API key as HTTP Basic's user name,
`Accept: application/json` required (BambooHR answers XML without it), the employee directory
(GET `/employees/directory`), an employee's fields (GET `/employees/<id>?fields=`), the
company files by category (GET `/files/view`) and a file's bytes (GET `/files/<id>`, with
Content-Disposition). Errors have an empty body and an `X-BambooHR-Error-Message` header."""

from __future__ import annotations

import base64
import re
from typing import Any

from tests.fakes import Answer, FakeService, Received

KEY = "f3b2c1d0e9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4"
COMPANY = "acme"
PREFIX = f"/api/gateway.php/{COMPANY}/v1"
EMPLOYEE = re.compile(rf"{PREFIX}/employees/(?P<id>\d+)/?$")
FILE = re.compile(rf"{PREFIX}/files/(?P<id>\d+)/?$")


def error(status: int, message: str) -> Answer:
    return Answer(status, None, {"X-BambooHR-Error-Message": message})


class FakeBambooHR(FakeService):
    def __init__(self) -> None:
        super().__init__()
        self.employees: list[dict[str, Any]] = []
        self.categories: list[dict[str, Any]] = []
        self.contents: dict[str, tuple[str, str, bytes]] = {}

    def hire(self, first: str, last: str, **fields: Any) -> dict[str, Any]:
        person = {
            "id": str(len(self.employees) + 1),
            "displayName": f"{first} {last}",
            "firstName": first,
            "lastName": last,
            "jobTitle": "Engineer",
            "workEmail": f"{first.lower()}@acme.test",
            "department": "R&D",
            **fields,
        }
        self.employees.append(person)
        return person

    def add_file(self, category: str, name: str, data: bytes, media: str) -> dict[str, Any]:
        found = next((c for c in self.categories if c["name"] == category), None)
        if found is None:
            found = {"id": len(self.categories) + 1, "name": category, "files": []}
            self.categories.append(found)
        file_id = str(100 + len(self.contents))
        entry = {"id": int(file_id), "name": name.rsplit(".", 1)[0], "originalFileName": name}
        entry |= {"size": len(data), "dateCreated": "2026-11-30 09:00:00"}
        found["files"].append(entry)
        self.contents[file_id] = (name, media, data)
        return entry

    def respond(self, request: Received) -> Answer:
        auth = request.headers.get("authorization", "")
        user = base64.b64decode(auth[6:]).decode().split(":")[0] if auth[:6] == "Basic " else ""
        if user != KEY:
            return error(401, "Invalid API key")
        if not request.path.startswith(PREFIX):
            return error(404, "Unknown company")
        match = FILE.match(request.path)
        if match:
            if match["id"] not in self.contents:
                return error(404, "File not found")
            name, media, data = self.contents[match["id"]]
            disposition = f'attachment; filename="{name}"'
            return Answer(200, data, {"Content-Type": media, "Content-Disposition": disposition})
        if "application/json" not in request.headers.get("accept", ""):
            return Answer(200, "<?xml version='1.0'?><directory/>")
        if request.path == f"{PREFIX}/employees/directory":
            fields = [{"id": "displayName", "type": "text", "name": "Display name"}]
            return Answer(200, {"fields": fields, "employees": self.employees})
        if request.path in (f"{PREFIX}/files/view", f"{PREFIX}/files/view/"):
            return Answer(200, {"categories": self.categories})
        match = EMPLOYEE.match(request.path)
        person = next((e for e in self.employees if match and e["id"] == match["id"]), None)
        if person is None:
            return error(404, "Employee not found")
        wanted = (request.query.get("fields") or ["firstName,lastName"])[-1].split(",")
        return Answer(200, {"id": person["id"], **{f: person.get(f) for f in wanted}})
