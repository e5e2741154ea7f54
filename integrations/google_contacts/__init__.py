"""Google Contacts (DESIGN §11): a Google OAuth 2.0 refresh-token credential (Gmail's machinery,
with the contacts scope), and the node app.google_contacts (People API v1: contacts created,
read, listed or searched, updated, deleted)."""

from __future__ import annotations

from integrations.google_contacts import node, people_api
from integrations.google_contacts.credentials import GoogleContactsOAuth2
from integrations.service import CredentialKind, Service

SERVICE = Service(
    name="google_contacts",
    label="Google Contacts",
    kinds=(CredentialKind(GoogleContactsOAuth2, test=people_api.check),),
    node=node.NODE,
)
