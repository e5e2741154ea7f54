"""Microsoft's token endpoint and Microsoft Graph's mail API for the signed-in mailbox (`/me`),
over httpx through the guarded transport.

Each step trades the refresh token for an access token (the refresh-token grant, form-encoded)
and uses it for all its calls; neither the access token nor the rotated refresh token Microsoft
sends back is stored. Graph answers errors as `{"error": {"code", "message"}}`; it throttles
with 429 and `Retry-After`.
"""

from __future__ import annotations

from typing import Any

from integrations import http
from integrations.outlook.credentials import DEFAULT_BASE_URL, SCOPES, OutlookOAuth2
from integrations.service import read_fields
from workfuse.lib.node_run import NodeError, Secret


def _error_text(body: Any) -> str | None:
    if not isinstance(body, dict):
        return None
    error = body.get("error")
    if isinstance(error, dict):  # Graph
        return f"{error.get('code', '')}: {error.get('message', '')}".strip(": ")
    if isinstance(error, str):  # the token endpoint (OAuth 2.0)
        description = str(body.get("error_description", "")).split("\r\n")[0]
        return f"{error}: {description}".strip(": ")
    return None


API = http.Api("Microsoft Graph", error_text=_error_text)
TOKEN_API = http.Api("Microsoft", error_text=_error_text, auth_statuses=frozenset({400, 401}))


def access_token(secret: Secret, scopes: str = SCOPES) -> str:
    """An access token for `scopes` (Outlook's mail scopes unless another Graph integration,
    OneDrive, asks for its own)."""
    fields = read_fields(OutlookOAuth2, secret)
    form = {
        "grant_type": "refresh_token",
        "client_id": fields.client_id,
        "client_secret": fields.client_secret.get_secret_value(),
        "refresh_token": fields.refresh_token.get_secret_value(),
        "scope": scopes,
    }
    reply = http.send(
        TOKEN_API, secret, "POST", fields.token_endpoint, what="the access token request", data=form
    )
    token = reply.body.get("access_token") if isinstance(reply.body, dict) else None
    if not token:
        raise NodeError("Microsoft answered the access token request without a token.")
    return str(token)


class Mailbox:
    """The credential's mailbox for one step: one access token for all its calls."""

    def __init__(self, secret: Secret) -> None:
        self.secret = secret
        self.base = f"{read_fields(OutlookOAuth2, secret).base_url or DEFAULT_BASE_URL}/me"
        self._token: str | None = None

    def call(self, method: str, path: str, what: str, **body: Any) -> dict[str, Any]:
        """A Graph call (`path` after `/me/`); its JSON answer ({} for 202 and 204)."""
        if self._token is None:
            self._token = access_token(self.secret)
        headers = {"Authorization": f"Bearer {self._token}"}
        url = f"{self.base}/{path}" if path else self.base
        reply = http.send(API, self.secret, method, url, what=what, headers=headers, **body)
        if reply.body in ("", None):
            return {}
        if not isinstance(reply.body, dict):
            raise NodeError(f"Microsoft Graph answered {what} with something that is not JSON.")
        return reply.body


def check(secret: Secret) -> str:
    """GET /me: proves the token works and names the mailbox."""
    me = Mailbox(secret).call("GET", "", "GET /me")
    address = me.get("mail") or me.get("userPrincipalName")
    return f"Microsoft Graph accepted the credential for the mailbox {address}."
