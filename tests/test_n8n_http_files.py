"""Files through n8n's HTTP Request (editor/n8n/http_files.py): versions 1 and 2 save a
response as a file and send a file as a RAW or multipart body, version 3 and later keep the
input item's JSON after a file response; imported workflows run against a 127.0.0.1 server."""

from __future__ import annotations

from collections.abc import Iterator
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler
from typing import Any

import pytest

from editor.n8n import convert
from editor.validation import validate_graph
from tests.fakes import handled_by
from tests.test_n8n_files import chain, download_as_file, node_of, refused, run
from tests.test_n8n_flow import manual, n8n_node, set_fields

PICTURE = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4
RECEIVED: list[dict[str, Any]] = []


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
        if self.path.endswith(".csv"):
            self._reply(b"x\n1\n", "text/csv")
        else:
            self._reply(PICTURE, "image/png")

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        content_type = self.headers.get("Content-Type", "")
        if content_type.startswith("multipart/"):
            message = BytesParser(policy=HTTP).parsebytes(
                f"Content-Type: {content_type}\r\n\r\n".encode() + body
            )
            for part in message.iter_parts():
                RECEIVED.append(
                    {
                        "name": part.get_param("name", header="content-disposition"),
                        "filename": part.get_filename(),
                        "data": part.get_payload(decode=True),
                    }
                )
        else:
            RECEIVED.append({"content_type": content_type, "data": body})
        self._reply(b'{"ok": true}', "application/json")


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    with handled_by(Handler) as url:
        yield url


def old_http(name: str, url: str, version: float = 1, **params: Any) -> dict:
    return n8n_node(name, "httpRequest", {"url": url, "options": {}, **params}, version)


def old_download(name: str, url: str, prop: str = "data", **params: Any) -> dict:
    return old_http(name, url, responseFormat="file", dataPropertyName=prop, **params)


def old_upload(name: str, url: str, names: str, content_type: str, method: str = "POST") -> dict:
    return old_http(
        name,
        url,
        requestMethod=method,
        jsonParameters=True,
        sendBinaryData=True,
        binaryPropertyName=names,
        options={"bodyContentType": content_type},
    )


def reads_json(graph: dict, label: str) -> Any:
    return node_of(graph, label)["config"]["headers"]["X-Seen"]


# --- responses saved as files ---------------------------------------------------------------


@pytest.mark.parametrize("version", [1, 2])
def test_a_version_1_or_2_file_response_is_the_file_the_next_node_reads(version):
    resize = n8n_node("Resize", "editImage", {"operation": "resize", "dataPropertyName": "bg"})
    graph = convert(chain(manual(), old_download("Get", "https://x.test/b.png", "bg"), resize))
    assert validate_graph(graph) == []
    get = node_of(graph, "Get")
    assert get["config"]["response_format"] == "file"
    assert node_of(graph, "Resize")["config"]["file"] == "{{ nodes.get.file }}"
    assert "Content-Disposition" in get["notes"]


def seen_header(value: str) -> dict:
    return old_http(
        "Next",
        "https://x.test/next",
        headerParametersUi={"parameter": [{"name": "X-Seen", "value": value}]},
    )


def test_after_a_file_response_json_is_the_input_item_as_in_n8n():
    before = set_fields("Person", name="Ada")
    for download in (
        old_download("Get", "https://x.test/a.png"),
        download_as_file("https://x.test/a.png"),
    ):
        graph = convert(chain(manual(), before, download, seen_header("={{ $json.name }}")))
        assert validate_graph(graph) == []
        assert (
            node_of(graph, "Next")["config"]["headers"]["x-seen"]
            == "{{ nodes.person.result.name }}"
        )


def test_with_full_response_json_is_the_status_and_headers():
    download = old_download("Get", "https://x.test/a.png", options={"fullResponse": True})
    graph = convert(chain(manual(), download, seen_header("={{ $json.statusCode }}")))
    assert node_of(graph, "Next")["config"]["headers"]["x-seen"] == "{{ nodes.get.status }}"
    assert "statusMessage" in node_of(graph, "Get")["notes"]


def test_a_file_the_download_does_not_make_is_refused_naming_the_download():
    extract = n8n_node("Read", "extractFromFile", {"operation": "pdf", "binaryPropertyName": "x"})
    text = refused(chain(manual(), old_download("Get", "https://x.test/a.pdf"), extract))
    assert "binary property 'x'" in text and "'Get' outputs no such file" in text


# --- files sent ------------------------------------------------------------------------------


def test_send_binary_data_as_raw_sends_the_file_as_the_body():
    graph = convert(
        chain(
            manual(),
            old_download("Get", "https://x.test/a.wav", "audio"),
            old_upload("Put", "https://x.test/u", "audio", "raw"),
        )
    )
    assert validate_graph(graph) == []
    config = node_of(graph, "Put")["config"]
    assert (config["body_type"], config["body"]) == ("file", "{{ nodes.get.file }}")


@pytest.mark.parametrize(
    ("names", "body"),
    [
        ("banner:bg", {"banner": "{{ nodes.get.file }}"}),
        ("bg", {"file": "{{ nodes.get.file }}"}),
        (
            "banner:bg, logo:logo",
            {"banner": "{{ nodes.get.file }}", "logo": "{{ nodes.logo.file }}"},
        ),
    ],
)
def test_send_binary_data_as_multipart_names_each_field(names, body):
    logo = old_download("Logo", "https://x.test/l.png", "logo")
    get = old_download("Get", "https://x.test/b.png", "bg")
    graph = convert(
        chain(
            manual(),
            logo,
            get,
            old_upload("Post", "https://x.test/u", names, "multipart-form-data"),
        )
    )
    assert validate_graph(graph) == []
    config = node_of(graph, "Post")["config"]
    assert (config["body_type"], config["body"]) == ("multipart", body)
    assert "URL-encoded" not in node_of(graph, "Post").get("notes", "")


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (
            old_upload("Send", "https://x.test/u", "a,b", "multipart-form-data"),
            "sends the files 'a,b' without a field name for each",
        ),
        (
            old_upload("Send", "https://x.test/u", "data", "multipart-form-data", "GET"),
            "sends a multipart file with GET",
        ),
        (
            old_upload("Send", "https://x.test/u", "data", "form-urlencoded"),
            "Body Content Type 'form-urlencoded', which n8n refuses at run time",
        ),
    ],
)
def test_files_n8n_would_not_send_are_refused_naming_the_node(upload, message):
    text = refused(chain(manual(), old_download("Get", "https://x.test/a"), upload))
    assert "n8n node 'Send' (n8n-nodes-base.httpRequest)" in text and message in text


# --- run through the engine -----------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_an_imported_version_1_download_is_uploaded_as_multipart(alice, settings, server):
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    RECEIVED.clear()
    data = chain(
        manual(),
        old_download("Get", f"{server}/pictures/bg.png", "bg"),
        old_upload("Post", f"{server}/banner", "banner:bg", "multipart-form-data"),
    )
    outputs = run(alice, data)
    assert outputs["get"]["file"]["filename"] == "bg.png"
    assert outputs["post"]["body"] == {"ok": True}
    assert RECEIVED == [{"name": "banner", "filename": "bg.png", "data": PICTURE}]


@pytest.mark.django_db(transaction=True)
def test_an_imported_version_1_raw_upload_sends_the_bytes(alice, settings, server):
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    RECEIVED.clear()
    data = chain(
        manual(),
        old_download("Get", f"{server}/bg.png"),
        old_upload("Put", f"{server}/raw", "data", "raw"),
    )
    run(alice, data)
    assert RECEIVED == [{"content_type": "image/png", "data": PICTURE}]


# --- files through a Merge ------------------------------------------------------------------


def merged(merge: dict, reader: dict, download_first: bool = False) -> dict:
    """Start -> Person (input 1) and Start -> Get (input 2) -> Merge -> reader; or Get on input
    1 with `download_first`."""
    nodes = [
        manual(),
        set_fields("Person", name="Ada"),
        old_download("Get", "https://x.test/s.csv", "sheet"),
        merge,
        reader,
    ]
    into = {"Person": 1 if download_first else 0, "Get": 0 if download_first else 1}
    connections = {
        "Start": {
            "main": [
                [
                    {"node": "Person", "type": "main", "index": 0},
                    {"node": "Get", "type": "main", "index": 0},
                ]
            ]
        },
        "Person": {"main": [[{"node": merge["name"], "type": "main", "index": into["Person"]}]]},
        "Get": {"main": [[{"node": merge["name"], "type": "main", "index": into["Get"]}]]},
        merge["name"]: {"main": [[{"node": reader["name"], "type": "main", "index": 0}]]},
    }
    return {"name": "Merged", "nodes": nodes, "connections": connections}


def csv_reader() -> dict:
    return n8n_node("Read", "extractFromFile", {"binaryPropertyName": "sheet", "options": {}})


@pytest.mark.parametrize(
    ("params", "version", "download_first"),
    [
        ({"mode": "combine", "combineBy": "combineByPosition", "options": {}}, 3, False),
        ({"mode": "combine", "combinationMode": "mergeByPosition", "options": {}}, 2.1, True),
        ({"mode": "mergeByIndex"}, 1, False),
        ({"mode": "chooseBranch", "output": "input2"}, 2, False),
        ({"mode": "chooseBranch", "useDataOfInput": 1}, 3, True),
    ],
)
def test_a_merge_that_pairs_or_passes_items_carries_their_files(params, version, download_first):
    merge = n8n_node("Merge", "merge", params, version)
    graph = convert(merged(merge, csv_reader(), download_first))
    assert validate_graph(graph) == []
    assert node_of(graph, "Read")["config"]["file"] == "{{ nodes.get.file }}"


def test_a_merge_that_appends_or_chooses_the_other_branch_carries_no_file():
    for params, version in [
        ({"mode": "append"}, 3),
        ({"mode": "chooseBranch", "useDataOfInput": 1}, 3),
    ]:
        merge = n8n_node("Merge", "merge", params, version)
        text = refused(merged(merge, csv_reader()))
        assert "binary property 'sheet'" in text and "'Merge' outputs no such file" in text


@pytest.mark.django_db(transaction=True)
def test_an_imported_merge_by_position_hands_the_download_on(alice, settings, server):
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    merge = n8n_node("Merge", "merge", {"mode": "combine", "combineBy": "combineByPosition"}, 3)
    data = merged(merge, csv_reader())
    data["nodes"][2]["parameters"]["url"] = f"{server}/s.csv"
    outputs = run(alice, data)
    assert outputs["read[0]"]["rows"] == [{"x": "1"}]  # the Merge's one item, in a loop
