"""Baserow's credential: a database token (Settings → Database tokens), sent as
`Authorization: Token …`. It reaches the rows of the workspace it was made in, with the
create/read/update/delete rights chosen for it; a self-hosted Baserow sets `base_url`."""

from __future__ import annotations

from pydantic import Field, SecretStr

from integrations.service import ApiFields

PUBLIC_URL = "https://api.baserow.io"


class DatabaseToken(ApiFields):
    kind = "baserow"
    label = "Baserow database token"

    token: SecretStr = Field(
        min_length=1,
        description="A database token (Settings → Database tokens) with the rights the node "
        "needs on the table.",
    )
