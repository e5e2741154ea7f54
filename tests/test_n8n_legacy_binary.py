"""n8n's older binary nodes (editor/n8n/legacy_binary.py): Spreadsheet File and Move Binary
Data as utility.extract_file / utility.convert_file, utility.extract_file's "spreadsheet"
format, the server-disk nodes refused with what to use instead, and imported workflows run
against a 127.0.0.1 server."""

from __future__ import annotations

import io
from collections.abc import Iterator

import openpyxl
import pytest

from editor.n8n import convert
from editor.nodes import utility_extract_file
from editor.nodes.utility_convert_file import XLSX_TYPE
from editor.validation import validate_graph
from tests import test_n8n_files as files_tests
from tests.data_nodes import run as run_node
from tests.fakes import handled_by
from tests.test_n8n_files import CSV, chain, node_of, refused, run, workbook
from tests.test_n8n_flow import manual, n8n_node
from tests.test_n8n_http_files import old_download, old_upload
from workfuse.lib import archives, files

RECEIVED: list[bytes] = []


class Handler(files_tests.Handler):
    """test_n8n_files' server (its CSV and workbook), answering by extension and recording
    what is posted."""

    def do_GET(self) -> None:
        if self.path.endswith(".csv"):
            self._reply(CSV, "text/csv")
        elif self.path.endswith(".zip"):
            self._reply(archives.make_zip([("stock.csv", CSV), ("book.xlsx", workbook())]), "a/b")
        else:
            self._reply(workbook(), "application/octet-stream")

    def do_POST(self) -> None:
        RECEIVED.append(self.rfile.read(int(self.headers.get("Content-Length") or 0)))
        self._reply(b"{}", "application/json")


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    with handled_by(Handler) as url:
        yield url


def sheet(params: dict, version: float = 1, name: str = "Sheet") -> dict:
    return n8n_node(name, "spreadsheetFile", params, version)


def move(params: dict, name: str = "Move") -> dict:
    return n8n_node(name, "moveBinaryData", params)


def rows_code() -> dict:
    code = "return [{json: {a: 1, b: 'x'}}, {json: {a: 2, b: 'y'}}];"
    return n8n_node("Rows", "code", {"jsCode": code}, 2)


def converted(*nodes: dict) -> dict:
    graph = convert(chain(manual(), *nodes))
    assert validate_graph(graph) == []
    return graph


# --- Spreadsheet File -----------------------------------------------------------------------


def test_version_1_read_detects_the_format_and_gives_rows():
    graph = converted(old_download("Get", "https://x.test/f"), sheet({"options": {}}))
    node = node_of(graph, "Sheet")
    assert node["type"] == "utility.extract_file"
    config = node["config"]
    assert config["file"] == "{{ nodes.get.file }}"
    assert (config["format"], config["dates"]) == ("spreadsheet", "serial")
    assert "SheetJS" in node["notes"]


def test_version_2_read_with_a_chosen_format_is_extract_from_file():
    params = {"fileFormat": "csv", "options": {"delimiter": ";", "headerRow": False}}
    config = node_of(converted(old_download("Get", "https://x.test/f"), sheet(params, 2)), "Sheet")[
        "config"
    ]
    assert {k: config[k] for k in ("format", "delimiter", "header")} == {
        "format": "csv",
        "delimiter": ";",
        "header": False,
    }


def test_write_to_file_makes_one_file_of_every_item_for_the_next_node():
    params = {"operation": "toFile", "fileFormat": "xlsx", "options": {"sheetName": "Out"}}
    reader = n8n_node("Read", "extractFromFile", {"operation": "xlsx"})
    graph = converted(rows_code(), sheet(params), reader)
    config = node_of(graph, "Sheet")["config"]
    assert (config["format"], config["sheet"]) == ("xlsx", "Out")
    assert "nodes.rows.result" in config["items"]  # the walk fills in every item
    assert node_of(graph, "Read")["config"]["file"] == "{{ nodes.sheet.file }}"


# --- legacyai ---
XLS_CAVEAT = (
    "n8n wrote the spreadsheet as XLS (its default), which WorkFuse does not write; WorkFuse "
    "writes XLSX, which Excel and every spreadsheet program open as they open XLS,"
)
WITH_XLSX = "and names the file with .xlsx where n8n's name had .xls."


@pytest.mark.parametrize(
    ("options", "filename", "named"),
    [
        ({}, None, "and names the file spreadsheet.xlsx (n8n: spreadsheet.xls)."),
        ({"fileName": "Report.xls"}, "Report.xlsx", WITH_XLSX),
        (
            {"fileName": "=News_{{ $json.day }}.{{$parameter['fileFormat']}}"},
            "News_{{ nodes.rows.result[0].day | n8n_text }}.{{ 'xlsx' }}",
            WITH_XLSX,
        ),
        ({"fileName": "={{ $json.day }}"}, "{{ nodes.rows.result[0].day }}", "under the file name"),
    ],
)
def test_write_to_file_in_xls_writes_xlsx_named_as_n8n_names_it_but_for_the_extension(
    options, filename, named
):
    node = node_of(
        converted(rows_code(), sheet({"operation": "toFile", "options": options})), "Sheet"
    )
    assert node["config"]["format"] == "xlsx"
    assert node["config"].get("filename") == filename
    assert f"{XLS_CAVEAT} {named}" in node["notes"]


@pytest.mark.django_db(transaction=True)
def test_an_imported_xls_write_makes_an_xlsx_file_holding_the_rows(alice):
    options = {"sheetName": "News", "fileName": '=News.{{$parameter["fileFormat"]}}'}
    for params, name in (({}, "spreadsheet.xlsx"), ({"options": options}, "News.xlsx")):
        outputs = run(alice, chain(manual(), rows_code(), sheet({"operation": "toFile", **params})))
        made = files.read(outputs["sheet"]["file"])
        assert (made.filename, made.content_type) == (name, XLSX_TYPE)
        book = openpyxl.load_workbook(io.BytesIO(made.data))
        assert book.sheetnames == [options["sheetName"] if params else "Sheet"]
        rows = list(book.active.iter_rows(values_only=True))
        assert rows == [("a", "b"), (1, "x"), (2, "y")]


# --- end legacyai ---


@pytest.mark.parametrize(
    ("params", "version", "message"),
    [
        ({"operation": "toFile", "fileFormat": "ods"}, 2, "writes a spreadsheet as ODS"),
        ({"fileFormat": "rtf"}, 2, "reads a spreadsheet as RTF"),
        ({"options": {"rawData": True}}, 1, "raw cell text"),
    ],
)
def test_spreadsheets_workfuse_cannot_read_or_write_are_refused(params, version, message):
    text = refused(chain(manual(), old_download("Get", "https://x.test/f"), sheet(params, version)))
    assert "n8n node 'Sheet' (n8n-nodes-base.spreadsheetFile)" in text and message in text


def test_the_spreadsheet_format_is_detected_from_the_type_then_the_bytes():
    detect = utility_extract_file.spreadsheet_format
    assert detect(files.make(CSV, "a.bin", "text/csv")) == "csv"
    assert detect(files.make(CSV, "a.csv", "text/plain")) == "csv"
    assert detect(files.make(workbook(), "a.bin")) == "xlsx"
    assert detect(files.make(b"  <table><tr><td>x</td></tr></table>", "t")) == "html"
    assert detect(files.make(b"x;y\n1;2\n", "t.txt")) == "csv"


def test_extract_file_reads_a_spreadsheet_whatever_it_is():
    for data, name, rows in [
        (workbook(), "book", [{"name": "tea", "price": 2.5}]),
        (CSV, "stock.csv", [{"sku": "a", "qty": "1"}, {"sku": "b", "qty": "2"}]),
    ]:
        out = run_node(
            utility_extract_file, {"file": files.make(data, name).value(), "format": "spreadsheet"}
        )
        assert out["rows"] == rows


# --- Move Binary Data -----------------------------------------------------------------------


def test_json_to_binary_writes_the_whole_item_as_json_and_the_file_is_read_after_it():
    reader = n8n_node("Read", "extractFromFile", {"operation": "fromJson"})
    graph = converted(move({"mode": "jsonToBinary"}), reader)
    config = node_of(graph, "Move")["config"]
    assert config["format"] == "json" and config["content_type"] == "application/json"
    assert node_of(graph, "Read")["config"]["file"] == "{{ nodes.move.file }}"


def test_json_to_binary_of_one_key_as_raw_text_keeps_the_item_json():
    params = {
        "mode": "jsonToBinary",
        "convertAllData": False,
        "sourceKey": "csv",
        "destinationKey": "out",
        "options": {"useRawData": True, "mimeType": "text/csv", "fileName": "x.csv"},
    }
    config = node_of(converted(move(params)), "Move")["config"]
    assert (config["format"], config["content_type"], config["filename"]) == (
        "text",
        "text/csv",
        "x.csv",
    )


def test_binary_to_json_sets_all_data_or_one_key():
    download = old_download("Get", "https://x.test/f.json")
    whole = node_of(converted(download, move({})), "Move")["config"]
    assert (whole["format"], whole["key"], whole["file"]) == (
        "json",
        "data",
        "{{ nodes.get.file }}",
    )
    params = {"setAllData": False, "destinationKey": "text", "options": {"jsonParse": False}}
    one = node_of(converted(download, move(params)), "Move")
    assert (one["config"]["format"], one["config"]["key"]) == ("text", "text")
    assert "alone" in one["notes"]


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"options": {"encoding": "latin1"}}, "reads the file in latin1"),
        ({"mode": "jsonToBinary", "options": {"addBOM": True}}, "adds a byte order mark"),
        ({"sourceKey": "a.b"}, "uses the nested key 'a.b'"),
    ],
)
def test_move_binary_data_refusals_name_the_node(params, message):
    text = refused(chain(manual(), old_download("Get", "https://x.test/f"), move(params)))
    assert "n8n node 'Move' (n8n-nodes-base.moveBinaryData)" in text and message in text


# --- Compression ---------------------------------------------------------------------------


def compression(params: dict, version: float = 1.1) -> dict:
    return n8n_node("Pack", "compression", params, version)


def test_decompress_unpacks_into_numbered_files_the_next_nodes_read():
    first = n8n_node("Read", "extractFromFile", {"binaryPropertyName": "file_1", "options": {}})
    graph = converted(old_download("Get", "https://x.test/a.zip"), compression({}), first)
    pack = node_of(graph, "Pack")["config"]
    assert (pack["format"], pack["prefix"], pack["file"]) == (
        "archive",
        "file_",
        "{{ nodes.get.file }}",
    )
    assert node_of(graph, "Read")["config"]["file"] == "{{ nodes.pack.files.file_1 }}"


def test_compress_zips_the_listed_files_or_gzips_one():
    zip_params = {"operation": "compress", "binaryPropertyName": "a, b", "fileName": "x.zip"}
    graph = converted(
        old_download("A", "https://x.test/a", "a"),
        old_download("B", "https://x.test/b", "b"),
        compression(zip_params),
        old_upload("Send", "https://x.test/u", "archive:data", "multipart-form-data"),
    )
    config = node_of(graph, "Pack")["config"]
    assert config == {
        "format": "zip",
        "value": ["{{ nodes.a.file }}", "{{ nodes.b.file }}"],
        "filename": "x.zip",
    }
    assert node_of(graph, "Send")["config"]["body"] == {"archive": "{{ nodes.pack.file }}"}
    gz = {"operation": "compress", "outputFormat": "gzip", "outputPrefix": "gz"}
    graph = converted(
        old_download("A", "https://x.test/a"),
        compression(gz, 1),
        old_upload("Send", "https://x.test/u", "gz0", "raw"),
    )
    assert node_of(graph, "Send")["config"]["body"] == "{{ nodes.pack.file }}"


@pytest.mark.parametrize(
    ("params", "version", "message"),
    [
        ({"binaryPropertyName": "a,b"}, 1.1, "unpacks the files 'a, b' into one item"),
        ({"operation": "compress"}, 1, "no output format chosen"),
        (
            {"operation": "compress", "outputFormat": "gzip", "binaryPropertyName": "a,b"},
            1.1,
            "gzips several files",
        ),
        (
            {"operation": "compress", "binaryPropertyName": "={{ $json.keys }}"},
            1.1,
            "the node before it makes files of fixed names only",
        ),
        (
            {
                "operation": "compress",
                "outputFormat": "gzip",
                "binaryPropertyName": "={{ $json.keys }}",
            },
            1.1,
            "one output file per name",
        ),
    ],
)
def test_compression_refusals_name_the_node(params, version, message):
    text = refused(
        chain(manual(), old_download("Get", "https://x.test/a"), compression(params, version))
    )
    assert "n8n node 'Pack' (n8n-nodes-base.compression)" in text and message in text


@pytest.mark.django_db(transaction=True)
def test_an_imported_unzip_reads_the_spreadsheet_inside(alice, settings, server):
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    read = sheet({"binaryPropertyName": "file_1"})
    outputs = run(
        alice, chain(manual(), old_download("Get", f"{server}/a.zip"), compression({}), read)
    )
    assert outputs["pack"]["count"] == 2
    assert outputs["pack"]["files"]["file_0"]["filename"] == "stock.csv"
    assert outputs["sheet"]["rows"] == [{"name": "tea", "price": 2.5}]


@pytest.mark.django_db(transaction=True)
def test_an_imported_zip_of_a_download_is_uploaded(alice, settings, server):
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    RECEIVED.clear()
    zip_params = {"operation": "compress", "fileName": "out.zip"}
    data = chain(
        manual(),
        old_download("Get", f"{server}/s.csv"),
        compression(zip_params),
        old_upload("Send", f"{server}/up", "data", "raw"),
    )
    outputs = run(alice, data)
    assert outputs["pack"]["file"]["filename"] == "out.zip"
    assert archives.unzip(RECEIVED[0], 10_000) == [("s.csv", CSV)]


@pytest.mark.django_db(transaction=True)
def test_an_imported_zip_of_the_files_a_code_node_names_is_uploaded(alice, settings, server):
    # The corpus's "Code Magic" → Compression: the code gathers the item's files under new
    # names and lists them in `binary_keys`, which the Compression's input fields read.
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    RECEIVED.clear()
    code = (
        "const binaries = {}, keys = [];\n"
        "for (const [i, item] of Object.entries($input.all())) {\n"
        "  binaries[`data_${i}`] = item.binary.data; keys.push(`data_${i}`);\n"
        "}\n"
        "return [{json: {binary_keys: keys.join(',')}, binary: binaries}];"
    )
    zip_params = {
        "operation": "compress",
        "binaryPropertyName": "={{ $json.binary_keys }}",
        "fileName": "out.zip",
    }
    data = chain(
        manual(),
        old_download("Get", f"{server}/s.csv"),
        n8n_node("Code Magic", "code", {"jsCode": code}, 2),
        compression(zip_params),
        old_upload("Send", f"{server}/up", "data", "raw"),
    )
    graph = convert(data)
    assert validate_graph(graph) == []
    pack = node_of(graph, "Pack")
    assert pack["config"]["names"] == "{{ item.binary_keys }}"
    outputs = run(alice, data)
    assert outputs["pack[0]"]["file"]["filename"] == "out.zip"
    assert archives.unzip(RECEIVED[0], 10_000) == [("s.csv", CSV)]


# --- the server's disk ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "params", "message"),
    [
        ("readBinaryFile", {"filePath": "/data/a.png"}, "reads files from the n8n server's own"),
        ("readWriteFile", {"fileSelector": "/data/*.csv"}, "Fetch the file where it lives"),
        ("readWriteFile", {"operation": "write"}, "Send the file where it should go"),
        ("writeBinaryFile", {"fileName": "/tmp/x"}, "writes files to the n8n server's own disk"),
        ("localFileTrigger", {"path": "/data"}, "Start the workflow from a Webhook"),
    ],
)
def test_nodes_on_the_servers_disk_are_refused_with_what_to_use_instead(kind, params, message):
    node = n8n_node("Disk", kind, params)
    data = chain(node) if kind == "localFileTrigger" else chain(manual(), node)
    text = refused(data)
    assert f"n8n node 'Disk' (n8n-nodes-base.{kind})" in text and message in text


# --- run through the engine -----------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_imported_spreadsheet_reads_run_on_csv_and_xlsx_downloads(alice, settings, server):
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    csv_rows = run(alice, chain(manual(), old_download("Get", f"{server}/s.csv"), sheet({})))
    assert csv_rows["sheet"]["rows"] == [{"sku": "a", "qty": "1"}, {"sku": "b", "qty": "2"}]
    book = run(alice, chain(manual(), old_download("Get", f"{server}/book"), sheet({})))
    assert book["sheet"]["rows"] == [{"name": "tea", "price": 2.5}]


@pytest.mark.django_db(transaction=True)
def test_items_written_to_csv_are_read_back_as_text_and_uploaded(alice, settings, server):
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    RECEIVED.clear()
    to_csv = sheet({"operation": "toFile", "fileFormat": "csv"}, 2)
    as_text = move({"setAllData": False, "destinationKey": "csv", "keepSource": True})
    to_file = move(
        {
            "mode": "jsonToBinary",
            "convertAllData": False,
            "sourceKey": "csv",
            "options": {"useRawData": True, "mimeType": "text/csv"},
        },
        name="Back",
    )
    upload = old_upload("Send", f"{server}/up", "data", "raw")
    outputs = run(alice, chain(manual(), rows_code(), to_csv, as_text, to_file, upload))
    assert outputs["move"]["csv"] == "a,b\n1,x\n2,y\n"
    assert outputs["back"]["file"]["content_type"] == "text/csv"
    assert RECEIVED == [b"a,b\n1,x\n2,y\n"]
