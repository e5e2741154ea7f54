"""Venafi TLS Protect Cloud's credential: an API key (sent as the `tppl-api-key` header) and the
region whose API it calls, as n8n's credential has them."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, SecretStr

from integrations.service import ApiFields


class ApiKey(ApiFields):
    kind = "venafi_cloud"
    label = "Venafi TLS Protect Cloud API key"

    api_key: SecretStr = Field(
        min_length=1, description="An API key (Preferences → API Keys in the Venafi console)."
    )
    region: Literal["cloud", "eu"] = Field(
        "cloud",
        description="cloud: the US region (https://api.venafi.cloud). eu: the EU region "
        "(https://api.venafi.eu).",
    )
