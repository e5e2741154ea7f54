"""Microsoft Outlook's credential: an app registration in Microsoft Entra (tenant, client id,
client secret) and a refresh token the mailbox's owner granted it, and where Microsoft Graph
and the token endpoint are (for tests)."""

from __future__ import annotations

import re

from pydantic import Field, SecretStr, field_validator

from integrations.service import ApiFields

DEFAULT_BASE_URL = "https://graph.microsoft.com/v1.0"
LOGIN = "https://login.microsoftonline.com"
SCOPES = (
    "https://graph.microsoft.com/Mail.ReadWrite https://graph.microsoft.com/Mail.Send "
    "offline_access"
)
TENANT = re.compile(r"^[A-Za-z0-9.-]+$")


class OutlookOAuth2(ApiFields):
    kind = "outlook"
    label = "Microsoft Outlook OAuth2 (refresh token)"

    client_secret: SecretStr = Field(
        min_length=1,
        description="The app registration's client secret (Entra admin center → App "
        "registrations → your app → Certificates & secrets).",
    )
    refresh_token: SecretStr = Field(
        min_length=1,
        description="A refresh token the mailbox's owner granted the app, with Mail.ReadWrite, "
        "Mail.Send and offline_access. Microsoft ends it 90 days after it was issued: paste a "
        "new one before then.",
    )
    client_id: str = Field(
        min_length=1,
        description="The app registration's application (client) id.",
        examples=["6731de76-14a6-49ae-97bc-6eba6914391e"],
    )
    tenant: str = Field(
        "common",
        description="The directory (tenant) id or domain; common for any work or personal account.",
    )
    base_url: str | None = Field(
        None,
        description=f"Leave empty for Microsoft Graph ({DEFAULT_BASE_URL}). Set it for a test "
        "server.",
    )
    token_url: str | None = Field(
        None,
        description=f"Leave empty for {LOGIN}/<tenant>/oauth2/v2.0/token. Set it for a test "
        "server.",
    )

    @field_validator("tenant")
    @classmethod
    def _tenant(cls, value: str) -> str:
        if not TENANT.match(value):
            raise ValueError("must be a tenant id, a domain, common, organizations or consumers")
        return value

    @field_validator("token_url")
    @classmethod
    def _token_url(cls, value: str | None) -> str | None:
        return cls._base_url(value)  # the same rules as base_url

    @property
    def token_endpoint(self) -> str:
        return self.token_url or f"{LOGIN}/{self.tenant}/oauth2/v2.0/token"
