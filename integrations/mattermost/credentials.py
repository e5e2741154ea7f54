"""Mattermost's credential: a personal access token (or a bot account's token) and the server's
address; Mattermost is self-hosted or cloud, every team on its own address."""

from __future__ import annotations

from pydantic import Field, SecretStr

from integrations.service import ApiFields


class AccessToken(ApiFields):
    kind = "mattermost"
    label = "Mattermost access token"

    access_token: SecretStr = Field(
        min_length=1,
        description="A personal access token (Profile → Security → Personal Access Tokens) or a "
        "bot account's token; the node posts as that user or bot.",
    )
    # Required here: there is no one public Mattermost.
    base_url: str = Field(
        min_length=1,
        description="The server's address, e.g. https://chat.example.com (the API is under "
        "/api/v4).",
    )
