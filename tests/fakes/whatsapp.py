"""A fake WhatsApp Cloud API (Graph API v21.0): `GET /{waba id}/phone_numbers`, `GET /{media
id}` and `POST /{phone number id}/messages` (JSON) with a bearer token, errors as Graph errors
`{"error": {"message", "type", "code", "error_subcode", "fbtrace_id"}}` — 401 code 190 for a
wrong token, 400 code 100 for a bad parameter, 400 code 131030 for a recipient not on the
test number's allowed list, as the Cloud API answers."""

from __future__ import annotations

import itertools
from typing import Any

from tests.fakes import Answer, FakeService, Received

TOKEN = "EAAGfakeWhatsAppAccessToken0123456789"
WABA_ID = "102290129340398"
PHONE_NUMBER_ID = "106540352242922"
NOT_ALLOWED = "15550000000"  # a recipient the fake refuses with 131030
MEDIA_ID = "1037543291543636"
MEDIA = {
    "url": f"https://lookaside.fbsbx.com/whatsapp_business/attachments/?mid={MEDIA_ID}&ext=1",
    "mime_type": "image/jpeg",
    "sha256": "8b6a0f0ef7e1c13e2d3c4b5a69788796a5b4c3d2e1f00112233445566778899a",
    "file_size": 303833,
    "id": MEDIA_ID,
    "messaging_product": "whatsapp",
}
MEDIA_TYPES = ("image", "video", "audio", "document", "sticker")


class FakeWhatsApp(FakeService):
    def __init__(self) -> None:
        super().__init__()
        self.token = TOKEN
        self.sent: list[dict[str, Any]] = []
        self._ids = itertools.count(1)

    def respond(self, request: Received) -> Answer:
        if request.headers.get("authorization") != f"Bearer {self.token}":
            return _error(
                401, 190, "Invalid OAuth access token - Cannot parse access token", "OAuthException"
            )
        if (request.method, request.path) == ("GET", f"/v21.0/{WABA_ID}/phone_numbers"):
            number = {
                "verified_name": "Acme Support",
                "display_phone_number": "+1 555-078-3881",
                "id": PHONE_NUMBER_ID,
                "quality_rating": "GREEN",
            }
            return Answer(
                200, {"data": [number], "paging": {"cursors": {"before": "a", "after": "b"}}}
            )
        if request.method == "GET" and request.path == f"/v21.0/{MEDIA_ID}":
            return Answer(200, MEDIA)
        if (request.method, request.path) == ("POST", f"/v21.0/{PHONE_NUMBER_ID}/messages"):
            return self._send(request.json)
        return _error(400, 100, "Unsupported request - method type or path", "GraphMethodException")

    def _send(self, message: Any) -> Answer:
        if not isinstance(message, dict) or message.get("messaging_product") != "whatsapp":
            return _error(400, 100, "(#100) The parameter messaging_product is required.")
        to, kind = str(message.get("to") or ""), message.get("type")
        if not to.isdigit():
            return _error(400, 100, "(#100) Invalid parameter")
        if to == NOT_ALLOWED:
            return _error(400, 131030, "(#131030) Recipient phone number not in allowed list")
        if kind == "text" and not (message.get("text") or {}).get("body"):
            return _error(400, 100, "(#100) The parameter text['body'] is required.")
        if kind in MEDIA_TYPES and not {"link", "id"} & set(message.get(kind) or {}):
            return _error(
                400, 100, f"(#100) The parameter {kind}['link'] or {kind}['id'] is required."
            )
        if kind == "template" and not (message.get("template") or {}).get("name"):
            return _error(400, 100, "(#100) The parameter template['name'] is required.")
        if kind not in ("text", "template", *MEDIA_TYPES):
            return _error(
                400, 100, f"(#100) Param type must be one of {{TEXT, TEMPLATE, ...}}, got {kind}"
            )
        self.sent.append(message)
        wamid = f"wamid.HBgL{next(self._ids):020d}"
        return Answer(
            200,
            {
                "messaging_product": "whatsapp",
                "contacts": [{"input": to, "wa_id": to}],
                "messages": [{"id": wamid}],
            },
        )


def _error(status: int, code: int, message: str, kind: str = "OAuthException") -> Answer:
    return Answer(
        status,
        {"error": {"message": message, "type": kind, "code": code, "fbtrace_id": "AbCdEf123"}},
    )
