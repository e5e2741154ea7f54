"""MySQL and MariaDB (DESIGN §11): a connection, and the node app.mysql."""

from __future__ import annotations

from integrations.mysql import database, node
from integrations.mysql.credentials import Connection
from integrations.service import CredentialKind, Service

SERVICE = Service(
    name="mysql",
    label="MySQL",
    kinds=(CredentialKind(Connection, test=database.check_connection),),
    node=node.NODE,
)
