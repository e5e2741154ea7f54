"""Clearbit's Enrichment API (person.clearbit.com `/v2/people/find`, company.clearbit.com
`/v2/companies/find`) and its Autocomplete API (`/v1/companies/suggest`), over httpx through the
guarded transport.

Requests carry the key as a bearer token. A lookup Clearbit has not finished answers 202 with
no record (it is being looked up; asking again later finds it). Errors are `{"error": {"type",
"message"}}`: 404 `unknown_record`, 422 `email_invalid`; 401 and 403 name the credential.
"""

from __future__ import annotations

from typing import Any

from integrations import http
from integrations.clearbit.credentials import HOSTS, ApiKey
from integrations.service import read_fields
from workfuse.lib.node_run import Secret


def _error_text(body: Any) -> str | None:
    error = body.get("error") if isinstance(body, dict) else None
    if not isinstance(error, dict):
        return None
    kind, message = error.get("type"), error.get("message")
    return f"{kind}: {message}" if kind and message else message or kind


API = http.Api("Clearbit", error_text=_error_text)


def call(secret: Secret, api: str, path: str, *, what: str, params: dict[str, Any]) -> http.Reply:
    """A GET on one of Clearbit's APIs (`api`: person, company, autocomplete)."""
    fields = read_fields(ApiKey, secret)
    headers = {"Authorization": f"Bearer {fields.api_key.get_secret_value()}"}
    url = f"{fields.base_url or HOSTS[api]}{path}"
    return http.send(API, secret, "GET", url, what=what, headers=headers, params=params)


def check_key(secret: Secret) -> str:
    """A company lookup of clearbit.com itself: Clearbit refuses a wrong key with 401."""
    reply = call(
        secret,
        "company",
        "/v2/companies/find",
        what="companies/find",
        params={"domain": "clearbit.com"},
    )
    name = reply.body.get("name") if isinstance(reply.body, dict) else None
    return f"Connected to Clearbit: clearbit.com is {name or 'being looked up'}."
