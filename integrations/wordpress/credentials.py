"""WordPress's credential: the site's address, a user name and one of that user's
application passwords (Users → Profile → Application Passwords), sent as HTTP basic auth."""

from __future__ import annotations

from pydantic import Field, SecretStr

from integrations.service import ApiFields


class ApplicationPassword(ApiFields):
    kind = "wordpress"
    label = "WordPress application password"

    application_password: SecretStr = Field(
        min_length=1,
        description="An application password (xxxx xxxx xxxx xxxx xxxx xxxx) from the user's "
        "profile page; the node acts with that user's role.",
    )
    username: str = Field(min_length=1, description="The WordPress user name.", examples=["editor"])
    # Required here: every WordPress site has its own address.
    base_url: str = Field(
        min_length=1,
        description="The site's address, e.g. https://blog.example.com (the REST API is under "
        "/wp-json/wp/v2).",
    )
