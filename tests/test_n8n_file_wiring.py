"""Nodes of other families that take or make files, wired to `Converter.file_ref`: Edit Image
reads the file an HTTP download made and hands its edit on under the same binary property;
Telegram and Google Drive uploads send the file the step before them made; a Drive or Telegram
download is the file the nodes after it read."""

from __future__ import annotations

import io
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from PIL import Image

from editor.n8n import convert
from editor.validation import validate_graph
from executions import engine
from tests.engine_helpers import make_workflow, steps_by_key
from tests.test_n8n_files import chain, download_as_file, node_of, refused
from tests.test_n8n_flow import manual, n8n_node
from workfuse.lib import files


def png(size: tuple[int, int]) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (30, 160, 90)).save(out, format="PNG")
    return out.getvalue()


class Photos(BaseHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        body = png((400, 200))
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture(scope="module")
def photos() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Photos)
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def resize(name: str = "Resize") -> dict:
    params = {"operation": "resize", "width": 100, "height": 100, "options": {}}
    return n8n_node(name, "editImage", params)


def telegram_photo(name: str = "Send") -> dict:
    params = {"operation": "sendPhoto", "chatId": "42", "binaryData": True, "additionalFields": {}}
    return n8n_node(name, "telegram", params, 1.2)


def test_edit_image_reads_the_download_and_the_next_upload_reads_the_edit() -> None:
    graph = convert(
        chain(manual(), download_as_file("https://x.test/p.png"), resize(), telegram_photo())
    )
    assert validate_graph(graph) == []
    download, edit, send = (node_of(graph, n) for n in ("Download", "Resize", "Send"))
    assert edit["config"]["file"] == f"{{{{ nodes.{download['id']}.file }}}}"
    assert send["config"]["file"] == f"{{{{ nodes.{edit['id']}.file }}}}"


def test_a_drive_download_is_the_file_an_upload_after_it_sends() -> None:
    down = n8n_node(
        "Get",
        "googleDrive",
        {"operation": "download", "fileId": {"mode": "id", "value": "abc"}, "options": {}},
        3,
    )
    up = n8n_node(
        "Put",
        "googleDrive",
        {
            "name": "copy.pdf",
            "driveId": {"mode": "list", "value": "My Drive"},
            "folderId": {"mode": "list", "value": "root"},
            "options": {},
        },
        3,
    )
    graph = convert(chain(manual(), down, up))
    get, put = node_of(graph, "Get"), node_of(graph, "Put")
    assert put["config"]["file"] == f"{{{{ nodes.{get['id']}.file }}}}"


def test_an_upload_with_no_file_before_it_is_refused_naming_the_node() -> None:
    said = refused(chain(manual(), telegram_photo("Post photo")))
    assert "'Post photo'" in said and "binary property 'data'" in said


@pytest.mark.django_db(transaction=True)
def test_an_imported_download_then_edit_runs(alice, photos, settings) -> None:
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True  # the test's image server is on 127.0.0.1
    graph = convert(chain(manual(), download_as_file(f"{photos}/p.png"), resize()))
    execution = engine.start_execution(make_workflow(alice, graph), {})
    execution.refresh_from_db()
    assert execution.status == "succeeded", execution.error
    edit = next(s for k, s in steps_by_key(execution).items() if k.startswith("resize"))
    image = Image.open(io.BytesIO(files.read(edit.output["file"]).data))
    assert image.size == (100, 50)  # n8n's default resize keeps the aspect ratio


def test_openai_reads_a_downloaded_recording_and_its_image_is_the_next_upload() -> None:
    lc = "@n8n/n8n-nodes-langchain.openAi"
    listen = n8n_node(
        "Listen", lc, {"resource": "audio", "operation": "transcribe", "options": {}}, 1.3
    )
    draw = n8n_node(
        "Draw", lc, {"resource": "image", "prompt": "={{ $json.text }}", "options": {}}, 1.3
    )
    graph = convert(
        chain(manual(), download_as_file("https://x.test/memo.mp3"), listen, draw, telegram_photo())
    )
    assert validate_graph(graph) == []
    download, heard, drawn, send = (
        node_of(graph, n) for n in ("Download", "Listen", "Draw", "Send")
    )
    assert heard["config"]["file"] == f"{{{{ nodes.{download['id']}.file }}}}"
    assert send["config"]["file"] == f"{{{{ nodes.{drawn['id']}.file }}}}"
