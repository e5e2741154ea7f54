"""CoinGecko's credential: a Demo API key, sent in `x-cg-demo-api-key`. The public API answers
without one too (n8n's CoinGecko node sends none), at lower rate limits: a node may run with no
credential."""

from __future__ import annotations

from pydantic import Field, SecretStr

from integrations.service import ApiFields

PUBLIC_URL = "https://api.coingecko.com/api/v3"


class ApiKey(ApiFields):
    kind = "coingecko"
    label = "CoinGecko API key"

    api_key: SecretStr | None = Field(
        None, description="A Demo API key (Developer Dashboard); empty for the keyless API."
    )
