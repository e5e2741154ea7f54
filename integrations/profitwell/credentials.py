"""ProfitWell's credential: the company's private API token (Account Settings → Integrations →
API/Dev Kit), sent as the `Authorization` header itself."""

from __future__ import annotations

from pydantic import Field, SecretStr

from integrations.service import ApiFields

PUBLIC_URL = "https://api.profitwell.com"


class ApiToken(ApiFields):
    kind = "profitwell"
    label = "ProfitWell API token"

    api_token: SecretStr = Field(
        min_length=1, description="The private API token (Settings → Integrations → API)."
    )
