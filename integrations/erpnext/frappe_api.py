"""ERPNext's REST API (Frappe's `/api/resource/<DocType>`), over httpx through the guarded
transport.

Frappe's errors carry `exception` ("frappe.exceptions.DoesNotExistError: …"), `exc_type` and
`_server_messages` (a JSON list of JSON objects with a `message`); the readable words are
quoted. 401 names the credential; 403 is Frappe's "no permission on this DocType", which
names the DocType rather than the key (n8n says "DocType unavailable").
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

from integrations import http
from integrations.erpnext.credentials import ApiKey
from integrations.service import read_fields
from workfuse.lib.node_run import NodeError, Secret


def _server_messages(raw: Any) -> list[str]:
    try:
        said = [json.loads(m) if isinstance(m, str) else m for m in json.loads(raw)]
    except (TypeError, ValueError):
        return []
    return [str(m.get("message")) for m in said if isinstance(m, dict) and m.get("message")]


def _error_text(body: Any) -> str | None:
    if not isinstance(body, dict):
        return None
    messages = _server_messages(body.get("_server_messages"))
    if messages:
        return "; ".join(messages)
    exception = body.get("exception") or body.get("message") or body.get("exc_type")
    return str(exception) if exception else None


API = http.Api("ERPNext", error_text=_error_text, auth_statuses=frozenset({401}))


def resource(doc_type: str, name: str = "") -> str:
    """`/api/resource/<DocType>[/<name>]`, each part quoted ("Job Applicant")."""
    path = f"/api/resource/{quote(doc_type.strip(), safe='')}"
    return f"{path}/{quote(name.strip(), safe='')}" if name.strip() else path


def call(secret: Secret, method: str, path: str, *, what: str, **body: Any) -> Any:
    """A call to `path` on the site; its JSON answer."""
    fields = read_fields(ApiKey, secret)
    if not fields.base_url:
        raise NodeError(
            f"The credential “{secret.name}” has no site address: set the ERPNext site's "
            "address (https://acme.erpnext.com) on the Credentials page."
        )
    key, token = fields.api_key.get_secret_value(), fields.api_secret.get_secret_value()
    headers = {"Authorization": f"token {key}:{token}", "Accept": "application/json"}
    reply = http.send(
        API, secret, method, fields.base_url + path, what=what, headers=headers, **body
    )
    return reply.body if isinstance(reply.body, dict | list) else {}


def check_key(secret: Secret) -> str:
    """GET frappe.auth.get_logged_user: whose key it is, changing nothing."""
    answer = call(secret, "GET", "/api/method/frappe.auth.get_logged_user", what="login")
    return f"Connected to ERPNext as {answer.get('message', 'an API user')}."
