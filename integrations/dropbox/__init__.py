"""Dropbox (DESIGN §11): an OAuth 2.0 refresh-token credential for an app registered in the
Dropbox App Console, and the node app.dropbox."""

from __future__ import annotations

from integrations.dropbox import dropbox_api, node
from integrations.dropbox.credentials import DropboxOAuth2
from integrations.service import CredentialKind, Service

SERVICE = Service(
    name="dropbox",
    label="Dropbox",
    kinds=(CredentialKind(DropboxOAuth2, test=dropbox_api.check),),
    node=node.NODE,
)
