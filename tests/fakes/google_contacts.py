"""A fake Google for Google Contacts: the OAuth 2.0 token endpoint's refresh-token grant (as
Gmail's fake has it) and the People API v1's contact calls (people:createContact, people.get,
people/me/connections with pageSize/pageToken pages, people:searchContacts, :updateContact
with its etag and updatePersonFields, :deleteContact) over in-memory contacts. Stored fields
carry Google's per-value `metadata`, and answers keep only the asked personFields."""

from __future__ import annotations

import itertools
import secrets
from typing import Any

from tests.fakes import Answer, FakeService, Received
from tests.fakes.gmail import CLIENT_ID, CLIENT_SECRET, REFRESH_TOKEN, google_error

OWNER = "Ada Lovelace"


def _with_metadata(ident: str, values: list[Any]) -> list[Any]:
    source = {"type": "CONTACT", "id": ident}
    return [
        {"metadata": {"primary": n == 0, "source": source}, **v} if isinstance(v, dict) else v
        for n, v in enumerate(values)
    ]


class FakeContacts(FakeService):
    def __init__(self) -> None:
        super().__init__()
        self.people: dict[str, dict[str, Any]] = {}  # resourceName: the stored person
        self.tokens: set[str] = set()
        self._ids = itertools.count(1)
        self._versions = itertools.count(1)

    @property
    def token_url(self) -> str:
        return f"{self.url}/token"

    def add(self, given: str, family: str = "", **fields: Any) -> dict[str, Any]:
        ident = f"c{next(self._ids):019d}"
        person: dict[str, Any] = {"resourceName": f"people/{ident}"}
        self._write(person, {"names": [{"givenName": given, "familyName": family}], **fields})
        self.people[person["resourceName"]] = person
        return person

    def _write(self, person: dict[str, Any], fields: dict[str, Any]) -> None:
        ident = person["resourceName"].split("/")[1]
        for key, values in fields.items():
            if key == "names":
                values = [
                    {
                        **n,
                        "displayName": " ".join(
                            filter(None, (n.get("givenName"), n.get("familyName")))
                        ),
                    }
                    for n in values
                ]
            person[key] = _with_metadata(ident, values)
        person["etag"] = f"%EgUBAgMFBy{next(self._versions)}"
        person["metadata"] = {"sources": [{"type": "CONTACT", "id": ident}], "objectType": "PERSON"}

    def respond(self, request: Received) -> Answer:
        if request.path == "/token":
            return self._token(request)
        bearer = request.headers.get("authorization", "").removeprefix("Bearer ")
        if bearer not in self.tokens:
            return google_error(
                401, "UNAUTHENTICATED", "Request had invalid authentication credentials."
            )
        q = {k: v[-1] for k, v in request.query.items()}
        path = request.path.removeprefix("/v1/")
        if path == "people:createContact" and request.method == "POST":
            body = request.json
            person = self.add("", **{k: v for k, v in body.items() if k != "names"})
            self._write(person, {"names": body.get("names") or []})
            return self._shown(person, q.get("personFields"))
        if path == "people/me/connections":
            return self._connections(q)
        if path == "people:searchContacts":
            return self._search(q)
        if path == "people/me":
            me = {"resourceName": "people/me", "names": [{"displayName": OWNER}]}
            return Answer(200, me)
        name, _, verb = path.partition(":")
        person = self.people.get(name)
        if person is None:
            return google_error(404, "NOT_FOUND", "Requested entity was not found.")
        if verb == "deleteContact" and request.method == "DELETE":
            del self.people[name]
            return Answer(200, {})
        if verb == "updateContact" and request.method == "PATCH":
            return self._update(person, request.json, q)
        if not verb and request.method == "GET":
            if not q.get("personFields"):
                return google_error(
                    400,
                    "INVALID_ARGUMENT",
                    "personFields mask is required. Please specify one or more valid paths.",
                )
            return self._shown(person, q["personFields"])
        return google_error(404, "NOT_FOUND", "Not Found")

    def _token(self, request: Received) -> Answer:
        form = request.form
        if (form.get("client_id"), form.get("client_secret")) != (CLIENT_ID, CLIENT_SECRET):
            return Answer(401, {"error": "invalid_client", "error_description": "Unauthorized"})
        if form.get("refresh_token") != REFRESH_TOKEN:
            return Answer(
                400,
                {
                    "error": "invalid_grant",
                    "error_description": "Token has been expired or revoked.",
                },
            )
        token = "ya29." + secrets.token_urlsafe(16)
        self.tokens.add(token)
        return Answer(200, {"access_token": token, "expires_in": 3599, "token_type": "Bearer"})

    def _view(self, person: dict[str, Any], mask: str | None) -> dict[str, Any]:
        keep = set((mask or "").split(",")) | {"resourceName", "etag"}
        return {k: v for k, v in person.items() if k in keep}

    def _shown(self, person: dict[str, Any], mask: str | None) -> Answer:
        return Answer(200, self._view(person, mask or ",".join(person)))

    def _connections(self, q: dict[str, str]) -> Answer:
        if not q.get("personFields"):
            return google_error(
                400,
                "INVALID_ARGUMENT",
                "personFields mask is required. Please specify one or more valid paths.",
            )
        size, start = int(q.get("pageSize", 100)), int(q.get("pageToken", 0))
        people = list(self.people.values())
        page = [self._view(p, q["personFields"]) for p in people[start : start + size]]
        answer: dict[str, Any] = {"connections": page, "totalItems": len(people)}
        if start + size < len(people):
            answer["nextPageToken"] = str(start + size)
        return Answer(200, answer)

    def _search(self, q: dict[str, str]) -> Answer:
        if not q.get("readMask"):
            return google_error(400, "INVALID_ARGUMENT", "Must specify readMask.")
        if int(q.get("pageSize", 10)) > 30:
            return google_error(400, "INVALID_ARGUMENT", "pageSize must be at most 30.")
        text = q.get("query", "").lower()
        found = [
            p
            for p in self.people.values()
            if any(
                n.get("displayName", "").lower().startswith(text)
                or n.get("familyName", "").lower().startswith(text)
                for n in p.get("names", [])
            )
        ]
        results = [{"person": self._view(p, q["readMask"])} for p in found]
        return Answer(200, {"results": results} if results else {})

    def _update(self, person: dict[str, Any], body: dict[str, Any], q: dict[str, str]) -> Answer:
        if body.get("etag") != person["etag"]:
            return google_error(
                400,
                "FAILED_PRECONDITION",
                "Request person.etag is different than the current person.etag. Clear local cache and get the latest person.",
            )
        fields = [f for f in q.get("updatePersonFields", "").split(",") if f]
        if not fields:
            return google_error(
                400,
                "INVALID_ARGUMENT",
                "updatePersonFields mask is required. Please specify one or more valid paths.",
            )
        self._write(person, {f: body.get(f) or [] for f in fields})
        return self._shown(person, q.get("personFields"))
