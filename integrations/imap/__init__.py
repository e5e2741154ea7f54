"""Reading email over IMAP (DESIGN §11): an IMAP server credential, the node app.imap and
trigger.poll's `imap` source (new messages, n8n's Email Trigger (IMAP))."""

from __future__ import annotations

from integrations.imap import client, new_mail, node
from integrations.imap.credentials import ImapServer
from integrations.service import CredentialKind, Service

SERVICE = Service(
    name="imap",
    label="Email (IMAP)",
    kinds=(CredentialKind(ImapServer, test=client.check),),
    node=node.NODE,
    poll=new_mail.poll_messages,
)
