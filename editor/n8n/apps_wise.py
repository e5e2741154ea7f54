"""n8n's Wise node (version 1) as WorkFuse's `app.wise`: quotes created and got, transfers
created, executed (funded from the balance), got and deleted (cancelled).

n8n sent a random customerTransactionId with each transfer; WorkFuse derives it from the step,
so a retried step asks Wise for the same transfer rather than a second one."""

from __future__ import annotations

from typing import Any

from editor.n8n.apps_base import credential_note, operation, required, text, unsupported
from editor.n8n.converter import BASE, Converted, Converter, N8nNode, Refusal, Spec

SUPPORTED = (
    "it creates and gets quotes and creates, executes, gets and cancels transfers; accounts, "
    "exchange rates, profiles, recipients and listing transfers do not import"
)
DEFAULTS = {"quote": "create", "transfer": "get"}


def _wise(node: N8nNode, cx: Converter) -> Converted:
    resource, op = operation(node, "account", DEFAULTS)
    p = node.params
    profile = ("profile_id", "profileId", "profile (Profile ID)")
    config: dict[str, Any]
    wanted: list[tuple[str, str, str]] = []
    if (resource, op) == ("quote", "create"):
        config = {"operation": "create_quote", "amount_type": str(p.get("amountType") or "source")}
        wanted = [
            profile,
            ("source_currency", "sourceCurrency", "source currency"),
            ("target_currency", "targetCurrency", "target currency"),
            ("amount", "amount", "amount"),
        ]
        if p.get("targetAccountId") not in ("", None, []):
            wanted.append(("target_account_id", "targetAccountId", "target account"))
    elif (resource, op) == ("quote", "get"):
        config = {"operation": "get_quote"}
        wanted = [profile, ("quote_id", "quoteId", "quote (Quote ID)")]
    elif (resource, op) == ("transfer", "create"):
        config = {"operation": "create_transfer"}
        wanted = [
            ("quote_id", "quoteId", "quote (Quote ID)"),
            ("target_account_id", "targetAccountId", "target account (Target Account ID)"),
        ]
        reference = (p.get("additionalFields") or {}).get("reference")
        if reference not in ("", None):
            config["reference"] = text(cx, node, reference)
    elif (resource, op) == ("transfer", "execute"):
        config = {"operation": "execute_transfer"}
        wanted = [profile, ("transfer_id", "transferId", "transfer (Transfer ID)")]
    elif (resource, op) in (("transfer", "get"), ("transfer", "delete")):
        if op == "get" and p.get("downloadReceipt"):
            raise Refusal(
                "downloads a transfer's PDF receipt, which WorkFuse's Wise node does not; remove "
                "Download Receipt in n8n (an HTTP Request node can fetch "
                "/v1/transfers/<id>/receipt.pdf) and export again."
            )
        config = {"operation": "get_transfer" if op == "get" else "cancel_transfer"}
        wanted = [("transfer_id", "transferId", "transfer (Transfer ID)")]
    else:
        raise unsupported("Wise", resource, op, SUPPORTED)
    for field, name, label in wanted:
        config[field] = required(cx, node, name, label, ("", None, []))
    notes = [
        credential_note(
            "Wise",
            "an API token; Wise's sandbox address as its base URL for n8n's test environment",
        )
    ]
    return Converted("app.wise", config, notes=notes)


SPECS: dict[str, Spec] = {f"{BASE}wise": Spec(_wise, "")}
