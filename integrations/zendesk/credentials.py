"""Zendesk's credential: the account's subdomain and either an agent's email with an API token
(Admin Center → Apps and integrations → Zendesk API), sent as HTTP Basic `<email>/token:<token>`,
or an OAuth access token, sent as a bearer token."""

from __future__ import annotations

import re
from typing import Self

from pydantic import Field, SecretStr, field_validator, model_validator

from integrations.service import ApiFields

SUBDOMAIN = re.compile(r"[a-z0-9][a-z0-9-]*")


class ZendeskApi(ApiFields):
    kind = "zendesk"
    label = "Zendesk API token or OAuth token"

    subdomain: str = Field(
        min_length=1,
        max_length=63,
        description="The part before .zendesk.com in your Zendesk address (acme for "
        "acme.zendesk.com).",
    )
    email: str | None = Field(
        None, description="With an API token: the agent's email address the token acts for."
    )
    api_token: SecretStr | None = Field(
        None, description="An API token (Admin Center → Apps and integrations → Zendesk API)."
    )
    access_token: SecretStr | None = Field(
        None, description="Instead of email and API token: an OAuth access token."
    )

    @field_validator("subdomain")
    @classmethod
    def _subdomain(cls, value: str) -> str:
        value = value.strip().lower().removesuffix(".zendesk.com")
        if not SUBDOMAIN.fullmatch(value):
            raise ValueError("must be the subdomain alone, letters, digits and dashes (acme)")
        return value

    @model_validator(mode="after")
    def _one_way_in(self) -> Self:
        if self.access_token is None and (self.api_token is None or not self.email):
            raise ValueError("give an email with an API token, or an OAuth access token")
        if self.access_token is not None and self.api_token is not None:
            raise ValueError("give an API token or an OAuth access token, not both")
        return self
