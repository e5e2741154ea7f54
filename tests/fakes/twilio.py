"""A fake Twilio REST API (2010-04-01): `GET /Accounts/{sid}.json` and `POST
/Accounts/{sid}/Messages.json` (form-encoded) with HTTP basic auth (SID, token), errors as
`{"code", "message", "more_info", "status"}`. It remembers `I-Twilio-Idempotency-Token`s and
answers a repeated one with the message it created the first time, as Twilio does."""

from __future__ import annotations

import base64
import itertools
import re
from typing import Any

from tests.fakes import Answer, FakeService, Received

ACCOUNT_SID = "AC" + "0123456789abcdef" * 2
AUTH_TOKEN = "fakeTwilioAuthToken0123456789ab"
NUMBER = "+14155550199"
E164 = re.compile(r"^\+[1-9]\d{6,14}$")
INVALID = "+15005550001"  # Twilio's test number for "not a valid phone number"


class FakeTwilio(FakeService):
    def __init__(self) -> None:
        super().__init__()
        self.token = AUTH_TOKEN
        self.status = "active"
        self.messages: list[dict[str, Any]] = []
        self.by_token: dict[str, dict[str, Any]] = {}
        self._ids = itertools.count(1)

    def respond(self, request: Received) -> Answer:
        prefix = f"/2010-04-01/Accounts/{ACCOUNT_SID}"
        if self._credentials(request) != (ACCOUNT_SID, self.token):
            return _error(401, 20003, "Authenticate")
        if (request.method, request.path) == ("GET", f"{prefix}.json"):
            return Answer(
                200,
                {
                    "sid": ACCOUNT_SID,
                    "friendly_name": "Acme Ops",
                    "status": self.status,
                    "type": "Full",
                },
            )
        if (request.method, request.path) == ("POST", f"{prefix}/Messages.json"):
            return self._create(request)
        return _error(404, 20404, f"The requested resource {request.path} was not found")

    def _credentials(self, request: Received) -> tuple[str, str] | None:
        header = request.headers.get("authorization", "")
        if not header.startswith("Basic "):
            return None
        sid, _, token = base64.b64decode(header[6:]).decode().partition(":")
        return sid, token

    def _create(self, request: Received) -> Answer:
        if not request.headers.get("content-type", "").startswith(
            "application/x-www-form-urlencoded"
        ):
            return _error(400, 21609, "Invalid content type")
        form = request.form
        token = request.headers.get("i-twilio-idempotency-token")
        if token and token in self.by_token:
            return Answer(201, self.by_token[token])
        to = form.get("To", "")
        if not E164.match(to) or to == INVALID:
            return _error(400, 21211, f"The 'To' number {to} is not a valid phone number.")
        if not form.get("From") and not form.get("MessagingServiceSid"):
            return _error(400, 21603, "A 'From' phone number is required.")
        if not form.get("Body"):
            return _error(400, 21602, "Message body is required.")
        message = {
            "sid": f"SM{next(self._ids):032x}",
            "account_sid": ACCOUNT_SID,
            "to": to,
            "from": form.get("From"),
            "messaging_service_sid": form.get("MessagingServiceSid"),
            "body": form["Body"],
            "status": "queued" if form.get("From") else "accepted",
            "num_segments": "1",
            "direction": "outbound-api",
            "error_code": None,
            "error_message": None,
        }
        self.messages.append(message)
        if token:
            self.by_token[token] = message
        return Answer(201, message)


def _error(status: int, code: int, message: str) -> Answer:
    return Answer(
        status,
        {
            "code": code,
            "message": message,
            "more_info": f"https://www.twilio.com/docs/errors/{code}",
            "status": status,
        },
    )
