"""Elasticsearch's REST API (7.x and 8.x), over httpx through the guarded transport.

Requests carry basic auth or `Authorization: ApiKey <encoded>`. Errors are `{"error": {"type",
"reason", "root_cause"}, "status"}` (a missing document answers 404 with `found: false` and no
error); 401 and 403 name the credential; 429 (`es_rejected_execution_exception`) and 5xx are
retried.
"""

from __future__ import annotations

import base64
from typing import Any

from integrations import http
from integrations.elasticsearch.credentials import Cluster
from integrations.service import read_fields
from workfuse.lib.node_run import NodeError, Secret


def _error_text(body: Any) -> str | None:
    if not isinstance(body, dict):
        return None
    error = body.get("error")
    if isinstance(error, dict):
        kind, reason = error.get("type"), error.get("reason")
        return f"{kind}: {reason}" if kind and reason else reason or kind
    if isinstance(error, str):
        return error
    if body.get("found") is False:
        return f"document {body.get('_id')} not found in index {body.get('_index')}"
    if body.get("result") == "not_found":
        return f"document {body.get('_id')} not found in index {body.get('_index')}"
    return None


API = http.Api("Elasticsearch", error_text=_error_text)


def _auth(fields: Cluster) -> str:
    if fields.api_key is not None:
        return f"ApiKey {fields.api_key.get_secret_value()}"
    password = fields.password.get_secret_value() if fields.password else ""
    pair = f"{fields.username}:{password}".encode()
    return f"Basic {base64.b64encode(pair).decode()}"


def call(secret: Secret, method: str, path: str, *, what: str, **body: Any) -> Any:
    """A call (`path` from the cluster's root) and its JSON answer."""
    fields = read_fields(Cluster, secret)
    headers = {"Authorization": _auth(fields)}
    url = f"{fields.base_url}{path}"
    reply = http.send(API, secret, method, url, what=what, headers=headers, **body)
    if not isinstance(reply.body, dict):
        raise NodeError(
            f"Elasticsearch answered {what} with something that is not JSON; check that the "
            "credential's address is the cluster's."
        )
    return reply.body


def check_cluster(secret: Secret) -> str:
    """GET /: the cluster's name and version, changing nothing."""
    info = call(secret, "GET", "/", what="cluster info")
    version = (info.get("version") or {}).get("number", "?")
    return f"Connected to Elasticsearch {version} (cluster {info.get('cluster_name', '?')})."
