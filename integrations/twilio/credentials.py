"""Twilio's credential: an account SID and its auth token, with a default sender."""

from __future__ import annotations

import re

from pydantic import Field, SecretStr, field_validator

from integrations.service import ApiFields

DEFAULT_BASE_URL = "https://api.twilio.com"
ACCOUNT_SID = re.compile(r"^AC[0-9a-fA-F]{32}$")
SENDER = re.compile(r"^(\+[1-9]\d{6,14}|MG[0-9a-fA-F]{32}|[A-Za-z0-9 ]{1,11})$")


def sender(value: str) -> str:
    """A number in E.164 (+14155550100), a Messaging Service SID (MG…) or an alphanumeric
    sender ID (up to 11 letters, digits and spaces, where the country allows it)."""
    if value and not SENDER.match(value):
        raise ValueError(
            "must be a number in E.164 form (+14155550100), a Messaging Service SID (MG…) or an "
            "alphanumeric sender ID of up to 11 characters"
        )
    return value


class AuthToken(ApiFields):
    kind = "twilio"
    label = "Twilio account"

    auth_token: SecretStr = Field(
        min_length=1,
        description="The account's Auth Token, from the Twilio Console's Account Info.",
    )
    account_sid: str = Field(
        description="The Account SID (AC followed by 32 hex digits), next to the Auth Token.",
        examples=["AC00000000000000000000000000000000"],
    )
    default_from: str = Field(
        "",
        description="Optional: the number that sends when a node gives none, in E.164 form "
        "(+14155550100), or a Messaging Service SID (MG…).",
    )
    base_url: str | None = Field(
        None,
        description=f"Leave empty for Twilio ({DEFAULT_BASE_URL}). Set it for a test server.",
    )

    @field_validator("account_sid")
    @classmethod
    def _sid(cls, value: str) -> str:
        if not ACCOUNT_SID.match(value):
            raise ValueError("must be AC followed by 32 hex digits, as the Twilio Console shows it")
        return value

    _from = field_validator("default_from")(sender)
