"""Sentry's credential: an auth token, sent as `Authorization: Bearer <token>`, and for a
self-hosted Sentry its address (n8n's Sentry.io API and Sentry.io Server API credentials)."""

from __future__ import annotations

from pydantic import Field, SecretStr

from integrations.service import ApiFields


class AuthToken(ApiFields):
    kind = "sentry"
    label = "Sentry auth token"

    token: SecretStr = Field(
        min_length=1,
        description="An auth token (User settings → Auth Tokens, or an internal integration's "
        "token) with the project:releases scope for releases, event:write (event:admin to "
        "delete) for issues.",
    )
