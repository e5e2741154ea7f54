"""n8n expressions that read an item's file metadata through `$binary` (editor/n8n/binary_reads.py,
workfuse/lib/n8n_binary.py): the importer hands the file to `n8n()`, which gives the expression
n8n's binary object; reads it cannot follow are refused. Imported workflows run against a
127.0.0.1 server."""

from __future__ import annotations

from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from typing import Any

import pytest

from editor.n8n import convert
from editor.n8n.binary_reads import BinaryRead, binary_reads
from editor.n8n.expressions import Untranslatable, translate
from tests.fakes import handled_by
from tests.test_n8n_files import chain, download_as_file, node_of, refused, run
from tests.test_n8n_flow import manual, n8n_node, set_fields
from workfuse.lib import n8n_binary
from workfuse.lib.files import make

REPORT = b"%PDF-1.4\n" + b"x" * 12336  # 12,345 bytes: n8n's "12.3 kB"


class Handler(BaseHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "application/pdf")
        self.send_header("Content-Disposition", 'attachment; filename="Q3 Report.PDF"')
        self.send_header("Content-Length", str(len(REPORT)))
        self.end_headers()
        self.wfile.write(REPORT)


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    with handled_by(Handler) as url:
        yield url


def reading(expression: str, url: str = "http://127.0.0.1:9/report.pdf") -> dict:
    return chain(manual(), download_as_file(url), set_fields("Name", name=expression))


def config_of(data: dict) -> str:
    return str(node_of(convert(data), "Name")["config"]["expression"])


# --- where an expression reads files --------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "reads"),
    [
        ("$binary.data.fileName", [BinaryRead(None, "data", "$binary.data")]),
        ("$binary['my file'].mimeType", [BinaryRead(None, "my file", "$binary['my file']")]),
        ("$binary.data?.fileExtension", [BinaryRead(None, "data", "$binary.data")]),
        (
            "$input.item.binary.attachment_0.mimeType",
            [BinaryRead(None, "attachment_0", "$input.item.binary.attachment_0")],
        ),
        (
            "$('Get File').item.binary.data.fileSize",
            [BinaryRead("Get File", "data", "$('Get File').item.binary.data")],
        ),
        (
            '$node["HTTP Request"].binary.data.fileName',
            [BinaryRead("HTTP Request", "data", '$node["HTTP Request"].binary.data')],
        ),
        ("Object.keys($binary)", [BinaryRead(None, None, "$binary")]),
        ("$item(0).$binary.data", [BinaryRead(None, None, "$binary.data")]),
        ("$('Mail').item.binary.isNotEmpty()", [BinaryRead("Mail", None, "$('Mail').item.binary")]),
        ("$json.binary.data", []),  # a JSON field named binary: JavaScript's own
        ("$json.fileName", []),
    ],
)
def test_the_reads_of_files_are_found(source: str, reads: list[BinaryRead]) -> None:
    assert binary_reads(source) == reads


# --- import ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "expression",
    [
        "={{ $binary.data.fileName }}",
        "={{ $input.item.binary.data.fileName }}",
        "={{ $('Download').item.binary.data.fileName }}",
        '={{ $node["Download"].binary.data.fileName }}',
    ],
)
def test_each_form_hands_the_downloaded_file_to_the_expression(expression: str) -> None:
    config = config_of(reading(expression))
    assert "binary={" in config
    assert "'data': nodes.download.file" in config


def test_a_file_no_node_before_makes_is_refused_naming_node_and_property() -> None:
    data = chain(manual(), set_fields("Name", name="={{ $binary.data.fileName }}"))
    message = refused(data)
    assert "n8n node 'Name'" in message
    assert "binary property 'data'" in message


def test_a_named_node_without_that_file_is_refused() -> None:
    expression = "={{ $('Download').item.binary.other.fileName }}"
    message = refused(reading(expression))
    assert "binary property 'other' of 'Download'" in message


@pytest.mark.parametrize(
    "expression", ["={{ Object.keys($binary).join(',') }}", "={{ $item(0).$binary.data }}"]
)
def test_files_read_without_a_fixed_property_are_refused(expression: str) -> None:
    message = refused(reading(expression))
    assert "n8n node 'Name'" in message
    assert "other than by a fixed binary property" in message


def test_files_read_where_there_is_no_item_are_refused() -> None:
    with pytest.raises(Untranslatable, match="no item to take them from"):
        translate("{{ $binary.data.fileName }}", lambda name: ("item", {}))


def test_a_code_node_reading_item_binary_still_gets_the_file() -> None:
    code = "return [{json: {name: $input.item.binary.data.fileName}}];"
    node = n8n_node("Code", "code", {"mode": "runOnceForEachItem", "jsCode": code}, 2)
    graph = convert(chain(manual(), download_as_file("http://127.0.0.1:9/a.pdf"), node))
    assert node_of(graph, "Code")["config"]["n8n"]["binary"] == {
        "": {"data": "{{ nodes.download.file | default(none) }}"}
    }


# --- n8n's binary object --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("size", "text"),
    [
        (0, "0 B"),
        (999, "999 B"),
        (1000, "1 kB"),
        (1125, "1.13 kB"),  # toPrecision rounds a tie up
        (1500, "1.5 kB"),
        (12345, "12.3 kB"),
        (999_500, "1000 kB"),
        (1_234_567, "1.23 MB"),
    ],
)
def test_file_size_is_written_as_pretty_bytes(size: int, text: str) -> None:
    assert n8n_binary.pretty_bytes(size) == text


def test_the_binary_object_matches_n8n() -> None:
    value = make(b"hello", "Notes.TXT", "text/plain", "test").value()
    assert n8n_binary.binary_object(value, "test") == {
        "data": "aGVsbG8=",
        "mimeType": "text/plain",
        "fileName": "Notes.TXT",
        "fileExtension": "TXT",
        "fileType": "text",
        "fileSize": "5 B",
    }
    nameless = make(b"%PDF", "file", "application/pdf", "test").value()
    assert n8n_binary.binary_object(nameless, "test")["fileExtension"] == "pdf"
    unknown = make(b"x", "file", "application/x-thing", "test").value()
    marker = n8n_binary.binary_object(unknown, "test")["fileExtension"]
    assert "mime database" in marker[n8n_binary.UNKNOWN_EXTENSION]


# --- run ------------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_an_imported_workflow_reads_the_downloaded_files_name(alice, settings, server):
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    fields = {
        "name": "={{ $binary.data.fileName }}",
        "type": "={{ $input.item.binary.data.mimeType }}",
        "ext": "={{ $('Download').item.binary.data.fileExtension }}",
        "size": '={{ $node["Download"].binary.data.fileSize }}',
        "kind": "={{ $binary.data.fileType }}",
        "stem": "={{ $binary.data.fileName.split('.')[0].replaceAll(' ', '') }}",
    }
    data = chain(manual(), download_as_file(f"{server}/files/1"), set_fields("Name", **fields))
    outputs = run(alice, data)
    assert outputs["name"]["result"] == {
        "name": "Q3 Report.PDF",
        "type": "application/pdf",
        "ext": "PDF",
        "size": "12.3 kB",
        "kind": "pdf",
        "stem": "Q3Report",
    }


@pytest.mark.django_db(transaction=True)
def test_an_unknown_extension_fails_the_step_saying_why(alice, settings):
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    from editor.templating import render

    value = make(b"x", "file", "application/x-thing", "test").value()
    template = "{{ n8n('$binary.data.fileExtension', json={}, binary={'': {'data': f}}) }}"
    with pytest.raises(Exception, match="mime database"):
        render(template, {"f": value})


def test_a_jpeg_without_an_extension_gets_mime_types_3_answer() -> None:
    """n8n-core 1.123 pins mime-types 3.0.2, whose extension('image/jpeg') is 'jpg'."""
    from workfuse.lib import files, n8n_binary

    photo = files.make(b"\xff\xd8\xff", "photo", "image/jpeg", "A photo").value()
    assert n8n_binary.binary_object(photo, "photo")["fileExtension"] == "jpg"
