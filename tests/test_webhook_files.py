"""Files uploaded to a webhook (multipart/form-data): kept in the trigger's output as file values
under `files`, by field name, bounded by the file limit, with the webhook's secret scrubbed."""

from __future__ import annotations

import io

import pytest
from django.test import Client

from executions.models import Execution
from tests.test_webhooks import secret_credential, url, webhook_workflow
from workfuse.lib import files

pytestmark = pytest.mark.django_db(transaction=True)


def upload(data: bytes, name: str) -> io.BytesIO:
    handle = io.BytesIO(data)
    handle.name = name
    return handle


def test_uploaded_files_are_file_values_by_field_name(alice):
    workflow = webhook_workflow(alice)
    answer = Client().post(
        url(workflow),
        {
            "title": "Q3",
            "report": upload(b"%PDF-1.4 x", "q3.pdf"),
            "photos": [upload(b"\x89PNG1", "a.png"), upload(b"\x89PNG2", "b.png")],
        },
    )
    trigger = Execution.objects.get(pk=answer.json()["execution_id"]).trigger_data
    assert trigger["body"] == {"title": "Q3"}
    report = files.read(trigger["files"]["report"])
    assert (report.filename, report.content_type, report.data) == (
        "q3.pdf",
        "application/pdf",
        b"%PDF-1.4 x",
    )
    assert [files.read(p).data for p in trigger["files"]["photos"]] == [b"\x89PNG1", b"\x89PNG2"]


def test_a_call_without_files_has_no_files_key(alice):
    workflow = webhook_workflow(alice)
    answer = Client().post(url(workflow), {"title": "Q3"})
    assert "files" not in Execution.objects.get(pk=answer.json()["execution_id"]).trigger_data


def test_a_file_over_the_limit_is_refused_with_413(alice, settings):
    settings.WORKFUSE_FILE_MAX_BYTES = 10
    workflow = webhook_workflow(alice)
    answer = Client().post(url(workflow), {"report": upload(b"x" * 11, "big.bin")})
    assert answer.status_code == 413
    assert "The uploaded file 'report'" in answer.json()["message"]
    assert not Execution.objects.exists()


def test_the_webhook_secret_is_scrubbed_from_an_uploaded_file(alice):
    credential = secret_credential(alice, "header-secret-value")
    workflow = webhook_workflow(
        alice, {"auth": "header", "header_name": "X-Token", "credential": credential.pk}
    )
    answer = Client().post(
        url(workflow),
        {"leak": upload(b"token=header-secret-value", "leak.txt")},
        HTTP_X_TOKEN="header-secret-value",
    )
    trigger = Execution.objects.get(pk=answer.json()["execution_id"]).trigger_data
    assert b"header-secret-value" not in files.read(trigger["files"]["leak"]).data
