"""Mailchimp's credential: an API key (Profile → Extras → API keys). The key ends with its
account's datacenter (`…-us6`), which names the API's host (`us6.api.mailchimp.com`)."""

from __future__ import annotations

import re

from pydantic import Field, SecretStr, field_validator

from integrations.service import ApiFields

DATACENTER = re.compile(r"-([a-z]+[0-9]+)$")


class ApiKey(ApiFields):
    kind = "mailchimp"
    label = "Mailchimp API key"

    api_key: SecretStr = Field(
        min_length=1,
        description="A Marketing API key from Profile → Extras → API keys; it ends with the "
        "account's datacenter, e.g. …-us6.",
    )

    @field_validator("api_key")
    @classmethod
    def _datacenter(cls, value: SecretStr) -> SecretStr:
        if not DATACENTER.search(value.get_secret_value().strip()):
            # Never quote the key: the message is shown and logged.
            raise ValueError("must end with the account's datacenter, e.g. -us6")
        return SecretStr(value.get_secret_value().strip())

    def api_root(self) -> str:
        """The Marketing API's root: the datacenter's host, or `base_url` (tests, proxies)."""
        if self.base_url:
            return f"{self.base_url}/3.0"
        match = DATACENTER.search(self.api_key.get_secret_value())
        assert match is not None  # checked by the validator
        return f"https://{match[1]}.api.mailchimp.com/3.0"
