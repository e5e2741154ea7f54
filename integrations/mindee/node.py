"""app.mindee: a receipt's or an invoice's fields read from a file (Mindee's expense receipt
and invoice APIs, v3), simplified as n8n's Mindee node simplifies them unless raw is set."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from integrations.mindee import rest_api
from integrations.mindee.credentials import ApiKey
from integrations.operations import OperationConfig, used_by
from integrations.service import credential_for
from workfuse.lib import files
from workfuse.lib.node_run import NodeError, RunContext
from workfuse.lib.node_types import NodeType

Operation = Literal["predict_receipt", "predict_invoice"]
ALL = ("predict_receipt", "predict_invoice")
# Where a field's value sits in Mindee's prediction, in the order n8n's node looks.
VALUE_KEYS = ("value", "name", "raw", "degrees", "amount", "iban")
# The document field's example in its JSON Schema: a file value (a PDF's first bytes).
SAMPLE = {
    "filename": "receipt.pdf",
    "content_type": "application/pdf",
    "content": "JVBERi0xLjQKJSByZWNlaXB0Cg==",
}


class Config(OperationConfig):
    credential: int | None = Field(None, ge=1, description="Your Mindee API key credential.")
    operation: Operation = Field(
        "predict_receipt",
        description="predict_receipt: a receipt's merchant, date, total, taxes… "
        "predict_invoice: an invoice's supplier, dates, amounts…",
    )
    document: Any = Field(
        None,
        description="The receipt or invoice (PDF, JPEG, PNG…): a file from an earlier step, "
        "e.g. '{{ trigger.files.receipt }}'.",
        json_schema_extra=used_by(*ALL, required=True) | {"examples": [SAMPLE]},
    )
    raw: bool = Field(
        False,
        description="Output Mindee's whole answer instead of the simplified fields.",
        json_schema_extra=used_by(*ALL),
    )


def _field(data: Any) -> Any:
    # n8n's `data.value || data.name || … || data.iban`: the first truthy one, else the last.
    if not isinstance(data, dict):
        return None
    for key in VALUE_KEYS:
        if data.get(key):
            return data[key]
    return data.get("iban")


def simplified(document: dict[str, Any]) -> dict[str, Any]:
    """n8n's `cleanData`: the document's id, name and page count, and each predicted field's
    value (taxes: the first tax's amount and rate; locale: its currency and language)."""
    prediction = document.get("inference", {}).get("prediction", {})
    out: dict[str, Any] = {
        "id": document.get("id"),
        "name": document.get("name"),
        "number_of_pages": document.get("n_pages"),
    }
    for key, data in prediction.items():
        if key == "taxes" and isinstance(data, list) and data:
            out[key] = {"amount": data[0].get("amount"), "rate": data[0].get("rate")}
        elif key == "locale":
            out["currency"] = data.get("currency") if isinstance(data, dict) else None
            out["locale"] = data.get("value") if isinstance(data, dict) else None
        else:
            value = _field(data)
            if value is not None:  # n8n's undefined: the key is left out
                out[key] = value
    return out


def run(config: Config, ctx: RunContext) -> Any:
    """The simplified fields (or Mindee's answer when `raw`)."""
    secret, _ = credential_for(ctx, config.operation, ApiKey)
    try:
        document = files.read(config.document, "The document field")
    except files.FileError as exc:
        raise NodeError(str(exc)) from None
    product = "receipt" if config.operation == "predict_receipt" else "invoice"
    answer = rest_api.predict(secret, product, document, what=config.operation)
    if config.raw:
        return answer
    return simplified(answer.get("document") or {})


NODE = NodeType(
    type="app.mindee",
    label="Mindee",
    category="app",
    description="Reads a receipt's or an invoice's fields from a file with Mindee.",
    Config=Config,
    run=run,
    credential_kinds=(ApiKey.kind,),
    icon="🧾",
    examples=(
        (
            "Read the receipt uploaded to the webhook with Mindee, credential 5",
            {
                "credential": 5,
                "operation": "predict_receipt",
                "document": "{{ trigger.files.receipt }}",
            },
        ),
        (
            "Extract the invoice fields of the downloaded file with Mindee",
            {"operation": "predict_invoice", "document": "{{ nodes.download.file }}"},
        ),
    ),
)
