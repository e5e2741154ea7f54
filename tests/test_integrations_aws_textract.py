"""app.aws_textract through boto3 against a fake Textract speaking AWS's JSON 1.1 protocol
(tests/fakes/aws_json.py; moto lacks AnalyzeExpense), with S3's access key credential: the
document sent, the summary simplified as n8n's node does or whole, AWS's refusals, and a run
through the engine with a file from an earlier step."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from credentials import store
from executions import engine
from tests.app_nodes import app_error, run_app
from tests.engine_helpers import chain, make_workflow
from tests.fakes import Answer, FakeService, Received, running
from tests.fakes.aws_json import ACCESS_KEY_ID, SECRET_KEY, FakeTextract, picture
from workfuse.lib import files
from workfuse.lib.node_run import Secret

TX = "app.aws_textract"
RECEIPT = picture(vendor="Corner Cafe", total="12.50", date="2024-05-01", Table="7")


@pytest.fixture
def textract(settings: Any) -> Iterator[FakeTextract]:
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    with running(FakeTextract()) as fake:
        yield fake


def key(fake: FakeTextract, key_id: str = ACCESS_KEY_ID) -> Secret:
    settings = {"access_key_id": key_id, "region": "eu-west-1", "base_url": fake.url}
    return Secret("s3", {"secret_access_key": SECRET_KEY}, settings, name="AWS")


def receipt(data: bytes = RECEIPT) -> dict[str, Any]:
    return files.make(data, "receipt.png", "image/png").value()


def test_a_receipt_s_summary_is_simplified_as_n8n_does(textract):
    output = run_app(TX, {"document": receipt()}, key(textract))
    [request] = textract.requests
    assert request.headers["x-amz-target"] == "Textract.AnalyzeExpense"
    assert "/eu-west-1/textract/aws4_request" in request.headers["authorization"]
    assert output == {
        "VENDOR_NAME": "Corner Cafe",
        "TOTAL": "12.50",
        "INVOICE_RECEIPT_DATE": "2024-05-01",
        "Table": "7",
    }


def test_the_whole_answer_without_aws_s_metadata(textract):
    output = run_app(TX, {"document": receipt(), "simple": False}, key(textract))
    assert set(output) == {"DocumentMetadata", "ExpenseDocuments"}


def test_aws_s_refusals_are_quoted_and_a_wrong_key_names_the_credential(textract):
    refused = app_error(TX, {"document": receipt(b"%PDF-1.4")}, key(textract))
    assert refused.message == (
        "AWS Textract refused AnalyzeExpense: UnsupportedDocumentException: Request has "
        "unsupported document format"
    )
    wrong = app_error(TX, {"document": receipt()}, key(textract, "AKIAWRONG"))
    assert "did not accept the credential “AWS”" in wrong.message


class ReceiptHost(FakeService):
    def respond(self, request: Received) -> Answer:
        return Answer(200, RECEIPT, {"Content-Type": "image/png"})


@pytest.mark.django_db(transaction=True)
def test_a_run_reads_a_downloaded_receipt(alice, textract):
    value = {
        "access_key_id": ACCESS_KEY_ID,
        "secret_access_key": SECRET_KEY,
        "region": "eu-west-1",
        "base_url": textract.url,
    }
    credential = store.create(alice, "AWS", "s3", value)
    with running(ReceiptHost()) as host:
        nodes = (
            {
                "id": "download",
                "type": "action.http",
                "config": {"method": "GET", "url": f"{host.url}/r.png", "response_format": "file"},
            },
            {
                "id": "read",
                "type": TX,
                "config": {"credential": credential.pk, "document": "{{ nodes.download.file }}"},
            },
        )
        execution = engine.start_execution(make_workflow(alice, chain(*nodes)), {})
        execution.refresh_from_db()
    assert execution.status == "succeeded", execution.error
    output = execution.steps.get(key="read").output
    assert output is not None and output["VENDOR_NAME"] == "Corner Cafe"
