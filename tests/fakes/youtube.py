"""A fake Google for YouTube: the OAuth 2.0 token endpoint's refresh-token grant (as Gmail's fake
has it) and the YouTube Data API v3's read calls (search.list, videos.list, playlistItems.list,
channels.list) over a few in-memory videos, with maxResults/pageToken pages and Google's error
shapes (quotaExceeded among them)."""

from __future__ import annotations

import secrets
from typing import Any

from tests.fakes import Answer, FakeService, Received
from tests.fakes.gmail import CLIENT_ID, CLIENT_SECRET, REFRESH_TOKEN, google_error

CHANNEL_ID = "UC08Fah8EIryeOZRkjBRohcQ"
PLAYLIST_ID = "PL552450E1514256AB"


def video(number: int, title: str, published: str, channel: str = CHANNEL_ID) -> dict[str, Any]:
    ident = f"vid{number:08d}"
    snippet = {
        "publishedAt": published,
        "channelId": channel,
        "title": title,
        "description": f"About {title}",
        "thumbnails": {"default": {"url": f"https://i.ytimg.com/vi/{ident}/default.jpg"}},
        "channelTitle": "Ada's channel",
    }
    return {
        "kind": "youtube#video",
        "id": ident,
        "snippet": snippet,
        "statistics": {"viewCount": str(1000 * number), "likeCount": str(10 * number)},
    }


class FakeYouTube(FakeService):
    def __init__(self) -> None:
        super().__init__()
        self.videos: list[dict[str, Any]] = []
        self.playlist: list[str] = []  # video ids of PLAYLIST_ID, in order
        self.tokens: set[str] = set()
        self.api_answers: list[Answer] = []  # the next API calls' answers (the token's not)

    @property
    def token_url(self) -> str:
        return f"{self.url}/token"

    def add(self, title: str, published: str, channel: str = CHANNEL_ID) -> dict[str, Any]:
        item = video(len(self.videos) + 1, title, published, channel)
        self.videos.append(item)
        self.playlist.append(item["id"])
        return item

    def respond(self, request: Received) -> Answer:
        if request.path == "/token":
            return self._token(request)
        bearer = request.headers.get("authorization", "").removeprefix("Bearer ")
        if bearer not in self.tokens:
            return google_error(401, "UNAUTHENTICATED", "Invalid Credentials", "authError")
        if self.api_answers:
            return self.api_answers.pop(0)
        q = {k: v[-1] for k, v in request.query.items()}
        if "part" not in q:
            return google_error(
                400, "INVALID_ARGUMENT", "No filter selected.", "missingRequiredParameter"
            )
        resource = request.path.removeprefix("/youtube/v3/")
        if resource == "search":
            return self._page("youtube#searchListResponse", self._search(q), q)
        if resource == "videos":
            found = [self._parts(v, q["part"]) for v in self.videos if v["id"] == q.get("id")]
            return Answer(200, {"kind": "youtube#videoListResponse", "items": found})
        if resource == "playlistItems":
            if q.get("playlistId") != PLAYLIST_ID:
                return google_error(
                    404,
                    "NOT_FOUND",
                    "The playlist identified with the request's playlistId "
                    "parameter cannot be found.",
                    "playlistNotFound",
                )
            return self._page("youtube#playlistItemListResponse", self._items(q), q)
        if resource == "channels":
            mine = q.get("mine") == "true" or q.get("id") == CHANNEL_ID
            channel = {
                "kind": "youtube#channel",
                "id": CHANNEL_ID,
                "snippet": {"title": "Ada's channel"},
                "statistics": {"subscriberCount": "1234", "videoCount": str(len(self.videos))},
            }
            return Answer(200, {"items": [self._parts(channel, q["part"])] if mine else []})
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

    def _search(self, q: dict[str, str]) -> list[dict[str, Any]]:
        found = self.videos
        if q.get("type") != "video":
            return []
        if "q" in q:
            found = [v for v in found if q["q"].lower() in v["snippet"]["title"].lower()]
        if "channelId" in q or q.get("forMine") == "true":
            channel = q.get("channelId", CHANNEL_ID)
            found = [v for v in found if v["snippet"]["channelId"] == channel]
        if "publishedAfter" in q:
            found = [v for v in found if v["snippet"]["publishedAt"] > q["publishedAfter"]]
        if q.get("order") == "viewCount":
            found = sorted(found, key=lambda v: -int(v["statistics"]["viewCount"]))
        return [
            {
                "kind": "youtube#searchResult",
                "id": {"kind": "youtube#video", "videoId": v["id"]},
                "snippet": v["snippet"],
            }
            for v in found
        ]

    def _items(self, q: dict[str, str]) -> list[dict[str, Any]]:
        by_id = {v["id"]: v for v in self.videos}
        items = []
        for position, ident in enumerate(self.playlist):
            snippet = {
                **by_id[ident]["snippet"],
                "playlistId": PLAYLIST_ID,
                "position": position,
                "resourceId": {"kind": "youtube#video", "videoId": ident},
            }
            item = {
                "kind": "youtube#playlistItem",
                "id": f"item-{ident}",
                "snippet": snippet,
                "contentDetails": {"videoId": ident},
            }
            items.append(self._parts(item, q["part"]))
        return items

    @staticmethod
    def _parts(resource: dict[str, Any], part: str) -> dict[str, Any]:
        wanted = {p.strip() for p in part.split(",")} | {"kind", "id"}
        return {k: v for k, v in resource.items() if k in wanted}

    @staticmethod
    def _page(kind: str, found: list[dict[str, Any]], q: dict[str, str]) -> Answer:
        size = int(q.get("maxResults", "5"))
        if not 0 <= size <= 50:
            return google_error(
                400, "INVALID_ARGUMENT", "Invalid value for maxResults", "invalidParameter"
            )
        start = int(q.get("pageToken", "0"))
        body: dict[str, Any] = {
            "kind": kind,
            "items": found[start : start + size],
            "pageInfo": {"totalResults": len(found), "resultsPerPage": size},
        }
        if start + size < len(found):
            body["nextPageToken"] = str(start + size)
        return Answer(200, body)
