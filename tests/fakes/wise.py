"""A fake Wise API: a bearer token, `/v1/profiles`, quotes (POST/GET
`/v3/profiles/<p>/quotes[/<id>]`), transfers (POST `/v1/transfers`, idempotent by
`customerTransactionId` as Wise's is; GET `/v1/transfers/<id>`; PUT `…/cancel`), funding (POST
`/v3/profiles/<p>/transfers/<id>/payments`), and Wise's `{"errors": [{"code", "message"}]}`."""

from __future__ import annotations

import re
import uuid
from typing import Any

from tests.fakes import Answer, FakeService, Received

TOKEN = "a1b2c3d4-e5f6-4789-8abc-def012345678"
PROFILE = 16138858
ACCOUNT = 147767974
QUOTE = re.compile(r"/v3/profiles/(?P<profile>\d+)/quotes(?:/(?P<id>[\w-]+))?$")
PAYMENT = re.compile(r"/v3/profiles/(?P<profile>\d+)/transfers/(?P<id>\d+)/payments$")
TRANSFER = re.compile(r"/v1/transfers/(?P<id>\d+)(?P<cancel>/cancel)?$")


def errors(status: int, code: str, message: str) -> Answer:
    return Answer(status, {"errors": [{"code": code, "message": message, "arguments": []}]})


class FakeWise(FakeService):
    def __init__(self) -> None:
        super().__init__()
        self.quotes: dict[str, dict[str, Any]] = {}
        self.transfers: list[dict[str, Any]] = []

    def respond(self, request: Received) -> Answer:
        if request.headers.get("authorization") != f"Bearer {TOKEN}":
            return Answer(401, {"error": "invalid_token", "error_description": "Invalid token"})
        if request.path == "/v1/profiles":
            return Answer(200, [{"id": PROFILE, "type": "personal"}])
        match = QUOTE.match(request.path)
        if match and int(match["profile"]) != PROFILE:
            return errors(403, "error.profile.forbidden", "You are not allowed to use this profile")
        if match and request.method == "POST":
            return self._quote(request.json)
        if match:
            quote = self.quotes.get(match["id"] or "")
            return (
                Answer(200, quote) if quote else errors(404, "quote.not.found", "Quote not found")
            )
        if request.path == "/v1/transfers" and request.method == "POST":
            return self._transfer(request.json)
        match = PAYMENT.match(request.path) or TRANSFER.match(request.path)
        transfer = next((t for t in self.transfers if match and t["id"] == int(match["id"])), None)
        if transfer is None:
            return errors(404, "transfer.not.found", "Transfer not found")
        if request.path.endswith("/payments"):
            if request.json != {"type": "BALANCE"}:
                return errors(422, "type.invalid", "Unsupported payment type")
            transfer["status"] = "processing"
            return Answer(
                201,
                {
                    "type": "BALANCE",
                    "status": "COMPLETED",
                    "errorCode": None,
                    "balanceTransactionId": 4001,
                },
            )
        if request.method == "PUT":
            transfer["status"] = "cancelled"
        return Answer(200, transfer)

    def _quote(self, body: dict[str, Any]) -> Answer:
        if len(str(body.get("sourceCurrency"))) != 3 or len(str(body.get("targetCurrency"))) != 3:
            return errors(422, "currency.invalid", "Currency is invalid")
        if "sourceAmount" not in body and "targetAmount" not in body:
            return errors(422, "amount.missing", "Either sourceAmount or targetAmount is required")
        quote = {
            "id": str(uuid.uuid4()),
            "profile": int(body["profile"]),
            "sourceCurrency": body["sourceCurrency"],
            "targetCurrency": body["targetCurrency"],
            "sourceAmount": body.get("sourceAmount"),
            "targetAmount": body.get("targetAmount"),
            "rate": 1.0,
            "status": "PENDING",
        }
        self.quotes[quote["id"]] = quote
        return Answer(200, quote)

    def _transfer(self, body: dict[str, Any]) -> Answer:
        same = next(
            (
                t
                for t in self.transfers
                if t["customerTransactionId"] == body.get("customerTransactionId")
            ),
            None,
        )
        if same is not None:
            return Answer(200, same)
        if body.get("quoteUuid") not in self.quotes:
            return errors(422, "quote.invalid", "Quote is not valid")
        transfer = {
            "id": 50500593 + len(self.transfers),
            "targetAccount": int(body["targetAccount"]),
            "quoteUuid": body["quoteUuid"],
            "customerTransactionId": body["customerTransactionId"],
            "status": "incoming_payment_waiting",
            "reference": (body.get("details") or {}).get("reference", ""),
        }
        self.transfers.append(transfer)
        return Answer(200, transfer)
