"""Zoom's credential: a Server-to-Server OAuth app (marketplace.zoom.us → Develop → Build app)
of the account, with the meeting scopes. Its account id, client id and secret get an access
token for each step; no user grant is stored, and nothing has to be refreshed or rotated."""

from __future__ import annotations

from pydantic import Field, SecretStr, field_validator

from integrations.service import ApiFields

PUBLIC_URL = "https://api.zoom.us"
TOKEN_URL = "https://zoom.us/oauth/token"  # noqa: S105 (an address)


class ServerToServerApp(ApiFields):
    kind = "zoom"
    label = "Zoom Server-to-Server OAuth app"

    client_secret: SecretStr = Field(min_length=1, description="The app's client secret.")
    account_id: str = Field(
        min_length=1, description="The app's account id.", examples=["Xq3pR9sTuVwYz0aB1cD2eF"]
    )
    client_id: str = Field(
        min_length=1, description="The app's client id.", examples=["dG4hJ5kL6mN7pQ8rS9tU"]
    )
    token_url: str | None = Field(
        None, description=f"Leave empty for Zoom ({TOKEN_URL}). Set it for a test server."
    )

    @field_validator("token_url")
    @classmethod
    def _token_url(cls, value: str | None) -> str | None:
        return cls._base_url(value)  # the same rules as base_url
