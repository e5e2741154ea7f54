"""n8n's HTML Extract (and HTML's Extract HTML Content) with Source Data "Binary": the HTML is
the item's file read as UTF-8 (HtmlExtract.node.ts: `getBinaryDataBuffer(...).toString('utf-8')`).
Imported as a `utility.extract_file` text step before the parse step; run end to end with the
page posted to a Webhook version 1 keeping its body as the file `data` (Binary Data)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from editor.n8n import convert
from editor.validation import validate_graph
from tests.engine_helpers import steps_by_key
from tests.test_n8n_files import chain, node_of, refused
from tests.test_n8n_flow import manual, n8n_node
from tests.test_n8n_passed_files import activated
from tests.test_n8n_webhook_binary_data import hook_v1

PAGE = "<h1>Café news</h1><a class='storylink' href='/a'>A</a><a class='storylink' href='/b'>B</a>"


def html_extract(**params: Any) -> dict:
    values = [
        {"key": "title", "cssSelector": "h1"},
        {
            "key": "urls",
            "cssSelector": ".storylink",
            "returnValue": "attribute",
            "attribute": "href",
            "returnArray": True,
        },
    ]
    settings = {"sourceData": "binary", "extractionValues": {"values": values}, **params}
    return n8n_node("HTML Extract", "htmlExtract", settings)


def test_html_from_a_file_is_parsed_from_its_text() -> None:
    graph = convert(chain(hook_v1(binaryData=True), html_extract()))
    assert validate_graph(graph) == []
    text = node_of(graph, "HTML Extract (file text)")
    assert text["type"] == "utility.extract_file"
    assert text["config"] == {
        "format": "text",
        "file": '{{ trigger.files["data"] }}',
        "key": "text",
    }
    parse = node_of(graph, "HTML Extract")
    assert parse["config"]["value"] == "{{ nodes." + text["id"] + ".text }}"
    assert "UTF-8" in parse["notes"]
    assert {"source": text["id"], "target": parse["id"]} in [
        {"source": e["source"], "target": e["target"]} for e in graph["edges"]
    ]


def test_the_html_node_reads_the_named_binary_property() -> None:
    html = html_extract(operation="extractHtmlContent", dataPropertyName="page")
    html["type"], html["typeVersion"] = "n8n-nodes-base.html", 1.2
    graph = convert(chain(hook_v1(binaryData=True, binaryPropertyName="page"), html))
    text = node_of(graph, "HTML Extract (file text)")
    assert text["config"]["file"] == '{{ trigger.files["page"] }}'


def test_html_from_a_file_no_node_makes_is_refused_by_name() -> None:
    message = refused(chain(manual(), html_extract()))
    assert "n8n node 'HTML Extract'" in message and "binary property 'data'" in message


@pytest.mark.django_db(transaction=True)
def test_a_posted_page_is_extracted_through_the_engine(alice: Any, alice_api: Any) -> None:
    workflow = activated(alice_api, chain(hook_v1(binaryData=True), html_extract()))
    answer = Client().post(
        f"/hooks/{workflow.webhook_token}", PAGE.encode(), content_type="text/html"
    )
    assert answer.status_code == 202, answer.content
    steps = steps_by_key(workflow.executions.get())
    assert steps["html_extract"].status == "succeeded", steps["html_extract"].error
    assert steps["html_extract"].output["result"] == {"title": "Café news", "urls": ["/a", "/b"]}
