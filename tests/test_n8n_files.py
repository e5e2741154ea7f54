"""n8n's files imported (editor/n8n/file_nodes.py, http_request.py's file paths and
`Converter.file_ref`): Extract from File and Convert to File converted, HTTP Request sending and
receiving files, refusals naming the node and the binary property — and workflows that download,
read, make and upload files run through the engine against a local server."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler
from itertools import pairwise
from typing import Any

import openpyxl
import pytest
from django.test import Client

from editor.graph import ImportRefused
from editor.models import Workflow
from editor.n8n import convert, import_n8n
from editor.validation import validate_graph
from executions import engine
from tests.engine_helpers import make_workflow, steps_by_key
from tests.fakes import handled_by
from tests.test_n8n_flow import export, import_set, manual, n8n_node

CSV = b"sku,qty\na,1\nb,2\n"
UPLOADS: list[dict[str, Any]] = []


def workbook() -> bytes:
    book = openpyxl.Workbook()
    book.active.append(["name", "price"])
    book.active.append(["tea", 2.5])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


class Handler(BaseHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _reply(self, body: bytes, content_type: str) -> None:
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        if self.path == "/stock.csv":
            self._reply(CSV, "text/csv")
        else:
            self._reply(
                workbook(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            )

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        message = BytesParser(policy=HTTP).parsebytes(
            f"Content-Type: {self.headers['Content-Type']}\r\n\r\n".encode() + body
        )
        for part in message.iter_parts():
            UPLOADS.append(
                {
                    "name": part.get_param("name", header="content-disposition"),
                    "filename": part.get_filename(),
                    "data": part.get_payload(decode=True),
                }
            )
        self._reply(b'{"ok": true}', "application/json")


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    with handled_by(Handler) as url:
        yield url


def http(name: str, url: str, **params: Any) -> dict:
    return n8n_node(name, "httpRequest", {"url": url, "options": {}, **params}, 4.2)


def download_as_file(url: str, prop: str = "data") -> dict:
    response = {"response": {"responseFormat": "file", "outputPropertyName": prop}}
    return http("Download", url, options={"response": response})


def extract(params: dict, name: str = "Extract") -> dict:
    return n8n_node(name, "extractFromFile", params)


def chain(*nodes: dict) -> dict:
    names = [n["name"] for n in nodes]
    return export("Files", list(nodes), list(pairwise(names)))


def node_of(graph: dict, label: str) -> dict:
    return next(n for n in graph["nodes"] if n.get("label") == label)


def refused(data: dict) -> str:
    with pytest.raises(ImportRefused) as caught:
        convert(data)
    return " | ".join(issue.message for issue in caught.value.issues)


# --- Extract from File ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "config"),
    [
        ({"options": {}}, {"format": "csv", "encoding": "utf-8"}),
        (
            {"operation": "csv", "options": {"delimiter": ";", "headerRow": False}},
            {"format": "csv", "delimiter": ";", "header": False, "encoding": "utf-8"},
        ),
        (
            {"operation": "xlsx", "options": {"sheetName": "Q3", "includeEmptyCells": True}},
            {"format": "xlsx", "sheet": "Q3", "include_empty_cells": True, "dates": "serial"},
        ),
        ({"operation": "html", "options": {}}, {"format": "html"}),
        (
            {"operation": "pdf", "options": {"maxPages": 3, "joinPages": False}},
            {"format": "pdf", "max_pages": 3, "join_pages": False},
        ),
        (
            {"operation": "text", "destinationKey": "content", "options": {"encoding": "latin1"}},
            {"format": "text", "key": "content", "encoding": "iso8859-1"},
        ),
        (
            {"operation": "fromJson", "options": {}},
            {"format": "json", "key": "data", "encoding": "utf-8"},
        ),
        ({"operation": "binaryToPropery", "options": {}}, {"format": "base64", "key": "data"}),
    ],
)
def test_each_extract_operation_becomes_its_workfuse_config(params, config):
    graph = convert(chain(manual(), download_as_file("https://example.com/f"), extract(params)))
    node = node_of(graph, "Extract")
    assert node["type"] == "utility.extract_file"
    assert node["config"] == {"file": "{{ nodes.download.file }}", **config}
    assert validate_graph(graph) == []


def test_the_file_is_found_through_nodes_that_pass_items_on_and_by_property_name():
    wait = n8n_node("Wait", "noOp")
    data = chain(
        manual(),
        download_as_file("https://example.com/f", prop="report"),
        wait,
        extract({"operation": "pdf", "binaryPropertyName": "report", "options": {}}),
    )
    assert node_of(convert(data), "Extract")["config"]["file"] == "{{ nodes.download.file }}"


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"operation": "ods"}, "extracts from a file with 'ods', which WorkFuse cannot read"),
        (
            {"operation": "pdf", "options": {"password": "={{ $json.pw }}"}},
            "opens the PDF with a password given by an expression",
        ),
        ({"operation": "pdf", "options": {"maxPages": 0}}, "sets Max Pages to 0"),
        ({"operation": "csv", "options": {"fromLine": 3}}, "starts reading at line 3"),
        ({"operation": "xlsx", "options": {"range": "A1:B4"}}, "reads the cell range 'A1:B4'"),
        ({"operation": "pdf", "options": {"keepSource": "both"}}, "keeps the input item's fields"),
        (
            {"operation": "pdf", "binaryPropertyName": "=file_{{ $itemIndex }}"},
            "names the binary property of its input file with an expression",
        ),
        (
            {"operation": "pdf", "binaryPropertyName": "attachment"},
            "reads the file in binary property 'attachment' of its input item, and in WorkFuse "
            "'Download' outputs no such file",
        ),
        (
            {"operation": "text", "destinationKey": "a.b"},
            "writes into the nested key 'a.b'",
        ),
    ],
)
def test_extract_refusals_name_the_node_and_what_workfuse_lacks(params, message):
    data = chain(manual(), download_as_file("https://example.com/f"), extract(params))
    text = refused(data)
    assert "n8n node 'Extract' (n8n-nodes-base.extractFromFile)" in text
    assert message in text


# --- pdfpass ---
def test_a_pdf_password_becomes_a_credential_slot_and_is_copied_nowhere():
    params = {"operation": "pdf", "options": {"password": "E2237-pw"}, "binaryPropertyName": "data"}
    data = chain(manual(), download_as_file("https://example.com/f.pdf"), extract(params))
    result = import_n8n(data)
    node = node_of(result.graph, "Extract")
    assert node["config"] == {"file": "{{ nodes.download.file }}", "format": "pdf"}
    assert "create a PDF password credential holding it" in node["notes"]
    (slot,) = result.report.credentials
    assert (slot.node, slot.node_id, slot.kind) == ("Extract", "extract", "pdf_password")
    assert "create the credential with that password" in slot.message
    everything = json.dumps([result.graph, result.report.as_dict(), result.meta])
    assert "E2237-pw" not in everything
    assert validate_graph(result.graph) == []


# --- end pdfpass ---


def test_a_file_no_node_before_makes_is_refused_naming_the_property():
    data = chain(manual(), extract({"operation": "pdf", "binaryPropertyName": "cv"}))
    assert "reads the file in binary property 'cv' of its input item" in refused(data)
    data = chain(
        manual(),
        http(
            "Fetch",
            "https://example.com",
            options={"response": {"response": {"responseFormat": "json"}}},
        ),
        extract({}),
    )
    assert "'Fetch' outputs no such file" in refused(data)


@pytest.mark.django_db(transaction=True)
def test_a_file_reader_no_node_links_into_imports_and_never_runs(alice):
    """An export's leftover example node: n8n never runs a node nothing links into."""
    data = chain(manual(), n8n_node("Work", "noOp"))
    data["nodes"].append(extract({"operation": "text"}, name="Text (Example)"))
    graph = convert(data)
    assert validate_graph(graph) == []
    leftover = node_of(graph, "Text (Example)")
    assert "No node links into it, so n8n never runs it" in leftover["notes"]
    assert not any(e["target"] == leftover["id"] for e in graph["edges"])
    execution = engine.start_execution(make_workflow(alice, graph), None)
    execution.refresh_from_db()
    assert execution.status == "succeeded", execution.error
    assert set(steps_by_key(execution)) == {"start", "work"}


# --- Convert to File ------------------------------------------------------------------------


def test_convert_to_csv_writes_all_items_and_declares_its_file():
    convert_node = n8n_node(
        "Make CSV", "convertToFile", {"options": {"fileName": "out.csv", "delimiter": ";"}}, 1.1
    )
    data = chain(manual(), http("Rows", "https://example.com/rows"), convert_node, extract({}))
    graph = convert(data)
    config = node_of(graph, "Make CSV")["config"]
    assert config["format"] == "csv" and config["filename"] == "out.csv"
    assert config["delimiter"] == ";" and "nodes.rows.body" in config["items"]
    assert node_of(graph, "Extract")["config"]["file"] == "{{ nodes.make_csv.file }}"
    assert validate_graph(graph) == []


@pytest.mark.parametrize(
    ("params", "config"),
    [
        ({"operation": "toJson", "options": {}}, {"format": "json"}),
        (
            {"operation": "toJson", "mode": "each", "options": {}},
            {"format": "json", "value": "{{ nodes.rows.body }}"},
        ),
        (
            {"operation": "toText", "sourceProperty": "note.text", "options": {}},
            {"format": "text", "value": "{{ nodes.rows.body.note.text }}"},
        ),
        (
            {
                "operation": "toBinary",
                "sourceProperty": "encoded",
                "options": {"fileName": "index.html", "mimeType": "text/html"},
            },
            {
                "format": "base64",
                "value": "{{ nodes.rows.body.encoded }}",
                "content_type": "text/html",
                "filename": "index.html",
            },
        ),
    ],
)
def test_convert_operations(params, config):
    node = n8n_node("Make", "convertToFile", params, 1.1)
    graph = convert(chain(manual(), http("Rows", "https://example.com/rows"), node))
    made = node_of(graph, "Make")["config"]
    assert {k: made[k] for k in config} == config
    assert validate_graph(graph) == []


def test_a_binary_property_given_as_a_plain_text_expression_is_that_name():
    """`=data`: n8n evaluates an expression with no {{ }} to its text."""
    params = {"operation": "toBinary", "sourceProperty": "b64", "binaryPropertyName": "=data"}
    node = n8n_node("Make", "convertToFile", params, 1.1)
    graph = convert(chain(manual(), http("Rows", "https://example.com/rows"), node))
    assert validate_graph(graph) == []
    assert node_of(graph, "Make")["config"]["value"] == "{{ nodes.rows.body.b64 }}"
    text = refused(
        chain(
            manual(),
            n8n_node(
                "Make", "convertToFile", {**params, "binaryPropertyName": "={{ $json.name }}"}, 1.1
            ),
        )
    )
    assert "sets the file's binary property with an expression" in text


def test_convert_refusals():
    for params, message in [
        ({"operation": "ods"}, "converts to 'ods', which WorkFuse cannot write"),
        ({"operation": "toText", "sourceProperty": "={{ $json.data }}"}, "names its input field"),
        (
            {"operation": "toText", "sourceProperty": "a", "options": {"addBOM": True}},
            "byte order mark",
        ),
    ]:
        node = n8n_node("Make", "convertToFile", params, 1.1)
        text = refused(chain(manual(), node))
        assert "n8n node 'Make' (n8n-nodes-base.convertToFile)" in text and message in text


# --- HTTP Request ---------------------------------------------------------------------------


def test_http_sends_a_file_body_and_multipart_file_fields():
    made = n8n_node("Make", "convertToFile", {"operation": "toJson", "options": {}}, 1.1)
    raw = http(
        "Put",
        "https://example.com/u",
        method="PUT",
        sendBody=True,
        contentType="binaryData",
        inputDataFieldName="data",
    )
    rows = [
        {"parameterType": "formBinaryData", "name": "file", "inputDataFieldName": "data"},
        {"name": "title", "value": "Q3"},
    ]
    form = http(
        "Post",
        "https://example.com/f",
        method="POST",
        sendBody=True,
        contentType="multipart-form-data",
        bodyParameters={"parameters": rows},
    )
    for sender, config in [
        (raw, {"body_type": "file", "body": "{{ nodes.make.file }}"}),
        (
            form,
            {"body_type": "multipart", "body": {"file": "{{ nodes.make.file }}", "title": "Q3"}},
        ),
    ]:
        graph = convert(chain(manual(), made, sender))
        got = node_of(graph, sender["name"])["config"]
        assert {k: got[k] for k in config} == config
        assert validate_graph(graph) == []


def test_an_autodetecting_download_keeps_a_binary_answer_as_a_file_once_a_node_reads_it():
    alone = convert(chain(manual(), http("Get", "https://example.com/f")))
    assert "response_format" not in node_of(alone, "Get")["config"]
    graph = convert(
        chain(manual(), http("Get", "https://example.com/f"), extract({"operation": "pdf"}))
    )
    get = node_of(graph, "Get")
    assert get["config"]["response_format"] == "detect"
    assert "n8n detected the response's format" in get["notes"]


# --- run through the engine -----------------------------------------------------------------


def run(alice: Any, data: dict) -> dict[str, Any]:
    graph = convert(data)
    assert validate_graph(graph) == []
    execution = engine.start_execution(make_workflow(alice, graph), None)
    execution.refresh_from_db()
    steps = steps_by_key(execution)
    assert execution.status == "succeeded", [s.error for s in steps.values()]
    return {key: step.output for key, step in steps.items()}


@pytest.mark.django_db(transaction=True)
def test_a_download_saved_as_a_file_is_read_as_csv_rows(alice, settings, server):
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    data = chain(manual(), download_as_file(f"{server}/stock.csv"), extract({"options": {}}))
    outputs = run(alice, data)
    assert outputs["download"]["file"]["filename"] == "stock.csv"
    assert outputs["extract"]["rows"] == [{"sku": "a", "qty": "1"}, {"sku": "b", "qty": "2"}]


@pytest.mark.django_db(transaction=True)
def test_an_autodetected_spreadsheet_download_is_read_as_rows(alice, settings, server):
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    data = chain(manual(), http("Get", f"{server}/book.xlsx"), extract({"operation": "xlsx"}))
    assert run(alice, data)["extract"]["rows"] == [{"name": "tea", "price": 2.5}]


@pytest.mark.django_db(transaction=True)
def test_rows_made_into_a_file_are_uploaded_as_multipart(alice, settings, server):
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    UPLOADS.clear()
    rows = n8n_node(
        "Rows", "code", {"jsCode": "return [{json: {a: 1, b: {c: true}}}, {json: {a: 2}}];"}, 2
    )
    made = n8n_node("Make", "convertToFile", {"options": {"fileName": "rows.csv"}}, 1.1)
    fields = [{"parameterType": "formBinaryData", "name": "upload", "inputDataFieldName": "data"}]
    send = http(
        "Send",
        f"{server}/upload",
        method="POST",
        sendBody=True,
        contentType="multipart-form-data",
        bodyParameters={"parameters": fields},
    )
    outputs = run(alice, chain(manual(), rows, made, send))
    assert outputs["send"]["body"] == {"ok": True}
    assert UPLOADS == [{"name": "upload", "filename": "rows.csv", "data": b"a,b.c\n1,TRUE\n2,\n"}]
    assert json.loads(json.dumps(outputs["make"]))["file"]["filename"] == "rows.csv"


# --- Respond to Webhook with a file ---------------------------------------------------------


def test_respond_with_binary_answers_with_the_file_and_its_type():
    respond = n8n_node("Respond", "respondToWebhook", {"respondWith": "binary"}, 1.1)
    data = chain(hook(), download_as_file("https://example.com/r.pdf"), respond)
    config = node_of(convert(data), "Respond")["config"]
    assert config["file"] == "{{ nodes.download.file }}" and config["body"] is None
    assert config["content_type"] == "{{ nodes.download.file.content_type }}"
    chosen = {
        "respondWith": "binary",
        "responseDataSource": "set",
        "inputFieldName": "other",
        "options": {"responseHeaders": {"entries": [{"name": "content-type", "value": "a/b"}]}},
    }
    respond = n8n_node("Respond", "respondToWebhook", chosen, 1.1)
    # files2: a file response keeps the input item's files, here the webhook's upload 'other'
    graph = convert(chain(hook(), download_as_file("https://example.com/r.pdf"), respond))
    assert node_of(graph, "Respond")["config"]["file"] == '{{ trigger.files["other"] }}'


def hook() -> dict:
    params = {"httpMethod": "POST", "path": "files", "responseMode": "responseNode"}
    return n8n_node("Webhook", "webhook", params, 2)


@pytest.mark.django_db(transaction=True)
def test_a_webhook_answers_with_the_downloaded_file(alice, alice_api, settings, server):
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    respond = n8n_node("Respond", "respondToWebhook", {"respondWith": "binary"}, 1.1)
    data = chain(hook(), download_as_file(f"{server}/stock.csv"), respond)
    response = import_set(alice_api, data)
    assert response.status_code == 201, response.json()
    workflow = Workflow.objects.get(pk=response.json()["id"])
    workflow.is_active = True
    workflow.save()
    answer = Client().post(
        f"/hooks/{workflow.webhook_token}", data="{}", content_type="application/json"
    )
    assert answer.status_code == 200
    assert (answer["Content-Type"], answer.content) == ("text/csv", CSV)


# --- files a form uploads -------------------------------------------------------------------


def form_trigger() -> dict:
    fields = [
        {"fieldLabel": "Name"},
        {"fieldType": "file", "fieldLabel": "File Upload", "multipleFiles": False},
    ]
    return n8n_node("Form", "formTrigger", {"formFields": {"values": fields}}, 2.2)


@pytest.mark.django_db(transaction=True)
def test_a_file_posted_to_a_form_trigger_is_read_by_extract_from_file(alice, alice_api):
    reader = extract({"operation": "csv", "binaryPropertyName": "File_Upload"})
    data = chain(form_trigger(), reader)
    graph = convert(data)
    assert node_of(graph, "Extract")["config"]["file"] == "{{ trigger.files['File Upload'] }}"
    assert "multipart/form-data" in node_of(graph, "Form")["notes"]
    response = import_set(alice_api, data)
    assert response.status_code == 201, response.json()
    workflow = Workflow.objects.get(pk=response.json()["id"])
    workflow.is_active = True
    workflow.save()
    upload = io.BytesIO(CSV)
    upload.name = "stock.csv"
    answer = Client().post(
        f"/hooks/{workflow.webhook_token}", {"Name": "Ada", "File Upload": upload}
    )
    # n8n's default form answer: the person follows the run to its next page (303)
    assert answer.status_code == 303, answer.content
    execution = workflow.executions.get()
    steps = steps_by_key(execution)
    assert steps["form"].output["body"] == {"Name": "Ada"}
    assert steps["form"].output["files"]["File Upload"]["filename"] == "stock.csv"
    assert steps["extract"].output["rows"] == [{"sku": "a", "qty": "1"}, {"sku": "b", "qty": "2"}]


def test_a_form_field_taking_several_files_is_refused():
    fields = [{"fieldType": "file", "fieldLabel": "Docs", "multipleFiles": True}]
    form = n8n_node("Form", "formTrigger", {"formFields": {"values": fields}}, 2.2)
    assert "takes several files in its field 'Docs'" in refused(chain(form))
