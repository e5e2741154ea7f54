"""Gmail's credential: an OAuth 2.0 client (id, secret) and a refresh token the mailbox's owner
granted it, and where the Gmail API and Google's token endpoint are (for tests)."""

from __future__ import annotations

from pydantic import Field, SecretStr, field_validator

from integrations.service import ApiFields

DEFAULT_BASE_URL = "https://gmail.googleapis.com"
DEFAULT_TOKEN_URL = "https://oauth2.googleapis.com/token"  # noqa: S105 (an address, not a secret)
SCOPE = "https://www.googleapis.com/auth/gmail.modify"


class GmailOAuth2(ApiFields):
    kind = "gmail"
    label = "Gmail OAuth2 (refresh token)"

    client_secret: SecretStr = Field(
        min_length=1,
        description="The OAuth client's secret (Google Cloud console → APIs & Services → "
        "Credentials → your OAuth 2.0 client).",
    )
    refresh_token: SecretStr = Field(
        min_length=1,
        description="A refresh token the mailbox's owner granted this client, with the "
        f"{SCOPE} scope (the OAuth Playground or `gcloud auth` gives one).",
    )
    client_id: str = Field(
        min_length=1,
        description="The OAuth client's id (ends in .apps.googleusercontent.com).",
        examples=["1234-abc.apps.googleusercontent.com"],
    )
    base_url: str | None = Field(
        None,
        description=f"Leave empty for Google ({DEFAULT_BASE_URL}). Set it for a test server.",
    )
    token_url: str | None = Field(
        None,
        description=f"Leave empty for Google ({DEFAULT_TOKEN_URL}). Set it for a test server.",
    )

    @field_validator("token_url")
    @classmethod
    def _token_url(cls, value: str | None) -> str | None:
        return cls._base_url(value)  # the same rules as base_url
