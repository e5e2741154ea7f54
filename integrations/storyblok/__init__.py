"""Storyblok (DESIGN §11): a Management API token, and the node app.storyblok."""

from __future__ import annotations

from integrations.service import CredentialKind, Service
from integrations.storyblok import management_api, node
from integrations.storyblok.credentials import ManagementToken

SERVICE = Service(
    name="storyblok",
    label="Storyblok",
    kinds=(CredentialKind(ManagementToken, test=management_api.check_token),),
    node=node.NODE,
)
