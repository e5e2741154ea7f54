"""Venafi TLS Protect Cloud's REST API (`https://api.venafi.<region>`), over httpx through the
guarded transport.

Requests carry the key as the `tppl-api-key` header. Errors are `{"errors": [{"code",
"message"}]}`; the messages are quoted, 401 and 403 name the credential. Lists come by pages:
each answer's `_links[0].Next`, when present, is the path of the next page (n8n follows it).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl, urlsplit

from integrations import http
from integrations.service import read_fields
from integrations.venafi_cloud.credentials import ApiKey
from workfuse.lib.node_run import Secret


def _error_text(body: Any) -> str | None:
    if not isinstance(body, dict):
        return None
    errors = body.get("errors")
    if isinstance(errors, list):
        said = [str(e.get("message")) for e in errors if isinstance(e, dict) and e.get("message")]
        if said:
            return "; ".join(said)
    return str(body["message"]) if body.get("message") else None


API = http.Api("Venafi TLS Protect Cloud", error_text=_error_text)


def base_url(fields: ApiKey) -> str:
    return fields.base_url or f"https://api.venafi.{fields.region}"


def call(secret: Secret, method: str, path: str, *, what: str, **body: Any) -> Any:
    """A call to `path` (from the API's root, `/outagedetection/v1/...`) and its JSON answer
    ({} for an empty one)."""
    fields = read_fields(ApiKey, secret)
    headers = {
        "tppl-api-key": fields.api_key.get_secret_value(),
        "Accept": "application/json",
    }
    url = f"{base_url(fields).rstrip('/')}{path}"
    reply = http.send(API, secret, method, url, what=what, headers=headers, **body)
    return reply.body if isinstance(reply.body, dict | list) else {}


def every(
    secret: Secret, path: str, key: str, most: int, *, what: str, params: dict[str, Any]
) -> list[Any]:
    """The `key` list of every page, following `_links[0].Next` as n8n does, at most `most`."""
    found: list[Any] = []
    next_path: str | None = path
    while next_path and len(found) < most:
        # The next link carries its own query; the filters are sent again beside it, as n8n's
        # request library appends them.
        parts = urlsplit(next_path)
        query = dict(parse_qsl(parts.query)) | params
        page = call(secret, "GET", parts.path, what=what, params=query)
        entries = page.get(key) if isinstance(page, dict) else None
        found += entries if isinstance(entries, list) else []
        next_path = _next(page)
    return found[:most]


def _next(page: Any) -> str | None:
    links = page.get("_links") if isinstance(page, dict) else None
    first = links[0] if isinstance(links, list) and links else None
    path = first.get("Next") if isinstance(first, dict) else None
    return str(path) if path else None


def check_key(secret: Secret) -> str:
    """GET /v1/preferences (n8n's credential test): the key works, changing nothing."""
    call(secret, "GET", "/v1/preferences", what="preferences")
    return "Connected to Venafi TLS Protect Cloud."
