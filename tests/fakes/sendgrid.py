"""A fake SendGrid v3 API: `POST /v3/mail/send` (bearer key, 202 with no body and an
X-Message-Id, or `{"errors": [{"message", "field", "help"}]}` with 400), `GET /v3/scopes`;
a wrong key answers 401, a key without mail.send 403, as SendGrid does."""

from __future__ import annotations

import itertools
from typing import Any

from tests.fakes import Answer, FakeService, Received

API_KEY = "SG.fakeKeyId.fakeKeySecret-0123456789abcdef"
READ_ONLY_KEY = "SG.readOnly.fakeKeySecret-no-mail-send"


class FakeSendGrid(FakeService):
    def __init__(self) -> None:
        super().__init__()
        self.keys = {API_KEY: ["mail.send", "user.profile.read"], READ_ONLY_KEY: ["stats.read"]}
        self.sent: list[dict[str, Any]] = []
        self._ids = itertools.count(1)
        # --- svcb ---
        self.contacts: list[dict[str, Any]] = []
        # --- end svcb ---

    def respond(self, request: Received) -> Answer:
        key = request.headers.get("authorization", "").removeprefix("Bearer ")
        if key not in self.keys:
            return _errors(401, "The provided authorization grant is invalid, expired, or revoked")
        if (request.method, request.path) == ("GET", "/v3/scopes"):
            return Answer(200, {"scopes": self.keys[key]})
        if (request.method, request.path) == ("POST", "/v3/mail/send"):
            if "mail.send" not in self.keys[key]:
                return _errors(403, "access forbidden")
            return self._send(request)
        # --- svcb ---
        if request.path.startswith("/v3/marketing/contacts"):
            return self._contacts(request)
        # --- end svcb ---
        return _errors(404, "resource not found")

    # --- svcb ---
    def _contacts(self, request: Received) -> Answer:
        """Marketing contacts: PUT upserts by email (202 {job_id}), POST /search/emails finds
        by email ({result: {email: {contact}}}, 404 when none), GET /<id>, DELETE ?ids=."""
        job = {"job_id": f"fakeJob{next(self._ids):04d}"}
        path, method = request.path, request.method
        if (method, path) == ("PUT", "/v3/marketing/contacts"):
            body = request.json or {}
            for given in body.get("contacts") or []:
                if not given.get("email"):
                    return _errors(400, "email is required", "contacts[0].email")
                found = next((c for c in self.contacts if c["email"] == given["email"]), None)
                if found is None:
                    found = {"id": f"c0ffee00-0000-4000-8000-{len(self.contacts) + 1:012d}"}
                    self.contacts.append(found)
                found.update(given, list_ids=body.get("list_ids", found.get("list_ids", [])))
            return Answer(202, job)
        if (method, path) == ("POST", "/v3/marketing/contacts/search/emails"):
            emails = (request.json or {}).get("emails") or []
            result = {c["email"]: {"contact": c} for c in self.contacts if c["email"] in emails}
            return Answer(200, {"result": result}) if result else _errors(404, "contacts not found")
        if (method, path) == ("DELETE", "/v3/marketing/contacts"):
            ids = (request.query.get("ids") or [""])[-1].split(",")
            self.contacts = [c for c in self.contacts if c["id"] not in ids]
            return Answer(202, job)
        wanted = path.rsplit("/", 1)[-1]
        found = next((c for c in self.contacts if c["id"] == wanted), None)
        if method == "GET" and found is not None:
            return Answer(200, found)
        return _errors(404, "Contact not found")

    # --- end svcb ---

    def _send(self, request: Received) -> Answer:
        body = request.json if request.body else None
        if not isinstance(body, dict):
            return _errors(400, "Bad Request", None)
        if not body.get("from", {}).get("email"):
            return _errors(400, "The from object must be provided for every email send.", "from")
        personalizations = body.get("personalizations") or []
        if not personalizations or not all(p.get("to") for p in personalizations):
            return _errors(
                400,
                "The to array is required for all personalization objects.",
                "personalizations.0.to",
            )
        if not body.get("template_id"):
            if not body.get("subject"):
                return _errors(400, "The subject is required.", "subject")
            if not body.get("content"):
                return _errors(
                    400,
                    "Unless a valid template_id is provided, the content parameter is required.",
                    "content",
                )
        elif not str(body["template_id"]).startswith("d-"):
            return _errors(400, "The template_id must be a valid GUID.", "template_id")
        self.sent.append(body)
        return Answer(202, None, {"X-Message-Id": f"fakeMsg{next(self._ids):04d}"})


def _errors(status: int, message: str, field: str | None = None) -> Answer:
    return Answer(status, {"errors": [{"message": message, "field": field, "help": None}]})
