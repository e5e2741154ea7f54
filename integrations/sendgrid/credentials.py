"""SendGrid's credential: an API key."""

from __future__ import annotations

from pydantic import Field, SecretStr

from integrations.service import ApiFields

DEFAULT_BASE_URL = "https://api.sendgrid.com"


class ApiKey(ApiFields):
    kind = "sendgrid"
    label = "SendGrid API key"

    api_key: SecretStr = Field(
        min_length=1,
        description="An API key (SG.…) from SendGrid's Settings → API Keys, with Mail Send access.",
    )
    base_url: str | None = Field(
        None,
        description=f"Leave empty for SendGrid ({DEFAULT_BASE_URL}). Set it for the EU "
        "region (https://api.eu.sendgrid.com) or a test server.",
    )
