"""app.aws_textract: a receipt or invoice (PNG or JPEG) read by Amazon Textract's
AnalyzeExpense, its summary fields simplified as n8n's AWS Textract node simplifies them,
through boto3's Textract client with the S3 access key's pair and region
(integrations/s3/s3_api.py guards the endpoint and maps AWS's errors)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from integrations import http
from integrations.operations import OperationConfig, used_by
from integrations.s3 import s3_api
from integrations.s3.credentials import AccessKey
from integrations.service import credential_for
from workfuse.lib import files
from workfuse.lib.node_run import NodeError, RunContext
from workfuse.lib.node_types import NodeType

API = http.Api("AWS Textract")
MAX_BYTES = 10 * 1024 * 1024  # Textract's limit for a document sent as bytes


class Config(OperationConfig):
    credential: int | None = Field(
        None, ge=1, description="Your AWS access key credential (kind s3). Needed to run."
    )
    operation: Literal["analyze_expense"] = Field(
        "analyze_expense",
        description="analyze_expense: read a receipt's or invoice's vendor, date, totals…",
    )
    document: Any = Field(
        None,
        description="The receipt or invoice (PNG or JPEG): a file from an earlier step, e.g. "
        "'{{ nodes.download.file }}'.",
        json_schema_extra=used_by("analyze_expense", required=True),
    )
    simple: bool = Field(
        True,
        description="Answer {field: value} for the summary fields (VENDOR_NAME, TOTAL, "
        "INVOICE_RECEIPT_DATE…) rather than Textract's whole answer.",
        json_schema_extra=used_by("analyze_expense"),
    )


def _simplified(answer: dict[str, Any]) -> dict[str, Any]:
    """n8n's simplification: each summary field's type (else its label) -> its value's text."""
    fields: dict[str, Any] = {}
    for document in answer.get("ExpenseDocuments") or []:
        for field in document.get("SummaryFields") or []:
            name = (field.get("Type") or {}).get("Text") or (field.get("LabelDetection") or {}).get(
                "Text"
            )
            fields[str(name)] = (field.get("ValueDetection") or {}).get("Text")
    return fields


def run(config: Config, ctx: RunContext) -> Any:
    """As n8n outputs it: the summary fields (simple) or Textract's answer (ResponseMetadata
    left out)."""
    secret, _ = credential_for(ctx, config.operation, AccessKey)
    document = files.read(config.document, "The document field")
    if len(document.data) > MAX_BYTES:
        raise NodeError(
            "The document is over 10 MB, Textract's limit for a document sent as bytes."
        )
    answer = s3_api.call(
        secret,
        "AnalyzeExpense",
        lambda c: c.analyze_expense(Document={"Bytes": document.data}),
        "textract",
        API,
    )
    if config.simple:
        return _simplified(answer)
    return {k: v for k, v in answer.items() if k != "ResponseMetadata"}


NODE = NodeType(
    type="app.aws_textract",
    label="AWS Textract",
    category="app",
    description="Reads a receipt or invoice (vendor, date, totals…) with Amazon Textract.",
    Config=Config,
    run=run,
    credential_kinds=(AccessKey.kind,),
    icon="⎙",
    examples=(
        (
            "Read the receipt in the downloaded photo with Textract, credential 2",
            {
                "credential": 2,
                "operation": "analyze_expense",
                "document": "{{ nodes.download.file }}",
            },
        ),
        (
            "Give me Textract's whole analysis of the uploaded invoice",
            {
                "operation": "analyze_expense",
                "document": "{{ trigger.body.invoice }}",
                "simple": False,
            },
        ),
    ),
)
