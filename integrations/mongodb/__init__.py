"""MongoDB (DESIGN §11): a connection string, and the node app.mongodb."""

from __future__ import annotations

from integrations.mongodb import database, node
from integrations.mongodb.credentials import Connection
from integrations.service import CredentialKind, Service

SERVICE = Service(
    name="mongodb",
    label="MongoDB",
    kinds=(CredentialKind(Connection, test=database.check_connection),),
    node=node.NODE,
)
