"""A Default Data Loader loading binary files into a vector store (editor/n8n/vector_stores.py):
a `utility.extract_file` step reading the downloaded file as documents by its content type
(utility_extract_file.documents), inserted before the store; run against a file server on
127.0.0.1 and the fake AI server."""

from __future__ import annotations

from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from typing import Any

import pytest

from editor.n8n import convert
from editor.nodes import utility_extract_file as extract_file
from editor.validation import validate_graph
from executions import engine
from executions.models import Step
from tests.engine_helpers import make_workflow
from tests.fake_ai_server import Reply, fake_ai_server
from tests.fakes import handled_by
from tests.test_n8n_vector_stores import EMBEDDINGS, LC, SPLITTER, TRIGGER, link, node, refusals
from tests.test_node_extract_file import pdf
from workfuse.lib import files

FILES = {
    "/guide.pdf": (pdf("Refunds take 14 days.", "Shipping is free."), "application/pdf"),
    "/prices.csv": (b"item,price\ntea,2\ncake,\n", "text/csv"),
    "/notes.docx": (b"PK not really a docx", extract_file.DOCX),
}


class Handler(BaseHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        body, kind = FILES[self.path]
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture(scope="module")
def file_server() -> Iterator[str]:
    with handled_by(Handler) as url:
        yield url


def download(url: str) -> dict[str, Any]:
    response = {"response": {"responseFormat": "file", "outputPropertyName": "data"}}
    params = {"url": url, "options": {"response": response}}
    return node("Download", "n8n-nodes-base.httpRequest", params, 4.2)


def binary_export(url: str, loader_params: dict[str, Any]) -> dict[str, Any]:
    store = node("Store", f"{LC}vectorStoreInMemory", {"mode": "insert", "memoryKey": "kb"}, 1.3)
    loader = node(
        "Loader", f"{LC}documentDefaultDataLoader", {"dataType": "binary", **loader_params}
    )
    connections: dict[str, Any] = {}
    link(connections, "Start", "Download")
    link(connections, "Download", "Store")
    link(connections, "Embeddings OpenAI", "Store", "ai_embedding")
    link(connections, "Loader", "Store", "ai_document")
    link(connections, "Splitter", "Loader", "ai_textSplitter")
    nodes = [TRIGGER, download(url), store, EMBEDDINGS, loader, SPLITTER]
    return {"name": "Files", "nodes": nodes, "connections": connections}


def by_label(graph: dict[str, Any], label: str) -> dict[str, Any]:
    return next(n for n in graph["nodes"] if n["label"] == label)


def test_a_binary_loader_reads_the_file_before_it_in_a_step_of_its_own():
    graph = convert(binary_export("https://example.com/a.pdf", {"options": {}}))
    read, store = by_label(graph, "Store (read file)"), by_label(graph, "Store")
    assert read["type"] == "utility.extract_file"
    assert read["config"] == {
        "file": "{{ nodes.download.file }}",
        "format": "documents",
        "join_pages": False,
    }
    assert store["config"]["text"] == "{{ nodes.store_text.documents }}"
    edges = {(e["source"], e["target"]) for e in graph["edges"]}
    assert {("download", "store_text"), ("store_text", "store")} <= edges
    assert "WorkFuse loads its first file" in store["notes"]
    assert validate_graph(graph) == []


def test_a_specific_field_csv_options_and_whole_pdfs_carry_over():
    params = {
        "binaryMode": "specificField",
        "binaryDataKey": "data",
        "options": {"splitPages": False, "separator": ";", "column": "body"},
    }
    read = by_label(convert(binary_export("https://example.com/a", params)), "Store (read file)")
    assert read["config"] == {
        "file": "{{ nodes.download.file }}",
        "format": "documents",
        "join_pages": True,
        "delimiter": ";",
        "column": "body",
    }


def test_a_docx_loader_is_refused_naming_the_loader_and_the_store():
    messages = refusals(binary_export("https://example.com/a", {"loader": "docxLoader"}))
    assert any(
        m.startswith("n8n node 'Store'") and "loads DOCX files, whose text WorkFuse cannot" in m
        for m in messages
    )
    assert any(m.startswith("n8n node 'Loader'") for m in messages)


def test_documents_read_csv_rows_as_langchain_does_and_json_strings():
    config = extract_file.Config(file={}, format="documents")
    csv = files.make(b"item,price\ntea,2\ncake,\n", "p.csv")
    assert extract_file.documents(csv, config)["documents"] == [
        "item: tea\nprice: 2",
        "item: cake\nprice: ",
    ]
    column = config.model_copy(update={"column": "item"})
    assert extract_file.documents(csv, column)["documents"] == ["tea", "cake"]
    data = files.make(b'{"a": "x", "b": [1, "y"]}', "d.json")
    assert extract_file.documents(data, config)["documents"] == ["x", "y"]


def run_insert(alice: Any, settings: Any, url: str) -> tuple[Any, list[list[str]]]:
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    settings.OPENAI_API_KEY = "sk-env-openai-0123456789abcdef"
    with fake_ai_server() as ai:
        ai.script("openai_embeddings", Reply())
        settings.OPENAI_BASE_URL = ai.openai_url
        execution = engine.start_execution(make_workflow(alice, convert(binary_export(url, {}))))
        execution.refresh_from_db()
        sent = [r.body["input"] for r in ai.requests_for("openai_embeddings")]
    return execution, sent


@pytest.mark.django_db(transaction=True)
def test_a_downloaded_pdf_is_stored_a_document_a_page(alice, settings, file_server):
    execution, sent = run_insert(alice, settings, f"{file_server}/guide.pdf")
    assert execution.status == "succeeded", execution.error
    assert sent == [["Refunds take 14 days.", "Shipping is free."]]
    stored = Step.objects.get(execution=execution, key="store").output
    assert stored["inserted"] == 2


@pytest.mark.django_db(transaction=True)
def test_a_downloaded_csv_is_stored_a_document_a_row(alice, settings, file_server):
    execution, sent = run_insert(alice, settings, f"{file_server}/prices.csv")
    assert execution.status == "succeeded", execution.error
    # Line breaks become spaces (stripNewLines) and chunks are trimmed, as LangChain does.
    assert sent == [["item: tea price: 2", "item: cake price:"]]


@pytest.mark.django_db(transaction=True)
def test_a_docx_met_at_run_time_fails_naming_the_file(alice, settings, file_server):
    execution, sent = run_insert(alice, settings, f"{file_server}/notes.docx")
    assert execution.status == "failed"
    assert sent == []
    read = Step.objects.get(execution=execution, key="store_text")
    assert "'notes.docx' is a DOCX file, whose text WorkFuse cannot read" in read.error


# --- vector: n8n's older Binary Input Loader -----------------------------------------------------


def legacy_export(url: str, loader_params: dict[str, Any]) -> dict[str, Any]:
    """`binary_export` with the Default Data Loader's forerunner, whose file settings are
    top-level parameters."""
    data = binary_export(url, {})
    legacy = node("Loader", f"{LC}documentBinaryInputLoader", loader_params)
    data["nodes"] = [legacy if n["name"] == "Loader" else n for n in data["nodes"]]
    return data


def test_the_binary_input_loader_reads_its_file_as_the_default_loader_does():
    params = {"loader": "pdfLoader", "splitPages": False, "options": {}}
    graph = convert(legacy_export("https://example.com/a.pdf", params))
    assert by_label(graph, "Store (read file)")["config"] == {
        "file": "{{ nodes.download.file }}",
        "format": "documents",
        "join_pages": True,
    }
    store = by_label(graph, "Store")
    assert store["config"]["text"] == "{{ nodes.store_text.documents }}"
    assert (store["config"]["chunk_size"], store["config"]["chunk_overlap"]) == (500, 50)
    assert validate_graph(graph) == []
    csv = {"loader": "csvLoader", "separator": ";", "column": "body"}
    read = by_label(convert(legacy_export("https://example.com/a", csv)), "Store (read file)")
    assert (read["config"]["delimiter"], read["config"]["column"]) == (";", "body")


def test_the_binary_input_loaders_pointers_and_docx_are_refused_by_name():
    pointers = refusals(legacy_export("https://example.com/a", {"pointers": "/text"}))
    assert any("'Loader'" in m and "picks JSON pointers" in m for m in pointers)
    docx = refusals(legacy_export("https://example.com/a", {"loader": "docxLoader"}))
    assert any("'Loader'" in m and "loads DOCX files" in m for m in docx)


@pytest.mark.django_db(transaction=True)
def test_a_pdf_loaded_by_the_binary_input_loader_is_stored_a_document_a_page(
    alice, settings, file_server
):
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    settings.OPENAI_API_KEY = "sk-env-openai-0123456789abcdef"
    data = legacy_export(f"{file_server}/guide.pdf", {"loader": "pdfLoader"})
    with fake_ai_server() as ai:
        ai.script("openai_embeddings", Reply())
        settings.OPENAI_BASE_URL = ai.openai_url
        execution = engine.start_execution(make_workflow(alice, convert(data)))
        execution.refresh_from_db()
        sent = [r.body["input"] for r in ai.requests_for("openai_embeddings")]
    assert execution.status == "succeeded", execution.error
    assert sent == [["Refunds take 14 days.", "Shipping is free."]]
