"""Clearbit's credential: the account's secret API key (sk_…), sent as a bearer token."""

from __future__ import annotations

from pydantic import Field, SecretStr

from integrations.service import ApiFields

# Each Clearbit API has its own host; a base_url (a test server) stands for all of them.
HOSTS = {
    "person": "https://person.clearbit.com",
    "company": "https://company.clearbit.com",
    "autocomplete": "https://autocomplete.clearbit.com",
}


class ApiKey(ApiFields):
    kind = "clearbit"
    label = "Clearbit API key"

    api_key: SecretStr = Field(min_length=1, description="The account's secret API key (sk_…).")
