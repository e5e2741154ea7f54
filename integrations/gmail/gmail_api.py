"""Google's token endpoint and the Gmail API (v1) for the mailbox of the credential's refresh
token (`users/me`), over httpx through the guarded transport.

google-auth trades the refresh token for an access token (its HTTP goes through the Sheets
integration's `GuardedRequest`, so the token request passes the private-network guard and gets
the same error mapping). The Gmail API answers errors as `{"error": {"code", "message",
"errors": [{"reason"}], "status"}}`; its rate limits are 429, or 403 with the reason
rateLimitExceeded / userRateLimitExceeded. An access token is fetched for each step and never
stored.
"""

from __future__ import annotations

from typing import Any

from google.auth import exceptions as google_errors
from google.oauth2 import credentials as user_credentials

from integrations import http
from integrations.gmail.credentials import DEFAULT_BASE_URL, DEFAULT_TOKEN_URL, GmailOAuth2
from integrations.google_sheets.sheets_api import TOKEN_API, GuardedRequest
from integrations.service import read_fields
from workfuse.lib.node_run import NodeError, Secret

RATE_REASONS = frozenset({"rateLimitExceeded", "userRateLimitExceeded"})


def _error_text(body: Any) -> str | None:
    if not isinstance(body, dict) or not isinstance(body.get("error"), dict):
        return None
    error = body["error"]
    return f"{error.get('status') or error.get('code')}: {error.get('message', '')}".strip()


def _is_rate_limit(reply: http.Reply) -> bool:
    if reply.status == 429:
        return True
    error = reply.body.get("error") if isinstance(reply.body, dict) else None
    reasons = {e.get("reason") for e in (error or {}).get("errors") or [] if isinstance(e, dict)}
    return reply.status == 403 and bool(reasons & RATE_REASONS)


API = http.Api("Gmail", error_text=_error_text, is_rate_limit=_is_rate_limit)


def access_token(secret: Secret) -> str:
    fields = read_fields(GmailOAuth2, secret)
    credentials = user_credentials.Credentials(
        token=None,
        refresh_token=fields.refresh_token.get_secret_value(),
        client_id=fields.client_id,
        client_secret=fields.client_secret.get_secret_value(),
        token_uri=fields.token_url or DEFAULT_TOKEN_URL,
    )  # no scopes asked: the token keeps those the owner granted (gmail.modify or more)
    try:
        credentials.refresh(GuardedRequest(secret))
    except google_errors.GoogleAuthError as error:
        said = str(error.args[0] if error.args else error)
        raise http.auth_error(TOKEN_API, secret, said) from None
    return str(credentials.token)


class Mailbox:
    """The credential's mailbox for one step: one access token for all its calls."""

    def __init__(self, secret: Secret) -> None:
        self.secret = secret
        fields = read_fields(GmailOAuth2, secret)
        self.base = f"{fields.base_url or DEFAULT_BASE_URL}/gmail/v1/users/me"
        self._token: str | None = None

    def call(self, method: str, path: str, what: str, **body: Any) -> dict[str, Any]:
        """A Gmail API call (`path` after `/gmail/v1/users/me/`); its JSON answer ({} for
        the empty answer of a delete)."""
        if self._token is None:
            self._token = access_token(self.secret)
        headers = {"Authorization": f"Bearer {self._token}"}
        url = f"{self.base}/{path}"
        reply = http.send(API, self.secret, method, url, what=what, headers=headers, **body)
        if reply.body in ("", None):
            return {}
        if not isinstance(reply.body, dict):
            raise NodeError(f"Gmail answered {what} with something that is not JSON.")
        return reply.body


def check(secret: Secret) -> str:
    """users.getProfile: proves the token works and names the mailbox."""
    profile = Mailbox(secret).call("GET", "profile", "users.getProfile")
    return (
        f"Gmail accepted the credential for the mailbox {profile.get('emailAddress')} "
        f"({profile.get('messagesTotal', 0)} messages)."
    )
