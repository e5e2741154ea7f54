"""Webflow's credential: a site API token (or an OAuth app's access token), sent as
`Authorization: Bearer <token>` to the Data API v2."""

from __future__ import annotations

from pydantic import Field, SecretStr

from integrations.service import ApiFields


class ApiToken(ApiFields):
    kind = "webflow"
    label = "Webflow API token"

    token: SecretStr = Field(
        min_length=1,
        description="A site API token (Site settings → Apps & integrations → API access) with "
        "the CMS read and write scopes, or an OAuth access token.",
    )
