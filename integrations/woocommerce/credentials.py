"""WooCommerce's credential: a REST API key pair (WooCommerce → Settings → Advanced → REST API)
and the store's address. Every store is its own server, so the address is required."""

from __future__ import annotations

from pydantic import Field, SecretStr

from integrations.service import ApiFields


class StoreKeys(ApiFields):
    kind = "woocommerce"
    label = "WooCommerce REST API key"

    base_url: str | None = Field(
        ...,
        description="The store's address (https://shop.example.com); the API is below "
        "/wp-json/wc/v3.",
    )
    consumer_key: SecretStr = Field(min_length=1, description="The key's Consumer key (ck_…).")
    consumer_secret: SecretStr = Field(
        min_length=1, description="The key's Consumer secret (cs_…)."
    )
    keys_in_query: bool = Field(
        False,
        description="Send the key pair as query parameters instead of HTTP Basic auth, for "
        "servers that drop the Authorization header (n8n's 'Include Credentials in Query').",
    )
