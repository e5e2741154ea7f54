"""Perspective's Comment Analyzer API (`/v1alpha1/comments:analyze`) over httpx through the
guarded transport, the API key in `X-Goog-Api-Key`.

Errors are Google's `{"error": {"code", "message", "status"}}`: a bad key is 400
INVALID_ARGUMENT "API key not valid" (read as the credential's fault), an attribute a language
lacks is 400 with the attribute named; the quota (one query a second by default) is 429.
"""

from __future__ import annotations

from typing import Any

from integrations import http
from integrations.google_perspective.credentials import PUBLIC_URL, PerspectiveKey
from integrations.google_sheets.sheets_api import error_text
from integrations.service import read_fields
from workfuse.lib.node_run import NodeError, Secret

API = http.Api("Google Perspective", error_text=error_text)


def analyze(secret: Secret, body: dict[str, Any]) -> dict[str, Any]:
    fields = read_fields(PerspectiveKey, secret)
    headers = {"X-Goog-Api-Key": fields.api_key.get_secret_value()}
    url = f"{fields.base_url or PUBLIC_URL}/v1alpha1/comments:analyze"
    try:
        reply = http.send(
            API, secret, "POST", url, what="comments:analyze", headers=headers, json=body
        )
    except NodeError as failed:
        said = str((failed.detail or {}).get("error") or "")
        if "API key not valid" in said or "API_KEY_INVALID" in said:
            raise http.auth_error(API, secret, said, 400) from None
        raise
    if not isinstance(reply.body, dict):
        raise NodeError(
            "Google Perspective answered comments:analyze with something that is not JSON."
        )
    return reply.body


def check(secret: Secret) -> str:
    """Scores one harmless word: proves the key works and the API is enabled."""
    answer = analyze(
        secret,
        {
            "comment": {"text": "hello"},
            "languages": ["en"],
            "requestedAttributes": {"TOXICITY": {}},
        },
    )
    score = answer.get("attributeScores", {}).get("TOXICITY", {}).get("summaryScore", {})
    return f"Google Perspective accepted the key (“hello” scores {score.get('value', 0):.2f} toxicity)."
