"""Gmail (DESIGN §11): an OAuth 2.0 refresh-token credential, the node app.gmail and
trigger.poll's `gmail` source (new messages)."""

from __future__ import annotations

from integrations.gmail import gmail_api, new_mail, node
from integrations.gmail.credentials import GmailOAuth2
from integrations.service import CredentialKind, Service

SERVICE = Service(
    name="gmail",
    label="Gmail",
    kinds=(CredentialKind(GmailOAuth2, test=gmail_api.check),),
    node=node.NODE,
    poll=new_mail.poll_messages,
)
