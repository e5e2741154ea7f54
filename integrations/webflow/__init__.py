"""Webflow (DESIGN §11): an API token for a site's CMS, and the node app.webflow."""

from __future__ import annotations

from integrations.service import CredentialKind, Service
from integrations.webflow import node, rest_api
from integrations.webflow.credentials import ApiToken

SERVICE = Service(
    name="webflow",
    label="Webflow",
    kinds=(CredentialKind(ApiToken, test=rest_api.check_token),),
    node=node.NODE,
)
