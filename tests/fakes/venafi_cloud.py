"""A fake Venafi TLS Protect Cloud API: the key in the `tppl-api-key` header; certificate
requests made (POST `/outagedetection/v1/certificaterequests`, answered `{certificateRequests:
[one]}`), read and listed; certificates read, listed (by pages linked through `_links[0].Next`,
filtered by `subject`) and deleted (POST `/outagedetection/v1/certificates/deletion`);
`/v1/preferences`; Venafi's `{errors: [{code, message}]}` errors."""

from __future__ import annotations

import re
from typing import Any

from tests.fakes import Answer, FakeService, Received

KEY = "venafi-fake-key-5e"
ONE = re.compile(r"^/outagedetection/v1/(?P<kind>certificaterequests|certificates)/(?P<id>[\w-]+)$")


def error(status: int, message: str, code: int = 10001) -> Answer:
    return Answer(status, {"errors": [{"code": code, "message": message, "args": []}]})


class FakeVenafiCloud(FakeService):
    def __init__(self, page: int = 2) -> None:
        super().__init__()
        self.page = page
        self.requests_made: list[dict[str, Any]] = []
        self.certificates: list[dict[str, Any]] = []

    def add_certificate(self, subject: str) -> dict[str, Any]:
        certificate = {"id": f"cert-{len(self.certificates) + 1}", "subjectCN": [subject]}
        self.certificates.append(certificate)
        return certificate

    def respond(self, request: Received) -> Answer:
        if request.headers.get("tppl-api-key") != KEY:
            return error(401, "Invalid api key", 10501)
        if request.path == "/v1/preferences":
            return Answer(200, {"preferences": []})
        if request.path == "/outagedetection/v1/certificaterequests":
            if request.method == "POST":
                return self._create(request.json)
            return self._page(request, "certificateRequests", self.requests_made)
        if request.path == "/outagedetection/v1/certificates":
            subject = request.query.get("subject", [None])[-1]
            chosen = [c for c in self.certificates if subject in (None, *c["subjectCN"])]
            return self._page(request, "certificates", chosen)
        if request.path == "/outagedetection/v1/certificates/deletion":
            ids = request.json.get("certificateIds") or []
            deleted = [c for c in self.certificates if c["id"] in ids]
            self.certificates = [c for c in self.certificates if c["id"] not in ids]
            return Answer(200, {"certificates": deleted})
        match = ONE.match(request.path)
        pool = (
            self.requests_made
            if match and match["kind"] == "certificaterequests"
            else self.certificates
        )
        found = next((e for e in pool if match and e["id"] == match["id"]), None)
        if found is None:
            return error(404, "Entity not found", 10404)
        return Answer(200, found)

    def _create(self, body: dict[str, Any]) -> Answer:
        if not body.get("applicationId"):
            return error(400, "applicationId must not be null")
        made = {
            "id": f"req-{len(self.requests_made) + 1}",
            "status": "ISSUED",
            "creationDate": "2026-12-06T22:00:00.000+00:00",
            "applicationId": body["applicationId"],
            "sent": body,
        }
        self.requests_made.append(made)
        return Answer(201, {"certificateRequests": [made]})

    def _page(self, request: Received, key: str, entries: list[dict[str, Any]]) -> Answer:
        start = int(request.query.get("start", ["0"])[-1])
        body: dict[str, Any] = {key: entries[start : start + self.page]}
        if start + self.page < len(entries):
            body["_links"] = [{"Next": f"{request.path}?start={start + self.page}"}]
        return Answer(200, body)
