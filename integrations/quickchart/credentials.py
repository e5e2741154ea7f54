"""QuickChart's optional credential: a paid plan's API key (sent as the `key` parameter) and a
self-hosted server's address. Without one, the node draws on the public quickchart.io, as n8n's
QuickChart node always does."""

from __future__ import annotations

from pydantic import Field, SecretStr

from integrations.service import ApiFields

PUBLIC_URL = "https://quickchart.io"


class Server(ApiFields):
    kind = "quickchart"
    label = "QuickChart API key or server"

    api_key: SecretStr | None = Field(
        None, description="A paid plan's API key (optional: the free service takes none)."
    )
