"""Telegram's credential: a bot's token, as @BotFather gives it."""

from __future__ import annotations

import re

from pydantic import Field, SecretStr, field_validator

from integrations.service import ApiFields

DEFAULT_BASE_URL = "https://api.telegram.org"
TOKEN = re.compile(r"^\d+:[A-Za-z0-9_-]+$")


class BotToken(ApiFields):
    kind = "telegram"
    label = "Telegram bot token"

    bot_token: SecretStr = Field(
        min_length=1,
        description="The bot's token from @BotFather, like 123456789:AAE…",
    )
    base_url: str | None = Field(
        None,
        description=f"Leave empty for Telegram ({DEFAULT_BASE_URL}). Set it for a local Bot API "
        "server or a test server.",
    )

    @field_validator("bot_token")
    @classmethod
    def _token(cls, value: SecretStr) -> SecretStr:
        if not TOKEN.match(value.get_secret_value()):
            raise ValueError("must look like 123456789:AAE… (the bot's id, a colon, its key)")
        return value
