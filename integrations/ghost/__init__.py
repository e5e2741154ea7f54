"""Ghost (DESIGN §11): an Admin API key with the site's address, and the node app.ghost."""

from __future__ import annotations

from integrations.ghost import admin_api, node
from integrations.ghost.credentials import AdminKey
from integrations.service import CredentialKind, Service

SERVICE = Service(
    name="ghost",
    label="Ghost",
    kinds=(CredentialKind(AdminKey, test=admin_api.check_key),),
    node=node.NODE,
)
