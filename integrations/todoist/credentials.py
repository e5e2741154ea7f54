"""Todoist's credential: a user's API token (Settings → Integrations → Developer), sent as a
bearer token."""

from __future__ import annotations

from pydantic import Field, SecretStr

from integrations.service import ApiFields

PUBLIC_URL = "https://api.todoist.com"


class ApiToken(ApiFields):
    kind = "todoist"
    label = "Todoist API token"

    api_token: SecretStr = Field(
        min_length=1,
        description="The API token (Settings → Integrations → Developer); the node acts as "
        "that user.",
    )
