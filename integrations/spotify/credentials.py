"""Spotify's credential: an app's client id and secret (developer.spotify.com → Dashboard) and a
refresh token a Spotify user granted the app (the authorization code flow with the client
secret; a PKCE refresh token is single-use and does not fit), and where the Web API and the
token endpoint are (for tests)."""

from __future__ import annotations

from pydantic import Field, SecretStr, field_validator

from integrations.service import ApiFields

DEFAULT_BASE_URL = "https://api.spotify.com"
DEFAULT_TOKEN_URL = "https://accounts.spotify.com/api/token"  # noqa: S105 (an address)
SCOPES = (
    "user-read-private playlist-read-private playlist-modify-public playlist-modify-private "
    "user-library-read user-read-playback-state user-modify-playback-state "
    "user-read-currently-playing user-read-recently-played"
)


class SpotifyOAuth2(ApiFields):
    kind = "spotify"
    label = "Spotify OAuth2 (refresh token)"

    client_secret: SecretStr = Field(
        min_length=1,
        description="The app's client secret (developer.spotify.com → Dashboard → your app → "
        "Settings).",
    )
    refresh_token: SecretStr = Field(
        min_length=1,
        description="A refresh token the Spotify user granted the app (authorization code "
        f"flow), with the scopes the operations need: {SCOPES}.",
    )
    client_id: str = Field(
        min_length=1,
        description="The app's client id.",
        examples=["5fe01282e44241328a84e7c5cc169165"],
    )
    base_url: str | None = Field(
        None,
        description=f"Leave empty for Spotify ({DEFAULT_BASE_URL}). Set it for a test server.",
    )
    token_url: str | None = Field(
        None,
        description=f"Leave empty for Spotify ({DEFAULT_TOKEN_URL}). Set it for a test server.",
    )

    @field_validator("token_url")
    @classmethod
    def _token_url(cls, value: str | None) -> str | None:
        return cls._base_url(value)  # the same rules as base_url
