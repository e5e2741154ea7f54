"""A fake Spotify: the token endpoint (POST `/api/token`, the refresh-token grant with the app
as HTTP Basic) and the Web API (`/v1`, bearer token): `/me`, `/search` (tracks by name, paged,
stopping at offset 1,000), `/tracks/<id>`, playlists (`/playlists/<id>`, its `/tracks` read,
added to and removed from), `/me/playlists`, `/me/tracks` and the player (queue, currently
playing, next, previous, pause, play, recently played), paged by `limit` and `offset`, with
Spotify's `{"error": {"status", "message"}}` errors."""

from __future__ import annotations

import base64
import re
from typing import Any

from tests.fakes import Answer, FakeService, Received

CLIENT_ID = "5fe01282e44241328a84e7c5cc169165"
CLIENT_SECRET = "c1a2b3c4d5e6f708192a3b4c5d6e7f80"
REFRESH_TOKEN = "AQD-refresh-token-granted-by-ada"
ACCESS_TOKEN = "BQD-access-token-for-ada"
PLAYLIST = re.compile(r"^/v1/playlists/(?P<id>\w+)(?P<tracks>/tracks)?$")
TRACK = re.compile(r"^/v1/tracks/(?P<id>\w+)$")


def error(status: int, message: str) -> Answer:
    return Answer(status, {"error": {"status": status, "message": message}})


def track(n: int, name: str = "") -> dict[str, Any]:
    tid = f"4uLU6hMCjMI75M1A2t{n:04d}"
    return {
        "id": tid,
        "uri": f"spotify:track:{tid}",
        "name": name or f"Song {n}",
        "artists": [{"name": "Ada"}],
        "album": {"name": "First", "release_date": "2024-05-01"},
        "popularity": 50,
        "external_urls": {"spotify": f"https://open.spotify.com/track/{tid}"},
    }


class FakeSpotify(FakeService):
    def __init__(self) -> None:
        super().__init__()
        self.catalog: list[dict[str, Any]] = []
        self.playlists: dict[str, dict[str, Any]] = {}
        self.liked: list[dict[str, Any]] = []
        self.queue: list[str] = []
        self.playing: dict[str, Any] | None = None
        self.played: list[dict[str, Any]] = []
        self.events: list[str] = []
        self.device = True

    def add_tracks(self, *names: str) -> list[dict[str, Any]]:
        made = [track(len(self.catalog) + i, name) for i, name in enumerate(names)]
        self.catalog.extend(made)
        return made

    def add_playlist(self, pid: str, name: str, owner: str = "Ada") -> dict[str, Any]:
        playlist = {
            "id": pid,
            "uri": f"spotify:playlist:{pid}",
            "name": name,
            "description": f"{name} songs",
            "owner": {"display_name": owner},
            "items": [],
        }
        self.playlists[pid] = playlist
        return playlist

    def respond(self, request: Received) -> Answer:
        if request.path == "/api/token":
            return self._token(request)
        if request.headers.get("authorization") != f"Bearer {ACCESS_TOKEN}":
            return error(401, "Invalid access token")
        query = {k: v[-1] for k, v in request.query.items()}
        path = request.path
        most = 100 if path.endswith("/tracks") and path.startswith("/v1/playlists/") else 50
        if int(query.get("limit") or 20) > most:
            return error(400, "Invalid limit")
        if path == "/v1/me":
            return Answer(200, {"id": "ada", "display_name": "Ada Lovelace"})
        if path == "/v1/search":
            if query.get("type") != "track":
                return Answer(200, {f"{query.get('type')}s": self._page([], query)})
            words = query.get("q", "").lower()
            found = [t for t in self.catalog if words in t["name"].lower()]
            if int(query.get("offset") or 0) >= 1000:
                return error(400, "Invalid offset")
            return Answer(200, {"tracks": self._page(found, query)})
        if match := TRACK.match(path):
            found_track = next((t for t in self.catalog if t["id"] == match["id"]), None)
            return Answer(200, found_track) if found_track else error(404, "Non existing id")
        if match := PLAYLIST.match(path):
            return self._playlist(request, match, query)
        if path == "/v1/me/playlists":
            mine = [{k: v for k, v in p.items() if k != "items"} for p in self.playlists.values()]
            return Answer(200, self._page(mine, query))
        if path == "/v1/me/tracks":
            return Answer(200, self._page(self.liked, query))
        if path.startswith("/v1/me/player"):
            return self._player(request, path.removeprefix("/v1/me/player"), query)
        return error(404, "Service not found")

    def _token(self, request: Received) -> Answer:
        pair = base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()
        if request.headers.get("authorization") != f"Basic {pair}":
            return Answer(400, {"error": "invalid_client", "error_description": "Invalid client"})
        form = request.form
        if form.get("grant_type") != "refresh_token" or form.get("refresh_token") != REFRESH_TOKEN:
            return Answer(
                400, {"error": "invalid_grant", "error_description": "Invalid refresh token"}
            )
        body = {"access_token": ACCESS_TOKEN, "token_type": "Bearer", "expires_in": 3600}
        return Answer(200, body | {"scope": "user-library-read"})

    def _playlist(self, request: Received, match: re.Match[str], query: dict[str, str]) -> Answer:
        playlist = self.playlists.get(match["id"])
        if playlist is None:
            return error(404, "Resource not found")
        if not match["tracks"]:
            shown = {k: v for k, v in playlist.items() if k != "items"}
            return Answer(200, shown | {"tracks": self._page(playlist["items"], {})})
        if request.method == "GET":
            return Answer(200, self._page(playlist["items"], query))
        if request.method == "POST":
            uris = request.json.get("uris") or []
            if len(uris) > 100:
                return error(400, "Too many ids requested")
            if not all(u.startswith("spotify:track:") for u in uris):
                return error(400, "Invalid base62 id")
            added = [{"added_at": "2026-12-06T10:00:00Z", "track": self._by_uri(u)} for u in uris]
            at = request.json.get("position", len(playlist["items"]))
            playlist["items"][at:at] = added
            return Answer(201, {"snapshot_id": f"snap{len(playlist['items'])}"})
        if request.method == "DELETE":
            gone = {t["uri"] for t in request.json.get("tracks") or []}
            playlist["items"] = [i for i in playlist["items"] if i["track"]["uri"] not in gone]
            return Answer(200, {"snapshot_id": f"snap{len(playlist['items'])}"})
        return error(405, "Method not allowed")

    def _by_uri(self, uri: str) -> dict[str, Any]:
        found = next((t for t in self.catalog if t["uri"] == uri), None)
        return found or {"id": uri.rsplit(":", 1)[-1], "uri": uri, "name": "Unknown"}

    def _player(self, request: Received, path: str, query: dict[str, str]) -> Answer:
        if path == "/currently-playing":
            if self.playing is None:
                return Answer(204)
            return Answer(200, {"is_playing": True, "item": self.playing})
        if path == "/recently-played":
            limit = int(query.get("limit") or 20)
            return Answer(200, {"items": self.played[:limit], "next": None})
        if not self.device:
            body = {"status": 404, "message": "Player command failed: No active device found"}
            return Answer(404, {"error": body | {"reason": "NO_ACTIVE_DEVICE"}})
        if path == "/queue" and request.method == "POST":
            self.queue.append(query["uri"])
        else:
            self.events.append(f"{request.method} {path}")
        return Answer(204)

    def _page(self, items: list[Any], query: dict[str, str]) -> dict[str, Any]:
        limit = int(query.get("limit") or 20)
        offset = int(query.get("offset") or 0)
        more = offset + limit < len(items)
        return {
            "items": items[offset : offset + limit],
            "limit": limit,
            "offset": offset,
            "total": len(items),
            "next": f"{self.url}/v1/next?offset={offset + limit}" if more else None,
        }
