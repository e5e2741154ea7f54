"""Ghost's credential: the site's address and an Admin API key (Settings → Integrations → a
custom integration), `<id>:<secret>`, from which each call signs a short-lived token."""

from __future__ import annotations

import re

from pydantic import Field, SecretStr, field_validator

from integrations.service import ApiFields

ADMIN_KEY = re.compile(r"[0-9a-f]+:(?:[0-9a-f]{2})+")


class AdminKey(ApiFields):
    kind = "ghost"
    label = "Ghost Admin API key"

    admin_api_key: SecretStr = Field(
        min_length=1,
        description="The custom integration's Admin API key: an id, a colon, a hex secret.",
    )
    # Required here: every Ghost site has its own address.
    base_url: str = Field(
        min_length=1,
        description="The site's address, e.g. https://blog.example.com (the Admin API is under "
        "/ghost/api/admin).",
    )

    @field_validator("admin_api_key")
    @classmethod
    def _key_shape(cls, value: SecretStr) -> SecretStr:
        # The error never quotes the key.
        if not ADMIN_KEY.fullmatch(value.get_secret_value().lower()):
            raise ValueError("must be the Admin API key as Ghost shows it: <id>:<hex secret>")
        return value
