"""Jira Cloud's REST API, over httpx through the guarded transport.

Issues go through REST v2, whose descriptions are plain text (wiki markup: `h2.`, `*bold*`),
as n8n sends them; comments through v3, whose bodies are Atlassian Document Format, as n8n
sends them too. Searches use `POST /search/jql`, which replaced `POST /search` (removed from
Jira Cloud in 2025): it pages with `nextPageToken` and returns only ids unless `fields` asks.

Requests carry basic auth (email:API token). Errors are `{"errorMessages": [...], "errors":
{field: message}}`; 401 is a wrong email or token. 403 and 404 mostly mean the account may not
see a project or issue (Jira answers 404 "Issue does not exist or you do not have permission
to see it"), so they carry Jira's words rather than blaming the credential. A rate limit
answers 429 with `Retry-After`.
"""

from __future__ import annotations

import base64
from typing import Any
from urllib.parse import quote

from integrations import http
from integrations.jira.credentials import ApiToken
from integrations.service import read_fields
from workfuse.lib.node_run import NodeError, Secret


def _error_text(body: Any) -> str | None:
    if not isinstance(body, dict):
        return None
    said = [str(m) for m in body.get("errorMessages") or [] if m]
    errors = body.get("errors")
    if isinstance(errors, dict):
        said += [f"{field}: {message}" for field, message in errors.items()]
    return "; ".join(said) or None


API = http.Api("Jira", error_text=_error_text, auth_statuses=frozenset({401}))


def call(
    secret: Secret,
    method: str,
    path: str,
    *,
    what: str,
    version: int = 2,
    extra_headers: dict[str, str] | None = None,
    **body: Any,
) -> Any:
    """A REST call (`path` below `/rest/api/<version>`) and its JSON answer (None when Jira
    answers 204 No Content)."""
    fields = read_fields(ApiToken, secret)
    pair = f"{fields.email}:{fields.api_token.get_secret_value()}".encode()
    headers = {
        "Authorization": f"Basic {base64.b64encode(pair).decode()}",
        "Accept": "application/json",
        **(extra_headers or {}),
    }
    url = f"{fields.base_url}/rest/api/{version}{path}"
    reply = http.send(API, secret, method, url, what=what, headers=headers, **body)
    if reply.status == 204 or reply.body == "":
        return None
    if not isinstance(reply.body, dict | list):
        raise NodeError(f"Jira answered {what} with something that is not JSON.")
    return reply.body


def issue_path(key: str) -> str:
    return f"/issue/{quote(key.strip(), safe='')}"


def check_token(secret: Secret) -> str:
    """GET /rest/api/2/myself: whose token it is, changing nothing."""
    me = call(secret, "GET", "/myself", what="myself")
    me = me if isinstance(me, dict) else {}
    who = me.get("displayName") or me.get("emailAddress") or me.get("accountId") or "someone"
    return f"Connected to Jira as {who}."
