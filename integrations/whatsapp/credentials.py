"""WhatsApp's credential: a Cloud API access token and the WhatsApp Business Account it serves."""

from __future__ import annotations

import re

from pydantic import Field, SecretStr, field_validator

from integrations.service import ApiFields

DEFAULT_BASE_URL = "https://graph.facebook.com"
NUMERIC_ID = re.compile(r"^[0-9]{1,30}$")


class CloudApi(ApiFields):
    kind = "whatsapp"
    label = "WhatsApp Cloud API"

    access_token: SecretStr = Field(
        min_length=1,
        description="A system user's permanent access token (or a temporary one) with the "
        "whatsapp_business_messaging permission, from Meta's Business settings.",
    )
    business_account_id: str = Field(
        description="The WhatsApp Business Account ID (digits), from the app's WhatsApp → API "
        "Setup page.",
        examples=["102290129340398"],
    )
    base_url: str | None = Field(
        None,
        description=f"Leave empty for Meta's Graph API ({DEFAULT_BASE_URL}). Set it for a test "
        "server.",
    )

    @field_validator("business_account_id")
    @classmethod
    def _account(cls, value: str) -> str:
        if not NUMERIC_ID.match(value):
            raise ValueError("must be the account's numeric ID, as API Setup shows it")
        return value
