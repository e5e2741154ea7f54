"""A fake Reddit: the token endpoint (POST `/api/v1/access_token`, the app as HTTP Basic; the
password grant for a user, `{"error": "invalid_grant"}` with 200 for a wrong password, the
client-credentials grant for the app alone), and the OAuth API with the bearer token: listings
(`/search`, `/r/<sr>/search`, `/r/<sr>/<hot|new|top|rising>`, paged by `after`), a post
(`/r/<sr>/comments/<id>`), `/api/submit` (200 with `json.errors` when refused), `/api/del`,
`/api/v1/me`, `/r/all/about`, and Reddit's `{"message", "error"}`."""

from __future__ import annotations

import base64
import itertools
import re
from typing import Any

from tests.fakes import Answer, FakeService, Received

CLIENT_ID, CLIENT_SECRET = "p-jcoLKBynTLew", "gko_LXELoV07ZBNUXrvWZfzE3aI"
USER, PASSWORD = "workfuse_bot", "hunter2-but-longer"
LISTING = re.compile(r"/r/(?P<sr>\w+)/(?P<what>hot|new|top|rising|search)$")
POST = re.compile(r"/r/(?P<sr>\w+)/comments/(?P<id>\w+)$")


def listing(posts: list[dict[str, Any]], after: str | None) -> dict[str, Any]:
    children = [{"kind": "t3", "data": p} for p in posts]
    return {"kind": "Listing", "data": {"after": after, "children": children, "before": None}}


class FakeReddit(FakeService):
    def __init__(self) -> None:
        super().__init__()
        self.posts: list[dict[str, Any]] = []
        self._ids = itertools.count(1)
        self._tokens: dict[str, str | None] = {}  # token -> user (None: the app alone)

    def add(self, subreddit: str, title: str, author: str = "someone") -> dict[str, Any]:
        post_id = f"p{next(self._ids)}"
        post = {"id": post_id, "name": f"t3_{post_id}", "subreddit": subreddit, "title": title}
        self.posts.append(post | {"author": author, "selftext": ""})
        return self.posts[-1]

    def respond(self, request: Received) -> Answer:
        if request.path == "/api/v1/access_token":
            return self._token(request)
        token = request.headers.get("authorization", "").removeprefix("Bearer ")
        if token not in self._tokens:
            return Answer(401, {"message": "Unauthorized", "error": 401})
        user = self._tokens[token]
        query = {k: v[-1] for k, v in request.query.items()}
        if request.path == "/api/v1/me":
            return (
                Answer(200, {"name": user})
                if user
                else Answer(403, {"message": "Forbidden", "error": 403})
            )
        if request.path == "/r/all/about":
            return Answer(200, {"kind": "t5", "data": {"display_name": "all"}})
        if request.path in ("/api/submit", "/api/del"):
            if user is None:
                return Answer(403, {"message": "Forbidden", "error": 403})
            return (
                self._submit(request.form, user)
                if request.path == "/api/submit"
                else self._delete(request.form, user)
            )
        match = POST.match(request.path)
        if match:
            found = [p for p in self.posts if p["id"] == match["id"]]
            if not found:
                return Answer(404, {"message": "Not Found", "error": 404})
            return Answer(200, [listing(found, None), listing([], None)])
        match = LISTING.match(request.path)
        if request.path == "/search" or match:
            posts = list(self.posts)
            if match:
                posts = [p for p in posts if p["subreddit"] == match["sr"]]
            if request.path.endswith("/search"):
                posts = [p for p in posts if query.get("q", "").lower() in p["title"].lower()]
            if query.get("sort") == "new" or (match and match["what"] == "new"):
                posts.reverse()
            return self._page(posts, query)
        return Answer(404, {"message": "Not Found", "error": 404})

    def _token(self, request: Received) -> Answer:
        basic = "Basic " + base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()
        if request.headers.get("authorization") != basic:
            return Answer(401, {"message": "Unauthorized", "error": 401})
        form = request.form
        user = None
        if form.get("grant_type") == "password":
            if (form.get("username"), form.get("password")) != (USER, PASSWORD):
                return Answer(200, {"error": "invalid_grant"})
            user = USER
        elif form.get("grant_type") != "client_credentials":
            return Answer(200, {"error": "unsupported_grant_type"})
        token = f"tok-{len(self._tokens) + 1}"
        self._tokens[token] = user
        return Answer(
            200, {"access_token": token, "token_type": "bearer", "expires_in": 86400, "scope": "*"}
        )

    def _page(self, posts: list[dict[str, Any]], query: dict[str, str]) -> Answer:
        start = 0
        if query.get("after"):
            start = next(i for i, p in enumerate(posts) if p["name"] == query["after"]) + 1
        limit = int(query.get("limit", "25"))
        page = posts[start : start + limit]
        after = page[-1]["name"] if page and start + limit < len(posts) else None
        return Answer(200, listing(page, after))

    def _submit(self, form: dict[str, str], user: str) -> Answer:
        if not form.get("title"):
            return Answer(
                200, {"json": {"errors": [["NO_TEXT", "we need something here", "title"]]}}
            )
        post = self.add(form["sr"], form["title"], author=user)
        post["selftext"] = form.get("text", "")
        url = f"https://www.reddit.com/r/{form['sr']}/comments/{post['id']}/"
        return Answer(
            200,
            {"json": {"errors": [], "data": {"url": url, "id": post["id"], "name": post["name"]}}},
        )

    def _delete(self, form: dict[str, str], user: str) -> Answer:
        self.posts = [
            p for p in self.posts if not (p["name"] == form.get("id") and p["author"] == user)
        ]
        return Answer(200, {})
