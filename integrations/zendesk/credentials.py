"""Zendesk's credentials: the account's subdomain with either an agent's email and API token
(Admin Center → Apps and integrations → Zendesk API), sent as HTTP Basic
`<email>/token:<token>`, or an OAuth access token, sent as a bearer token."""

from __future__ import annotations

import re

from pydantic import Field, SecretStr, field_validator

from integrations.service import ApiFields

SUBDOMAIN = re.compile(r"[a-z0-9][a-z0-9-]*")


class Subdomain(ApiFields):
    """What both kinds share: the account's subdomain (base_url overrides the address)."""

    subdomain: str = Field(
        min_length=1,
        max_length=63,
        description="The part before .zendesk.com in your Zendesk address (acme for "
        "acme.zendesk.com).",
        examples=["acme"],
    )

    @field_validator("subdomain")
    @classmethod
    def _subdomain(cls, value: str) -> str:
        value = value.strip().lower().removesuffix(".zendesk.com")
        if not SUBDOMAIN.fullmatch(value):
            raise ValueError("must be the subdomain alone, letters, digits and dashes (acme)")
        return value


class ApiToken(Subdomain):
    kind = "zendesk"
    label = "Zendesk email and API token"

    email: str = Field(
        min_length=3,
        description="The agent's email address the token acts for.",
        examples=["agent@acme.io"],
    )
    api_token: SecretStr = Field(
        min_length=1,
        description="An API token (Admin Center → Apps and integrations → Zendesk API).",
    )


class OAuthToken(Subdomain):
    kind = "zendesk_oauth"
    label = "Zendesk OAuth access token"

    access_token: SecretStr = Field(
        min_length=1, description="An OAuth access token with the read and write scopes."
    )


KINDS: dict[str, type[ApiToken] | type[OAuthToken]] = {
    ApiToken.kind: ApiToken,
    OAuthToken.kind: OAuthToken,
}
