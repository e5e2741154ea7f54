"""Nextcloud (DESIGN §11): a user's WebDAV address, name and app password, and the node
app.nextcloud."""

from __future__ import annotations

from integrations.nextcloud import node, webdav
from integrations.nextcloud.credentials import AppPassword
from integrations.service import CredentialKind, Service

SERVICE = Service(
    name="nextcloud",
    label="Nextcloud",
    kinds=(CredentialKind(AppPassword, test=webdav.check_login),),
    node=node.NODE,
)
