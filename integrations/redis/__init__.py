"""Redis (DESIGN §11): a connection, and the node app.redis."""

from __future__ import annotations

from integrations.redis import node, store
from integrations.redis.credentials import Connection
from integrations.service import CredentialKind, Service

SERVICE = Service(
    name="redis",
    label="Redis",
    kinds=(CredentialKind(Connection, test=store.check_connection),),
    node=node.NODE,
)
