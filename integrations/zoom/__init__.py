"""Zoom (DESIGN §11): a Server-to-Server OAuth app, and the node app.zoom."""

from __future__ import annotations

from integrations.service import CredentialKind, Service
from integrations.zoom import node, rest_api
from integrations.zoom.credentials import ServerToServerApp

SERVICE = Service(
    name="zoom",
    label="Zoom",
    kinds=(CredentialKind(ServerToServerApp, test=rest_api.check_app),),
    node=node.NODE,
)
