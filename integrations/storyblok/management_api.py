"""Storyblok's Management API v1 (`/v1/spaces/<space>/…`), over httpx through the guarded
transport.

Errors come as `{"error": "…"}`, `{"message": "…"}`, a list of messages or plain text; all are
quoted. 401 and 403 name the credential; 429 is retried.
"""

from __future__ import annotations

from typing import Any

from integrations import http
from integrations.service import read_fields
from integrations.storyblok.credentials import PUBLIC_URL, ManagementToken
from workfuse.lib.node_run import Secret


def _error_text(body: Any) -> str | None:
    if isinstance(body, list):
        return "; ".join(str(m) for m in body) or None
    if isinstance(body, dict):
        said = body.get("error") or body.get("message")
        if isinstance(said, dict):
            return "; ".join(f"{k} {v}" for k, v in said.items())
        return str(said) if said else None
    return None


API = http.Api("Storyblok", error_text=_error_text)


def call(secret: Secret, method: str, path: str, *, what: str, **body: Any) -> Any:
    """A call to `path` below `/v1` and its JSON answer ({} for an empty one)."""
    fields = read_fields(ManagementToken, secret)
    headers = {"Authorization": fields.access_token.get_secret_value()}
    url = f"{fields.base_url or PUBLIC_URL}/v1{path}"
    reply = http.send(API, secret, method, url, what=what, headers=headers, **body)
    return reply.body if isinstance(reply.body, dict | list) else {}


def check_token(secret: Secret) -> str:
    """GET /spaces/: the spaces the token reaches, changing nothing."""
    spaces = call(secret, "GET", "/spaces/", what="spaces").get("spaces") or []
    return f"Connected to Storyblok: {len(spaces)} space(s)."
