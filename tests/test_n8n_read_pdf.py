"""Importing n8n's Read PDF node (editor/n8n/read_pdf.py) as `utility.extract_file` with format
pdf: the file it reads found by property name, `$json` after it the PDF's data, the input's
files handed on past it as n8n keeps them, and an encrypted PDF's password left to a credential."""

from __future__ import annotations

import json

from editor.n8n import convert, import_n8n
from editor.validation import validate_graph
from tests.test_n8n_files import chain, download_as_file, node_of, refused
from tests.test_n8n_flow import manual, n8n_node


def read_pdf(params: dict | None = None) -> dict:
    return n8n_node("Read PDF", "readPDF", params or {})


def test_read_pdf_extracts_the_pdfs_text_from_the_file_before_it():
    after = n8n_node(
        "Keep",
        "set",
        {
            "assignments": {
                "assignments": [{"name": "text", "type": "string", "value": "={{ $json.text }}"}]
            },
            "options": {},
        },
    )
    after["typeVersion"] = 3.4
    again = n8n_node("Again", "extractFromFile", {"operation": "pdf", "options": {}})
    data = chain(manual(), download_as_file("https://example.com/p.pdf"), read_pdf(), again)
    data["nodes"].append(after)
    data["connections"]["Read PDF"]["main"][0].append({"node": "Keep", "type": "main", "index": 0})
    graph = convert(data)
    node = node_of(graph, "Read PDF")
    assert node["type"] == "utility.extract_file"
    assert node["config"] == {"file": "{{ nodes.download.file }}", "format": "pdf"}
    assert "laid out by pypdf" in node["notes"]
    assert "nodes.read_pdf.text" in str(node_of(graph, "Keep")["config"])
    # n8n keeps the item's files: a node after it reads the downloaded file.
    assert node_of(graph, "Again")["config"]["file"] == "{{ nodes.download.file }}"
    assert validate_graph(graph) == []


def test_read_pdf_follows_its_binary_property():
    data = chain(
        manual(),
        download_as_file("https://example.com/p.pdf", prop="scan"),
        read_pdf({"binaryPropertyName": "scan"}),
    )
    assert node_of(convert(data), "Read PDF")["config"]["file"] == "{{ nodes.download.file }}"


def test_an_encrypted_pdf_leaves_a_credential_slot_and_a_missing_file_is_refused_by_name():
    encrypted = chain(
        manual(),
        download_as_file("https://example.com/p.pdf"),
        read_pdf({"encrypted": True, "password": "Rd-pw-88"}),
    )
    result = import_n8n(encrypted)
    node = node_of(result.graph, "Read PDF")
    assert "create a PDF password credential holding it" in node["notes"]
    assert [slot.kind for slot in result.report.credentials] == ["pdf_password"]
    assert "Rd-pw-88" not in json.dumps(result.graph) + json.dumps(result.report.as_dict())
    expression = chain(
        manual(),
        download_as_file("https://example.com/p.pdf"),
        read_pdf({"encrypted": True, "password": "={{ $json.pw }}"}),
    )
    message = refused(expression)
    assert message.startswith("n8n node 'Read PDF' (n8n-nodes-base.readPDF): opens the PDF")
    assert "binary property 'data'" in refused(chain(manual(), read_pdf()))
