"""LinkedIn's credential: a member's OAuth 2.0 access token (three-legged, from your app on
linkedin.com/developers), sent as `Authorization: Bearer …`. LinkedIn gives refresh tokens only
to approved partners; a member token lasts 60 days."""

from __future__ import annotations

from pydantic import Field, SecretStr

from integrations.service import ApiFields

DEFAULT_BASE_URL = "https://api.linkedin.com"
SCOPES = "openid profile w_member_social (w_organization_social to post as a page)"


class LinkedInToken(ApiFields):
    kind = "linkedin"
    label = "LinkedIn OAuth 2.0 access token"

    access_token: SecretStr = Field(
        min_length=1,
        description="A member's access token for your LinkedIn app (linkedin.com/developers → "
        f"your app → Auth → OAuth 2.0 tools), with the scopes {SCOPES}.",
    )
