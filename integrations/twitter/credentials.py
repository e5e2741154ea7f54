"""X's credential: an OAuth 2.0 user-context access token (Authorization Code with PKCE), sent as
`Authorization: Bearer …`.

A bearer token rather than the refresh-token grant the Google credentials use: X rotates the
refresh token on every use (the old one stops working), so a refresh would have to write the new
token back into the vault from inside a step, which credentials never do. An access token lasts
two hours; paste a fresh one, or use an app-only bearer token for the read operations."""

from __future__ import annotations

from pydantic import Field, SecretStr

from integrations.service import ApiFields

DEFAULT_BASE_URL = "https://api.x.com"
SCOPES = "tweet.read tweet.write users.read like.write offline.access"


class XAccessToken(ApiFields):
    kind = "twitter"
    label = "X (Twitter) OAuth 2.0 access token"

    access_token: SecretStr = Field(
        min_length=1,
        description="A user's OAuth 2.0 access token for your X app (developer.x.com → your "
        f"app → User authentication), with the scopes {SCOPES}. The node acts as that user.",
    )
