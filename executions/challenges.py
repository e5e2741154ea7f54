"""Subscription checks a service makes before it sends events to a webhook (trigger.webhook's
`challenge`). Pure: no Django, no I/O.

Meta (WhatsApp Cloud API, Messenger, Instagram) verifies a callback URL with
`GET ?hub.mode=subscribe&hub.verify_token=<token>&hub.challenge=<number>` and expects 200 with
the challenge as the body. The verify token asked of the user is the webhook URL's own token
(the part after /hooks/): it proves no more than the URL does, and needs none, since answering
starts nothing and every event after it is checked with the app secret's signature
(X-Hub-Signature-256, the `github` HMAC preset)."""

from __future__ import annotations

import hmac
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

MAX_CHALLENGE = 256  # Meta sends a number of about ten digits, Slack about 50 characters


@dataclass(frozen=True)
class Answer:
    """`ok`: answer 200 with `text`; else refuse (403) with `text` as the reason."""

    ok: bool
    text: str


def is_meta_check(method: str, query: Mapping[str, str]) -> bool:
    """Whether a call is Meta's subscription check rather than an event."""
    return method == "GET" and "hub.challenge" in query


def answer_meta(query: Mapping[str, str], webhook_token: str) -> Answer:
    """Meta's check answered: the challenge when hub.verify_token is this webhook's token."""
    mode = query.get("hub.mode", "")
    if mode != "subscribe":
        return Answer(False, f"hub.mode must be 'subscribe', not {mode[:40]!r}")
    given = query.get("hub.verify_token", "")
    if not hmac.compare_digest(given.encode(), webhook_token.encode()):
        return Answer(
            False,
            "hub.verify_token does not match: set Meta's Verify token to the last part of the "
            "webhook URL (after /hooks/)",
        )
    challenge = query.get("hub.challenge", "")
    if not challenge or len(challenge) > MAX_CHALLENGE or not challenge.isprintable():
        return Answer(False, f"hub.challenge must be 1 to {MAX_CHALLENGE} printable characters")
    return Answer(True, challenge)


# --- svcb ---
# WooCommerce pings a webhook's delivery URL when the webhook is saved active: a POST whose
# body is `webhook_id=<id>`, with none of the X-WC-Webhook-* headers and no signature, and it
# keeps the webhook only if the answer is exactly 200. Answering it starts nothing.
WOOCOMMERCE_PING = re.compile(rb"webhook_id=\d{1,20}")
MAX_PING_BYTES = 40


def is_woocommerce_ping(method: str, headers: Mapping[str, str], body: bytes) -> bool:
    """Whether a call is WooCommerce's ping rather than a delivery (deliveries carry
    X-WC-Webhook-ID and a JSON body)."""
    return (
        method == "POST"
        and "X-WC-Webhook-ID" not in headers
        and len(body) <= MAX_PING_BYTES
        and WOOCOMMERCE_PING.fullmatch(body) is not None
    )


# --- end svcb ---
# --- slack ---
# Slack's Events API checks a Request URL with a POST of JSON
# `{"token": ..., "challenge": "<text>", "type": "url_verification"}`, signed like every call
# (X-Slack-Signature), and keeps the URL only if the answer is 200 with the challenge.


def is_slack_check(method: str, body: Any) -> bool:
    """Whether a call (its parsed body) is Slack's URL check rather than an event."""
    return method == "POST" and isinstance(body, dict) and body.get("type") == "url_verification"


def answer_slack(body: Mapping[str, Any]) -> Answer:
    """Slack's check answered: its challenge, when it is text of a sane length."""
    challenge = body.get("challenge")
    if not isinstance(challenge, str) or not 0 < len(challenge) <= MAX_CHALLENGE:
        return Answer(False, f"challenge must be text of 1 to {MAX_CHALLENGE} characters")
    if not challenge.isprintable():
        return Answer(False, "challenge must be printable text")
    return Answer(True, challenge)


# --- end slack ---
