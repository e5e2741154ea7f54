"""A fake of the Algolia Hacker News API (`/api/v1`): `search` (`query`, `tags` comma-separated,
`hitsPerPage`) answering `{hits, nbHits, page, nbPages, hitsPerPage, query}`, `items/<id>` an
article with its comment tree in `children`, and `users/<name>`; unknown ones answer Algolia's
`{"status": 404, "error": "Not Found"}`."""

from __future__ import annotations

from typing import Any

from tests.fakes import Answer, FakeService, Received

STORIES: list[dict[str, Any]] = [
    {
        "objectID": str(100 + n),
        "title": f"Ask HN: How do I learn {topic}?",
        "author": "pg" if n % 2 else "dang",
        "points": 10 * n,
        "num_comments": n,
        "_tags": ["story", "ask_hn", f"story_{100 + n}"],
    }
    for n, topic in enumerate(["Rust", "Go", "Python", "Rust again"], start=1)
]


class FakeHackerNews(FakeService):
    def respond(self, request: Received) -> Answer:
        path = request.path
        if path == "/api/v1/search":
            return Answer(200, self._search(request.query))
        if path.startswith("/api/v1/items/") and path.rsplit("/", 1)[1] == "101":
            return Answer(
                200,
                {
                    "id": 101,
                    "type": "story",
                    "title": STORIES[0]["title"],
                    "children": [{"id": 201, "type": "comment", "text": "Read the book"}],
                },
            )
        if path == "/api/v1/users/pg":
            return Answer(200, {"username": "pg", "karma": 155111, "about": "Bug fixer."})
        return Answer(404, {"status": 404, "error": "Not Found"})

    def _search(self, query: dict[str, list[str]]) -> dict[str, Any]:
        words = (query.get("query") or [""])[-1].lower()
        tags = [t for t in (query.get("tags") or [""])[-1].split(",") if t]
        per_page = int((query.get("hitsPerPage") or ["20"])[-1])
        hits = [
            s for s in STORIES if words in s["title"].lower() and all(t in s["_tags"] for t in tags)
        ]
        return {
            "hits": hits[:per_page],
            "nbHits": len(hits),
            "page": 0,
            "nbPages": 1,
            "hitsPerPage": per_page,
            "query": words,
        }
