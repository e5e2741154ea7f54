"""app.mindee against a fake Mindee API (tests/fakes/mindee.py): a receipt read and simplified
as n8n's node simplifies it (or raw), Mindee's errors and the key's test."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from typing import Any

import pytest

from integrations.mindee import rest_api
from tests.app_nodes import app_error, run_app
from tests.fakes import running
from tests.fakes.mindee import KEY, FakeMindee
from workfuse.lib.node_run import NodeError, Secret

RECEIPT = {
    "filename": "receipt.pdf",
    "content_type": "application/pdf",
    "content": base64.b64encode(b"%PDF").decode(),
}


@pytest.fixture
def mindee(settings: Any) -> Iterator[FakeMindee]:
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    with running(FakeMindee()) as fake:
        yield fake


def key(fake: FakeMindee, value: str = KEY) -> Secret:
    return Secret("mindee", {"api_key": value}, {"base_url": fake.url}, name="Receipts")


def test_a_receipt_is_simplified_as_n8n_simplifies_it(mindee):
    fields = run_app("app.mindee", {"document": RECEIPT}, key(mindee))
    assert fields == {
        "id": "doc-1",
        "name": "receipt.pdf",
        "number_of_pages": 1,
        "category": "food",
        "date": "2024-02-01",
        "time": "12:30",
        "supplier": "Cafe Ada",
        "total_amount": 12.5,
        "taxes": {"amount": 2.08, "rate": 20},
        "currency": "GBP",
        "locale": "en-GB",
    }
    upload = mindee.requests[0]
    assert upload.path == "/v1/products/mindee/expense_receipts/v3/predict"
    assert b'filename="receipt.pdf"' in upload.body


def test_raw_gives_mindee_s_answer_and_invoices_have_their_endpoint(mindee):
    raw = run_app(
        "app.mindee",
        {"operation": "predict_invoice", "document": RECEIPT, "raw": True},
        key(mindee),
    )
    assert raw["document"]["inference"]["prediction"]["supplier"]["raw"] == "CAFE ADA"
    assert mindee.requests[0].path == "/v1/products/mindee/invoices/v3/predict"


def test_mindee_s_errors_are_quoted_and_a_wrong_key_names_the_credential(mindee):
    wrong = app_error("app.mindee", {"document": RECEIPT}, key(mindee, "old"))
    assert not wrong.retryable and "did not accept the credential “Receipts”" in wrong.message
    not_a_file = app_error("app.mindee", {"document": "x"}, key(mindee))
    assert not_a_file.message.startswith("The document field must be a file")


def test_the_key_test_sends_no_document(mindee):
    assert rest_api.check_key(key(mindee)) == "Connected to Mindee: the API key was accepted."
    with pytest.raises(NodeError, match="did not accept the credential “Receipts”"):
        rest_api.check_key(key(mindee, "old"))
