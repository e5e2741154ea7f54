"""Mailcheck's API v1 (`https://api.mailcheck.co/v1`), over httpx through the guarded transport.

Requests carry the key as a bearer token. Errors are `{"message"}`; the message is quoted, 401
and 403 name the credential.
"""

from __future__ import annotations

from typing import Any

from integrations import http
from integrations.mailcheck.credentials import PUBLIC_URL, ApiKey
from integrations.service import read_fields
from workfuse.lib.node_run import NodeError, Secret


def _error_text(body: Any) -> str | None:
    return str(body["message"]) if isinstance(body, dict) and body.get("message") else None


API = http.Api("Mailcheck", error_text=_error_text)


def check_email(secret: Secret, email: str, *, what: str) -> dict[str, Any]:
    """POST /v1/singleEmail:check; Mailcheck's verdict."""
    fields = read_fields(ApiKey, secret)
    headers = {"Authorization": f"Bearer {fields.api_key.get_secret_value()}"}
    url = f"{fields.base_url or PUBLIC_URL}/v1/singleEmail:check"
    reply = http.send(API, secret, "POST", url, what=what, headers=headers, json={"email": email})
    if not isinstance(reply.body, dict):
        raise NodeError(f"Mailcheck answered {what} with something that is not a JSON object.")
    return reply.body


def check_key(secret: Secret) -> str:
    """A check of an empty address: Mailcheck refuses the address (4xx) once it has accepted the
    key, and no credit is spent on a real check."""
    try:
        check_email(secret, "", what="test")
    except NodeError as exc:
        if not exc.message.startswith("Mailcheck refused test"):
            raise
    return "Connected to Mailcheck: the API key was accepted."
