"""Strapi's credential: an API token (Settings → API Tokens) of a Strapi server, the server's
address, and which REST API it speaks (v4 and later under /api, v3 at the root)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, SecretStr

from integrations.service import ApiFields


class ApiToken(ApiFields):
    kind = "strapi"
    label = "Strapi API token"

    api_token: SecretStr = Field(
        min_length=1,
        description="An API token (Settings → API Tokens) with access to the content types "
        "the node uses; sent as a bearer token.",
    )
    base_url: str | None = Field(
        ...,
        description="The Strapi server's address (https://cms.example.com), without /api.",
    )
    api_version: Literal["v4", "v3"] = Field(
        "v4",
        description="v4: Strapi 4 and 5 (/api/<type>, entries under data). v3: Strapi 3 "
        "(/<type>, entries as they are).",
    )
