"""DHL's credential: a Shipment Tracking - Unified API key (developer.dhl.com), sent in
`DHL-API-Key`."""

from __future__ import annotations

from pydantic import Field, SecretStr

from integrations.service import ApiFields

PUBLIC_URL = "https://api-eu.dhl.com"


class ApiKey(ApiFields):
    kind = "dhl"
    label = "DHL API key"

    api_key: SecretStr = Field(
        min_length=1, description="Your Shipment Tracking - Unified API key (developer.dhl.com)."
    )
