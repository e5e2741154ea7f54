"""A fake Microsoft: the identity platform's token endpoint (refresh-token grant, rotating the
refresh token as Microsoft does) and Microsoft Graph v1.0's mail API for one mailbox (`/me`;
messages list/get/update/delete, sendMail, move, reply, a folder's messages), with Graph's
error shape. `$filter` understands `isRead eq true|false` and `receivedDateTime ge <time>`
joined by `and` (a clause may be in parentheses), enough for tests."""

from __future__ import annotations

import itertools
import secrets
from typing import Any

from tests.fakes import Answer, FakeService, Received

CLIENT_ID = "6731de76-14a6-49ae-97bc-6eba6914391e"
CLIENT_SECRET = "qWg8Q~fake-client-secret"
REFRESH_TOKEN = "M.C507_BAY.0.U.-refresh-of-ada"
MAILBOX = "ada@contoso.test"
FOLDERS = ("inbox", "archive", "deleteditems", "junkemail", "sentitems")
PREFIX = "/v1.0/me"


def graph_error(status: int, code: str, message: str) -> Answer:
    return Answer(status, {"error": {"code": code, "message": message}})


def not_found() -> Answer:
    return graph_error(404, "ErrorItemNotFound", "The specified object was not found in the store.")


class FakeOutlook(FakeService):
    def __init__(self) -> None:
        super().__init__()
        self.messages: dict[str, dict[str, Any]] = {}
        self.tokens: set[str] = set()
        self.sent: list[dict[str, Any]] = []
        self.replies: list[tuple[str, str, dict[str, Any]]] = []
        self._ids = itertools.count(1)

    @property
    def token_url(self) -> str:
        return f"{self.url}/common/oauth2/v2.0/token"

    @property
    def base_url(self) -> str:
        return f"{self.url}/v1.0"

    def deliver(
        self,
        subject: str,
        sender: str = "bob@example.com",
        folder: str = "inbox",
        is_read: bool = False,
    ) -> str:
        ident = f"AAMkAGI2TG93AAA{next(self._ids):04d}="
        self.messages[ident] = {
            "id": ident,
            "subject": subject,
            "bodyPreview": f"About {subject}",
            "body": {"contentType": "html", "content": f"<p>About {subject}</p>"},
            "from": {"emailAddress": {"name": "Bob", "address": sender}},
            "toRecipients": [{"emailAddress": {"name": "Ada", "address": MAILBOX}}],
            "isRead": is_read,
            "categories": [],
            "importance": "normal",
            "flag": {"flagStatus": "notFlagged"},
            "parentFolderId": folder,
            "receivedDateTime": f"2026-12-01T09:{len(self.messages):02d}:00Z",
        }
        return ident

    def respond(self, request: Received) -> Answer:
        if request.path == "/common/oauth2/v2.0/token":
            return self._token(request)
        bearer = request.headers.get("authorization", "").removeprefix("Bearer ")
        if bearer not in self.tokens:
            return graph_error(401, "InvalidAuthenticationToken", "Access token is empty.")
        if not request.path.startswith(PREFIX):
            return graph_error(400, "BadRequest", "Invalid version.")
        path = [p for p in request.path[len(PREFIX) :].split("/") if p]
        if not path:
            return Answer(
                200, {"displayName": "Ada", "mail": MAILBOX, "userPrincipalName": MAILBOX}
            )
        if path == ["sendMail"] and request.method == "POST":
            body = request.json
            if not body.get("message", {}).get("toRecipients"):
                return graph_error(
                    400, "ErrorInvalidRecipients", "At least one recipient is not valid."
                )
            self.sent.append(body)
            return Answer(202)
        if path == ["messages"] and request.method == "GET":
            return self._list(request, None)
        if len(path) == 3 and path[0] == "mailFolders" and path[2] == "messages":
            return self._list(request, path[1])
        if path[0] == "messages" and len(path) >= 2:
            return self._message(request, path[1], path[2:])
        return graph_error(400, "BadRequest", "Resource not found for the segment.")

    def _token(self, request: Received) -> Answer:
        form = request.form
        if form.get("grant_type") != "refresh_token":
            return Answer(
                400, {"error": "unsupported_grant_type", "error_description": "AADSTS70003"}
            )
        if (form.get("client_id"), form.get("client_secret")) != (CLIENT_ID, CLIENT_SECRET):
            return Answer(
                401,
                {
                    "error": "invalid_client",
                    "error_description": "AADSTS7000215: Invalid client secret provided.",
                },
            )
        if form.get("refresh_token") != REFRESH_TOKEN:
            return Answer(
                400,
                {
                    "error": "invalid_grant",
                    "error_description": "AADSTS70008: The provided refresh token has expired.\r\nTrace ID: x",
                },
            )
        token = "eyJ0eXAi." + secrets.token_urlsafe(16)
        self.tokens.add(token)
        return Answer(
            200,
            {
                "token_type": "Bearer",
                "scope": form.get("scope", ""),
                "expires_in": 3599,
                "access_token": token,
                "refresh_token": "M.C507_rotated",
            },
        )

    def _select(self, message: dict[str, Any], request: Received) -> dict[str, Any]:
        fields = (request.query.get("$select") or [""])[-1]
        if not fields:
            return dict(message)
        return {"id": message["id"], **{f: message[f] for f in fields.split(",") if f in message}}

    def _list(self, request: Received, folder: str | None) -> Answer:
        found = [
            m for m in self.messages.values() if folder is None or m["parentFolderId"] == folder
        ]
        for clause in (request.query.get("$filter") or [""])[-1].split(" and "):
            clause = clause.strip("()")  # svcc: a parenthesised clause, as a poll adds
            if clause.startswith("receivedDateTime ge "):  # svcc: the poll's sort clause
                since = clause.removeprefix("receivedDateTime ge ")
                found = [m for m in found if m["receivedDateTime"] >= since]
            elif clause.startswith("isRead eq "):
                wanted = clause.removeprefix("isRead eq ") == "true"
                found = [m for m in found if m["isRead"] == wanted]
            elif clause:
                return graph_error(
                    400,
                    "ErrorInvalidUrlQueryFilter",
                    "The query filter contains one or more invalid nodes.",
                )
        found.sort(key=lambda m: m["receivedDateTime"], reverse=True)
        top = int((request.query.get("$top") or ["10"])[-1])
        return Answer(200, {"value": [self._select(m, request) for m in found[:top]]})

    def _message(self, request: Received, ident: str, rest: list[str]) -> Answer:
        message = self.messages.get(ident)
        if message is None:
            return not_found()
        method = request.method
        if not rest and method == "GET":
            return Answer(200, self._select(message, request))
        if not rest and method == "PATCH":
            message.update(request.json)
            return Answer(200, dict(message))
        if not rest and method == "DELETE":
            message["parentFolderId"] = "deleteditems"
            return Answer(204)
        if rest == ["move"] and method == "POST":
            destination = request.json.get("destinationId")
            moved = {**self.messages.pop(ident), "parentFolderId": destination}
            moved["id"] = ident + "moved"
            self.messages[moved["id"]] = moved
            return Answer(201, moved)
        if rest in (["reply"], ["replyAll"]) and method == "POST":
            self.replies.append((ident, rest[0], request.json))
            return Answer(202)
        return graph_error(405, "ErrorInvalidRequest", "The OData request is not supported.")
