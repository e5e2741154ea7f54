"""Zulip (DESIGN §11): a bot's email and API key on a Zulip server, and the node app.zulip."""

from __future__ import annotations

from integrations.service import CredentialKind, Service
from integrations.zulip import node, rest_api
from integrations.zulip.credentials import ApiKey

SERVICE = Service(
    name="zulip",
    label="Zulip",
    kinds=(CredentialKind(ApiKey, test=rest_api.check_key),),
    node=node.NODE,
)
