"""A fake Google for G Suite Admin: the OAuth 2.0 token endpoint's refresh-token grant (as
Gmail's fake has it) and the Admin SDK Directory API's users and groups (insert, get by email
or id, list by customer or domain with maxResults/pageToken, update, delete) over in-memory
records, with Google's error shapes (409 duplicate, 404 notFound, 403 for a non-administrator)."""

from __future__ import annotations

import itertools
import secrets
from typing import Any
from urllib.parse import unquote

from tests.fakes import Answer, FakeService, Received
from tests.fakes.gmail import CLIENT_ID, CLIENT_SECRET, REFRESH_TOKEN, google_error

PREFIX = "/admin/directory/v1/"
NOT_ADMIN = "1//not-an-admin"


class FakeDirectory(FakeService):
    def __init__(self) -> None:
        super().__init__()
        self.users: dict[str, dict[str, Any]] = {}  # id: the user
        self.groups: dict[str, dict[str, Any]] = {}
        self.passwords: dict[str, str] = {}  # the users' passwords, never answered back
        self.tokens: dict[str, bool] = {}  # token: is an administrator's
        self._ids = itertools.count(100000000000000000001)

    @property
    def token_url(self) -> str:
        return f"{self.url}/token"

    def respond(self, request: Received) -> Answer:
        if request.path == "/token":
            return self._token(request)
        bearer = request.headers.get("authorization", "").removeprefix("Bearer ")
        if bearer not in self.tokens:
            return google_error(401, "UNAUTHENTICATED", "Invalid Credentials", "authError")
        if not self.tokens[bearer]:
            return google_error(
                403, "PERMISSION_DENIED", "Not Authorized to access this resource/api", "forbidden"
            )
        q = {k: v[-1] for k, v in request.query.items()}
        kind, _, key = request.path.removeprefix(PREFIX).partition("/")
        if kind not in ("users", "groups"):
            return google_error(404, "NOT_FOUND", "Not Found", "notFound")
        store = self.users if kind == "users" else self.groups
        if not key:
            if request.method == "POST":
                return self._insert(kind, store, request.json)
            return self._list(kind, store, q)
        found = self._find(store, unquote(key))
        if found is None:
            what = (
                "Resource Not Found: userKey" if kind == "users" else "Resource Not Found: groupKey"
            )
            return google_error(404, "NOT_FOUND", what, "notFound")
        if request.method == "GET":
            if kind == "users" and q.get("projection") not in ("basic", "full", "custom", None):
                return google_error(400, "INVALID_ARGUMENT", "Invalid Input: projection", "invalid")
            return Answer(200, found)
        if request.method == "PUT":
            body = dict(request.json)
            if "password" in body:
                self.passwords[found["id"]] = body.pop("password")
            for field, value in body.items():
                found[field] = (
                    {**found[field], **value}
                    if isinstance(value, dict) and isinstance(found.get(field), dict)
                    else value
                )
            if kind == "users":
                found["name"]["fullName"] = (
                    f"{found['name']['givenName']} {found['name']['familyName']}"
                )
            return Answer(200, found)
        if request.method == "DELETE":
            del store[found["id"]]
            return Answer(204)
        return google_error(404, "NOT_FOUND", "Not Found", "notFound")

    def _token(self, request: Received) -> Answer:
        form = request.form
        if (form.get("client_id"), form.get("client_secret")) != (CLIENT_ID, CLIENT_SECRET):
            return Answer(401, {"error": "invalid_client", "error_description": "Unauthorized"})
        if form.get("refresh_token") not in (REFRESH_TOKEN, NOT_ADMIN):
            return Answer(
                400,
                {
                    "error": "invalid_grant",
                    "error_description": "Token has been expired or revoked.",
                },
            )
        token = "ya29." + secrets.token_urlsafe(16)
        self.tokens[token] = form["refresh_token"] == REFRESH_TOKEN
        return Answer(200, {"access_token": token, "expires_in": 3599, "token_type": "Bearer"})

    def _find(self, store: dict[str, dict[str, Any]], key: str) -> dict[str, Any] | None:
        if key in store:
            return store[key]
        field = "primaryEmail" if store is self.users else "email"
        return next((r for r in store.values() if r.get(field) == key), None)

    def _insert(self, kind: str, store: dict[str, dict[str, Any]], body: dict[str, Any]) -> Answer:
        ident = str(next(self._ids))
        body = dict(body)
        if kind == "users":
            name = body.get("name") or {}
            if (
                not body.get("primaryEmail")
                or not name.get("givenName")
                or not body.get("password")
            ):
                return google_error(
                    400, "INVALID_ARGUMENT", "Invalid Given/Family Name: GivenName", "invalid"
                )
            if self._find(store, body["primaryEmail"]):
                return google_error(409, "ALREADY_EXISTS", "Entity already exists.", "duplicate")
            self.passwords[ident] = body.pop("password")
            record = {
                "kind": "admin#directory#user",
                "id": ident,
                **body,
                "name": {**name, "fullName": f"{name.get('givenName')} {name.get('familyName')}"},
                "isAdmin": False,
                "suspended": False,
            }
        else:
            if self._find(store, body.get("email", "")):
                return google_error(409, "ALREADY_EXISTS", "Entity already exists.", "duplicate")
            record = {
                "kind": "admin#directory#group",
                "id": ident,
                "directMembersCount": "0",
                **body,
            }
        store[ident] = record
        return Answer(200, record)

    def _list(self, kind: str, store: dict[str, dict[str, Any]], q: dict[str, str]) -> Answer:
        if not q.get("customer") and not q.get("domain"):
            return google_error(400, "INVALID_ARGUMENT", "Bad Request", "badRequest")
        field = "primaryEmail" if kind == "users" else "email"
        found = [
            r for r in store.values() if not q.get("domain") or r[field].endswith("@" + q["domain"])
        ]
        start, size = int(q.get("pageToken", 0)), int(q.get("maxResults", 100))
        answer: dict[str, Any] = {
            "kind": f"admin#directory#{kind}",
            kind: found[start : start + size],
        }
        if start + size < len(found):
            answer["nextPageToken"] = str(start + size)
        return Answer(200, answer)
