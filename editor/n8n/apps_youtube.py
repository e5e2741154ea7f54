"""n8n's YouTube node as WorkFuse's `app.youtube`: videos got (search.list) and got by id,
a playlist's items got, a channel got. Uploads, updates, deletions, ratings, playlists and
categories are refused by name.

n8n emits one item per video or playlist item; WorkFuse's node outputs them as `videos` /
`items`, which the Spec names so the nodes after it run once per item."""

from __future__ import annotations

import dataclasses
from typing import Any

from editor.n8n.apps_base import credential_note, operation, text, unsupported
from editor.n8n.converter import BASE, Converted, Converter, N8nNode, Refusal, Spec

SUPPORTED = (
    "it gets videos (search and by id), a playlist's items and channels; uploads, updates, "
    "deletions, ratings, playlists and categories are not imported"
)
DEFAULTS = {
    "channel": "getAll",
    "playlist": "create",
    "playlistItem": "add",
    "video": "getAll",
    "videoCategory": "getAll",
}
ALL_PARTS = {
    "video": "contentDetails,id,liveStreamingDetails,localizations,player,recordingDetails,"
    "snippet,statistics,status,topicDetails",
    "playlistItem": "contentDetails,id,snippet,status",
    "channel": "brandingSettings,contentDetails,contentOwnerDetails,id,localizations,snippet,"
    "statistics,status,topicDetails",
}
MAX_LIST = 500
FILTERS = {
    "q": "query",
    "channelId": "channel_id",
    "publishedAfter": "published_after",
    "publishedBefore": "published_before",
    "regionCode": "region_code",
    "relevanceLanguage": "relevance_language",
    "videoCategoryId": "video_category_id",
}
OPTIONS = {"order": "order", "safeSearch": "safe_search"}


def _youtube(node: N8nNode, cx: Converter) -> Converted:
    resource, op = operation(node, "channel", DEFAULTS)
    notes = [credential_note("YouTube", "a Google OAuth client and a channel's refresh token")]
    if (resource, op) == ("video", "getAll"):
        config = _search(node, cx, notes)
    elif (resource, op) == ("video", "get"):
        config = {"operation": "get_video", "video_id": _required(node, cx, "videoId", "Video ID")}
        config["parts"] = _parts(node, resource)
    elif (resource, op) == ("playlistItem", "getAll"):
        playlist = _required(node, cx, "playlistId", "Playlist ID")
        config = {"operation": "list_playlist_items", "playlist_id": playlist}
        config |= {"parts": _parts(node, resource)} | _limit(node, notes)
    elif (resource, op) == ("channel", "get"):
        channel = _required(node, cx, "channelId", "Channel ID")
        config = {
            "operation": "get_channel",
            "channel_id": channel,
            "parts": _parts(node, resource),
        }
    else:
        raise unsupported("YouTube", resource, op, SUPPORTED)
    _refuse_options(node, ("order", "safeSearch") if op == "getAll" else ())
    return Converted("app.youtube", config, notes=notes)


def _required(node: N8nNode, cx: Converter, param: str, label: str) -> Any:
    value = text(cx, node, node.params.get(param))
    if value in ("", None):
        raise Refusal(f"has no {label}; set it in n8n.")
    return value


def _parts(node: N8nNode, resource: str) -> str:
    parts = node.params.get("part") or ["*"]  # n8n's default: every part
    parts = [parts] if isinstance(parts, str) else list(parts)
    if "*" in parts:
        return ALL_PARTS[resource]
    return ",".join(str(p) for p in parts)


def _limit(node: N8nNode, notes: list[str]) -> dict[str, Any]:
    if node.params.get("returnAll"):
        notes.append(f"n8n read every result; WorkFuse keeps at most {MAX_LIST}.")
        return {"max_results": MAX_LIST}
    return {"max_results": min(max(int(node.params.get("limit") or 25), 1), MAX_LIST)}


def _refuse_options(node: N8nNode, allowed: tuple[str, ...]) -> None:
    options = dict(node.params.get("options") or {})
    others = sorted(k for k, v in options.items() if k not in allowed and v not in ("", None))
    if others:
        raise Refusal(
            f"sets the option(s) {', '.join(others)}, which WorkFuse's YouTube node does not "
            "send; remove them in n8n or use an HTTP Request node."
        )


def _search(node: N8nNode, cx: Converter, notes: list[str]) -> dict[str, Any]:
    filters = dict(node.params.get("filters") or {})
    unknown = sorted(k for k in filters if k not in FILTERS)
    if unknown:
        raise Refusal(
            f"filters by {', '.join(unknown)}, which WorkFuse's YouTube node does not send; "
            "remove the filter in n8n or use an HTTP Request node."
        )
    config: dict[str, Any] = {"operation": "search_videos"}
    for name, field in FILTERS.items():
        if filters.get(name) not in ("", None):
            config[field] = text(cx, node, filters[name])
    options = dict(node.params.get("options") or {})
    for name, field in OPTIONS.items():
        if options.get(name):
            config[field] = str(options[name])
    return config | _limit(node, notes)


def _spec(node: N8nNode, cx: Converter) -> Spec:
    resource, op = operation(node, "channel", DEFAULTS)
    many = {("video", "getAll"): "videos", ("playlistItem", "getAll"): "items"}
    items = many.get((resource, op))
    return dataclasses.replace(SPECS[f"{BASE}youTube"], per_node=None, items=items)


SPECS: dict[str, Spec] = {f"{BASE}youTube": Spec(_youtube, "", per_node=_spec)}
