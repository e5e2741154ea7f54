"""Google Perspective's credential: an API key (Google Cloud console → APIs & Services →
Credentials) of a project with the Perspective Comment Analyzer API enabled, sent in the
`X-Goog-Api-Key` header so it stays out of URLs."""

from __future__ import annotations

from pydantic import Field, SecretStr

from integrations.service import ApiFields

PUBLIC_URL = "https://commentanalyzer.googleapis.com"


class PerspectiveKey(ApiFields):
    kind = "google_perspective"
    label = "Google Perspective API key"

    api_key: SecretStr = Field(
        min_length=1,
        description="An API key of a Google Cloud project with the Perspective Comment Analyzer "
        "API enabled (restrict it to that API).",
    )
