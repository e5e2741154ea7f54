"""GitHub's credential: a personal access token (classic or fine-grained), for github.com or a
GitHub Enterprise Server."""

from __future__ import annotations

from pydantic import Field, SecretStr

from integrations.service import ApiFields

DEFAULT_BASE_URL = "https://api.github.com"


class AccessToken(ApiFields):
    kind = "github"
    label = "GitHub access token"

    token: SecretStr = Field(
        min_length=1,
        description="A personal access token (github_pat_… or ghp_…) from GitHub's Settings, "
        "Developer settings. Fine-grained: give it the repositories and Issues (read and write) "
        "and Contents (read) permissions; classic: the repo scope.",
    )
    base_url: str | None = Field(
        None,
        description=f"Leave empty for github.com ({DEFAULT_BASE_URL}). For GitHub Enterprise "
        "Server: https://<your host>/api/v3.",
    )
