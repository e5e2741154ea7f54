"""uProc's credential: the account's email and API key (app.uproc.io → Settings → API
credentials), sent as HTTP Basic (email:key), as n8n does."""

from __future__ import annotations

from pydantic import Field, SecretStr

from integrations.service import ApiFields

PUBLIC_URL = "https://api.uproc.io"


class UprocKey(ApiFields):
    kind = "uproc"
    label = "uProc email and API key"

    api_key: SecretStr = Field(
        min_length=1, description="The API key (app.uproc.io → Settings → API credentials)."
    )
    email: str = Field(
        min_length=3,
        description="The uProc account's email.",
        examples=["ada@example.com"],
    )
