"""Storyblok's credential: a Management API personal access token (My account → Personal
access tokens), sent as the `Authorization` header itself, as n8n sends it."""

from __future__ import annotations

from pydantic import Field, SecretStr

from integrations.service import ApiFields

PUBLIC_URL = "https://mapi.storyblok.com"


class ManagementToken(ApiFields):
    kind = "storyblok"
    label = "Storyblok Management API token"

    access_token: SecretStr = Field(
        min_length=1,
        description="A personal access token (My account → Personal access tokens). Spaces "
        "outside the EU region: set the base URL to your region's Management API "
        "(https://api-us.storyblok.com, …).",
    )
