"""Sentry (DESIGN §11): an auth token on sentry.io or a self-hosted Sentry, and the node
app.sentry."""

from __future__ import annotations

from integrations.sentry import node, rest_api
from integrations.sentry.credentials import AuthToken
from integrations.service import CredentialKind, Service

SERVICE = Service(
    name="sentry",
    label="Sentry",
    kinds=(CredentialKind(AuthToken, test=rest_api.check_token),),
    node=node.NODE,
)
