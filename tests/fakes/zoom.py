"""A fake Zoom: the token endpoint's `account_credentials` grant (the client id and secret as
HTTP Basic, a known account id), and API v2 under `/v2` with its bearer token: `GET /users/me`,
the user's meetings (POST and GET `/users/me/meetings`, paged by `page_size` and
`next_page_token`; GET, PATCH and DELETE `/meetings/<id>`), and Zoom's `{"code", "message"}`
errors."""

from __future__ import annotations

import base64
import re
from typing import Any

from tests.fakes import Answer, FakeService, Received

ACCOUNT, CLIENT, SECRET = "acc-4Xb9", "zoom-client-id", "zoom-client-secret-7Q2w"
ACCESS = "eyJzbS5.zoom-access-token"
MEETING = re.compile(r"^/v2/meetings/(?P<id>\d+)$")


def error(status: int, code: int, message: str) -> Answer:
    return Answer(status, {"code": code, "message": message})


class FakeZoom(FakeService):
    def __init__(self) -> None:
        super().__init__()
        self.meetings: dict[str, dict[str, Any]] = {}

    def add(self, topic: str, **fields: Any) -> dict[str, Any]:
        meeting_id = str(85746065000 + len(self.meetings) + 1)
        meeting = {"id": int(meeting_id), "topic": topic, "type": 2, "host_id": "u1"}
        self.meetings[meeting_id] = meeting | fields
        return self.meetings[meeting_id]

    def respond(self, request: Received) -> Answer:
        if request.path == "/oauth/token":
            return self._token(request)
        if request.headers.get("authorization") != f"Bearer {ACCESS}":
            return error(401, 124, "Invalid access token.")
        if request.path == "/v2/users/me":
            return Answer(200, {"id": "u1", "email": "host@acme.test"})
        if request.path == "/v2/users/me/meetings":
            if request.method == "POST":
                body = request.json
                if not body.get("topic"):
                    return error(400, 300, "Validation Failed.")
                return Answer(201, self.add(**body))
            return self._list({k: v[-1] for k, v in request.query.items()})
        match = MEETING.match(request.path)
        meeting = self.meetings.get(match["id"]) if match else None
        if meeting is None:
            return error(404, 3001, "Meeting does not exist.")
        if request.method == "PATCH":
            meeting.update(request.json)
            return Answer(204, "")
        if request.method == "DELETE":
            del self.meetings[str(meeting["id"])]
            return Answer(204, "")
        return Answer(200, meeting)

    def _token(self, request: Received) -> Answer:
        basic = base64.b64encode(f"{CLIENT}:{SECRET}".encode()).decode()
        if request.headers.get("authorization") != f"Basic {basic}":
            return Answer(
                401, {"reason": "Invalid client_id or client_secret", "error": "invalid_client"}
            )
        form = request.form
        if form.get("grant_type") != "account_credentials" or form.get("account_id") != ACCOUNT:
            return Answer(400, {"reason": "Invalid account_id", "error": "invalid_request"})
        return Answer(200, {"access_token": ACCESS, "token_type": "bearer", "expires_in": 3599})

    def _list(self, query: dict[str, str]) -> Answer:
        found = [
            m for m in self.meetings.values() if m.get("type") != 1 or query.get("type") == "live"
        ]
        size, start = int(query.get("page_size", 30)), int(query.get("next_page_token") or 0)
        page = found[start : start + size]
        more = start + size < len(found)
        body = {"page_size": size, "total_records": len(found), "meetings": page}
        body["next_page_token"] = str(start + size) if more else ""
        return Answer(200, body)
