"""WooCommerce (DESIGN §11): a store's REST API keys, and the node app.woocommerce."""

from __future__ import annotations

from integrations.service import CredentialKind, Service
from integrations.woocommerce import node, rest_api
from integrations.woocommerce.credentials import StoreKeys

SERVICE = Service(
    name="woocommerce",
    label="WooCommerce",
    kinds=(CredentialKind(StoreKeys, test=rest_api.check_keys),),
    node=node.NODE,
)
