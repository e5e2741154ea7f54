"""QuestDB's credential: its PostgreSQL wire endpoint (port 8812), user and password (secret);
QuestDB's own defaults (database qdb, user admin, no TLS) as n8n's QuestDB credential has them."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from integrations.postgres import credentials


class Connection(credentials.Connection):
    kind = "questdb"
    label = "QuestDB connection"

    port: int = Field(8812, ge=1, le=65535, description="The PostgreSQL wire port (8812).")
    database: str = Field("qdb", min_length=1, max_length=63, description="qdb, QuestDB's only.")
    username: str = Field("admin", min_length=1, max_length=63, description="The user (admin).")
    sslmode: Literal["disable", "allow", "prefer", "require", "verify-ca", "verify-full"] = Field(
        "disable",
        description="TLS: disable (QuestDB's open-source server has none), or require / "
        "verify-full for QuestDB Enterprise or a TLS proxy.",
    )
