"""Mindee's off-the-shelf document APIs v1 (`/v1/products/mindee/<product>/v3/predict`), over
httpx through the guarded transport.

Requests carry `Authorization: Token <key>`. Errors are `{"api_request": {"error":
{"code", "message", "details"}}}`; the message and details are quoted, 401 and 403 name the
credential.
"""

from __future__ import annotations

from typing import Any

from integrations import http
from integrations.mindee.credentials import PUBLIC_URL, ApiKey
from integrations.service import read_fields
from workfuse.lib import files
from workfuse.lib.node_run import NodeError, Secret

PRODUCTS = {"receipt": "expense_receipts", "invoice": "invoices"}


def _error_text(body: Any) -> str | None:
    request = body.get("api_request") if isinstance(body, dict) else None
    error = request.get("error") if isinstance(request, dict) else None
    if not isinstance(error, dict) or not error.get("message"):
        # A gateway in front of the API answers `{"message"}`.
        return str(body["message"]) if isinstance(body, dict) and body.get("message") else None
    details = error.get("details")
    return f"{error['message']}: {details}" if details else str(error["message"])


API = http.Api("Mindee", error_text=_error_text)


def predict(secret: Secret, product: str, document: files.File | None, *, what: str) -> Any:
    """POST the document (multipart `document`) to the product's v3 predict; Mindee's JSON."""
    fields = read_fields(ApiKey, secret)
    headers = {"Authorization": f"Token {fields.api_key.get_secret_value()}"}
    url = f"{fields.base_url or PUBLIC_URL}/v1/products/mindee/{PRODUCTS[product]}/v3/predict"
    upload = (
        {"document": (document.filename, document.data, document.content_type)}
        if document
        else None
    )
    reply = http.send(API, secret, "POST", url, what=what, headers=headers, files=upload)
    if not isinstance(reply.body, dict):
        raise NodeError(f"Mindee answered {what} with something that is not JSON.")
    return reply.body


def check_key(secret: Secret) -> str:
    """A receipt prediction with no document: Mindee refuses the missing document (400) once it
    has accepted the key, and nothing is read or billed."""
    try:
        predict(secret, "receipt", None, what="test")
    except NodeError as exc:
        if not exc.message.startswith("Mindee refused test (HTTP 400)"):
            raise
    return "Connected to Mindee: the API key was accepted."
