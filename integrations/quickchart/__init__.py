"""QuickChart (DESIGN §11): charts drawn as images; an optional credential for an API key or a
self-hosted server, and the node app.quickchart."""

from __future__ import annotations

from integrations.quickchart import node
from integrations.quickchart.credentials import Server
from integrations.service import CredentialKind, Service

SERVICE = Service(
    name="quickchart",
    label="QuickChart",
    kinds=(CredentialKind(Server, test=node.check_server),),
    node=node.NODE,
)
