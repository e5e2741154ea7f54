"""Mailchimp's credential: an API key (Profile → Extras → API keys). The key ends with its
account's datacenter (`…-us6`), which names the API's host (`us6.api.mailchimp.com`)."""

from __future__ import annotations

import re
from typing import Self

from pydantic import Field, SecretStr, model_validator

from integrations.operations import field_errors
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

    @model_validator(mode="after")
    def _datacenter(self) -> Self:
        # The suffix names the host; with base_url set (a proxy, a test server) it is not needed.
        if not self.base_url and not DATACENTER.search(self.api_key.get_secret_value()):
            # Never quote the key: the message is shown and logged.
            message = "must end with the account's datacenter, e.g. -us6"
            raise field_errors(self, {"api_key": message})
        return self

    def api_root(self) -> str:
        """The Marketing API's root: the datacenter's host, or `base_url` (tests, proxies)."""
        if self.base_url:
            return f"{self.base_url}/3.0"
        match = DATACENTER.search(self.api_key.get_secret_value())
        assert match is not None  # checked by the validator
        return f"https://{match[1]}.api.mailchimp.com/3.0"
