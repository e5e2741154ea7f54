"""G Suite Admin (Google Workspace, DESIGN §11): a Google OAuth 2.0 refresh-token credential of
an administrator (Gmail's machinery, with the Directory scopes), and the node app.gsuite_admin
(Admin SDK Directory API: users and groups created, read, listed, updated, deleted)."""

from __future__ import annotations

from integrations.gsuite_admin import directory_api, node
from integrations.gsuite_admin.credentials import GSuiteAdminOAuth2
from integrations.service import CredentialKind, Service

SERVICE = Service(
    name="gsuite_admin",
    label="G Suite Admin",
    kinds=(CredentialKind(GSuiteAdminOAuth2, test=directory_api.check),),
    node=node.NODE,
)
