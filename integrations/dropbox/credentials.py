"""Dropbox's credential: an app of the Dropbox App Console (its key and secret) and a refresh
token a user granted it (an authorization with `token_access_type=offline`), the app's access
type, and where Dropbox is (for tests)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, SecretStr

from integrations.service import ApiFields


class DropboxOAuth2(ApiFields):
    kind = "dropbox"
    label = "Dropbox OAuth2 (refresh token)"

    app_secret: SecretStr = Field(
        min_length=1,
        description="The app's secret (dropbox.com/developers/apps → your app → Settings).",
    )
    refresh_token: SecretStr = Field(
        min_length=1,
        description="A refresh token the user granted the app (authorize with "
        "token_access_type=offline); it does not expire until the user revokes it.",
    )
    app_key: str = Field(
        min_length=1,
        description="The app's key (its client id), beside the secret in the App Console.",
        examples=["k9x2ab3cd4ef5gh"],
    )
    access_type: Literal["full", "folder"] = Field(
        "full",
        description="full: the app sees the whole Dropbox (paths start at the account's root, "
        "team spaces included). folder: an App folder app (paths start in its folder).",
    )
    base_url: str | None = Field(
        None,
        description="Leave empty for Dropbox (api.dropboxapi.com and content.dropboxapi.com). "
        "Set it for a test server, which then answers both and the token endpoint.",
    )
