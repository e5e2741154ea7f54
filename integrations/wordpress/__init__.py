"""WordPress (DESIGN §11): a site's user and application password, and the node app.wordpress."""

from __future__ import annotations

from integrations.service import CredentialKind, Service
from integrations.wordpress import node, rest_api
from integrations.wordpress.credentials import ApplicationPassword

SERVICE = Service(
    name="wordpress",
    label="WordPress",
    kinds=(CredentialKind(ApplicationPassword, test=rest_api.check_password),),
    node=node.NODE,
)
