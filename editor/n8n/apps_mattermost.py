"""n8n's Mattermost node as WorkFuse's `app.mattermost`: messages posted (with attachments and
a parent post), ephemeral messages, channels created and users added. n8n keeps an
attachment's fields as `{"item": [...]}`; they become the list Mattermost takes. Attachment
actions (interactive buttons and menus), deleting messages, reactions, users and the other
channel operations are refused by name."""

from __future__ import annotations

from typing import Any

from editor.n8n.apps_base import credential_note, operation, text, unsupported
from editor.n8n.converter import BASE, Converted, Converter, N8nNode, Refusal, Spec

SUPPORTED = "it posts messages and ephemeral messages, creates channels and adds users to channels"
DEFAULTS = {"message": "post", "channel": "create", "reaction": "create", "user": "create"}


def _mattermost(node: N8nNode, cx: Converter) -> Converted:
    resource, op = operation(node, "message", DEFAULTS)
    p = node.params
    if (resource, op) == ("message", "post"):
        config = {
            "operation": "post_message",
            "channel_id": _id(node, cx, "channelId", "channel"),
            "message": text(cx, node, p.get("message")),
            **_options(node, cx),
        }
        attachments = [_attachment(a, node, cx) for a in p.get("attachments") or []]
        if attachments:
            config["attachments"] = attachments
    elif (resource, op) == ("message", "postEphemeral"):
        config = {
            "operation": "post_ephemeral",
            "channel_id": _id(node, cx, "channelId", "channel"),
            "user_id": _id(node, cx, "userId", "user"),
            "message": text(cx, node, p.get("message")),
        }
    elif (resource, op) == ("channel", "create"):
        config = {
            "operation": "create_channel",
            "team_id": _id(node, cx, "teamId", "team"),
            "display_name": text(cx, node, p.get("displayName")),
            "name": text(cx, node, p.get("channel")),
            "channel_type": "private" if p.get("type") == "private" else "public",
        }
    elif (resource, op) == ("channel", "addUser"):
        config = {
            "operation": "add_user",
            "channel_id": _id(node, cx, "channelId", "channel"),
            "user_id": _id(node, cx, "userId", "user"),
        }
    else:
        raise unsupported("Mattermost", resource, op, SUPPORTED)
    notes = [credential_note("Mattermost", "an access token and the server's address")]
    return Converted("app.mattermost", config, notes=notes)


def _id(node: N8nNode, cx: Converter, param: str, what: str) -> Any:
    value = text(cx, node, node.params.get(param))
    if value in ("", None):
        raise Refusal(f"names no {what}; set the {what.title()} ID in n8n and export again.")
    return value


def _options(node: N8nNode, cx: Converter) -> dict[str, Any]:
    options = dict(node.params.get("otherOptions") or {})
    root = options.pop("root_id", None)
    if options:
        raise Refusal(f"sets the option(s) {', '.join(sorted(options))}, which WorkFuse lacks.")
    return {"root_id": text(cx, node, root)} if root else {}


def _attachment(raw: Any, node: N8nNode, cx: Converter) -> dict[str, Any]:
    """One attachment as Mattermost takes it (n8n moves `fields.item` up the same way)."""
    attachment = dict(raw) if isinstance(raw, dict) else {}
    if (attachment.pop("actions", None) or {}).get("item"):
        raise Refusal(
            "adds interactive actions (buttons or menus) to an attachment, which WorkFuse's "
            "Mattermost node does not send; remove them in n8n or post with an HTTP Request "
            "node."
        )
    fields = (attachment.pop("fields", None) or {}).get("item")
    converted = {k: text(cx, node, v) for k, v in attachment.items() if v not in ("", None)}
    if fields:
        converted["fields"] = [{k: text(cx, node, v) for k, v in field.items()} for field in fields]
    return converted


SPECS: dict[str, Spec] = {f"{BASE}mattermost": Spec(_mattermost, "")}
