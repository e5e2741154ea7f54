"""The Facebook Graph API's credential: an access token (a page, user or system user token from
Meta's developer tools), sent as the `access_token` query parameter as n8n sends it."""

from __future__ import annotations

from pydantic import Field, SecretStr

from integrations.service import ApiFields

PUBLIC_URL = "https://graph.facebook.com"
VIDEO_URL = "https://graph-video.facebook.com"


class AccessToken(ApiFields):
    kind = "facebook_graph"
    label = "Facebook Graph API access token"

    access_token: SecretStr = Field(
        min_length=1,
        description="A page, user or system user access token (Meta for Developers → Graph API "
        "Explorer, or Business Settings → System users).",
    )
