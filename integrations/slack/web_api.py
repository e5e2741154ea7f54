"""Slack's Web API and incoming webhooks, over httpx through the guarded transport.

slack_sdk is not used: its clients send with urllib or aiohttp, which the private-network guard
(`workfuse.lib.netguard`, an httpx transport) cannot sit under.

The Web API answers most errors with HTTP 200 and `{"ok": false, "error": "<code>"}`; rate
limits come as HTTP 429 with `Retry-After` (and `"error": "ratelimited"`). Incoming webhooks
answer `ok` as text, or an error code as text with a 4xx status.
"""

from __future__ import annotations

from typing import Any

from integrations import http
from integrations.service import read_fields
from integrations.slack.credentials import DEFAULT_BASE_URL, BotToken, IncomingWebhook
from workfuse.lib import retry_after
from workfuse.lib.node_run import NodeError, Secret

# Errors that say the token is wrong, revoked or lacks a scope: the user must fix the credential.
AUTH_ERRORS = {
    "invalid_auth",
    "not_authed",
    "token_revoked",
    "token_expired",
    "account_inactive",
    "missing_scope",
    "not_allowed_token_type",
}
# Errors that say Slack itself failed: a later attempt may succeed.
PASSING_ERRORS = {
    "ratelimited",
    "internal_error",
    "fatal_error",
    "service_unavailable",
    "request_timeout",
}


def _error_text(body: Any) -> str | None:
    if not isinstance(body, dict) or not body.get("error"):
        return None
    text = str(body["error"])
    if body.get("needed"):  # missing_scope says which scope
        text += f" (needs the {body['needed']} scope)"
    return text


API = http.Api("Slack", error_text=_error_text)
WEBHOOK_API = http.Api(
    "Slack", error_text=_error_text, auth_statuses=frozenset({401, 403, 404, 410})
)
UPLOAD_API = http.Api("Slack", auth_statuses=frozenset())  # the upload URL carries no token


def call(secret: Secret, method: str, **body: Any) -> dict[str, Any]:
    """A Web API method with the bot token; Slack's answer when it says `ok`. `body`: `json`
    (sent as application/json) or `data` (form-encoded, for the methods that take only that)."""
    fields = read_fields(BotToken, secret)
    url = f"{fields.base_url or DEFAULT_BASE_URL}/{method}"
    token = fields.bot_token.get_secret_value()
    headers = {"Authorization": f"Bearer {token}"}
    reply = http.send(API, secret, "POST", url, what=method, headers=headers, **body)
    answer = reply.body
    if not isinstance(answer, dict):
        raise NodeError(f"Slack answered {method} with something that is not JSON.")
    if answer.get("ok") is not True:
        raise _refusal(secret, method, answer, reply)
    return answer


def _refusal(secret: Secret, method: str, answer: dict[str, Any], reply: http.Reply) -> NodeError:
    code = str(answer.get("error") or "unknown_error")
    text = _error_text(answer) or code
    if code in AUTH_ERRORS:
        return http.auth_error(API, secret, text)
    if code == "ratelimited":
        return http.rate_limited(API, method, retry_after.from_headers(reply.headers), code)
    if code in PASSING_ERRORS:
        return NodeError(f"Slack failed to answer {method}: {text}", retryable=True)
    return NodeError(f"Slack refused {method}: {text}", detail={"error": code})


def upload(secret: Secret, upload_url: str, data: bytes) -> None:
    """Send a file's bytes to the upload URL files.getUploadURLExternal gave."""
    headers = {"Content-Type": "application/octet-stream"}
    http.send(
        UPLOAD_API,
        secret,
        "POST",
        upload_url,
        what="the file upload",
        headers=headers,
        content=data,
    )


def post_webhook(secret: Secret, payload: dict[str, Any]) -> str:
    """Post through an incoming webhook; Slack's answer ("ok")."""
    url = read_fields(IncomingWebhook, secret).webhook_url.get_secret_value()
    reply = http.send(WEBHOOK_API, secret, "POST", url, what="the incoming webhook", json=payload)
    return str(reply.body).strip()


def check_bot_token(secret: Secret) -> str:
    """auth.test: who the token is, changing nothing."""
    answer = call(secret, "auth.test")
    team, user = answer.get("team") or answer.get("team_id"), answer.get("user")
    return f"Connected to the Slack workspace “{team}” as {user}."


def check_incoming_webhook(secret: Secret) -> str:
    """An incoming webhook has no read-only call, so the test posts an empty message: Slack
    refuses it (400, `no_text` or `invalid_payload`) without posting anything, which proves
    the URL is live; a revoked or mistyped URL answers 403, 404 or 410 instead."""
    try:
        post_webhook(secret, {})
    except NodeError as error:
        if error.detail.get("status") == 400:
            return (
                "The incoming webhook is live: Slack answered a test without a message, so "
                "nothing was posted."
            )
        raise
    return "The incoming webhook accepted the test."
