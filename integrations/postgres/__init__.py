"""PostgreSQL (DESIGN §11): a connection, and the node app.postgres."""

from __future__ import annotations

from integrations.postgres import database, node
from integrations.postgres.credentials import Connection
from integrations.service import CredentialKind, Service

SERVICE = Service(
    name="postgres",
    label="PostgreSQL",
    kinds=(CredentialKind(Connection, test=database.check_connection),),
    node=node.NODE,
)
