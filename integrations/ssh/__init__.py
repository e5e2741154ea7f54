"""SSH (DESIGN §11): a login on the user's own server, and the node app.ssh (a command run,
files uploaded and downloaded over SFTP)."""

from __future__ import annotations

from integrations.service import CredentialKind, Service
from integrations.ssh import node
from integrations.ssh.credentials import Login

SERVICE = Service(
    name="ssh",
    label="SSH",
    kinds=(CredentialKind(Login, test=node.check_login),),
    node=node.NODE,
)
