"""NASA's credential: an api.nasa.gov key (DEMO_KEY works, with low limits), sent as the
`api_key` query parameter."""

from __future__ import annotations

from pydantic import Field, SecretStr

from integrations.service import ApiFields

PUBLIC_URL = "https://api.nasa.gov"


class ApiKey(ApiFields):
    kind = "nasa"
    label = "NASA API key"

    api_key: SecretStr = Field(min_length=1, description="Your key from api.nasa.gov.")
