"""app.wise: quotes created and read, transfers created (from a quote, to a recipient
account), funded from the balance, read and cancelled."""

from __future__ import annotations

import uuid
from typing import Any, Literal

from pydantic import ConfigDict, Field

from integrations.operations import OperationConfig, used_by
from integrations.service import credential_for
from integrations.wise import rest_api
from integrations.wise.credentials import ApiToken
from workfuse.lib.node_run import NodeError, RunContext, Secret
from workfuse.lib.node_types import NodeType

Operation = Literal[
    "create_quote",
    "get_quote",
    "create_transfer",
    "execute_transfer",
    "get_transfer",
    "cancel_transfer",
]
BY_TRANSFER = ("execute_transfer", "get_transfer", "cancel_transfer")
# A fixed namespace: a step's customerTransactionId is derived from its execution and key, so a
# retried create_transfer asks Wise for the same transfer rather than a second one.
TRANSACTIONS = uuid.UUID("6f1c2a52-7b1e-4d6a-9c55-0e8f3b1d2a77")


class Config(OperationConfig):
    model_config = ConfigDict(coerce_numbers_to_str=True)

    credential: int | None = Field(
        None, ge=1, description="Your Wise API token credential. Needed to run."
    )
    operation: Operation = Field(
        "create_quote",
        description="create_quote: price an amount between two currencies. get_quote: one quote. "
        "create_transfer: a transfer from a quote to a recipient account. execute_transfer: fund "
        "it from the balance (money moves). get_transfer / cancel_transfer: one transfer.",
    )
    profile_id: str = Field(
        "",
        description="The profile (personal or business) acting.",
        json_schema_extra=used_by("create_quote", "get_quote", "execute_transfer", required=True),
    )
    source_currency: str = Field(
        "",
        description="create_quote: the currency sent (EUR).",
        json_schema_extra=used_by("create_quote", required=True),
    )
    target_currency: str = Field(
        "",
        description="create_quote: the currency received (GBP).",
        json_schema_extra=used_by("create_quote", required=True),
    )
    amount: str = Field(
        "",
        description="create_quote: the amount (a number).",
        json_schema_extra=used_by("create_quote", required=True),
    )
    amount_type: Literal["source", "target"] = Field(
        "source",
        description="create_quote: whether amount is what is sent (source) or received (target).",
        json_schema_extra=used_by("create_quote"),
    )
    target_account_id: str = Field(
        "",
        description="The recipient account. create_transfer: needed; create_quote: optional, "
        "prices the quote for it.",
        json_schema_extra=used_by("create_quote", "create_transfer", required=["create_transfer"]),
    )
    quote_id: str = Field(
        "",
        description="The quote's id (a UUID).",
        json_schema_extra=used_by("get_quote", "create_transfer", required=True),
    )
    reference: str = Field(
        "",
        description="create_transfer: the text on the recipient's bank statement.",
        json_schema_extra=used_by("create_transfer"),
    )
    transfer_id: str = Field(
        "", description="The transfer's id.", json_schema_extra=used_by(*BY_TRANSFER, required=True)
    )


def _amount(value: str) -> float:
    try:
        return float(value)
    except ValueError:
        raise NodeError(f"amount must be a number, not “{value}”.") from None


def _quote(secret: Secret, config: Config) -> Any:
    body: dict[str, Any] = {
        "profile": config.profile_id.strip(),
        "sourceCurrency": config.source_currency.strip().upper(),
        "targetCurrency": config.target_currency.strip().upper(),
        f"{config.amount_type}Amount": _amount(config.amount),
    }
    if config.target_account_id.strip():
        body["targetAccount"] = config.target_account_id.strip()
    path = f"/v3/profiles/{config.profile_id.strip()}/quotes"
    return rest_api.call(secret, "POST", path, what="create_quote", json=body)


def run(config: Config, ctx: RunContext) -> Any:
    """As n8n outputs it: the quote, the transfer, or (execute_transfer) Wise's payment answer
    {type, status, errorCode, balanceTransactionId}."""
    secret, _ = credential_for(ctx, config.operation, ApiToken)
    op = config.operation
    profile, transfer = config.profile_id.strip(), config.transfer_id.strip()
    if op == "create_quote":
        return _quote(secret, config)
    if op == "get_quote":
        path = f"/v3/profiles/{profile}/quotes/{config.quote_id.strip()}"
        return rest_api.call(secret, "GET", path, what=op)
    if op == "create_transfer":
        body: dict[str, Any] = {
            "targetAccount": config.target_account_id.strip(),
            "quoteUuid": config.quote_id.strip(),
            "customerTransactionId": str(uuid.uuid5(TRANSACTIONS, ctx.idempotency_key)),
        }
        if config.reference:
            body["details"] = {"reference": config.reference}
        return rest_api.call(secret, "POST", "/v1/transfers", what=op, json=body)
    if op == "execute_transfer":
        path = f"/v3/profiles/{profile}/transfers/{transfer}/payments"
        return rest_api.call(secret, "POST", path, what=op, json={"type": "BALANCE"})
    if op == "cancel_transfer":
        return rest_api.call(secret, "PUT", f"/v1/transfers/{transfer}/cancel", what=op)
    return rest_api.call(secret, "GET", f"/v1/transfers/{transfer}", what=op)


NODE = NodeType(
    type="app.wise",
    label="Wise",
    category="app",
    description="Creates Wise quotes and transfers, funds transfers from the balance, reads and "
    "cancels them; outputs Wise's answer.",
    Config=Config,
    run=run,
    credential_kinds=(ApiToken.kind,),
    icon="₩",
    examples=(
        (
            "Quote sending 500 EUR to GBP from Wise profile 16138858, with credential 5",
            {
                "credential": 5,
                "operation": "create_quote",
                "profile_id": "16138858",
                "source_currency": "EUR",
                "target_currency": "GBP",
                "amount": "500",
            },
        ),
        (
            "Read Wise quote 11144c35-9fe8-4c32-b7fd-d05c2a7734bf of profile 16138858",
            {
                "operation": "get_quote",
                "profile_id": "16138858",
                "quote_id": "11144c35-9fe8-4c32-b7fd-d05c2a7734bf",
            },
        ),
        (
            "Create a Wise transfer from the quote of the previous step to account 147767974 "
            "with the reference Thank you",
            {
                "operation": "create_transfer",
                "quote_id": "{{ nodes.quote.id }}",
                "target_account_id": "147767974",
                "reference": "Thank you",
            },
        ),
        (
            "Fund Wise transfer 50500593 from the balance of profile 16138858",
            {"operation": "execute_transfer", "profile_id": "16138858", "transfer_id": "50500593"},
        ),
        ("Read Wise transfer 50500593", {"operation": "get_transfer", "transfer_id": "50500593"}),
        (
            "Cancel Wise transfer 50500593",
            {"operation": "cancel_transfer", "transfer_id": "50500593"},
        ),
    ),
)
