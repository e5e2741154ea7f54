"""Customer.io's credential: a workspace's Track API site id and API key (Settings → API
Credentials → Track API keys), sent as HTTP Basic auth `<site id>:<key>`."""

from __future__ import annotations

from pydantic import Field, SecretStr

from integrations.service import ApiFields

PUBLIC_URL = "https://track.customer.io"


class TrackKey(ApiFields):
    kind = "customerio"
    label = "Customer.io Track API key"

    api_key: SecretStr = Field(min_length=1, description="The Track API key.")
    site_id: str = Field(
        min_length=1,
        description="The Track API site id shown with the key.",
        examples=["a1b2c3d4e5f6a7b8c9d0"],
    )
    base_url: str | None = Field(
        None,
        description="Leave empty for the US region; https://track-eu.customer.io for the EU "
        "region (or a test server).",
    )
