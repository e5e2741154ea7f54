"""CoinGecko (DESIGN §11): an optional Demo API key, and the node app.coingecko."""

from __future__ import annotations

from integrations.coingecko import node, rest_api
from integrations.coingecko.credentials import ApiKey
from integrations.service import CredentialKind, Service

SERVICE = Service(
    name="coingecko",
    label="CoinGecko",
    kinds=(CredentialKind(ApiKey, test=rest_api.check_key),),
    node=node.NODE,
)
