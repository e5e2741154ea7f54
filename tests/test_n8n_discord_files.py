"""n8n's Discord v2 Files imported onto app.discord's `files` (editor/n8n/apps_messaging.py):
each entry's binary property is the file an earlier node made, and a workflow that downloads an
image and posts it to Discord runs through the engine, the multipart body carrying the file's
bytes and name. Also HTTP Request v1/v2 answering JSON: a node reading its file is refused
saying n8n had no file there either."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from credentials import store
from editor.n8n import convert
from editor.validation import validate_graph
from executions import engine
from tests.engine_helpers import make_workflow, steps_by_key
from tests.fakes import running
from tests.fakes.discord import FakeDiscord
from tests.test_n8n_files import chain, download_as_file, http, node_of, refused
from tests.test_n8n_flow import manual, n8n_node

PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(200))


def discord(files: list[dict[str, Any]] | None, name: str = "Discord", **params: Any) -> dict:
    base = {
        "resource": "message",
        "guildId": {"__rl": True, "mode": "list", "value": "1"},
        "channelId": {"__rl": True, "mode": "list", "value": "2"},
        "content": "=New banner for {{ $json.title }}",
        "options": {},
    }
    if files is not None:
        base["files"] = {"values": files}
    return n8n_node(name, "discord", {**base, **params}, 2)


def test_an_empty_files_entry_attaches_the_data_file_of_the_node_before():
    graph = convert(chain(manual(), download_as_file("https://x.test/b.png"), discord([{}])))
    assert validate_graph(graph) == []
    config = node_of(graph, "Discord")["config"]
    assert config["files"] == "{{ nodes.download.file }}"
    assert config["operation"] == "send_message"


def test_several_files_by_field_name_become_one_list_template():
    first = download_as_file("https://x.test/a.png", prop="banner")
    second = n8n_node(
        "Logo",
        "httpRequest",
        {
            "url": "https://x.test/logo.png",
            "options": {"response": {"response": {"responseFormat": "file"}}},
        },
        4.2,
    )
    entries = [{"inputFieldName": "banner"}, {"inputFieldName": "data"}]
    # n8n's Logo item keeps the files of its input item beside its own (HttpRequestV3).
    graph = convert(chain(manual(), first, second, discord(entries)))
    assert node_of(graph, "Discord")["config"]["files"] == (
        "{{ [nodes.download.file, nodes.logo.file] }}"
    )
    assert validate_graph(graph) == []


def test_a_file_no_node_before_makes_is_refused_naming_the_discord_node():
    said = refused(chain(manual(), discord([{"inputFieldName": "poster"}], name="Post it")))
    assert "'Post it'" in said and "binary property 'poster'" in said


def test_without_files_the_message_is_text_as_before():
    config = node_of(convert(chain(manual(), discord(None))), "Discord")["config"]
    assert "files" not in config and config["content"].startswith("New banner for")


class Banner(BaseHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.send_header("Content-Length", str(len(PNG)))
        self.end_headers()
        self.wfile.write(PNG)


@pytest.fixture
def banner_server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Banner)
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.mark.django_db(transaction=True)
def test_a_downloaded_banner_is_posted_to_discord_with_its_bytes_and_name(
    alice, settings, banner_server
):
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    download = http("Download Banner", f"{banner_server}/banners/event-42.png")
    graph = convert(chain(manual(), download, discord([{}], content="New event!")))
    with running(FakeDiscord()) as fake:
        credential = store.create(alice, "Events", "discord", {"webhook_url": fake.webhook_url})
        node_of(graph, "Discord")["config"]["credential"] = credential.pk
        assert validate_graph(graph) == []
        execution = engine.start_execution(make_workflow(alice, graph), None)
        execution.refresh_from_db()
        steps = steps_by_key(execution)
        assert execution.status == "succeeded", [s.error for s in steps.values()]
        assert [(u["field"], u["filename"], u["data"]) for u in fake.uploads] == [
            ("files[0]", "event-42.png", PNG)
        ]
        posted = steps["discord"].output
        assert posted["content"] == "New event!"
        assert [(a["filename"], a["size"]) for a in posted["attachments"]] == [
            ("event-42.png", len(PNG))
        ]


@pytest.mark.parametrize(
    ("version", "params", "shown"),
    [(1, {}, "JSON"), (2, {}, "JSON"), (1, {"responseFormat": "string"}, "String")],
)
def test_a_file_read_from_a_json_http_request_is_refused_saying_n8n_had_none(
    version, params, shown
):
    url = "https://x.test/s"
    get = n8n_node("HTTP Request1", "httpRequest", {"url": url, "options": {}, **params}, version)
    labels = n8n_node(
        "AWS Rekognition1", "awsRekognition", {"type": "detectLabels", "binaryData": True}, 1
    )
    said = refused(chain(manual(), get, labels))
    assert said == (
        "n8n node 'AWS Rekognition1' (n8n-nodes-base.awsRekognition): reads the file in binary "
        f"property 'data' of its input item: 'HTTP Request1' reads its response as {shown} "
        f"(Response Format, JSON unless set in version {version}), so n8n has no file 'data' "
        "there either and fails this node too; set Response Format to File in n8n, then export "
        "again."
    )
    as_file = n8n_node(
        "HTTP Request1", "httpRequest", {"url": url, "responseFormat": "file"}, version
    )
    graph = convert(chain(manual(), as_file, labels))
    assert node_of(graph, "HTTP Request1")["config"]["response_format"] == "file"
