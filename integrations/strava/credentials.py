"""Strava's credential: an API application's client id and secret (strava.com/settings/api)
and a refresh token its athlete granted it (the authorization code flow), and where the API
and the token endpoint are (for tests)."""

from __future__ import annotations

from pydantic import Field, SecretStr, field_validator

from integrations.service import ApiFields

DEFAULT_BASE_URL = "https://www.strava.com/api/v3"
DEFAULT_TOKEN_URL = "https://www.strava.com/oauth/token"  # noqa: S105 (an address)
SCOPES = "read,activity:read_all,activity:write"


class StravaOAuth2(ApiFields):
    kind = "strava"
    label = "Strava OAuth2 (refresh token)"

    client_secret: SecretStr = Field(
        min_length=1,
        description="The API application's client secret (strava.com/settings/api).",
    )
    refresh_token: SecretStr = Field(
        min_length=1,
        description="A refresh token the athlete granted the application (authorization code "
        f"flow), with the scopes the operations need: {SCOPES}.",
    )
    client_id: str = Field(
        min_length=1, description="The API application's client id.", examples=["12345"]
    )
    base_url: str | None = Field(
        None,
        description=f"Leave empty for Strava ({DEFAULT_BASE_URL}). Set it for a test server.",
    )
    token_url: str | None = Field(
        None,
        description=f"Leave empty for Strava ({DEFAULT_TOKEN_URL}). Set it for a test server.",
    )

    @field_validator("token_url")
    @classmethod
    def _token_url(cls, value: str | None) -> str | None:
        return cls._base_url(value)  # the same rules as base_url
