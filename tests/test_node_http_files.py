"""action.http and files: a multipart/form-data body with file parts and a raw file body, read
by a real local server with the standard library's MIME parser, and responses kept as files."""

from __future__ import annotations

import json
from collections.abc import Iterator
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler
from typing import Any

import pytest

from editor.nodes.action_http import Config, run
from editor.nodes.base import NodeError, RunContext, Secret
from tests.fakes import handled_by
from workfuse.lib import files, redaction

CSV = files.make(b"sku,qty\na,1\n", "stock.csv").value()
PNG = files.make(b"\x89PNG\r\n\x1a\n\x00\xff", 'we"ird\nname.png').value()


class Handler(BaseHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _reply(self, body: bytes, content_type: str, **headers: str) -> None:
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers.items():
            self.send_header(name.replace("_", "-"), value)
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        content_type = self.headers.get("Content-Type", "")
        if self.path == "/upload":  # the parts as a MIME parser reads them
            message = BytesParser(policy=HTTP).parsebytes(
                f"Content-Type: {content_type}\r\n\r\n".encode() + body
            )
            parts = [
                {
                    "name": part.get_param("name", header="content-disposition"),
                    "filename": part.get_filename(),
                    "type": part.get_content_type(),
                    "data": part.get_payload(decode=True).decode("latin-1"),
                }
                for part in message.iter_parts()
            ]
            self._reply(json.dumps(parts).encode(), "application/json")
        else:
            raw = {"type": content_type, "data": body.decode("latin-1")}
            self._reply(json.dumps(raw).encode(), "application/json")

    do_PUT = do_POST

    def do_GET(self) -> None:
        if self.path.startswith("/named"):
            disposition = "attachment; filename*=UTF-8''r%C3%A9sum%C3%A9.pdf; filename=\"x.pdf\""
            self._reply(b"%PDF-1.4 fake", "application/pdf", Content_Disposition=disposition)
        elif self.path.startswith("/secret"):
            self._reply(b"key=s3cr3t-value\n", "application/octet-stream")
        else:
            self._reply(b"a,b\n1,2\n", "text/csv; charset=utf-8")


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    with handled_by(Handler) as url:
        yield url


@pytest.fixture(autouse=True)
def allow_private(settings: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    monkeypatch.setenv("WORKFUSE_HTTP_ALLOW_PRIVATE", "1")


def call(secret: Secret | None = None, **config: Any) -> dict[str, Any]:
    ctx = RunContext(execution_id="e", node_id="h", step_key="h", secret=secret)
    return run(Config.model_validate(config), ctx)


def test_multipart_body_sends_file_parts_and_text_fields(server: str) -> None:
    body = {"doc": CSV, "pics": [PNG, CSV], "title": "Q3", "n": 2, "tags": ["a", "b"]}
    parts = call(method="POST", url=f"{server}/upload", body_type="multipart", body=body)["body"]
    assert parts == [
        {"name": "doc", "filename": "stock.csv", "type": "text/csv", "data": "sku,qty\na,1\n"},
        {
            "name": "pics",
            "filename": "we%22ird%0Aname.png",
            "type": "image/png",
            "data": "\x89PNG\r\n\x1a\n\x00\xff",
        },
        {"name": "pics", "filename": "stock.csv", "type": "text/csv", "data": "sku,qty\na,1\n"},
        {"name": "title", "filename": None, "type": "text/plain", "data": "Q3"},
        {"name": "n", "filename": None, "type": "text/plain", "data": "2"},
        {"name": "tags", "filename": None, "type": "text/plain", "data": "a"},
        {"name": "tags", "filename": None, "type": "text/plain", "data": "b"},
    ]


def test_multipart_without_files_is_still_multipart(server: str) -> None:
    parts = call(method="POST", url=f"{server}/upload", body_type="multipart", body={"a": "1"})
    assert parts["body"] == [{"name": "a", "filename": None, "type": "text/plain", "data": "1"}]


def test_file_body_sends_the_bytes_with_the_files_type_unless_a_header_says(server: str) -> None:
    got = call(method="POST", url=f"{server}/raw", body_type="file", body=PNG)["body"]
    assert got == {"type": "image/png", "data": "\x89PNG\r\n\x1a\n\x00\xff"}
    headers = {"Content-Type": "application/octet-stream"}
    got = call(method="PUT", url=f"{server}/raw", body_type="file", body=CSV, headers=headers)
    assert got["body"]["type"] == "application/octet-stream"


def test_a_body_that_is_not_a_file_is_refused(server: str) -> None:
    with pytest.raises(ValueError, match="body_type 'file' needs the body to be a file"):
        Config.model_validate({"url": server, "body_type": "file", "body": "text"})
    rendered = Config.model_construct(
        **{**Config.model_validate({"url": server}).model_dump(), "body_type": "file", "body": 3}
    )
    with pytest.raises(NodeError, match="body must be a file"):
        run(rendered, RunContext(execution_id="e", node_id="h", step_key="h"))
    bad = {"filename": "a", "content": "***"}
    with pytest.raises(NodeError, match=r"body\.doc\.content is not valid base64"):
        call(method="POST", url=f"{server}/upload", body_type="multipart", body={"doc": bad})


def test_response_kept_as_a_file_named_from_the_url(server: str) -> None:
    output = call(url=f"{server}/exports/stock%20list.csv?x=1", response_format="file")
    assert set(output) == {"status", "headers", "file", "duration_ms"}
    assert output["file"]["filename"] == "stock list.csv"
    assert output["file"]["content_type"] == "text/csv"
    assert files.read(output["file"]).data == b"a,b\n1,2\n"


def test_response_file_name_comes_from_content_disposition(server: str) -> None:
    file = call(url=f"{server}/named", response_format="file")["file"]
    assert (file["filename"], file["content_type"], file["size"]) == (
        "résumé.pdf",
        "application/pdf",
        13,
    )


def test_response_file_over_the_limit_is_refused(server: str, settings: Any) -> None:
    settings.WORKFUSE_FILE_MAX_BYTES = 4
    with pytest.raises(NodeError, match=r"The response to GET .*/big\.csv is .* files are limited"):
        call(url=f"{server}/big.csv", response_format="file")


def test_response_file_has_the_steps_secret_scrubbed(server: str) -> None:
    secret = Secret(kind="bearer", value="s3cr3t-value")
    with redaction.registered({"s3cr3t-value"}):  # as the engine does around a step
        file = call(secret, url=f"{server}/secret", response_format="file", credential=1)["file"]
    assert b"s3cr3t-value" not in files.read(file).data


def test_detect_keeps_text_as_the_body_and_anything_else_as_a_file(server: str) -> None:
    output = call(url=f"{server}/list.csv", response_format="detect")
    assert output["body"] == "a,b\n1,2\n" and "file" not in output
    output = call(url=f"{server}/named", response_format="detect")
    assert output["file"]["content_type"] == "application/pdf" and "body" not in output
