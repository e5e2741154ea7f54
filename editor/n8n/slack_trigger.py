"""n8n's Slack Trigger (version 1) as WorkFuse's webhook trigger (docs/triggers.md).

Slack's Events API posts each event to the webhook URL. The trigger answers Slack's URL check
(`challenge: slack`), checks Slack's signature once the user gives the app's Signing Secret
(`hmac_preset: slack`; credentials are never imported), and drops without a run the events
n8n's `webhook()` dropped, with `start_when` rules read on the call: an event of a type not
chosen (unless Any Event or File Shared is: n8n then let every type through), of another
channel (unless Watch Whole Workspace; team_join and app_home_opened have no channel), from an
ignored user, or a reaction_added of an emoji not listed. n8n's item is the call's `event`, so
`$json` after the trigger is `trigger.body.event` (Spec.trigger_item).

Resolve IDs and Download Files call Slack's Web API (users.info, conversations.info, the
files' private URLs), which WorkFuse's Slack node does not: they are refused by name.
"""

from __future__ import annotations

import json
import re
from typing import Any

from editor.n8n.converter import BASE, Converted, Converter, N8nNode, Refusal, Spec

TRIGGER = f"{BASE}slackTrigger"
EVENT = "trigger.body.event"
TYPE = "{{ " + EVENT + ".type }}"
EVERY_TYPE = ("any_event", "file_share")  # n8n's type check lets every event through with either
WITHOUT_CHANNEL = ("team_join", "app_home_opened")  # n8n checks no channel for these
CHANNEL_URL = re.compile(r"https?://app\.slack\.com/client/.*/([a-zA-Z0-9]{2,})")
JSON_LIST = re.compile(r"^=\{\{\s*(\[.*\])\s*\}\}$", re.S)


def _field(path: str) -> str:
    """A Jinja expression for an event field read as n8n's `a?.b` reads it: a missing part
    gives nothing rather than an error."""
    *parents, last = path.split(".")
    expression = EVENT
    for part in parents:
        expression = f"({expression}.{part} | default({{}}))"
    return f"{expression}.{last}"


def _first(*paths: str) -> str:
    """The first of the event's fields that is set, else null: n8n's `a ?? b ?? c` (an empty
    value counts as unset here too)."""
    expression = "none"
    for path in reversed(paths):
        expression = f"{_field(path)} | default({expression}, true)"
    return "{{ " + expression + " }}"


CHANNEL = _first("channel", "item.channel", "channel_id")
USER = _first("user", "message.user")
REACTION = "{{ " + EVENT + ".reaction | default('', true) | lower }}"


def _slack_trigger(node: N8nNode, cx: Converter) -> Converted:
    p = node.params
    types = _types(p.get("trigger"))
    every = any(t in EVERY_TYPE for t in types)
    options = p.get("options") or {}
    if options.get("resolveIds"):
        raise Refusal(
            "has Resolve IDs on: n8n looked user and channel names up with Slack's users.info "
            "and conversations.info, which WorkFuse's Slack node does not call. Turn it off in "
            "n8n (an HTTP Request to Slack's API with a bot token can look the names up after "
            "the trigger) and export again."
        )
    if every and p.get("downloadFiles"):
        raise Refusal(
            "has Download Files on: n8n fetched the shared files from Slack with the bot token, "
            "which WorkFuse's Slack node does not do. Turn it off in n8n (an HTTP Request with "
            "the bot token as a bearer credential can fetch a file's url_private_download) and "
            "export again."
        )
    notes = [
        "Slack calls this workflow's webhook URL once you set it as the Request URL under "
        "Event Subscriptions in your Slack app and subscribe the app to the events it listens "
        f"to ({', '.join(types)}); WorkFuse answers Slack's URL check (challenge: slack).",
        "Then set auth to hmac and choose a webhook secret credential holding the app's Signing "
        "Secret (Basic Information → App Credentials): X-Slack-Signature is checked (hmac_preset "
        "slack). Until then anyone with the URL can start the workflow.",
        "Events n8n dropped are dropped by the trigger's start_when rules: Slack is answered "
        "200 and no run starts.",
    ]
    rules: list[dict[str, Any]] = [
        # Slack's envelope of an event; n8n failed on any other call (it read body.event).
        {"left": "{{ trigger.body.type }}", "operator": "eq", "right": "event_callback"}
    ]
    if not every:
        rules.append(_one_of(TYPE, types))
    if not p.get("watchWorkspace"):
        rules.append(_channel_rule(p.get("channelId"), types, every, notes))
    ignored = _ignored_users(options.get("userIds"))
    if ignored:
        rules.append({"left": ignored, "operator": "not_contains", "right": USER})
    emojis = _emojis(options.get("reactionEmojis"))
    if emojis and (every or "reaction_added" in types):
        rules.append(
            {
                "combinator": "or",
                "rules": [
                    {"left": TYPE, "operator": "ne", "right": "reaction_added"},
                    *({"left": REACTION, "operator": "eq", "right": e} for e in emojis),
                ],
            }
        )
    config = {
        "methods": ["POST"],
        "response": "immediate",
        "auth": "none",
        "hmac_preset": "slack",
        "challenge": "slack",
        "start_when": {"combinator": "and", "rules": rules},
    }
    return Converted("trigger.webhook", config, notes=notes)


def _types(chosen: Any) -> list[str]:
    if not isinstance(chosen, list) or not chosen:
        raise Refusal(
            "listens to no events (n8n started no run); choose them under Trigger On in n8n "
            "and export again."
        )
    if not all(isinstance(t, str) and t and not t.startswith("=") for t in chosen):
        raise Refusal(f"names its events {chosen!r}; choose them from Trigger On in n8n.")
    return chosen


def _one_of(left: str, values: list[str]) -> dict[str, Any]:
    rules = [{"left": left, "operator": "eq", "right": value} for value in values]
    return rules[0] if len(rules) == 1 else {"combinator": "or", "rules": rules}


def _channel_rule(locator: Any, types: list[str], every: bool, notes: list[str]) -> dict[str, Any]:
    """The event is of the watched channel, or of a type that has none."""
    channel = _channel(locator)
    if not channel:
        notes.append(
            "n8n watched no channel (Channel to Watch is empty): no event of a channel starts "
            "a run; choose the channel in start_when's channel rule."
        )
    odd = [t for t in ("channel_created", "file_public") if t in types]
    if odd:
        notes.append(
            f"n8n compared the channel of {' and '.join(odd)} events with Channel to Watch and "
            "never matched it (a created channel's `channel` is an object; file_public names "
            "no channel), so they start no run here either: drop the channel rule from "
            "start_when to receive them."
        )
    exempt = [t for t in WITHOUT_CHANNEL if every or t in types]
    rule = {"left": CHANNEL, "operator": "eq", "right": channel}
    if not exempt:
        return rule
    exempted = [{"left": TYPE, "operator": "eq", "right": t} for t in exempt]
    return {"combinator": "or", "rules": [*exempted, rule]}


def _channel(locator: Any) -> str:
    """Channel to Watch's id: a resource locator by list, id or Slack URL (n8n's
    extractValue), or a plain string."""
    mode = locator.get("mode") if isinstance(locator, dict) else "id"
    value = locator.get("value") if isinstance(locator, dict) else locator
    value = "" if value is None else str(value)
    if value.startswith("="):
        raise Refusal(
            "names Channel to Watch with an expression; choose the channel in n8n and export again."
        )
    if mode == "url" and value:
        match = CHANNEL_URL.search(value)
        if match is None:
            raise Refusal(f"watches the channel URL {value!r}, which is not a Slack channel URL.")
        return match[1]
    return value.strip()


def _ignored_users(value: Any) -> list[str]:
    """Usernames or IDs to Ignore: a list, a comma-separated string, or an expression that is
    a JSON list of IDs (`={{ ["U0123"] }}`, the usual way to name the bot's own ID)."""
    if value in (None, "", []):
        return []
    if isinstance(value, str) and value.startswith("="):
        match = JSON_LIST.match(value)
        try:
            value = json.loads(match[1]) if match else None
        except json.JSONDecodeError:
            value = None
        if not isinstance(value, list):
            raise Refusal(
                "sets Usernames or IDs to Ignore with an expression other than a list of IDs; "
                "list the user IDs in n8n and export again."
            )
    if isinstance(value, str):
        value = value.split(",")
    if not isinstance(value, list):
        raise Refusal(f"sets Usernames or IDs to Ignore to {value!r}; list the user IDs in n8n.")
    return [str(v).strip() for v in value if str(v).strip()]


def _emojis(value: Any) -> list[str]:
    """Emoji Names to Filter, as n8n reads them: comma-separated, trimmed, lowercased."""
    if not value:
        return []
    if not isinstance(value, str) or value.startswith("="):
        raise Refusal(
            "sets Emoji Names to Filter with an expression; list the names in n8n and export again."
        )
    return [e.strip().lower() for e in value.split(",") if e.strip()]


SPECS: dict[str, Spec] = {TRIGGER: Spec(_slack_trigger, "trigger", trigger_item="body.event")}
