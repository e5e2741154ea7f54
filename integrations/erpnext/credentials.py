"""ERPNext's credential: a user's API key and secret (User → Settings → API Access → Generate
Keys), sent as `Authorization: token <key>:<secret>`, and the site's address (every ERPNext
site is its own server: `https://acme.erpnext.com` or a self-hosted one)."""

from __future__ import annotations

from pydantic import Field, SecretStr

from integrations.service import ApiFields


class ApiKey(ApiFields):
    kind = "erpnext"
    label = "ERPNext API key"

    api_key: SecretStr = Field(min_length=1, description="The user's API key.")
    api_secret: SecretStr = Field(
        min_length=1, description="The user's API secret (shown once, when generated)."
    )
    base_url: str | None = Field(
        ..., description="The site's address: https://acme.erpnext.com, or your own server."
    )
