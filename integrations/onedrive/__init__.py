"""Microsoft OneDrive (DESIGN §11): an OAuth 2.0 refresh-token credential for Microsoft Graph
(Outlook's, with the Files scopes) and the node app.onedrive."""

from __future__ import annotations

from integrations.onedrive import drive_api, node
from integrations.onedrive.credentials import OneDriveOAuth2
from integrations.service import CredentialKind, Service

SERVICE = Service(
    name="onedrive",
    label="Microsoft OneDrive",
    kinds=(CredentialKind(OneDriveOAuth2, test=drive_api.check),),
    node=node.NODE,
)
