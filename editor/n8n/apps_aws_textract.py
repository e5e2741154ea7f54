"""n8n's AWS Textract node (version 1, analyzeExpense on its input item's file) as WorkFuse's
`app.aws_textract`. Credentials are not imported: it needs an AWS access key credential (kind
s3, as n8n's one AWS credential)."""

from __future__ import annotations

from editor.n8n.apps_aws_ai import AWS_NOTE
from editor.n8n.apps_base import binary_file, unsupported
from editor.n8n.converter import BASE, Converted, Converter, N8nNode, Spec


def _textract(node: N8nNode, cx: Converter) -> Converted:
    p = node.params
    op = str(p.get("operation") or "analyzeExpense")
    if op != "analyzeExpense":
        raise unsupported("AWS Textract", "", op, "it analyzes receipts and invoices")
    config = {
        "operation": "analyze_expense",
        "document": binary_file(cx, node, p.get("binaryPropertyName")),
        "simple": bool(p.get("simple", True)),
    }
    return Converted("app.aws_textract", config, notes=[AWS_NOTE])


SPECS: dict[str, Spec] = {f"{BASE}awsTextract": Spec(_textract, "")}
