"""Supabase's database REST API (PostgREST under `/rest/v1`), over httpx through the guarded
transport.

Requests carry the key twice, as Supabase asks: `apikey: <key>` and `Authorization: Bearer
<key>`. Writes send `Prefer: return=representation` so the rows written come back. Errors are
PostgREST's `{"code", "message", "details", "hint"}` (a PGRST code, or a Postgres SQLSTATE such
as 23505 for a duplicate key); 401 (`Invalid API key`) names the credential.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from integrations import http
from integrations.service import read_fields
from integrations.supabase.credentials import ServiceKey
from workfuse.lib.node_run import Secret


def _error_text(body: Any) -> str | None:
    if not isinstance(body, dict) or not body.get("message"):
        return None
    said = f"{body.get('code')}: {body['message']}" if body.get("code") else str(body["message"])
    return f"{said} ({body['details']})" if body.get("details") else said


API = http.Api("Supabase", error_text=_error_text, auth_statuses=frozenset({401}))


def call(secret: Secret, method: str, table: str, *, what: str, **body: Any) -> Any:
    """A PostgREST call on `table` ("" for the API root) and its JSON answer."""
    fields = read_fields(ServiceKey, secret)
    key = fields.service_key.get_secret_value()
    headers = {"apikey": key, "Authorization": f"Bearer {key}", "Prefer": "return=representation"}
    url = f"{fields.base_url}/rest/v1/{quote(table.strip(), safe='')}"
    return http.send(API, secret, method, url, what=what, headers=headers, **body).body


def rpc(secret: Secret, function: str, *, what: str, **body: Any) -> Any:
    """POST /rest/v1/rpc/<function>: a database function's answer (its rows for a set)."""
    fields = read_fields(ServiceKey, secret)
    key = fields.service_key.get_secret_value()
    headers = {"apikey": key, "Authorization": f"Bearer {key}"}
    url = f"{fields.base_url}/rest/v1/rpc/{quote(function.strip(), safe='')}"
    return http.send(API, secret, "POST", url, what=what, headers=headers, **body).body


def check_key(secret: Secret) -> str:
    """GET /rest/v1/: the API's description, readable with a valid key only."""
    call(secret, "GET", "", what="the API description")
    return "Connected to Supabase: the key opens the project's database API."
