"""Mailchimp (DESIGN §11): an account's API key, and the node app.mailchimp."""

from __future__ import annotations

from integrations.mailchimp import marketing_api, node
from integrations.mailchimp.credentials import ApiKey
from integrations.service import CredentialKind, Service

SERVICE = Service(
    name="mailchimp",
    label="Mailchimp",
    kinds=(CredentialKind(ApiKey, test=marketing_api.check_key),),
    node=node.NODE,
)
