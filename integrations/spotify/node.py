"""app.spotify: searches (tracks, albums, artists, playlists), a track, playlists (read, their
tracks, yours, tracks added and removed), your liked tracks, and the player (queue, currently
playing, next, previous, pause, resume, recently played), on Spotify's Web API."""

from __future__ import annotations

import re
from typing import Any, Literal

from pydantic import ConfigDict, Field

from integrations.operations import OperationConfig, used_by
from integrations.service import credential_for
from integrations.spotify.credentials import SpotifyOAuth2
from integrations.spotify.web_api import Account
from workfuse.lib.node_run import NodeError, RunContext
from workfuse.lib.node_types import NodeType

Operation = Literal[
    "search",
    "get_track",
    "get_playlist",
    "list_playlist_tracks",
    "list_my_playlists",
    "add_to_playlist",
    "remove_from_playlist",
    "list_liked_tracks",
    "add_to_queue",
    "currently_playing",
    "next_track",
    "previous_track",
    "pause",
    "resume",
    "recently_played",
]
BY_PLAYLIST = ("get_playlist", "list_playlist_tracks", "add_to_playlist", "remove_from_playlist")
LISTS = ("search", "list_playlist_tracks", "list_my_playlists", "list_liked_tracks")
PLAYER = {
    "next_track": ("POST", "/me/player/next"),
    "previous_track": ("POST", "/me/player/previous"),
    "pause": ("PUT", "/me/player/pause"),
    "resume": ("PUT", "/me/player/play"),
}
MAX_RESULTS = 5000
SEARCH_MAX = 1000  # Spotify answers no search result past offset 1,000
PER_REQUEST = 100  # tracks added or removed in one call, at most
URI = re.compile(r"^spotify:(?P<kind>[a-z]+):(?P<id>[A-Za-z0-9]+)$")
LINK = re.compile(r"^https?://open\.spotify\.com/(?:intl-[a-z-]+/)?(?P<kind>[a-z]+)/(?P<id>\w+)")


class Config(OperationConfig):
    model_config = ConfigDict(coerce_numbers_to_str=True)

    credential: int | None = Field(
        None, ge=1, description="Your Spotify OAuth2 credential. Needed to run."
    )
    operation: Operation = Field(
        "search",
        description="search: tracks, albums, artists or playlists matching words. get_track / "
        "get_playlist: one by id. list_playlist_tracks: a playlist's tracks. "
        "list_my_playlists: your playlists. add_to_playlist / remove_from_playlist: tracks "
        "into or out of a playlist. list_liked_tracks: your saved tracks. add_to_queue, "
        "currently_playing, next_track, previous_track, pause, resume, recently_played: "
        "your player.",
    )
    query: str = Field(
        "",
        description="search: the words (Spotify's field filters work: track:Hey artist:Beatles).",
        json_schema_extra=used_by("search", required=True),
    )
    search_type: Literal["track", "album", "artist", "playlist"] = Field(
        "track", description="search: what to search for.", json_schema_extra=used_by("search")
    )
    market: str = Field(
        "",
        description="search: only what is playable in this country (ISO 3166-1 alpha-2, US).",
        json_schema_extra=used_by("search"),
    )
    track_id: str = Field(
        "",
        description="get_track: the track's id, URI (spotify:track:…) or link.",
        json_schema_extra=used_by("get_track", required=True),
    )
    playlist_id: str = Field(
        "",
        description="The playlist's id, URI (spotify:playlist:…) or link.",
        json_schema_extra=used_by(*BY_PLAYLIST, required=True),
    )
    track_uris: str = Field(
        "",
        description="add_to_playlist / remove_from_playlist: the tracks' URIs (spotify:track:…) "
        "or ids, comma-separated. add_to_queue: one track.",
        json_schema_extra=used_by(
            "add_to_playlist", "remove_from_playlist", "add_to_queue", required=True
        ),
    )
    position: str = Field(
        "",
        description="add_to_playlist: where to insert them (0 is first); empty: at the end.",
        json_schema_extra=used_by("add_to_playlist"),
    )
    max_results: int = Field(
        50,
        ge=1,
        le=MAX_RESULTS,
        description="search / list_*: keep at most this many (a search stops at 1,000). "
        "recently_played: at most 50.",
        json_schema_extra=used_by(*LISTS, "recently_played"),
    )


def spotify_id(value: str, kind: str) -> str:
    """The bare id of a `kind` (track, playlist) given as an id, a URI or an open.spotify.com
    link."""
    value = value.strip()
    match = URI.match(value) or LINK.match(value)
    if match and match["kind"] == kind:
        return match["id"]
    if match or not value or "/" in value or ":" in value:
        raise NodeError(f"“{value}” is not a Spotify {kind} id, URI (spotify:{kind}:…) or link.")
    return value


def track_uris(text: str) -> list[str]:
    return [
        f"spotify:track:{spotify_id(part, 'track')}" for part in text.split(",") if part.strip()
    ]


def _listed(items: list[Any]) -> dict[str, Any]:
    return {"items": items, "count": len(items)}


def _search(account: Account, config: Config) -> dict[str, Any]:
    params = {"q": config.query, "type": config.search_type}
    if config.market.strip():
        params["market"] = config.market.strip().upper()
    found = account.items(
        "/search",
        "search",
        params,
        min(config.max_results, SEARCH_MAX),
        wrapper=f"{config.search_type}s",
    )
    return _listed([item for item in found if item is not None])  # Spotify pads with nulls


def _add(account: Account, config: Config, playlist: str) -> dict[str, Any]:
    uris = track_uris(config.track_uris)
    if not uris:
        raise NodeError("The track URIs field names no track.")
    position: int | None = None
    if config.position.strip():
        try:
            position = int(float(config.position))
        except ValueError:
            raise NodeError(
                f"The position field must be a number, not “{config.position}”."
            ) from None
    answer: dict[str, Any] = {}
    for start in range(0, len(uris), PER_REQUEST):
        body: dict[str, Any] = {"uris": uris[start : start + PER_REQUEST]}
        if position is not None:
            body["position"] = position + start
        answer = account.call("POST", f"{playlist}/tracks", "add_to_playlist", json=body) or {}
    return answer


def _remove(account: Account, config: Config, playlist: str) -> dict[str, Any]:
    uris = track_uris(config.track_uris)
    if not uris:
        raise NodeError("The track URIs field names no track.")
    for start in range(0, len(uris), PER_REQUEST):
        tracks = [{"uri": uri} for uri in uris[start : start + PER_REQUEST]]
        account.call(
            "DELETE", f"{playlist}/tracks", "remove_from_playlist", json={"tracks": tracks}
        )
    return {"success": True}


def _playlist(account: Account, config: Config) -> Any:
    op, playlist = config.operation, f"/playlists/{spotify_id(config.playlist_id, 'playlist')}"
    if op == "get_playlist":
        return account.call("GET", playlist, op)
    if op == "list_playlist_tracks":
        return _listed(account.items(f"{playlist}/tracks", op, {}, config.max_results, page=100))
    if op == "add_to_playlist":
        return _add(account, config, playlist)
    return _remove(account, config, playlist)


def _player(account: Account, config: Config) -> Any:
    op = config.operation
    if op == "add_to_queue":
        uris = track_uris(config.track_uris)
        if len(uris) != 1:
            raise NodeError(
                f"add_to_queue takes one track; the track URIs field names {len(uris)}."
            )
        account.call("POST", "/me/player/queue", op, params={"uri": uris[0]})
        return {"success": True}
    if op == "currently_playing":
        # 204 when nothing plays: said plainly rather than as an empty output.
        return account.call("GET", "/me/player/currently-playing", op) or {
            "is_playing": False,
            "item": None,
        }
    if op == "recently_played":
        limit = min(config.max_results, 50)
        answer = account.call("GET", "/me/player/recently-played", op, params={"limit": limit})
        return _listed((answer or {}).get("items") or [])
    method, path = PLAYER[op]
    account.call(method, path, op)
    return {"success": True}


def run(config: Config, ctx: RunContext) -> Any:
    """As n8n outputs it: {items, count} for search, the list_* operations and recently_played
    (n8n emits each as an item), the track or playlist itself, add_to_playlist's
    {snapshot_id}, the playback state for currently_playing, and {success: true} for the
    other player operations and remove_from_playlist."""
    secret, _ = credential_for(ctx, config.operation, SpotifyOAuth2)
    account, op = Account(secret), config.operation
    if op == "search":
        return _search(account, config)
    if op == "get_track":
        return account.call("GET", f"/tracks/{spotify_id(config.track_id, 'track')}", op)
    if op in BY_PLAYLIST:
        return _playlist(account, config)
    if op == "list_my_playlists":
        return _listed(account.items("/me/playlists", op, {}, config.max_results))
    if op == "list_liked_tracks":
        return _listed(account.items("/me/tracks", op, {}, config.max_results))
    return _player(account, config)


NODE = NodeType(
    type="app.spotify",
    label="Spotify",
    category="app",
    description="Searches Spotify, reads tracks and playlists, adds and removes playlist "
    "tracks, lists your liked tracks and drives your player.",
    Config=Config,
    run=run,
    credential_kinds=(SpotifyOAuth2.kind,),
    icon="♫",
    examples=(
        (
            "Find the track named in the message on Spotify, with credential 4",
            {
                "credential": 4,
                "operation": "search",
                "query": "{{ trigger.body.message }}",
                "max_results": 1,
            },
        ),
        (
            "Search Spotify for playlists about jazz, 10 at most",
            {"operation": "search", "search_type": "playlist", "query": "jazz", "max_results": 10},
        ),
        (
            "Read the track 4uLU6hMCjMI75M1A2tKUQC",
            {"operation": "get_track", "track_id": "4uLU6hMCjMI75M1A2tKUQC"},
        ),
        (
            "Read the playlist 37i9dQZF1DXcBWIGoYBM5M",
            {"operation": "get_playlist", "playlist_id": "37i9dQZF1DXcBWIGoYBM5M"},
        ),
        (
            "List every track of playlist 5SY22gVudzaD31v5rq5jcH",
            {
                "operation": "list_playlist_tracks",
                "playlist_id": "5SY22gVudzaD31v5rq5jcH",
                "max_results": 5000,
            },
        ),
        ("List my playlists", {"operation": "list_my_playlists"}),
        (
            "Add the track spotify:track:4uLU6hMCjMI75M1A2tKUQC to playlist 5SY22gVudzaD31v5rq5jcH",
            {
                "operation": "add_to_playlist",
                "playlist_id": "5SY22gVudzaD31v5rq5jcH",
                "track_uris": "spotify:track:4uLU6hMCjMI75M1A2tKUQC",
            },
        ),
        (
            "Remove the track spotify:track:4uLU6hMCjMI75M1A2tKUQC from playlist "
            "5SY22gVudzaD31v5rq5jcH",
            {
                "operation": "remove_from_playlist",
                "playlist_id": "5SY22gVudzaD31v5rq5jcH",
                "track_uris": "spotify:track:4uLU6hMCjMI75M1A2tKUQC",
            },
        ),
        (
            "List my 200 most recently liked tracks",
            {"operation": "list_liked_tracks", "max_results": 200},
        ),
        (
            "Queue the track spotify:track:4uLU6hMCjMI75M1A2tKUQC",
            {"operation": "add_to_queue", "track_uris": "spotify:track:4uLU6hMCjMI75M1A2tKUQC"},
        ),
        ("What is playing on my Spotify now?", {"operation": "currently_playing"}),
        ("Skip to the next song", {"operation": "next_track"}),
        ("Go back to the previous song", {"operation": "previous_track"}),
        ("Pause my music", {"operation": "pause"}),
        ("Resume playback", {"operation": "resume"}),
        ("List the 20 songs I played last", {"operation": "recently_played", "max_results": 20}),
    ),
)
