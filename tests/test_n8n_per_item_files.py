"""A vector store whose Default Data Loader reads the files a node makes once per item
(editor/n8n/per_item_files.py): the store joins the loop the import adds over those items and
inserts each item's documents in turn, as n8n inserts every item's. Corpus-shaped exports
(a Google Drive folder's files downloaded one by one into Qdrant; HTTP downloads per item into
the Simple Vector Store) run against the fakes and the fake AI server, each file reaching the
store."""

from __future__ import annotations

import copy
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from itertools import pairwise
from typing import Any

import pytest

from credentials import store as credential_store
from editor.n8n import convert
from editor.validation import validate_graph
from executions import engine
from executions.models import Step
from tests.engine_helpers import make_workflow
from tests.fake_ai_server import fake_ai_server
from tests.fakes import running
from tests.fakes.bamboohr import COMPANY, FakeBambooHR
from tests.fakes.bamboohr import KEY as BAMBOO_KEY
from tests.fakes.google_drive import FOLDER, FakeDrive
from tests.fakes.google_sheets import new_key
from tests.fakes.qdrant import API_KEY as QDRANT_KEY
from tests.fakes.qdrant import FakeQdrant
from tests.fakes.supabase import SERVICE_KEY, FakeSupabase
from tests.test_n8n_rag_files import file_server  # noqa: F401 (a fixture)
from tests.test_n8n_vector_stores import EMBEDDINGS, LC, TRIGGER, by_label, link, node, refusals
from tests.test_node_extract_file import pdf

BASE = "n8n-nodes-base."
GOOGLE_DOC = "application/vnd.google-apps.document"
RL_ID = {"__rl": True, "mode": "id"}
TOKEN_SPLITTER = node(
    "Token Splitter", f"{LC}textSplitterTokenSplitter", {"chunkSize": 300, "chunkOverlap": 30}
)
BINARY_LOADER = node(
    "Default Data Loader", f"{LC}documentDefaultDataLoader", {"options": {}, "dataType": "binary"}
)


def drive_to_qdrant(store_options: dict[str, Any] | None = None) -> dict[str, Any]:
    """The shape of 'AI Voice Chatbot with ElevenLabs' and 'Business WhatsApp AI RAG Chatbot':
    a folder's files listed, each downloaded (Google Docs as plain text), all inserted."""
    folder = {
        "filter": {
            "driveId": {"__rl": True, "mode": "list", "value": "My Drive"},
            "folderId": {**RL_ID, "value": "=1Fold"},
        },
        "options": {},
        "resource": "fileFolder",
    }
    download = {
        "fileId": {**RL_ID, "value": "={{ $json.id }}"},
        "options": {"googleFileConversion": {"conversion": {"docsToFormat": "text/plain"}}},
        "operation": "download",
    }
    qdrant = {
        "mode": "insert",
        "options": store_options or {},
        "qdrantCollection": {**RL_ID, "value": "=COLLECTION"},
    }
    nodes = [
        TRIGGER,
        node("Get folder", f"{BASE}googleDrive", folder, 3),
        node("Download Files", f"{BASE}googleDrive", download, 3),
        node("Qdrant Vector Store1", f"{LC}vectorStoreQdrant", qdrant),
        EMBEDDINGS,
        BINARY_LOADER,
        TOKEN_SPLITTER,
    ]
    connections: dict[str, Any] = {}
    link(connections, "Start", "Get folder")
    link(connections, "Get folder", "Download Files")
    link(connections, "Download Files", "Qdrant Vector Store1")
    link(connections, "Embeddings OpenAI", "Qdrant Vector Store1", "ai_embedding")
    link(connections, "Default Data Loader", "Qdrant Vector Store1", "ai_document")
    link(connections, "Token Splitter", "Default Data Loader", "ai_textSplitter")
    return {"name": "Drive to Qdrant", "nodes": nodes, "connections": connections}


def test_the_store_joins_the_loop_over_the_downloaded_files():
    graph = convert(drive_to_qdrant())
    assert validate_graph(graph) == []
    store = by_label(graph, "Qdrant Vector Store1")
    read = by_label(graph, "Qdrant Vector Store1 (read file)")
    loop = next(n for n in graph["nodes"] if n["type"] == "logic.loop")
    assert loop["config"]["items"] == "{{ nodes.get_folder.files }}"
    assert read["config"]["file"] == "{{ nodes.download_files.file }}"
    assert store["config"]["items"] == "{{ [item] }}"
    assert store["config"]["text"] == "{{ nodes.qdrant_vector_store1_text.documents }}"
    edges = {(e["source"], e.get("source_handle", "main"), e["target"]) for e in graph["edges"]}
    assert {
        ("each_get_folder", "each", "download_files"),
        ("download_files", "main", "qdrant_vector_store1_text"),
        ("qdrant_vector_store1_text", "main", "qdrant_vector_store1"),
    } <= edges
    assert not any(e[1] == "done" for e in edges)  # nothing waits for the loop's results
    assert "inserts each item's documents in turn" in store["notes"]


def test_a_node_after_the_store_gets_every_run_s_documents():
    """n8n hands the node after an insert every document inserted: here the loop's results,
    flattened."""
    data = drive_to_qdrant()
    data["nodes"].append(node("All", f"{BASE}aggregate", {"aggregate": "aggregateAllItemData"}))
    link(data["connections"], "Qdrant Vector Store1", "All")
    graph = convert(data)
    assert validate_graph(graph) == []
    assert by_label(graph, "All")["config"]["items"] == (
        '{{ (nodes.each_get_folder.results | reject("none") | map(attribute="documents") '
        "| sum(start=[])) }}"
    )
    edges = {(e["source"], e.get("source_handle", "main"), e["target"]) for e in graph["edges"]}
    assert ("each_get_folder", "done", "all") in edges


def test_a_store_clearing_its_collection_first_stays_refused_saying_why():
    messages = refusals(drive_to_qdrant({"clearNamespace": True}))
    store = next(m for m in messages if m.startswith("n8n node 'Qdrant Vector Store1'"))
    assert "clears its collection before it inserts" in store
    assert "'Download Files' makes exist one per run of the loop" in store


@pytest.mark.django_db(transaction=True)
def test_each_downloaded_file_reaches_qdrant(alice, settings):
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    graph = convert(drive_to_qdrant())
    private, key_file = new_key()
    with (
        fake_ai_server() as ai,
        running(FakeDrive(private.public_key())) as google,
        running(FakeQdrant()) as qdrant,
    ):
        settings.OPENAI_BASE_URL = ai.openai_url
        settings.OPENAI_API_KEY = "sk-env-openai-0123456789abcdef"
        google.add("Fold", FOLDER, id="1Fold")
        google.add(
            "menu.txt", "text/plain", b"Pizza margherita costs 8 euros.", id="1A", parents=["1Fold"]
        )
        google.add("Hours", GOOGLE_DOC, id="1B", parents=["1Fold"])
        google.exports["1B"] = {"text/plain": b"We open at noon every day."}
        google.add("elsewhere.txt", "text/plain", b"not in the folder", id="1C")
        drive_key = credential_store.create(
            alice,
            "Acme Google",
            "google_sheets",
            {
                "service_account_key": key_file,
                "base_url": google.url,
                "token_url": google.token_url,
            },
        )
        qdrant_key = credential_store.create(alice, "qdrant", "api_key", QDRANT_KEY)
        for made in graph["nodes"]:
            if made["type"] == "app.google_drive":
                made["config"]["credential"] = drive_key.pk
            if made["type"] == "action.vector_store":
                made["config"]["store"].update(url=qdrant.url, credential=qdrant_key.pk)
        execution = engine.start_execution(make_workflow(alice, graph), {})
        execution.refresh_from_db()
        embedded = [r.body["input"] for r in ai.requests_for("openai_embeddings")]
    assert execution.status == "succeeded", execution.error
    assert embedded == [["Pizza margherita costs 8 euros."], ["We open at noon every day."]]
    stored = sorted(
        p["payload"]["content"] for p in qdrant.collections["COLLECTION"]["points"].values()
    )
    assert stored == ["Pizza margherita costs 8 euros.", "We open at noon every day."]
    inserts = Step.objects.filter(execution=execution, node_id="qdrant_vector_store1")
    assert sorted(s.output["inserted"] for s in inserts) == [1, 1]


def http_to_memory(base: str) -> dict[str, Any]:
    """Per-item HTTP downloads (a Code node listing the files) into the Simple Vector Store."""
    code = (
        f"return [{{json: {{url: '{base}/guide.pdf'}}}}, {{json: {{url: '{base}/prices.csv'}}}}];"
    )
    response = {"response": {"responseFormat": "file", "outputPropertyName": "data"}}
    nodes = [
        TRIGGER,
        node("List", f"{BASE}code", {"jsCode": code}, 2),
        node(
            "Download",
            f"{BASE}httpRequest",
            {"url": "={{ $json.url }}", "options": {"response": response}},
            4.2,
        ),
        node("Store", f"{LC}vectorStoreInMemory", {"mode": "insert", "memoryKey": "kb"}, 1.3),
        EMBEDDINGS,
        copy.deepcopy(BINARY_LOADER),
        node(
            "Splitter",
            f"{LC}textSplitterRecursiveCharacterTextSplitter",
            {"chunkSize": 500, "chunkOverlap": 50, "options": {}},
        ),
    ]
    connections: dict[str, Any] = {}
    link(connections, "Start", "List")
    link(connections, "List", "Download")
    link(connections, "Download", "Store")
    link(connections, "Embeddings OpenAI", "Store", "ai_embedding")
    link(connections, "Default Data Loader", "Store", "ai_document")
    link(connections, "Splitter", "Default Data Loader", "ai_textSplitter")
    return {"name": "Downloads", "nodes": nodes, "connections": connections}


@pytest.mark.django_db(transaction=True)
def test_each_http_download_reaches_the_store(alice, settings, file_server):  # noqa: F811
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    settings.OPENAI_API_KEY = "sk-env-openai-0123456789abcdef"
    graph = convert(http_to_memory(file_server))
    assert validate_graph(graph) == []
    with fake_ai_server() as ai:
        settings.OPENAI_BASE_URL = ai.openai_url
        execution = engine.start_execution(make_workflow(alice, graph), {})
        execution.refresh_from_db()
        embedded = [r.body["input"] for r in ai.requests_for("openai_embeddings")]
    assert execution.status == "succeeded", execution.error
    # The PDF a document a page, then the CSV a document a row: n8n's order.
    assert embedded == [
        ["Refunds take 14 days.", "Shipping is free."],
        ["item: tea price: 2", "item: cake price:"],
    ]
    reads = Step.objects.filter(execution=execution, node_id="store_text").order_by("key")
    assert [len(s.output["documents"]) for s in reads] == [2, 2]


# --- a Merge pairing a per-item API answer with a file (the Adobe PDF Services shape) ---------

PDF_BYTES = b"%PDF-1.4 the brochure"
UPLOADED: list[tuple[str, str, bytes]] = []  # path, content type, body


class AdobeHandler(BaseHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _reply(self, body: bytes, content_type: str = "application/json") -> None:
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        self._reply(PDF_BYTES, "application/pdf")

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if self.path == "/token":
            self._reply(json.dumps({"access_token": "tok-1"}).encode())
        else:
            assert self.headers.get("Authorization") == "Bearer tok-1"
            upload = f"http://{self.headers['Host']}/upload/asset-1"
            self._reply(json.dumps({"uploadUri": upload, "assetID": "asset-1"}).encode())

    def do_PUT(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        UPLOADED.append((self.path, self.headers.get("Content-Type", ""), body))
        self._reply(b"{}")


@pytest.fixture
def adobe() -> Iterator[str]:
    UPLOADED.clear()
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), AdobeHandler)
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def adobe_export(base: str) -> dict[str, Any]:
    """'Manipulate PDF with Adobe developer API': the query and the file merged by position,
    a token and an asset asked for each merged item, the asset merged back by position, the
    file uploaded to the asset's upload URI."""
    by_position = {"mode": "combine", "options": {}, "combinationMode": "mergeByPosition"}
    query = {
        "assignments": {
            "assignments": [{"name": "endpoint", "type": "string", "value": "extractpdf"}]
        }
    }
    file_response = {"response": {"response": {"responseFormat": "file"}}}
    bearer = {
        "parameters": [{"name": "Authorization", "value": "=Bearer {{ $json.access_token }}"}]
    }
    upload = {
        "url": "={{ $json.uploadUri }}",
        "method": "PUT",
        "options": {},
        "sendBody": True,
        "contentType": "binaryData",
        "inputDataFieldName": "data",
    }
    nodes = [
        TRIGGER,
        node("Adobe API Query", f"{BASE}set", query, 3.4),
        node(
            "Load a test pdf file",
            f"{BASE}httpRequest",
            {"url": f"{base}/brochure.pdf", "options": file_response},
            4.2,
        ),
        node("Query + File", f"{BASE}merge", by_position, 2.1),
        node(
            "Authentication",
            f"{BASE}httpRequest",
            {"url": f"{base}/token", "method": "POST", "options": {}},
            4.1,
        ),
        node(
            "Create Asset",
            f"{BASE}httpRequest",
            {
                "url": f"{base}/assets",
                "method": "POST",
                "options": {},
                "sendHeaders": True,
                "headerParameters": bearer,
            },
            4.1,
        ),
        node("Query + File + Asset information", f"{BASE}merge", by_position, 2.1),
        node("Upload PDF File (asset)", f"{BASE}httpRequest", upload, 4.1),
    ]
    pairs = [
        ("Start", "Adobe API Query", 0),
        ("Start", "Load a test pdf file", 0),
        ("Adobe API Query", "Query + File", 0),
        ("Load a test pdf file", "Query + File", 1),
        ("Query + File", "Authentication", 0),
        ("Query + File", "Query + File + Asset information", 0),
        ("Authentication", "Create Asset", 0),
        ("Create Asset", "Query + File + Asset information", 1),
        ("Query + File + Asset information", "Upload PDF File (asset)", 0),
    ]
    connections: dict[str, Any] = {}
    for source, target, index in pairs:
        connections.setdefault(source, {"main": [[]]})["main"][0].append(
            {"node": target, "type": "main", "index": index}
        )
    return {"name": "Adobe", "nodes": nodes, "connections": connections}


def test_a_possible_file_of_a_per_item_answer_gives_way_to_the_file_it_is_merged_with():
    graph = convert(adobe_export("https://pdf-services.adobe.io"))
    assert validate_graph(graph) == []
    upload = by_label(graph, "Upload PDF File (asset)")
    assert upload["config"]["body"] == "{{ nodes.load_a_test_pdf_file.file }}"
    assert "the file here is the one 'Load a test pdf file' makes" in upload["notes"]
    assert "response_format" not in by_label(graph, "Create Asset")["config"]  # read as data


@pytest.mark.django_db(transaction=True)
def test_the_merged_file_is_uploaded_to_the_asset_created_for_it(alice, settings, adobe):
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    graph = convert(adobe_export(adobe))
    execution = engine.start_execution(make_workflow(alice, graph), {})
    execution.refresh_from_db()
    assert execution.status == "succeeded", execution.error
    assert UPLOADED == [("/upload/asset-1", "application/pdf", PDF_BYTES)]


# --- BambooHR's company files, filtered and downloaded one by one, into Supabase -------------


def bamboohr_to_supabase() -> dict[str, Any]:
    """'BambooHR AI-Powered Company Policies and Benefits Chatbot', its loading branch."""

    def condition(left: str, operator: dict[str, Any], right: str = "") -> dict[str, Any]:
        options = {"version": 2, "leftValue": "", "caseSensitive": True, "typeValidation": "strict"}
        rows = [{"id": "c1", "operator": operator, "leftValue": left, "rightValue": right}]
        return {
            "options": {},
            "conditions": {"options": options, "combinator": "and", "conditions": rows},
        }

    equals = {"name": "filter.operator.equals", "type": "string", "operation": "equals"}
    is_true = {"type": "boolean", "operation": "true", "singleValue": True}
    store = {
        "mode": "insert",
        "options": {"queryName": "match_files"},
        "tableName": {"__rl": True, "mode": "list", "value": "company_files"},
    }
    nodes = [
        TRIGGER,
        node(
            "GET all files",
            f"{BASE}bambooHr",
            {"resource": "file", "operation": "getAll", "returnAll": True, "simplifyOutput": False},
        ),
        node(
            "Filter out files from undesired categories",
            f"{BASE}filter",
            condition("={{ $json.name }}", equals, "=Company Files"),
            2.2,
        ),
        node(
            "Split out individual files",
            f"{BASE}splitOut",
            {"options": {}, "fieldToSplitOut": "files"},
        ),
        node(
            "Filter out non-pdf files",
            f"{BASE}filter",
            condition('={{ $json.originalFileName.endsWith(".pdf") }}', is_true),
            2.2,
        ),
        node(
            "Download file from BambooHR",
            f"{BASE}bambooHr",
            {"fileId": "={{ $json.id }}", "resource": "file", "operation": "download"},
        ),
        node("Supabase Vector Store", f"{LC}vectorStoreSupabase", store),
        EMBEDDINGS,
        copy.deepcopy(BINARY_LOADER),
        node(
            "Recursive Character Text Splitter",
            f"{LC}textSplitterRecursiveCharacterTextSplitter",
            {"options": {}, "chunkOverlap": 100},
        ),
    ]
    connections: dict[str, Any] = {}
    names = [n["name"] for n in nodes[:7]]
    for source, target in pairwise(names):
        link(connections, source, target)
    link(connections, "Embeddings OpenAI", "Supabase Vector Store", "ai_embedding")
    link(connections, "Default Data Loader", "Supabase Vector Store", "ai_document")
    link(connections, "Recursive Character Text Splitter", "Default Data Loader", "ai_textSplitter")
    return {"name": "BambooHR files", "nodes": nodes, "connections": connections}


@pytest.mark.django_db(transaction=True)
def test_each_company_pdf_from_bamboohr_reaches_supabase(alice, settings):
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    settings.OPENAI_API_KEY = "sk-env-openai-0123456789abcdef"
    graph = convert(bamboohr_to_supabase())
    assert validate_graph(graph) == []
    with (
        fake_ai_server() as ai,
        running(FakeBambooHR()) as bamboo,
        running(FakeSupabase()) as supabase,
    ):
        settings.OPENAI_BASE_URL = ai.openai_url
        supabase.tables["company_files"] = []
        supabase.functions["match_files"] = "company_files"
        bamboo.add_file(
            "Company Files", "handbook.pdf", pdf("Be kind to everyone."), "application/pdf"
        )
        bamboo.add_file("Company Files", "logo.png", b"\x89PNG", "image/png")
        bamboo.add_file("Company Files", "401k.pdf", pdf("We match 4 percent."), "application/pdf")
        bamboo.add_file("Signed Documents", "offer.pdf", pdf("Private offer."), "application/pdf")
        hr = credential_store.create(
            alice,
            "HR",
            "bamboohr",
            {"api_key": BAMBOO_KEY, "company_domain": COMPANY, "base_url": bamboo.url},
        )
        project = credential_store.create(
            alice, "Project", "supabase", {"service_key": SERVICE_KEY, "base_url": supabase.url}
        )
        for made in graph["nodes"]:
            if made["type"] == "app.bamboohr":
                made["config"]["credential"] = hr.pk
            if made["type"] == "action.vector_store":
                made["config"]["store"]["credential"] = project.pk
        execution = engine.start_execution(make_workflow(alice, graph), {})
        execution.refresh_from_db()
        embedded = [r.body["input"] for r in ai.requests_for("openai_embeddings")]
        rows = [row["content"] for row in supabase.tables["company_files"]]
    assert execution.status == "succeeded", execution.error
    assert embedded == [["Be kind to everyone."], ["We match 4 percent."]]
    assert rows == ["Be kind to everyone.", "We match 4 percent."]
