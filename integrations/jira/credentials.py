"""Jira Cloud's credential: the site's address, an Atlassian account's email and its API
token (sent as HTTP basic auth, as Atlassian documents for scripts)."""

from __future__ import annotations

from pydantic import Field, SecretStr

from integrations.service import ApiFields


class ApiToken(ApiFields):
    kind = "jira"
    label = "Jira API token"

    api_token: SecretStr = Field(
        min_length=1,
        description="An API token from id.atlassian.com/manage-profile/security/api-tokens; "
        "it acts with the permissions of the account below.",
    )
    email: str = Field(
        min_length=3,
        description="The email of the Atlassian account.",
        examples=["ada@example.com"],
    )
    # Required here: every Jira Cloud site has its own address.
    base_url: str = Field(
        min_length=1,
        description="Your Jira site, e.g. https://your-team.atlassian.net.",
    )
