"""NocoDB's credential: an API token (Account → Tokens), sent in the `xc-token` header, and the
server's address (NocoDB Cloud's by default)."""

from __future__ import annotations

from pydantic import Field, SecretStr

from integrations.service import ApiFields

PUBLIC_URL = "https://app.nocodb.com"


class ApiToken(ApiFields):
    kind = "nocodb"
    label = "NocoDB API token"

    api_token: SecretStr = Field(min_length=1, description="An API token (Account → Tokens).")
