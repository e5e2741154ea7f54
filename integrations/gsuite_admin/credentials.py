"""G Suite Admin's credential: Gmail's fields (an OAuth 2.0 client and a refresh token a
Google Workspace administrator granted it, and where the API and the token endpoint are), as a
kind of its own so the administrator's token is chosen apart from a mailbox's. The token is
traded at Google's token endpoint exactly as Gmail's is (integrations/gmail/gmail_api.py)."""

from __future__ import annotations

from pydantic import Field, SecretStr

from integrations.gmail.credentials import GmailOAuth2

DEFAULT_BASE_URL = "https://admin.googleapis.com"
SCOPES = (
    "https://www.googleapis.com/auth/admin.directory.user",
    "https://www.googleapis.com/auth/admin.directory.group",
)


class GSuiteAdminOAuth2(GmailOAuth2):
    kind = "gsuite_admin"
    label = "G Suite Admin OAuth2 (refresh token)"

    refresh_token: SecretStr = Field(
        min_length=1,
        description="A refresh token a Workspace administrator granted this client, with the "
        f"{' and '.join(SCOPES)} scopes (the OAuth Playground or `gcloud auth` gives one).",
    )
    base_url: str | None = Field(
        None,
        description=f"Leave empty for Google ({DEFAULT_BASE_URL}). Set it for a test server.",
    )
