"""A fake Mindee API v1: `Authorization: Token <key>` (401 otherwise), the expense receipt and
invoice v3 predict endpoints taking a multipart `document` (400 without one), answering
`{"api_request", "document": {"id", "name", "n_pages", "inference": {"prediction"}}}`, and
Mindee's `{"api_request": {"error": {"code", "message", "details"}}}`."""

from __future__ import annotations

from typing import Any

from tests.fakes import Answer, FakeService, Received

KEY = "mindee-fake-key-d41d"
PREDICT = "/v1/products/mindee/{}/v3/predict"


def error(status: int, code: str, message: str, details: str = "") -> Answer:
    return Answer(
        status, {"api_request": {"error": {"code": code, "message": message, "details": details}}}
    )


def receipt() -> dict[str, Any]:
    return {
        "category": {"value": "food", "confidence": 0.9},
        "date": {"value": "2024-02-01", "raw": "01/02/2024"},
        "time": {"value": "12:30"},
        "supplier": {"value": "Cafe Ada", "raw": "CAFE ADA"},
        "total_amount": {"value": 12.5},
        "total_tax": {"value": None, "raw": None},
        "taxes": [{"value": 2.08, "rate": 20, "amount": 2.08, "code": "VAT"}],
        "locale": {"value": "en-GB", "language": "en", "currency": "GBP"},
        "line_items": [{"description": "Tea"}],
    }


class FakeMindee(FakeService):
    def respond(self, request: Received) -> Answer:
        if request.headers.get("authorization") != f"Token {KEY}":
            return error(401, "Unauthorized", "Authorization required", "Invalid token provided")
        if request.path not in (PREDICT.format("expense_receipts"), PREDICT.format("invoices")):
            return error(404, "NotFound", "Product not found")
        if b'name="document"' not in request.body:
            return error(
                400, "BadRequest", "Invalid fields in form", "{'document': ['Missing data']}"
            )
        document = {
            "id": "doc-1",
            "name": "receipt.pdf",
            "n_pages": 1,
            "inference": {"prediction": receipt()},
        }
        return Answer(201, {"api_request": {"status": "success"}, "document": document})
