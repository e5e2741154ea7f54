"""Importing n8n's Mindee node (editor/n8n/apps_mindee.py) onto `app.mindee`: receipt and invoice
predict on the input item's file, the retired API v1's caveat, and the refusals."""

from __future__ import annotations

import pytest

from editor.n8n import convert
from tests.test_n8n_apps import refusal

DOWNLOAD = {
    "name": "Download",
    "type": "n8n-nodes-base.httpRequest",
    "typeVersion": 1,
    "position": [0, 0],
    "parameters": {"url": "https://example.com/r.pdf", "responseFormat": "file", "options": {}},
}


def _mindee(params: dict, version: float = 1) -> dict:
    data = {
        "nodes": [
            {
                "name": "Start",
                "type": "n8n-nodes-base.manualTrigger",
                "typeVersion": 1,
                "position": [0, 0],
                "parameters": {},
            },
            DOWNLOAD,
            {
                "name": "Mindee",
                "type": "n8n-nodes-base.mindee",
                "typeVersion": version,
                "position": [0, 0],
                "parameters": params,
            },
        ],
        "connections": {
            "Start": {"main": [[{"node": "Download", "type": "main", "index": 0}]]},
            "Download": {"main": [[{"node": "Mindee", "type": "main", "index": 0}]]},
        },
    }
    return next(n for n in convert(data)["nodes"] if n["type"] == "app.mindee")


def test_a_receipt_predict_reads_the_downloaded_file_with_the_retired_api_s_caveat():
    node = _mindee({"binaryPropertyName": "data"})
    assert node["config"] == {
        "operation": "predict_receipt",
        "document": "{{ nodes.download.file }}",
    }
    assert "retired API v1" in node["notes"] and "choose a Mindee credential" in node["notes"]


def test_version_2_invoices_call_api_v3_raw_without_caveat():
    node = _mindee({"resource": "invoice", "rawData": True}, version=2)
    assert node["config"] == {
        "operation": "predict_invoice",
        "document": "{{ nodes.download.file }}",
        "raw": True,
    }
    assert "retired" not in node["notes"]


@pytest.mark.parametrize(
    ("params", "said"),
    [
        ({"rawData": True}, "raw answer of Mindee's retired API v1"),
        ({"resource": "passport"}, "does 'passport (its default operation)'"),
        ({}, "binary"),
    ],
)
def test_what_the_mindee_node_lacks_is_refused_naming_node_and_construct(params, said):
    message = refusal("mindee", params)
    assert "'App' (n8n-nodes-base.mindee)" in message and said in message
