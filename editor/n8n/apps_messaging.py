"""n8n's Slack, Discord, Telegram (and its trigger) and Twilio nodes as WorkFuse's `app.slack`,
`app.discord`, `app.telegram` and `app.twilio` (integrations/<service>/node.py), for the
operations both sides have; the others are refused by name."""

from __future__ import annotations

from typing import Any

from editor.n8n.apps_base import binary_file, credential_note, operation, text, unsupported
from editor.n8n.converter import (
    BASE,
    FETCHED,
    Converted,
    Converter,
    N8nNode,
    Refusal,
    Spec,
    json_text,
)

SLACK_OPS = (
    "it posts, updates, deletes and searches messages, uploads text files and gets and updates "
    "user profiles"
)
# --- slackprofile ---
# n8n's user profile operations: (resource, operation) by node version -> app.slack's.
SLACK_PROFILE_OPS = {
    ("userProfile", "get"): "get_profile",
    ("userProfile", "update"): "update_profile",
    ("user", "getProfile"): "get_profile",
    ("user", "updateProfile"): "update_profile",
}
SLACK_PROFILE_TEXTS = ("status_text", "status_emoji", "first_name", "last_name", "email")
SLACK_PROFILE_ZONE = (
    "n8n read Status Expiration in the n8n instance's time zone, which the export does not "
    "say; WorkFuse reads it in time_zone (UTC): set it if they differ."
)
# --- end slackprofile ---
TELEGRAM_OPS = {
    "sendMessage": "send_message",
    "sendPhoto": "send_photo",
    "sendDocument": "send_document",
    "sendAudio": "send_audio",
    "sendVideo": "send_video",
    "editMessageText": "edit_message_text",
    "deleteMessage": "delete_message",
    "sendChatAction": "send_chat_action",
}
TELEGRAM_SUPPORTED = (
    "it sends, edits and deletes messages, sends photos, documents, audio and video, sends chat "
    "actions, reads chats and downloads files"
)
# Fields of the messages, chats and files Telegram answers with: n8n's output is Telegram's
# whole answer ({ok, result}), WorkFuse's its result.
TELEGRAM_RESULT = (
    "message_id",
    "message_thread_id",
    "from",
    "chat",
    "date",
    "edit_date",
    "text",
    "entities",
    "caption",
    "photo",
    "document",
    "audio",
    "video",
    "voice",
    "reply_markup",
    "reply_to_message",
    "id",
    "type",
    "title",
    "username",
    "first_name",
    "last_name",
    "file_id",
    "file_unique_id",
    "file_size",
    "file_path",
)
TELEGRAM_UPDATES = [
    "update_id",
    "message",
    "edited_message",
    "channel_post",
    "edited_channel_post",
    "business_message",
    "inline_query",
    "chosen_inline_result",
    "callback_query",
    "shipping_query",
    "pre_checkout_query",
    "poll",
    "poll_answer",
    "my_chat_member",
    "chat_member",
    "chat_join_request",
    "message_reaction",
]


# --- Slack ---------------------------------------------------------------------------------


def _slack(node: N8nNode, cx: Converter) -> Converted:
    p = node.params
    resource, op = operation(node, "message", {"message": "post"})
    if (resource, op) in SLACK_PROFILE_OPS:
        return _slack_profile(node, cx, SLACK_PROFILE_OPS[resource, op])
    if resource != "message" or op not in ("post", "update", "delete", "search"):
        raise unsupported("Slack", resource, op, SLACK_OPS)
    if op in ("delete", "search"):
        return _slack_delete_or_search(node, cx, op)
    notes = [credential_note("Slack", "a bot token")]
    message_type = p.get("messageType") or "text"
    config: dict[str, Any] = {
        "operation": "post_message" if op == "post" else "update_message",
        "text": text(cx, node, p.get("text", "")),
    }
    if node.version < 2:
        config["channel"] = text(cx, node, p.get("channel" if op == "post" else "channelId", ""))
        if p.get("jsonParameters") and p.get("blocksJson"):
            config["blocks"] = _json_value(cx, node, p["blocksJson"])
        elif (p.get("blocksUi") or {}).get("blocksValues"):
            raise Refusal("builds Slack blocks field by field; write them as JSON in n8n.")
    else:
        target = "user" if op == "post" and p.get("select") == "user" else "channelId"
        config["channel"] = _channel(cx, node, p.get(target), target)
        if message_type == "block":
            config["blocks"] = _json_value(cx, node, p.get("blocksUi", ""))
    options = p.get("otherOptions") or {}
    thread = options.get("thread_ts")
    if isinstance(thread, dict):  # v2: {replyValues: {thread_ts, reply_broadcast}}
        thread = (thread.get("replyValues") or {}).get("thread_ts")
    if thread and op == "post":
        config["thread_ts"] = text(cx, node, thread)
    if op == "update":
        config["ts"] = text(cx, node, p.get("ts", ""))
    attachments = _slack_attachments(cx, node)
    if attachments:
        config["attachments"] = attachments
    # n8n's link to the workflow is n8n's own advert; Slack reads mrkdwn by default.
    ignored = {
        "thread_ts",
        "includeLinkToWorkflow",
        *(["mrkdwn"] if options.get("mrkdwn", True) else []),
    }
    dropped = sorted(k for k in options if k not in ignored)
    if dropped:
        notes.append(f"n8n's Slack options {', '.join(dropped)} are not carried over.")
    return Converted("app.slack", config, notes=notes)


def _slack_attachments(cx: Converter, node: N8nNode) -> list[dict[str, Any]]:
    """n8n's legacy attachments, as n8n sends them: each attachment's fields moved up from
    their `item` list (n8n's own storage shape)."""
    made = []
    for attachment in node.params.get("attachments") or []:
        if not isinstance(attachment, dict):
            continue
        attachment = dict(attachment)
        fields = attachment.pop("fields", None)
        if isinstance(fields, dict) and fields.get("item"):
            attachment["fields"] = fields["item"]
        made.append(text(cx, node, attachment))
    return made


def _slack_delete_or_search(node: N8nNode, cx: Converter, op: str) -> Converted:
    p = node.params
    if op == "delete":
        notes = [credential_note("Slack", "a bot token")]
        target = "user" if p.get("select") == "user" else "channelId"
        config: dict[str, Any] = {
            "operation": "delete_message",
            "channel": _channel(cx, node, p.get(target), target),
            "ts": text(cx, node, p.get("timestamp", "")),
        }
        return Converted("app.slack", config, notes=notes)
    notes = [credential_note("Slack", "a user token (xoxp-…) with search:read")]
    sort = p.get("sort") or "desc"
    config = {
        "operation": "search_messages",
        "query": text(cx, node, p.get("query", "")),
        "sort": "score" if sort == "relevance" else "timestamp",
        "sort_dir": "asc" if sort == "asc" else "desc",
    }
    options = p.get("options") or {}
    if options.get("searchChannel"):
        raise Refusal(
            "searches only the channels chosen in its options; write them into the query "
            "(in:#channel) in n8n and export again."
        )
    if p.get("returnAll"):
        config["count"] = 100
        notes.append("n8n read every match; WorkFuse reads the first 100.")
    else:
        config["count"] = min(max(int(p.get("limit", 25)), 1), 100)
    return Converted("app.slack", config, notes=notes)


# --- slackprofile ---
def _slack_profile(node: N8nNode, cx: Converter, op: str) -> Converted:
    """n8n's userProfile (version 1) or user (version 2) get and update profile. Version 1 keeps
    every field in Additional Fields; version 2 the user ID beside Options, and the status in
    Options' Set Status."""
    p = node.params
    notes = [credential_note("Slack", "a user token (xoxp-…) with users.profile:write")]
    fields = dict(p.get("options" if "options" in p else "additionalFields") or {})
    if node.version >= 2 and op == "get_profile":
        fields = {"user": p.get("user")}
    config: dict[str, Any] = {"operation": op}
    user = text(cx, node, fields.pop("user", None))
    if user:
        config["user"] = user
    if op == "get_profile":
        if fields.pop("include_labels", False):
            config["include_labels"] = True
        return _slack_profile_done(node, config, fields, notes)
    status = fields.pop("status", None)
    if isinstance(status, dict):  # v2: {set_status: [{status_text, status_emoji, …}]}
        fields.update(((status.get("set_status") or [{}])[:1] or [{}])[0])
    present = {k: fields.pop(k) for k in SLACK_PROFILE_TEXTS if k in fields}
    for key, value in present.items():
        if value not in ("", None):
            config[key] = text(cx, node, value)
    if {"status_text", "status_emoji"} <= present.keys() and not (
        config.get("status_text") or config.get("status_emoji")
    ):
        config["clear_status"] = True
    if fields.get("status_expiration"):
        config["status_expiration"] = text(cx, node, fields.pop("status_expiration"))
        settings = cx.data.get("settings") if isinstance(cx.data.get("settings"), dict) else {}
        zone = str((settings or {}).get("timezone") or "")
        if zone and zone != "DEFAULT":
            config["time_zone"] = zone
        else:
            notes.append(SLACK_PROFILE_ZONE)
    fields.pop("status_expiration", None)
    custom = (fields.pop("customFieldUi", None) or {}).get("customFieldValues") or []
    if custom:
        config["custom_fields"] = [
            {k: text(cx, node, entry.get(k, "")) for k in ("id", "value", "alt")}
            for entry in custom
            if isinstance(entry, dict)
        ]
    return _slack_profile_done(node, config, fields, notes)


def _slack_profile_done(
    node: N8nNode, config: dict[str, Any], fields: dict[str, Any], notes: list[str]
) -> Converted:
    others = sorted(k for k, v in fields.items() if v not in ("", None, [], {}))
    if others:
        raise Refusal(
            f"sets {', '.join(others)}, which n8n's Slack {config['operation']} does not send."
        )
    return Converted("app.slack", config, notes=notes)


# --- end slackprofile ---


def _slack_many(node: N8nNode) -> str | None:
    return "matches" if node.params.get("operation") == "search" else None


def _channel(cx: Converter, node: N8nNode, value: Any, what: str) -> Any:
    """Slack's channel (or user, for a direct message) resource locator."""
    mode = value.get("mode") if isinstance(value, dict) else None
    channel = text(cx, node, value)
    if mode == "name" and isinstance(channel, str) and not channel.startswith(("#", "{")):
        channel = "#" + channel
    if mode == "username":
        raise Refusal(
            "messages a user chosen by username; WorkFuse's Slack node takes the user's ID "
            "(U0123…). Choose the user by ID in n8n and export again."
        )
    if not channel:
        raise Refusal(f"has no {'user' if what == 'user' else 'channel'}; choose one in n8n.")
    return channel


def _json_value(cx: Converter, node: N8nNode, value: Any) -> Any:
    """A JSON parameter: parsed when it is plain JSON, a template when it is an expression."""
    if isinstance(value, str) and not value.startswith("="):
        parsed = json_text(value)
        if parsed is None and value.strip():
            raise Refusal("has JSON that does not parse; fix it in n8n and export again.")
        if isinstance(parsed, dict) and "blocks" in parsed:  # Block Kit Builder's {blocks: [...]}
            return parsed["blocks"]
        return parsed
    template = text(cx, node, value)
    if isinstance(template, str) and '"blocks"' in template and "{%" not in template:
        # Block Kit Builder's {"blocks": [...]} written with expressions: the list inside.
        return (
            "{% set message %}" + template + "{% endset %}"
            "{{ (message | fromjson)['blocks'] | tojson }}"
        )
    return template


# --- Discord -------------------------------------------------------------------------------


def _discord(node: N8nNode, cx: Converter) -> Converted:
    p = node.params
    notes = [credential_note("Discord", "the channel's webhook URL")]
    if node.version < 2:
        options = p.get("options") or {}
        config: dict[str, Any] = {
            "operation": "send_message",
            "content": text(cx, node, p.get("text", "")),
        }
        if options.get("username"):
            config["username"] = text(cx, node, options["username"])
        if options.get("embeds"):
            config["embeds"] = _json_value(cx, node, options["embeds"])
        dropped = sorted(set(options) - {"username", "embeds"})
    else:
        auth = p.get("authentication") or "botToken"
        if auth == "webhook":
            resource, op = "message", "sendLegacy"
        else:
            resource, op = operation(node, "channel", {"message": "send"})
            if resource != "message" or op != "send":
                raise unsupported("Discord", resource, op, "it sends messages through a webhook")
            notes.append(
                "n8n posted as a bot to a chosen channel; WorkFuse posts through a webhook, so "
                "choose the webhook of that channel."
            )
        options = p.get("options") or {}
        config = {"operation": "send_message", "content": text(cx, node, p.get("content", ""))}
        if options.get("username"):
            config["username"] = text(cx, node, options["username"])
        embeds = [_embed(cx, node, e) for e in (p.get("embeds") or {}).get("values") or []]
        if embeds:
            config["embeds"] = embeds
        dropped = sorted(set(options) - {"username"})
        # --- discord ---
        attached = _discord_files(cx, node, (p.get("files") or {}).get("values") or [])
        if attached:
            config["files"] = attached
        # --- end discord ---
    if dropped:
        notes.append(f"n8n's Discord options {', '.join(dropped)} are not carried over.")
    if not config.get("content") and not config.get("embeds") and not config.get("files"):
        raise Refusal("sends nothing (no content, embeds or files); write the message in n8n.")
    return Converted("app.discord", config, notes=notes)


# --- discord ---
def _discord_files(cx: Converter, node: N8nNode, entries: list[Any]) -> str | None:
    """Discord v2's Files (DiscordV2 `prepareMultiPartForm`): each entry's Input Data Field
    Name ("data" unless set) is a binary property of the input item, sent as an attachment
    under its file's name: the file values `Converter.file_ref` finds, one template."""
    names = [
        str((entry or {}).get("inputFieldName") or "data") if isinstance(entry, dict) else "data"
        for entry in entries
    ]
    refs = [cx.file_ref(node, name) for name in names]
    if len(refs) <= 1:
        return refs[0] if refs else None
    paths = [ref.removeprefix("{{ ").removesuffix(" }}") for ref in refs]
    return "{{ [" + ", ".join(paths) + "] }}"  # one expression: the list of file values


# --- end discord ---


def _embed(cx: Converter, node: N8nNode, values: dict[str, Any]) -> Any:
    if (values.get("inputMethod") or "fields") == "json":
        return _json_value(cx, node, values.get("json") or "{}")
    embed: dict[str, Any] = {}
    for key in ("title", "description", "url", "timestamp"):
        if values.get(key):
            embed[key] = text(cx, node, values[key])
    for key in ("image", "thumbnail", "video"):
        if values.get(key):
            embed[key] = {"url": text(cx, node, values[key])}
    if values.get("author"):
        embed["author"] = {"name": text(cx, node, values["author"])}
    color = values.get("color")
    if isinstance(color, str) and color.startswith("#"):
        embed["color"] = int(color[1:], 16)
    elif isinstance(color, int):
        embed["color"] = color
    return embed


# --- Telegram ------------------------------------------------------------------------------


def _telegram(node: N8nNode, cx: Converter) -> Converted:
    p = node.params
    resource, op = operation(
        node, "message", {"message": "sendMessage", "chat": "get", "file": "get"}
    )
    notes = [credential_note("Telegram", "a bot token")]
    fields = p.get("additionalFields") or {}
    if (resource, op) == ("file", "get"):
        config: dict[str, Any] = {
            "operation": "get_file",
            "file_id": text(cx, node, p.get("fileId", "")),
            "download": bool(p.get("download", True)),
        }
        if not config["download"]:
            return Converted("app.telegram", config, notes=notes)
        notes.append(
            "n8n put the downloaded file in the item's binary data; WorkFuse puts it in the "
            "output's file, which the nodes after it read as that binary."
        )
        made = (("data", f"nodes.{node.id}.file"),)
        return Converted("app.telegram", config, notes=notes, spec={"binary": made})
    if (resource, op) == ("chat", "get"):
        config = {"operation": "get_chat", "chat_id": text(cx, node, p.get("chatId", ""))}
        return Converted("app.telegram", config, notes=notes)
    if resource != "message" or op not in TELEGRAM_OPS:
        raise unsupported("Telegram", resource, op, TELEGRAM_SUPPORTED)
    config = {"operation": TELEGRAM_OPS[op], "chat_id": text(cx, node, p.get("chatId", ""))}
    # --- quality ---
    inline = op == "editMessageText" and p.get("messageType") == "inlineMessage"  # no chat
    if not inline and not str(config["chat_id"]).strip():  # n8n stops it at run: Chat ID required
        raise Refusal(
            f"its 'Chat ID' is empty, so the {op} operation has no chat to send to (n8n stops "
            "it with 'Chat ID' required); fill it in in n8n and export again."
        )
    # --- end quality ---
    if op == "sendChatAction":
        action = text(cx, node, p.get("action") or "typing")
        # n8n still offers the audio actions Telegram renamed to voice; Telegram shows the same.
        config["action"] = {"record_audio": "record_voice", "upload_audio": "upload_voice"}.get(
            action, action
        )
        return Converted("app.telegram", config, notes=notes)
    if op in ("deleteMessage", "editMessageText"):
        if op == "editMessageText" and p.get("messageType") == "inlineMessage":
            raise Refusal(
                "edits a message sent through inline mode (by its inline_message_id); WorkFuse "
                "edits messages by chat and message_id."
            )
        config["message_id"] = text(cx, node, p.get("messageId", ""))
        if op == "deleteMessage":
            return Converted("app.telegram", config, notes=notes)
    if op in ("sendMessage", "editMessageText"):
        config["text"] = text(cx, node, p.get("text", ""))
    else:
        if p.get("binaryData"):
            config["file"] = binary_file(cx, node, p.get("binaryPropertyName"))
        else:
            config["file"] = text(cx, node, p.get("file", ""))
        if fields.get("caption"):
            config["caption"] = text(cx, node, fields["caption"])
    # n8n sends Markdown unless told otherwise (for captions too).
    config["parse_mode"] = fields.get("parse_mode") or "Markdown"
    if op in ("sendMessage", "editMessageText") and node.version >= 1.2:
        # Version 1.2 turns link previews off unless told otherwise.
        if fields.get("disable_web_page_preview") is not False:
            config["disable_web_page_preview"] = True
    elif fields.get("disable_web_page_preview"):
        config["disable_web_page_preview"] = True
    if op != "editMessageText":
        if fields.get("reply_to_message_id"):
            config["reply_to_message_id"] = text(cx, node, fields["reply_to_message_id"])
        if fields.get("disable_notification"):
            config["disable_notification"] = True
    markup = _telegram_markup(node, cx)
    if markup:
        config["reply_markup"] = markup
    known = {
        "parse_mode",
        "appendAttribution",
        "disable_web_page_preview",
        "reply_to_message_id",
        "disable_notification",
        "caption",
    }
    dropped = sorted(set(fields) - known)
    if dropped:
        notes.append(f"n8n's Telegram fields {', '.join(dropped)} are not carried over.")
    return Converted("app.telegram", config, notes=notes)


def _telegram_markup(node: N8nNode, cx: Converter) -> dict[str, Any] | None:
    """n8n's Reply Markup settings as Telegram's reply_markup (n8n builds the same object)."""
    p = node.params
    kind = p.get("replyMarkup") or "none"
    if kind == "none":
        return None
    if kind == "forceReply":
        options = p.get("forceReply") or {}
        return {"force_reply": True, **_flags(options, ("selective",))}
    if kind == "replyKeyboardRemove":
        options = p.get("replyKeyboardRemove") or {}
        return {"remove_keyboard": True, **_flags(options, ("selective",))}
    if kind not in ("inlineKeyboard", "replyKeyboard"):
        raise Refusal(f"adds a {kind} reply markup, which WorkFuse does not know.")
    rows = []
    for row in (p.get(kind) or {}).get("rows") or []:
        buttons = []
        for button in (row.get("row") or {}).get("buttons") or []:
            made: dict[str, Any] = {"text": text(cx, node, button.get("text", ""))}
            for key, value in (button.get("additionalFields") or {}).items():
                if key == "web_app" or isinstance(value, dict):
                    raise Refusal(f"has a keyboard button with {key}, which WorkFuse does not set.")
                made[key] = text(cx, node, value)
            buttons.append(made)
        if buttons:
            rows.append(buttons)
    if not rows:
        # n8n sends an empty keyboard, which shows no buttons: the message is the same without.
        return None
    if kind == "inlineKeyboard":
        return {"inline_keyboard": rows}
    options = p.get("replyKeyboardOptions") or {}
    return {
        "keyboard": rows,
        **_flags(options, ("resize_keyboard", "one_time_keyboard", "selective")),
    }


def _flags(options: dict[str, Any], names: tuple[str, ...]) -> dict[str, Any]:
    return {name: True for name in names if options.get(name)}


def _telegram_trigger(node: N8nNode, cx: Converter) -> Converted:
    """Telegram posts each update to the webhook a bot registers; WorkFuse's webhook trigger
    receives it as its body (the Spec's aliases read n8n's `$json.message` there)."""
    p = node.params
    notes = [
        "Telegram calls this workflow's webhook URL once you register it with the bot's "
        "setWebhook method (n8n registered its own on activation).",
    ]
    updates = p.get("updates") or ["*"]
    if updates != ["*"]:
        notes.append(
            f"n8n asked Telegram only for {', '.join(map(str, updates))} updates; pass them as "
            "allowed_updates to setWebhook."
        )
    notes.append(
        "Set a secret_token with setWebhook and check the X-Telegram-Bot-Api-Secret-Token "
        "header (auth header) so only Telegram can start the workflow."
    )
    config = {"methods": ["POST"], "response": "immediate"}
    # --- files2 ---
    fields = p.get("additionalFields") or {}
    if fields.get("download"):
        size = str(fields.get("imageSize") or "large")
        return Converted(
            "trigger.webhook",
            config,
            notes=notes,
            spec={"binary": (("data", FETCHED),)},
            fetch_file=lambda step_id: _telegram_download(node, size),
        )
    # --- end files2 ---
    return Converted("trigger.webhook", config, notes=notes)


# --- files2 ---
# n8n's TelegramTrigger `webhook` with Download on: a photo's file by Image Size (small, medium,
# large: the update's photo sizes 0, 2 and 3, the first when that one is missing), else the
# video's, else the document's, of the message or channel post.
PHOTO_SIZES = {"small": 0, "medium": 2, "large": 3}
TELEGRAM_FILE_ID = (
    "{%- set m = trigger.body.message if trigger.body.message is defined "
    "else trigger.body.channel_post -%}"
    "{%- if m.photo is defined -%}"
    "{{ (m.photo[SIZE] if m.photo | length > SIZE else m.photo[0]).file_id }}"
    "{%- elif m.video is defined -%}{{ m.video.file_id }}"
    "{%- else -%}{{ m.document.file_id }}{%- endif -%}"
)


def _telegram_download(node: N8nNode, size: str) -> dict[str, Any]:
    """The app.telegram step that downloads the file of the update `node` received, as n8n's
    trigger did on receiving it; it runs right before the node that reads the file."""
    index = PHOTO_SIZES.get(size, 3)
    config = {
        "operation": "get_file",
        "file_id": TELEGRAM_FILE_ID.replace("SIZE", str(index)),
        "download": True,
    }
    note = (
        f"Downloads the file of the update '{node.name}' received (n8n's trigger downloaded it "
        "with Download on): "
        + credential_note("Telegram", "a bot token")
        + " An update without a photo, video or document fails this step, as the node reading "
        "its file failed in n8n."
    )
    return {
        "type": "app.telegram",
        "label": f"Download the file of {node.name}",
        "config": config,
        "notes": note,
    }


# --- end files2 ---


# --- Twilio --------------------------------------------------------------------------------


def _twilio(node: N8nNode, cx: Converter) -> Converted:
    p = node.params
    resource, op = operation(node, "sms", {"sms": "send", "call": "make"})
    if resource != "sms" or op != "send":
        raise unsupported("Twilio", resource, op, "it sends SMS")
    if p.get("toWhatsapp"):
        raise Refusal("sends a WhatsApp message; WorkFuse's Twilio node sends SMS.")
    config = {
        "operation": "send_sms",
        "to": text(cx, node, p.get("to", "")),
        "from_number": text(cx, node, p.get("from", "")),
        "body": text(cx, node, p.get("message", "")),
    }
    notes = [credential_note("Twilio", "account SID and auth token")]
    if (p.get("options") or {}).get("statusCallback"):
        notes.append("n8n's status callback URL is not carried over.")
    return Converted("app.twilio", config, notes=notes)


def _slack_spec(node: N8nNode) -> Spec:
    return Spec(_slack, "", items=_slack_many(node))


SPECS: dict[str, Spec] = {
    f"{BASE}slack": Spec(_slack, "", per_node=lambda node, cx: _slack_spec(node)),
    f"{BASE}discord": Spec(_discord, ""),
    f"{BASE}telegram": Spec(
        _telegram, "", tuple((f"result.{field}", field) for field in TELEGRAM_RESULT)
    ),
    f"{BASE}telegramTrigger": Spec(
        _telegram_trigger,
        "trigger",
        tuple((field, f"body.{field}") for field in TELEGRAM_UPDATES),
    ),
    f"{BASE}twilio": Spec(_twilio, ""),
}
