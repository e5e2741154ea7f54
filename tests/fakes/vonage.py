"""A fake Vonage (Nexmo): `POST /sms/json` with the key and secret in the form, answering 200
with one message per 160-character part and a per-message `status` ("0" sent, "4" bad
credentials, "2" a missing parameter, with `error-text`), as Vonage does; `GET
/account/get-balance` with HTTP basic auth, and its 401 `{"error-code-label"}`."""

from __future__ import annotations

import base64
from typing import Any

from tests.fakes import Answer, FakeService, Received

API_KEY = "a1b2c3d4"
API_SECRET = "FakeVonageSecret1"


def _failed(status: str, text: str) -> dict[str, Any]:
    return {"message-count": "1", "messages": [{"status": status, "error-text": text}]}


class FakeVonage(FakeService):
    def __init__(self) -> None:
        super().__init__()
        self.sent: list[dict[str, str]] = []

    def respond(self, request: Received) -> Answer:
        if request.path == "/account/get-balance":
            pair = f"{API_KEY}:{API_SECRET}".encode()
            if request.headers.get("authorization") != f"Basic {base64.b64encode(pair).decode()}":
                return Answer(
                    401, {"error-code": "401", "error-code-label": "authentication failed"}
                )
            return Answer(200, {"value": 10.28, "autoReload": False})
        if request.path != "/sms/json" or request.method != "POST":
            return Answer(404, {"error-code-label": "Not found"})
        form = request.form
        if (form.get("api_key"), form.get("api_secret")) != (API_KEY, API_SECRET):
            return Answer(200, _failed("4", "Bad Credentials"))
        for needed in ("from", "to", "text"):
            if not form.get(needed):
                return Answer(200, _failed("2", f"Missing {needed}"))
        self.sent.append(form)
        text = form["text"]
        parts = [text[i : i + 160] for i in range(0, len(text), 160)]
        messages = [
            {
                "to": form["to"],
                "message-id": f"0A00000{len(self.sent)}{i}",
                "status": "0",
                "remaining-balance": "3.14159265",
                "message-price": "0.03330000",
                "network": "23410",
            }
            for i, _ in enumerate(parts)
        ]
        return Answer(200, {"message-count": str(len(messages)), "messages": messages})
