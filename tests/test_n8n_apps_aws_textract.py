"""Importing n8n's AWS Textract node (editor/n8n/apps_aws_textract.py) onto `app.aws_textract`:
the config it becomes (its input item's file), the refusals, and an imported workflow reading
a downloaded receipt, run against the fake Textract."""

from __future__ import annotations

import pytest

from credentials import store
from editor.n8n import convert
from editor.validation import validate_graph
from executions import engine
from tests.engine_helpers import make_workflow
from tests.fakes import Answer, FakeService, Received, running
from tests.fakes.aws_json import ACCESS_KEY_ID, SECRET_KEY, FakeTextract, picture
from tests.test_n8n_apps import refusal

RECEIPT = picture(vendor="Corner Cafe", total="12.50")


class ReceiptHost(FakeService):
    def respond(self, request: Received) -> Answer:
        return Answer(200, RECEIPT, {"Content-Type": "image/png"})


def workflow(url: str, textract: dict) -> dict:
    return {
        "name": "Receipts",
        "nodes": [
            {
                "name": "Start",
                "type": "n8n-nodes-base.manualTrigger",
                "typeVersion": 1,
                "position": [0, 0],
                "parameters": {},
            },
            {
                "name": "Get File",
                "type": "n8n-nodes-base.httpRequest",
                "typeVersion": 1,
                "position": [200, 0],
                "parameters": {"url": url, "options": {}, "responseFormat": "file"},
            },
            {
                "name": "AWS Textract",
                "type": "n8n-nodes-base.awsTextract",
                "typeVersion": 1,
                "position": [400, 0],
                "parameters": textract,
            },
        ],
        "connections": {
            "Start": {"main": [[{"node": "Get File", "type": "main", "index": 0}]]},
            "Get File": {"main": [[{"node": "AWS Textract", "type": "main", "index": 0}]]},
        },
    }


def test_a_node_without_a_file_before_it_is_refused():
    message = refusal("awsTextract", {})
    assert "'App' (n8n-nodes-base.awsTextract)" in message


def test_the_node_reads_its_input_item_s_file():
    graph = convert(workflow("https://example.com/r.png", {"simple": False}))
    [node] = [n for n in graph["nodes"] if n["type"] == "app.aws_textract"]
    assert node["config"] == {
        "operation": "analyze_expense",
        "document": "{{ nodes.get_file.file }}",
        "simple": False,
    }


@pytest.mark.django_db(transaction=True)
def test_an_imported_workflow_reads_the_downloaded_receipt(alice, settings):
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    with running(ReceiptHost()) as host, running(FakeTextract()) as textract:
        graph = convert(workflow(f"{host.url}/r.png", {}))
        assert validate_graph(graph) == []
        value = {
            "access_key_id": ACCESS_KEY_ID,
            "secret_access_key": SECRET_KEY,
            "region": "eu-west-1",
            "base_url": textract.url,
        }
        credential = store.create(alice, "AWS", "s3", value)
        for node in graph["nodes"]:
            if node["type"] == "app.aws_textract":
                node["config"]["credential"] = credential.pk
        execution = engine.start_execution(make_workflow(alice, graph), {})
        execution.refresh_from_db()
        assert execution.status == "succeeded", execution.error
    output = execution.steps.get(key="aws_textract").output
    assert output == {"VENDOR_NAME": "Corner Cafe", "TOTAL": "12.50"}
