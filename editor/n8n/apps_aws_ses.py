"""n8n's AWS SES node (version 1, email / send) as WorkFuse's `app.aws_ses`: from, to, subject,
body (HTML or text), and the additional cc, bcc, reply-to addresses, configuration set and
return path. Credentials are not imported: it needs an AWS access key credential (kind s3, as
n8n's one AWS credential)."""

from __future__ import annotations

from typing import Any

from editor.n8n.apps_aws_ai import AWS_NOTE
from editor.n8n.apps_base import listed, operation, required, text, unsupported
from editor.n8n.converter import BASE, Converted, Converter, N8nNode, Refusal, Spec

LISTS = {
    "ccAddresses": "cc_addresses",
    "bccAddresses": "bcc_addresses",
    "replyToAddresses": "reply_to_addresses",
}
TEXTS = {"configurationSetName": "configuration_set", "returnPath": "return_path"}


def _addresses(cx: Converter, node: N8nNode, value: Any) -> list[Any]:
    if isinstance(value, list):
        return [text(cx, node, v) for v in value if v not in ("", None)]
    return listed(cx, node, value)


def _ses(node: N8nNode, cx: Converter) -> Converted:
    resource, op = operation(node, "email", {"email": "send"})
    if (resource, op) != ("email", "send"):
        raise unsupported("AWS SES", resource, op, "it sends emails")
    p = node.params
    config: dict[str, Any] = {
        "operation": "send_email",
        "from_email": required(cx, node, "fromEmail", "From Email"),
        "to_addresses": _addresses(cx, node, p.get("toAddresses")),
        "subject": text(cx, node, p.get("subject", "")),
        "body": text(cx, node, p.get("body", "")),
        "is_html": bool(p.get("isBodyHtml", False)),
    }
    if not config["to_addresses"]:
        raise Refusal(
            'has no To Addresses; n8n fails with "At least one To Address has to be added".'
        )
    extra = dict(p.get("additionalFields") or {})
    for name, field in LISTS.items():
        if extra.get(name):
            config[field] = _addresses(cx, node, extra.pop(name))
    for name, field in TEXTS.items():
        if extra.get(name) not in ("", None):
            config[field] = text(cx, node, extra.pop(name))
    others = sorted(k for k, v in extra.items() if v not in ("", None, [], {}))
    if others:
        raise Refusal(
            f"sets {', '.join(others)} (sending authorization), which WorkFuse's SES node does "
            "not send; remove it in n8n."
        )
    return Converted("app.aws_ses", config, notes=[AWS_NOTE])


SPECS: dict[str, Spec] = {f"{BASE}awsSes": Spec(_ses, "")}
