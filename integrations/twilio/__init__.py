"""Twilio (DESIGN §11): an account SID and auth token, and the node app.twilio (SMS)."""

from __future__ import annotations

from integrations.service import CredentialKind, Service
from integrations.twilio import node, rest_api
from integrations.twilio.credentials import AuthToken

SERVICE = Service(
    name="twilio",
    label="Twilio",
    kinds=(CredentialKind(AuthToken, test=rest_api.check_account),),
    node=node.NODE,
)
