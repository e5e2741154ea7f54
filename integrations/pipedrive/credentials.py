"""Pipedrive's credential: a user's personal API token (Personal preferences → API). It is sent
in the `x-api-token` header, never as the `api_token` query parameter n8n uses, so it stays out
of URLs and logs."""

from __future__ import annotations

from pydantic import Field, SecretStr

from integrations.service import ApiFields


class ApiToken(ApiFields):
    kind = "pipedrive"
    label = "Pipedrive API token"

    api_token: SecretStr = Field(
        min_length=1,
        description="Your personal API token (Pipedrive → Personal preferences → API); the node "
        "acts as that user in that company.",
    )
