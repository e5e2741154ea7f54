"""Medium's credential: an integration token (Settings → Security and apps → Integration
tokens), sent as a bearer token."""

from __future__ import annotations

from pydantic import Field, SecretStr

from integrations.service import ApiFields

PUBLIC_URL = "https://api.medium.com"


class IntegrationToken(ApiFields):
    kind = "medium"
    label = "Medium integration token"

    access_token: SecretStr = Field(
        min_length=1, description="The integration token (Settings → Security and apps)."
    )
