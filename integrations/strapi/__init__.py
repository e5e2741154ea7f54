"""Strapi (DESIGN §11): an API token for a Strapi server, and the node app.strapi."""

from __future__ import annotations

from integrations.service import CredentialKind, Service
from integrations.strapi import node, rest_api
from integrations.strapi.credentials import ApiToken

SERVICE = Service(
    name="strapi",
    label="Strapi",
    kinds=(CredentialKind(ApiToken, test=rest_api.check_token),),
    node=node.NODE,
)
