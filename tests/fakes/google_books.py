"""A fake Google for Google Books: the OAuth 2.0 token endpoint's refresh-token grant (as
Gmail's fake has it) and the Books API v1 (volumes.get and .list with maxResults ≤ 40 and
startIndex, the library's and a user's public bookshelves, a shelf's volumes, and addVolume /
removeVolume / moveVolume / clearVolumes answered 204 as Google does) over in-memory volumes and
shelves, with Google's error shapes."""

from __future__ import annotations

import secrets
from typing import Any

from tests.fakes import Answer, FakeService, Received
from tests.fakes.gmail import CLIENT_ID, CLIENT_SECRET, REFRESH_TOKEN, google_error

PUBLIC_USER = "113254000000000000000"
SHELVES = {"0": "Favorites", "2": "To read", "3": "Reading now", "4": "Have read", "7": "My eBooks"}
READ_ONLY = {"7"}  # Google's own shelves refuse changes


def volume(ident: str, title: str, author: str) -> dict[str, Any]:
    return {
        "kind": "books#volume",
        "id": ident,
        "selfLink": f"https://www.googleapis.com/books/v1/volumes/{ident}",
        "volumeInfo": {"title": title, "authors": [author], "language": "en"},
    }


class FakeBooks(FakeService):
    def __init__(self) -> None:
        super().__init__()
        self.volumes: dict[str, dict[str, Any]] = {}
        self.shelves: dict[str, list[str]] = {ident: [] for ident in SHELVES}
        self.tokens: set[str] = set()

    @property
    def token_url(self) -> str:
        return f"{self.url}/token"

    def add(self, ident: str, title: str, author: str = "Anonymous") -> dict[str, Any]:
        self.volumes[ident] = volume(ident, title, author)
        return self.volumes[ident]

    def respond(self, request: Received) -> Answer:
        if request.path == "/token":
            return self._token(request)
        bearer = request.headers.get("authorization", "").removeprefix("Bearer ")
        if bearer not in self.tokens:
            return google_error(401, "UNAUTHENTICATED", "Invalid Credentials", "authError")
        q = {k: v[-1] for k, v in request.query.items()}
        if int(q.get("maxResults", 10)) > 40:
            return google_error(
                400, "INVALID_ARGUMENT", "Invalid value at 'max_results'", "invalid"
            )
        path = request.path.removeprefix("/books/v1/").split("/")
        if path[0] == "volumes" and request.method == "GET":
            return self._volumes(path, q)
        if path[:2] == ["mylibrary", "bookshelves"]:
            return self._shelves(request.method, path[2:], q, mine=True)
        if path[0] == "users" and path[2:3] == ["bookshelves"] and request.method == "GET":
            if path[1] != PUBLIC_USER:
                return google_error(404, "NOT_FOUND", "The user was not found.", "notFound")
            return self._shelves("GET", path[3:], q, mine=False)
        return google_error(404, "NOT_FOUND", "Not Found", "notFound")

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

    def _page(self, found: list[dict[str, Any]], q: dict[str, str]) -> Answer:
        start, size = int(q.get("startIndex", 0)), int(q.get("maxResults", 10))
        page = found[start : start + size]
        answer: dict[str, Any] = {"kind": "books#volumes", "totalItems": len(found)}
        return Answer(200, answer | ({"items": page} if page else {}))

    def _volumes(self, path: list[str], q: dict[str, str]) -> Answer:
        if len(path) == 2:
            found = self.volumes.get(path[1])
            if found is None:
                return google_error(
                    404, "NOT_FOUND", "The volume ID could not be found.", "notFound"
                )
            return Answer(200, found)
        if not q.get("q"):
            return google_error(400, "INVALID_ARGUMENT", "Missing query.", "queryRequired")
        text = q["q"].lower().removeprefix("intitle:")
        hits = [v for v in self.volumes.values() if text in v["volumeInfo"]["title"].lower()]
        return self._page(hits, q)

    def _shelf(self, ident: str) -> dict[str, Any]:
        return {
            "kind": "books#bookshelf",
            "id": int(ident),
            "title": SHELVES[ident],
            "access": "PRIVATE" if ident in READ_ONLY else "PUBLIC",
            "volumeCount": len(self.shelves[ident]),
        }

    def _shelves(self, method: str, path: list[str], q: dict[str, str], mine: bool) -> Answer:
        if not path:
            return Answer(
                200, {"kind": "books#bookshelves", "items": [self._shelf(s) for s in SHELVES]}
            )
        if path[0] not in SHELVES:
            return google_error(
                404, "NOT_FOUND", "The bookshelf ID could not be found.", "notFound"
            )
        ident, rest = path[0], path[1:]
        if method == "GET" and not rest:
            return Answer(200, self._shelf(ident))
        if method == "GET" and rest == ["volumes"]:
            return self._page([self.volumes[v] for v in self.shelves[ident]], q)
        if method != "POST" or not mine or len(rest) != 1:
            return google_error(404, "NOT_FOUND", "Not Found", "notFound")
        if ident in READ_ONLY:
            return google_error(403, "PERMISSION_DENIED", "Cannot modify this shelf.", "forbidden")
        shelf, ident_ = self.shelves[ident], q.get("volumeId", "")
        if rest[0] == "clearVolumes":
            shelf.clear()
            return Answer(204)
        if ident_ not in self.volumes:
            return google_error(400, "INVALID_ARGUMENT", "Invalid volume ID.", "invalid")
        if rest[0] == "addVolume" and ident_ not in shelf:
            shelf.insert(0, ident_)
        elif rest[0] == "removeVolume" and ident_ in shelf:
            shelf.remove(ident_)
        elif rest[0] == "moveVolume":
            if ident_ not in shelf:
                return google_error(400, "INVALID_ARGUMENT", "Volume not on the shelf.", "invalid")
            shelf.remove(ident_)
            shelf.insert(int(q.get("volumePosition", 0)), ident_)
        return Answer(204)
