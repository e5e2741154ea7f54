"""QuestDB (DESIGN §11): a connection over PostgreSQL's wire protocol, and the node app.questdb."""

from __future__ import annotations

from integrations.questdb import node
from integrations.questdb.credentials import Connection
from integrations.service import CredentialKind, Service

SERVICE = Service(
    name="questdb",
    label="QuestDB",
    kinds=(CredentialKind(Connection, test=node.check_connection),),
    node=node.NODE,
)
