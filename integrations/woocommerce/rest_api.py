"""WooCommerce's REST API v3 (`<store>/wp-json/wc/v3`), over httpx through the guarded
transport.

Requests carry the key pair as HTTP Basic auth (or, when the credential says so, as the
`consumer_key` and `consumer_secret` query parameters). Errors are WordPress's
`{"code", "message", "data": {"status"}}`; 401 and 403 name the credential. Lists come in pages
of at most 100 (`page`, `per_page`), the page count in the `X-WP-TotalPages` header.
"""

from __future__ import annotations

import base64
from typing import Any

from integrations import http
from integrations.service import read_fields
from integrations.woocommerce.credentials import StoreKeys
from workfuse.lib.node_run import NodeError, Secret


def _error_text(body: Any) -> str | None:
    if isinstance(body, dict) and body.get("message"):
        code = body.get("code")
        return f"{code}: {body['message']}" if code else str(body["message"])
    return None


API = http.Api("WooCommerce", error_text=_error_text)


def send(
    secret: Secret,
    method: str,
    path: str,
    *,
    what: str,
    params: dict[str, Any] | None = None,
    **body: Any,
) -> http.Reply:
    """A call (`path` below `/wp-json/wc/v3`) and its JSON answer."""
    fields = read_fields(StoreKeys, secret)
    key, key_secret = (
        fields.consumer_key.get_secret_value(),
        fields.consumer_secret.get_secret_value(),
    )
    query = dict(params or {})
    headers: dict[str, str] = {}
    if fields.keys_in_query:
        query |= {"consumer_key": key, "consumer_secret": key_secret}
    else:
        pair = base64.b64encode(f"{key}:{key_secret}".encode()).decode()
        headers["Authorization"] = f"Basic {pair}"
    url = f"{(fields.base_url or '').rstrip('/')}/wp-json/wc/v3{path}"
    reply = http.send(API, secret, method, url, what=what, headers=headers, params=query, **body)
    if not isinstance(reply.body, dict | list):
        raise NodeError(
            f"WooCommerce answered {what} with something that is not JSON; check the "
            "credential's store address (the site's home page, without /wp-json)."
        )
    return reply


def call(secret: Secret, method: str, path: str, *, what: str, **body: Any) -> Any:
    return send(secret, method, path, what=what, **body).body


def check_keys(secret: Secret) -> str:
    """GET /products?per_page=1: the keys read the store, changing nothing."""
    call(secret, "GET", "/products", what="list_products", params={"per_page": 1})
    fields = read_fields(StoreKeys, secret)
    return f"Connected to the WooCommerce store at {fields.base_url}."
