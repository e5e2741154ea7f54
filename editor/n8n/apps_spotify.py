"""n8n's Spotify node (version 1) as WorkFuse's `app.spotify`: searches (tracks, albums,
artists, playlists), a track, playlists (read, their tracks, the user's, tracks added and
removed), the liked tracks, and the player (queue, currently playing, next, previous, pause,
resume, recently played). Playlist creation, volume, starting a context, audio features, albums,
artists and followed artists are refused by name.

n8n emits one item per search result or listed entry; WorkFuse's node outputs them as `items`,
which the Spec names so the nodes after it run once per item."""

from __future__ import annotations

import dataclasses
import re
from typing import Any

from editor.n8n.apps_base import credential_note, operation, text, unsupported
from editor.n8n.converter import BASE, Converted, Converter, N8nNode, Refusal, Spec

SUPPORTED = (
    "it searches, gets tracks and playlists, lists a playlist's tracks, your playlists and "
    "liked tracks, adds and removes playlist tracks, and queues, skips, pauses, resumes and "
    "reads your player"
)
DEFAULTS = {
    "player": "addSongToQueue",
    "playlist": "add",
    "library": "getLikedTracks",
    "album": "get",
    "artist": "get",
    "myData": "getFollowingArtists",
}
SIMPLE = {
    ("player", "currentlyPlaying"): "currently_playing",
    ("player", "nextSong"): "next_track",
    ("player", "previousSong"): "previous_track",
    ("player", "pause"): "pause",
    ("player", "resume"): "resume",
}
LISTS = {
    ("playlist", "getTracks"): "list_playlist_tracks",
    ("playlist", "getUserPlaylists"): "list_my_playlists",
    ("library", "getLikedTracks"): "list_liked_tracks",
    ("player", "recentlyPlayed"): "recently_played",
}
SEARCHES = {"track", "album", "artist", "playlist"}
LIMIT = 50  # n8n's default
MAX_RESULTS = 5000
SEARCH_MAX = 1000  # n8n, as Spotify, stops a search at 1,000 results
NUMBER = re.compile(r"^=\s*\{\{\s*(\d+)\s*\}\}\s*$")


def _spotify(node: N8nNode, cx: Converter) -> Converted:
    resource, op = operation(node, "player", DEFAULTS)
    notes = [credential_note("Spotify", "an app's client id and secret and a refresh token")]
    p = node.params
    if (resource, op) in SIMPLE:
        config: dict[str, Any] = {"operation": SIMPLE[resource, op]}
    elif (resource, op) in LISTS:
        config = {"operation": LISTS[resource, op]} | _limit(node, notes, MAX_RESULTS)
        if op == "getTracks":
            config["playlist_id"] = _required(node, cx, "id", "Playlist ID")
        if op == "recentlyPlayed":
            config["max_results"] = min(config["max_results"], 50)
    elif op == "search" and resource in SEARCHES:
        config = {"operation": "search", "search_type": resource}
        config["query"] = _required(node, cx, "query", "Search Keyword")
        config |= _limit(node, notes, SEARCH_MAX) | _market(node, cx)
    elif (resource, op) == ("track", "get"):
        config = {"operation": "get_track", "track_id": _required(node, cx, "id", "Track ID")}
    elif (resource, op) == ("playlist", "get"):
        config = {
            "operation": "get_playlist",
            "playlist_id": _required(node, cx, "id", "Playlist ID"),
        }
    elif (resource, op) in (("playlist", "add"), ("playlist", "delete")):
        config = {
            "operation": "add_to_playlist" if op == "add" else "remove_from_playlist",
            "playlist_id": _required(node, cx, "id", "Playlist ID"),
            "track_uris": _required(node, cx, "trackID", "Track ID"),
        }
        position = dict(p.get("additionalFields") or {}).get("position")
        if op == "add" and position not in ("", None):
            config["position"] = text(cx, node, position)
    elif (resource, op) == ("player", "addSongToQueue"):
        config = {"operation": "add_to_queue", "track_uris": _required(node, cx, "id", "Track ID")}
    else:
        raise unsupported("Spotify", resource, op, SUPPORTED)
    return Converted("app.spotify", config, notes=notes)


def _required(node: N8nNode, cx: Converter, param: str, label: str) -> Any:
    value = text(cx, node, node.params.get(param))
    if value in ("", None):
        raise Refusal(f"has no {label}; set it in n8n and export again.")
    return value


def _limit(node: N8nNode, notes: list[str], most: int) -> dict[str, Any]:
    p = node.params
    if p.get("returnAll"):
        notes.append(f"n8n read every result; WorkFuse keeps at most {most}.")
        return {"max_results": most}
    limit = p.get("limit", LIMIT)
    if isinstance(limit, str):
        literal = NUMBER.match(limit)
        if not literal:
            raise Refusal(
                f"sets its Limit with the expression {limit!r}; WorkFuse needs a number there. "
                "Set a fixed limit in n8n and export again."
            )
        limit = literal[1]
    return {"max_results": min(max(int(limit or LIMIT), 1), most)}


def _market(node: N8nNode, cx: Converter) -> dict[str, Any]:
    filters = dict(node.params.get("filters") or {})
    others = sorted(k for k, v in filters.items() if k != "market" and v not in ("", None))
    if others:
        raise Refusal(f"filters by {', '.join(others)}, which WorkFuse's Spotify node lacks.")
    market = filters.get("market")
    return {"market": text(cx, node, market)} if market not in ("", None) else {}


def _spec(node: N8nNode, cx: Converter) -> Spec:
    resource, op = operation(node, "player", DEFAULTS)
    many = (resource, op) in LISTS or (op == "search" and resource in SEARCHES)
    return dataclasses.replace(
        SPECS[f"{BASE}spotify"], per_node=None, items="items" if many else None
    )


SPECS: dict[str, Spec] = {f"{BASE}spotify": Spec(_spotify, "", per_node=_spec)}
