"""Email over SMTP (DESIGN §11): an SMTP server credential, and the node app.email."""

from __future__ import annotations

from integrations.email import node, smtp
from integrations.email.credentials import SmtpServer
from integrations.service import CredentialKind, Service

SERVICE = Service(
    name="email",
    label="Email (SMTP)",
    kinds=(CredentialKind(SmtpServer, test=smtp.check),),
    node=node.NODE,
)
