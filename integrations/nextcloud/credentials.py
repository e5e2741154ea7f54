"""Nextcloud's credential: the server's WebDAV address (Files → Settings → WebDAV), a user name
and an app password (Personal settings → Security → Devices & sessions), sent as HTTP Basic."""

from __future__ import annotations

from pydantic import Field, SecretStr

from integrations.service import ApiFields


class AppPassword(ApiFields):
    kind = "nextcloud"
    label = "Nextcloud app password"

    # Required here: every Nextcloud is someone's own server.
    base_url: str = Field(
        min_length=1,
        description="The WebDAV address, as Files → Settings → WebDAV shows it: "
        "https://cloud.example.com/remote.php/dav/files/USER (or the older …/remote.php/webdav).",
    )
    user: str = Field(min_length=1, description="The Nextcloud user name.", examples=["ada"])
    password: SecretStr = Field(
        min_length=1,
        description="An app password (Personal settings → Security); the node acts as that user.",
    )
