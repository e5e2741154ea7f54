"""A fake X API v2 (`/2`): a user-context bearer token, `/2/users/me`, users by username and id,
tweets created (POST `/2/tweets`, 201 with `data`), deleted, liked and retweeted
(`/2/users/<id>/likes|retweets`), and recent search (`/2/tweets/search/recent` with
max_results 10..100 and `next_token` pages), with X's problem-JSON errors, its 200-with-errors
for a missing user and its 429 with `x-rate-limit-reset`."""

from __future__ import annotations

import itertools
import re
from typing import Any

from tests.fakes import Answer, FakeService, Received

ACCESS_TOKEN = "VGhpcyBpcyBhIGZha2UgWCB0b2tlbg:1700000000000:1:1:at:1"
ME = {"id": "2244994945", "name": "Ada Lovelace", "username": "ada"}
USERS = [ME, {"id": "783214", "name": "X", "username": "X"}]
USER = re.compile(r"^/2/users/(?P<id>\d+)(?:/(?P<what>likes|retweets))?$")


def problem(status: int, title: str, detail: str) -> Answer:
    return Answer(
        status, {"title": title, "detail": detail, "type": "about:blank", "status": status}
    )


class FakeX(FakeService):
    def __init__(self) -> None:
        super().__init__()
        self.tweets: list[dict[str, Any]] = []
        self.likes: list[tuple[str, str]] = []
        self.retweets: list[tuple[str, str]] = []
        self._ids = itertools.count(1_800_000_000_000_000_001)

    def add(self, text: str, **fields: Any) -> dict[str, Any]:
        ident = str(next(self._ids))
        tweet = {"id": ident, "text": text, "edit_history_tweet_ids": [ident], **fields}
        self.tweets.insert(0, tweet)  # newest first, as search answers
        return tweet

    def respond(self, request: Received) -> Answer:
        if request.headers.get("authorization") != f"Bearer {ACCESS_TOKEN}":
            return problem(401, "Unauthorized", "Unauthorized")
        path, method = request.path, request.method
        if path == "/2/users/me":
            return Answer(200, {"data": ME})
        if path.startswith("/2/users/by/username/"):
            name = path.rsplit("/", 1)[1]
            return self._user(lambda u: u["username"].lower() == name.lower(), name, "username")
        if path == "/2/tweets" and method == "POST":
            return self._create(request.json)
        if path == "/2/tweets/search/recent":
            return self._search(request.query)
        if path.startswith("/2/tweets/") and method == "DELETE":
            ident = path.rsplit("/", 1)[1]
            self.tweets = [t for t in self.tweets if t["id"] != ident]
            return Answer(200, {"data": {"deleted": True}})
        if match := USER.match(path):
            if match["what"] is None:
                return self._user(lambda u: u["id"] == match["id"], match["id"], "id")
            if match["id"] != ME["id"]:
                return problem(403, "Forbidden", "You are not permitted to perform this action.")
            pair = (match["id"], str(request.json["tweet_id"]))
            if match["what"] == "likes":
                self.likes.append(pair)
                return Answer(200, {"data": {"liked": True}})
            self.retweets.append(pair)
            return Answer(200, {"data": {"retweeted": True}})
        return problem(404, "Not Found Error", "Sorry, that page does not exist.")

    def _user(self, test: Any, value: str, parameter: str) -> Answer:
        found = next((u for u in USERS if test(u)), None)
        if found is not None:
            return Answer(200, {"data": found})
        error = {
            "value": value,
            "detail": f"Could not find user with {parameter}: [{value}].",
            "title": "Not Found Error",
            "resource_type": "user",
            "parameter": parameter,
            "type": "https://api.twitter.com/2/problems/resource-not-found",
        }
        return Answer(200, {"errors": [error]})

    def _create(self, body: dict[str, Any]) -> Answer:
        text = str(body.get("text") or "")
        if any(t["text"] == text for t in self.tweets):
            return problem(
                403, "Forbidden", "You are not allowed to create a Tweet with duplicate content."
            )
        fields: dict[str, Any] = {}
        if body.get("reply"):
            fields["in_reply_to_tweet_id"] = body["reply"]["in_reply_to_tweet_id"]
        if body.get("quote_tweet_id"):
            fields["quote_tweet_id"] = body["quote_tweet_id"]
        tweet = self.add(text, **fields)
        data = {k: tweet[k] for k in ("id", "text", "edit_history_tweet_ids")}
        return Answer(201, {"data": data})

    def _search(self, query: dict[str, list[str]]) -> Answer:
        size = int(query.get("max_results", ["10"])[-1])
        if not 10 <= size <= 100:
            error = {
                "parameters": {"max_results": [str(size)]},
                "message": f"The `max_results` query parameter value [{size}] is not between "
                "10 and 100",
            }
            return Answer(
                400,
                {
                    "errors": [error],
                    "title": "Invalid Request",
                    "detail": "One or more parameters to your request was invalid.",
                    "type": "https://api.twitter.com/2/problems/invalid-request",
                },
            )
        words = query["query"][-1].lower().split()
        found = [t for t in self.tweets if all(w in t["text"].lower() for w in words)]
        start = int(query.get("next_token", ["0"])[-1])
        page = found[start : start + size]
        fields = set(query.get("tweet.fields", [""])[-1].split(","))
        shown = [
            {k: v for k, v in t.items() if k in {"id", "text", "edit_history_tweet_ids"} | fields}
            for t in page
        ]
        meta: dict[str, Any] = {"result_count": len(page)}
        if page:
            meta |= {"newest_id": page[0]["id"], "oldest_id": page[-1]["id"]}
        if start + size < len(found):
            meta["next_token"] = str(start + size)
        return Answer(200, {"data": shown, "meta": meta} if page else {"meta": meta})
