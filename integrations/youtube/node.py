"""app.youtube: videos searched (search.list) and read (videos.list), a playlist's items listed
(playlistItems.list) and a channel read (channels.list), from the YouTube Data API v3."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import ConfigDict, Field

from integrations.operations import OperationConfig, used_by
from integrations.service import credential_for
from integrations.youtube.credentials import YouTubeOAuth2
from integrations.youtube.data_api import Channel
from workfuse.lib.node_run import NodeError, RunContext
from workfuse.lib.node_types import NodeType

Operation = Literal["search_videos", "get_video", "list_playlist_items", "get_channel"]
LISTS = ("search_videos", "list_playlist_items")
MAX_LIST = 500
SEARCH_FILTERS = {
    "channel_id": "channelId",
    "published_after": "publishedAfter",
    "published_before": "publishedBefore",
    "region_code": "regionCode",
    "relevance_language": "relevanceLanguage",
    "video_category_id": "videoCategoryId",
}


class Config(OperationConfig):
    model_config = ConfigDict(coerce_numbers_to_str=True)

    credential: int | None = Field(
        None, ge=1, description="Your YouTube OAuth2 credential. Needed to run."
    )
    operation: Operation = Field(
        "search_videos",
        description="search_videos: videos matching a query or filters (your own channel's "
        "when none is given). get_video: one video by id. list_playlist_items: a playlist's "
        "videos. get_channel: a channel by id, or your own.",
    )
    query: str = Field(
        "",
        description="search_videos: the words to search for.",
        json_schema_extra=used_by("search_videos"),
    )
    channel_id: str = Field(
        "",
        description="search_videos: only this channel's videos. get_channel: the channel's id "
        "(UC…); empty for the credential's own channel.",
        json_schema_extra=used_by("search_videos", "get_channel"),
    )
    published_after: str = Field(
        "",
        description="search_videos: only videos published after this RFC 3339 time "
        "(2026-01-01T00:00:00Z).",
        json_schema_extra=used_by("search_videos"),
    )
    published_before: str = Field(
        "",
        description="search_videos: only videos published before this RFC 3339 time.",
        json_schema_extra=used_by("search_videos"),
    )
    region_code: str = Field(
        "",
        description="search_videos: videos viewable in this country (ISO 3166-1 alpha-2, US).",
        json_schema_extra=used_by("search_videos"),
    )
    relevance_language: str = Field(
        "",
        description="search_videos: prefer videos in this language (ISO 639-1, en).",
        json_schema_extra=used_by("search_videos"),
    )
    video_category_id: str = Field(
        "",
        description="search_videos: only videos of this category id (10 is music).",
        json_schema_extra=used_by("search_videos"),
    )
    order: Literal["", "date", "rating", "relevance", "title", "videoCount", "viewCount"] = Field(
        "",
        description="search_videos: the order (YouTube's default: relevance).",
        json_schema_extra=used_by("search_videos"),
    )
    safe_search: Literal["", "moderate", "none", "strict"] = Field(
        "",
        description="search_videos: restricted content filtering (YouTube's default: moderate).",
        json_schema_extra=used_by("search_videos"),
    )
    video_id: str = Field(
        "",
        description="get_video: the video's id (the v= part of its URL).",
        json_schema_extra=used_by("get_video", required=True),
    )
    playlist_id: str = Field(
        "",
        description="list_playlist_items: the playlist's id (the list= part of its URL; a "
        "channel's uploads are its id with UC changed to UU).",
        json_schema_extra=used_by("list_playlist_items", required=True),
    )
    parts: str = Field(
        "snippet",
        description="get_video / list_playlist_items / get_channel: the resource parts to "
        "return, comma-separated (snippet, contentDetails, statistics, status, …).",
        json_schema_extra=used_by("get_video", "list_playlist_items", "get_channel"),
    )
    max_results: int = Field(
        25,
        ge=1,
        le=MAX_LIST,
        description="search_videos / list_playlist_items: keep at most this many.",
        json_schema_extra=used_by(*LISTS),
    )


def _parts(config: Config) -> str:
    parts = ",".join(p.strip() for p in config.parts.split(",") if p.strip())
    if not parts:
        raise NodeError("The parts field is empty: name at least one part, e.g. snippet.")
    return parts


def _search(channel: Channel, config: Config) -> dict[str, Any]:
    params: dict[str, Any] = {"part": "snippet", "type": "video"}
    filters = {api: getattr(config, name).strip() for name, api in SEARCH_FILTERS.items()}
    filters = {api: value for api, value in filters.items() if value}
    if config.query.strip():
        filters["q"] = config.query
    # As n8n does: with no filter at all the search is of the channel's own videos.
    params |= filters or {"forMine": "true"}
    if config.order:
        params["order"] = config.order
    if config.safe_search:
        params["safeSearch"] = config.safe_search
    videos = channel.items("search", "search.list", params, config.max_results)
    return {"videos": videos, "count": len(videos)}


def _one(channel: Channel, resource: str, what: str, params: dict[str, Any]) -> Any:
    items = channel.call(resource, what, params).get("items") or []
    if not items:
        kind = resource[:-1]  # videos -> video, channels -> channel
        which = f"{kind} {params['id']}" if params.get("id") else f"{kind} of the credential's own"
        raise NodeError(f"YouTube has no {which} (or it is private).")
    return items[0]


def run(config: Config, ctx: RunContext) -> Any:
    """search_videos {videos, count} (search results: id.videoId and snippet);
    list_playlist_items {items, count}; get_video and get_channel the resource itself. n8n
    outputs each listed video or item as one item, as `videos`/`items` here."""
    secret, _ = credential_for(ctx, config.operation, YouTubeOAuth2)
    channel = Channel(secret)
    op = config.operation
    if op == "search_videos":
        return _search(channel, config)
    if op == "get_video":
        params = {"part": _parts(config), "id": config.video_id.strip()}
        return _one(channel, "videos", "videos.list", params)
    if op == "get_channel":
        who = {"id": config.channel_id.strip()} if config.channel_id.strip() else {"mine": "true"}
        return _one(channel, "channels", "channels.list", {"part": _parts(config), **who})
    params = {"part": _parts(config), "playlistId": config.playlist_id.strip()}
    items = channel.items("playlistItems", "playlistItems.list", params, config.max_results)
    return {"items": items, "count": len(items)}


NODE = NodeType(
    type="app.youtube",
    label="YouTube",
    category="app",
    description="Searches and reads YouTube videos, lists a playlist's videos and reads "
    "channels (YouTube Data API v3); outputs what YouTube answers.",
    Config=Config,
    run=run,
    credential_kinds=(YouTubeOAuth2.kind,),
    icon="▶",
    examples=(
        (
            "Find the 5 most viewed videos about n8n published since 2026-01-01, with YouTube "
            "credential 6",
            {
                "credential": 6,
                "operation": "search_videos",
                "query": "n8n",
                "published_after": "2026-01-01T00:00:00Z",
                "order": "viewCount",
                "max_results": 5,
            },
        ),
        (
            "Read video dQw4w9WgXcQ's title and view count",
            {"operation": "get_video", "video_id": "dQw4w9WgXcQ", "parts": "snippet,statistics"},
        ),
        (
            "List the first 50 videos of playlist PL552450E1514256AB",
            {
                "operation": "list_playlist_items",
                "playlist_id": "PL552450E1514256AB",
                "max_results": 50,
            },
        ),
        (
            "Read my channel's subscriber count",
            {"operation": "get_channel", "parts": "statistics"},
        ),
    ),
)
