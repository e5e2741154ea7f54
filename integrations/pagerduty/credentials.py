"""PagerDuty's credential: a REST API key (an account's, Integrations → API Access Keys, or a
user's, My Profile → User Settings), sent as `Authorization: Token token=<key>`."""

from __future__ import annotations

from pydantic import Field, SecretStr

from integrations.service import ApiFields

PUBLIC_URL = "https://api.pagerduty.com"


class ApiToken(ApiFields):
    kind = "pagerduty"
    label = "PagerDuty API key"

    api_token: SecretStr = Field(
        min_length=1,
        description="A REST API key: the account's (Integrations → API Access Keys; writes then "
        "need the From email) or a user's (the node acts as that user).",
    )
