"""action.http against a real local HTTP server (no mocked transport)."""

from __future__ import annotations

import contextlib
import ipaddress
import json
import socket
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from pydantic import ValidationError

from editor.nodes import action_http
from editor.nodes.action_http import Config, run
from editor.nodes.base import NodeError, RunContext, Secret
from workfuse.lib import netguard

BIG = 11 * 1024 * 1024


class Handler(BaseHTTPRequestHandler):
    """Echoes requests as JSON at /echo, and serves the fixed routes the tests need."""

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _reply(self, status: int, body: bytes, content_type: str | None, **headers: str) -> None:
        self.send_response(status)
        if content_type:
            self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers.items():
            self.send_header(name.replace("_", "-"), value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _handle(self) -> None:
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            self._route()

    def _route(self) -> None:
        parts = urlsplit(self.path)
        query = {k: v[0] if len(v) == 1 else v for k, v in parse_qs(parts.query).items()}
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode() if length else ""
        path = parts.path
        if path == "/echo":
            echo = {
                "method": self.command,
                "path": path,
                "query": query,
                "headers": {k.lower(): v for k, v in self.headers.items()},
                "body": body,
            }
            status = int(query.get("status", 200))
            self._reply(status, json.dumps(echo).encode(), "application/json")
        elif path.startswith("/status/"):
            extra = {"Retry_After": query["retry_after"]} if "retry_after" in query else {}
            code = int(path.rsplit("/", 1)[1])
            self._reply(code, f"status {code} body".encode(), "text/plain", **extra)
        elif path == "/slow":
            time.sleep(float(query.get("seconds", 2)))
            self._reply(200, b"finally", "text/plain")
        elif path == "/drip":
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", "30")
            self.end_headers()
            for _ in range(30):
                self.wfile.write(b".")
                self.wfile.flush()
                time.sleep(0.1)
        elif path == "/redirect":
            self._reply(int(query.get("code", 302)), b"", None, Location=query["to"])
        elif path == "/loop":
            self._reply(302, b"", None, Location="/loop")
        elif path == "/json":
            self._reply(200, b'{"ok": true, "items": [1, 2]}', "application/json")
        elif path == "/problem":
            self._reply(200, b'{"title": "Out of stock"}', "application/problem+json")
        elif path == "/badjson":
            self._reply(200, b"not json {", "application/json; charset=utf-8")
        elif path == "/text":
            self._reply(200, "h\u00e9llo".encode("latin-1"), "text/plain; charset=latin-1")
        elif path == "/xml":
            self._reply(200, b"<a>1</a>", "application/xml")
        elif path == "/binary":
            self._reply(200, b"\x89PNG\r\n\x1a\n\x00\xff", "image/png")
        elif path == "/empty":
            self._reply(204, b"", None)
        elif path == "/big":
            self.send_response(200)
            self.send_header("Content-Type", "application/octet-stream")
            self.send_header("Content-Length", str(BIG))
            self.end_headers()
        elif path == "/big-stream":
            self.send_response(200)
            self.send_header("Content-Type", "application/octet-stream")
            self.end_headers()
            chunk = b"x" * 65536
            for _ in range(BIG // len(chunk)):
                self.wfile.write(chunk)
        else:
            self._reply(404, b"no such route", "text/plain")

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = _handle


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(autouse=True)
def allow_private(settings: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    monkeypatch.setenv("WORKFUSE_HTTP_ALLOW_PRIVATE", "1")


@pytest.fixture
def deny_private(settings: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = False
    monkeypatch.delenv("WORKFUSE_HTTP_ALLOW_PRIVATE")


def make_ctx(
    step_key: str = "get_user", attempt: int = 1, secret: Secret | None = None
) -> RunContext:
    return RunContext(
        execution_id="exec-1", node_id=step_key, step_key=step_key, attempt=attempt, secret=secret
    )


def call(ctx: RunContext | None = None, **config: Any) -> dict[str, Any]:
    return run(Config.model_validate(config), ctx or make_ctx())


def fail(ctx: RunContext | None = None, **config: Any) -> NodeError:
    with pytest.raises(NodeError) as caught:
        call(ctx, **config)
    return caught.value


def echo(server: str, ctx: RunContext | None = None, **config: Any) -> dict[str, Any]:
    output = call(ctx, url=f"{server}/echo", **config)
    assert output["status"] == 200
    return output["body"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --- what is sent ---------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"])
def test_each_method_is_sent_as_configured(server: str, method: str) -> None:
    assert echo(server, method=method)["method"] == method


def test_head_request_returns_status_and_headers_without_body(server: str) -> None:
    output = call(method="HEAD", url=f"{server}/json")
    assert output["status"] == 200
    assert output["headers"]["content-type"] == "application/json"
    assert output["body"] == ""


def test_lowercase_method_is_accepted() -> None:
    assert Config.model_validate({"url": "https://example.com", "method": "post"}).method == "POST"


def test_json_body_is_sent_as_json(server: str) -> None:
    got = echo(server, method="POST", body={"name": "Ada", "tags": ["x"], "n": 2})
    assert got["headers"]["content-type"] == "application/json"
    assert json.loads(got["body"]) == {"name": "Ada", "tags": ["x"], "n": 2}


def test_form_body_is_sent_url_encoded(server: str) -> None:
    got = echo(
        server, method="POST", body_type="form", body={"name": "Ada L", "tag": ["x", "y"], "n": 2}
    )
    assert got["headers"]["content-type"] == "application/x-www-form-urlencoded"
    assert parse_qs(got["body"]) == {"name": ["Ada L"], "tag": ["x", "y"], "n": ["2"]}


def test_raw_body_is_sent_as_is_with_text_content_type_unless_set(server: str) -> None:
    got = echo(server, method="POST", body_type="raw", body="line one\nline two")
    assert got["body"] == "line one\nline two"
    assert got["headers"]["content-type"] == "text/plain; charset=utf-8"
    got = echo(
        server,
        method="PUT",
        body_type="raw",
        body="<a/>",
        headers={"Content-Type": "application/xml"},
    )
    assert got["headers"]["content-type"] == "application/xml"


def test_no_body_is_sent_when_body_is_empty(server: str) -> None:
    got = echo(server, method="POST")
    assert got["body"] == ""
    assert "content-type" not in got["headers"]


def test_headers_and_query_are_sent_and_merged_with_the_url_query(server: str) -> None:
    got = call(
        url=f"{server}/echo?a=1",
        headers={"X-Trace": "abc", "X-Count": 3},
        query={"b": "two words", "flag": True},
    )["body"]
    assert got["headers"]["x-trace"] == "abc"
    assert got["headers"]["x-count"] == "3"
    assert got["headers"]["user-agent"].startswith("WorkFuse")
    assert got["query"] == {"a": "1", "b": "two words", "flag": "true"}


def test_idempotency_key_is_the_same_on_every_attempt_of_a_step_and_differs_between_steps(
    server: str,
) -> None:
    first = echo(server, make_ctx("charge", attempt=1), method="POST")["headers"]["idempotency-key"]
    retry = echo(server, make_ctx("charge", attempt=2), method="POST")["headers"]["idempotency-key"]
    other = echo(server, make_ctx("refund", attempt=1), method="POST")["headers"]["idempotency-key"]
    assert first == retry == "exec-1:charge"
    assert other == "exec-1:refund"


def test_idempotency_key_set_by_the_user_is_kept(server: str) -> None:
    got = echo(server, headers={"idempotency-key": "mine"})
    assert got["headers"]["idempotency-key"] == "mine"


# --- credentials ----------------------------------------------------------------------------


def test_bearer_auth_sends_the_secret_as_a_bearer_token(server: str) -> None:
    ctx = make_ctx(secret=Secret("bearer", "tok-123\n"))
    got = echo(server, ctx, credential=1, auth="bearer")
    assert got["headers"]["authorization"] == "Bearer tok-123"


def test_basic_auth_sends_username_and_password(server: str) -> None:
    ctx = make_ctx(secret=Secret("basic", {"username": "ada", "password": "p@ss"}))
    got = echo(server, ctx, credential=1, auth="basic")
    assert got["headers"]["authorization"] == "Basic YWRhOnBAc3M="


def test_header_auth_sends_the_secret_in_the_named_header(server: str) -> None:
    ctx = make_ctx(secret=Secret("api_key", "key-9"))
    assert echo(server, ctx, credential=1, auth="header")["headers"]["x-api-key"] == "key-9"
    got = echo(server, ctx, credential=1, auth="header", auth_header_name="X-Token")
    assert got["headers"]["x-token"] == "key-9"


def test_query_auth_sends_the_secret_as_a_query_parameter(server: str) -> None:
    ctx = make_ctx(secret=Secret("api_key", "key-9"))
    got = echo(server, ctx, credential=1, auth="query", auth_query_param="token", query={"q": "x"})
    assert got["query"] == {"q": "x", "token": "key-9"}


@pytest.mark.parametrize(
    ("kind", "value", "header", "sent"),
    [
        ("bearer", "tok", "authorization", "Bearer tok"),
        ("basic", {"username": "ada", "password": "p@ss"}, "authorization", "Basic YWRhOnBAc3M="),
        ("api_key", "key-9", "x-api-key", "key-9"),
        ("header", "key-9", "x-api-key", "key-9"),
    ],
)
def test_credential_without_auth_is_sent_the_way_its_kind_implies(
    server: str, kind: str, value: Any, header: str, sent: str
) -> None:
    got = echo(server, make_ctx(secret=Secret(kind, value)), credential=1)
    assert got["headers"][header] == sent


def test_credential_of_a_kind_the_node_cannot_send_asks_for_auth(server: str) -> None:
    error = fail(make_ctx(secret=Secret("webhook_secret", "x")), url=f"{server}/echo", credential=1)
    assert "set auth to bearer, basic, header or query" in error.message
    assert not error.retryable


def test_unresolved_credential_fails_without_retry_and_sends_nothing(server: str) -> None:
    for auth in ("bearer", None):
        error = fail(make_ctx(secret=None), url=f"{server}/echo", credential=7, auth=auth)
        assert not error.retryable
        assert "Credential 7 could not be resolved" in error.message


def test_basic_auth_with_a_single_value_credential_explains_the_mismatch(server: str) -> None:
    ctx = make_ctx(secret=Secret("bearer", "tok"))
    error = fail(ctx, url=f"{server}/echo", credential=1, auth="basic")
    assert "username and password" in error.message
    assert not error.retryable


def test_secret_never_appears_in_error_message_or_detail(server: str) -> None:
    ctx = make_ctx(secret=Secret("bearer", "s3cret/+value"))
    error = fail(ctx, url=f"{server}/echo?status=401", credential=1, auth="bearer")
    assert "HTTP 401" in error.message
    assert "s3cret" not in error.message + json.dumps(error.detail)
    error = fail(ctx, url=f"{server}/echo?status=400", credential=1, auth="query")
    assert "s3cret" not in error.message + json.dumps(error.detail)
    assert "api_key=REDACTED" in error.message


def test_credential_headers_are_not_forwarded_when_a_redirect_changes_host(server: str) -> None:
    ctx = make_ctx(secret=Secret("api_key", "key-9"))
    port = urlsplit(server).port
    elsewhere = f"http://localhost:{port}/echo"
    for auth in ("header", "bearer"):
        got = call(ctx, url=f"{server}/redirect?to={elsewhere}", credential=1, auth=auth)["body"]
        assert "x-api-key" not in got["headers"]
        assert "authorization" not in got["headers"]
    same_host = call(ctx, url=f"{server}/redirect?to=/echo", credential=1, auth="header")["body"]
    assert same_host["headers"]["x-api-key"] == "key-9"


# --- redirects ------------------------------------------------------------------------------


def test_redirect_is_followed_to_the_final_response(server: str) -> None:
    output = call(url=f"{server}/redirect?to=/json")
    assert output["status"] == 200
    assert output["body"] == {"ok": True, "items": [1, 2]}


def test_303_turns_post_into_get_and_307_keeps_post_and_body(server: str) -> None:
    seen = echo_via_redirect(server, 303)
    assert (seen["method"], seen["body"]) == ("GET", "")
    seen = echo_via_redirect(server, 307)
    assert (seen["method"], json.loads(seen["body"])) == ("POST", {"a": 1})


def echo_via_redirect(server: str, code: int) -> dict[str, Any]:
    return call(method="POST", url=f"{server}/redirect?to=/echo&code={code}", body={"a": 1})["body"]


def test_redirect_is_returned_as_is_when_following_is_off(server: str) -> None:
    output = call(url=f"{server}/redirect?to=/json", follow_redirects=False)
    assert output["status"] == 302
    assert output["headers"]["location"] == "/json"


def test_endless_redirects_stop_after_ten(server: str) -> None:
    error = fail(url=f"{server}/loop")
    assert "Stopped after 10 redirects" in error.message
    assert not error.retryable


# --- failures -------------------------------------------------------------------------------


@pytest.mark.parametrize(("code", "reason"), [(400, "Bad Request"), (404, "Not Found")])
def test_client_errors_fail_without_retry_and_say_what_came_back(
    server: str, code: int, reason: str
) -> None:
    error = fail(url=f"{server}/status/{code}")
    assert (
        error.message == f"HTTP {code} {reason} from GET {server}/status/{code}: status {code} body"
    )
    assert not error.retryable
    assert error.detail["status"] == code
    assert error.detail["body"] == f"status {code} body"
    assert error.detail["headers"]["content-type"] == "text/plain"


def test_429_is_retryable_after_the_servers_retry_after_seconds(server: str) -> None:
    error = fail(url=f"{server}/status/429?retry_after=7")
    assert error.retryable
    assert error.retry_after == 7
    assert error.message.startswith("HTTP 429 Too Many Requests")


def test_503_is_retryable_after_a_retry_after_http_date(server: str) -> None:
    when = format_datetime(datetime.now(UTC) + timedelta(seconds=120), usegmt=True)
    error = fail(url=f"{server}/status/503", query={"retry_after": when})
    assert error.retryable
    assert 100 < error.retry_after <= 120


def test_500_without_retry_after_is_retryable_on_the_engines_schedule(server: str) -> None:
    error = fail(url=f"{server}/status/500")
    assert error.retryable
    assert error.retry_after is None


def test_error_statuses_are_the_output_when_fail_on_status_is_off(server: str) -> None:
    output = call(url=f"{server}/status/404", fail_on_status=False)
    assert output["status"] == 404
    assert output["body"] == "status 404 body"


def test_connection_refused_is_retryable() -> None:
    port = free_port()
    error = fail(url=f"http://127.0.0.1:{port}/")
    assert error.retryable
    assert error.message.startswith(f"Could not connect to 127.0.0.1:{port} for GET")


def test_slow_response_times_out_retryably_with_the_limit_in_the_message(server: str) -> None:
    started = time.monotonic()
    error = fail(url=f"{server}/slow?seconds=3", timeout_ms=300)
    assert time.monotonic() - started < 2
    assert error.retryable
    assert (
        error.message
        == f"Timed out after 300 ms waiting for the response to GET {server}/slow?seconds=3."
    )


def test_time_limit_covers_a_body_that_trickles_in(server: str) -> None:
    started = time.monotonic()
    error = fail(url=f"{server}/drip", timeout_ms=500)
    assert time.monotonic() - started < 1.5
    assert error.retryable
    assert "Timed out after 500 ms" in error.message


def test_response_declared_over_10_mb_is_refused_with_its_size(server: str) -> None:
    error = fail(url=f"{server}/big")
    assert f"is {BIG} bytes, over the 10 MB limit" in error.message
    assert not error.retryable


def test_head_of_a_large_resource_is_not_refused(server: str) -> None:
    output = call(method="HEAD", url=f"{server}/big")
    assert output["headers"]["content-length"] == str(BIG)


def test_response_streaming_past_10_mb_is_cut_off(server: str) -> None:
    error = fail(url=f"{server}/big-stream")
    assert "over the 10 MB limit" in error.message
    assert not error.retryable


# --- the response ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/json", {"ok": True, "items": [1, 2]}),
        ("/problem", {"title": "Out of stock"}),
        ("/badjson", "not json {"),
        ("/text", "h\u00e9llo"),
        ("/xml", "<a>1</a>"),
        ("/empty", ""),
    ],
)
def test_response_body_is_parsed_by_content_type(server: str, path: str, body: Any) -> None:
    output = call(url=f"{server}{path}")
    assert output["body"] == body
    assert "body_encoding" not in output


def test_binary_response_is_base64_with_its_encoding_named(server: str) -> None:
    output = call(url=f"{server}/binary")
    assert output["body"] == "iVBORw0KGgoA/w=="
    assert output["body_encoding"] == "base64"


def test_output_has_status_lowercase_headers_and_duration(server: str) -> None:
    output = call(url=f"{server}/json")
    assert set(output) == {"status", "headers", "body", "duration_ms"}
    assert output["headers"]["content-type"] == "application/json"
    assert isinstance(output["duration_ms"], int) and output["duration_ms"] >= 0


# --- the SSRF guard -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("host", "refused"),
    [
        ("127.0.0.1", "127.0.0.1 (loopback address)"),
        ("10.0.0.1", "10.0.0.1 (private address)"),
        ("169.254.169.254", "169.254.169.254 (link-local address)"),
        ("[::1]", "::1 (loopback address)"),
        ("[::ffff:10.0.0.1]", f"{ipaddress.ip_address('::ffff:10.0.0.1')} (private address)"),
        ("0.0.0.0", "0.0.0.0 (unspecified address)"),
    ],
)
def test_private_targets_are_refused(
    server: str, deny_private: None, host: str, refused: str
) -> None:
    port = urlsplit(server).port
    error = fail(url=f"http://{host}:{port}/echo", timeout_ms=2000)
    assert error.message.startswith(f"Refused to connect to {refused} for host {host.strip('[]')};")
    assert error.message.endswith("set WORKFUSE_HTTP_ALLOW_PRIVATE=1 to allow private targets.")
    assert not error.retryable


def test_hostname_resolving_to_loopback_is_refused(server: str, deny_private: None) -> None:
    port = urlsplit(server).port
    error = fail(url=f"http://localhost:{port}/echo")
    assert "(loopback address) for host localhost;" in error.message
    assert not error.retryable


def test_redirect_from_an_allowed_host_to_a_private_one_is_refused(
    server: str, deny_private: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The test server stands in for a public host: the policy lets 127.0.0.1 through.
    policy = netguard.blocked_reason
    monkeypatch.setattr(
        netguard, "blocked_reason", lambda a: None if str(a) == "127.0.0.1" else policy(a)
    )
    assert call(url=f"{server}/json")["status"] == 200
    error = fail(url=f"{server}/redirect?to=http://10.0.0.5:8080/admin", timeout_ms=2000)
    assert error.message.startswith(
        "Refused to connect to 10.0.0.5 (private address) for host 10.0.0.5;"
    )
    assert not error.retryable


def test_private_targets_are_allowed_by_the_setting_read_at_call_time(
    server: str, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = False
    assert "Refused" in fail(url=f"{server}/json").message
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    assert call(url=f"{server}/json")["status"] == 200


def test_env_var_decides_when_the_setting_is_absent(
    server: str, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    del settings.WORKFUSE_HTTP_ALLOW_PRIVATE
    monkeypatch.setenv("WORKFUSE_HTTP_ALLOW_PRIVATE", "1")
    assert call(url=f"{server}/json")["status"] == 200
    monkeypatch.setenv("WORKFUSE_HTTP_ALLOW_PRIVATE", "0")
    assert "Refused" in fail(url=f"{server}/json").message


# --- config validation ----------------------------------------------------------------------


def test_config_defaults_are_a_plain_get() -> None:
    config = Config.model_validate({"url": "https://api.example.com/users"})
    assert (config.method, config.timeout_ms, config.body_type, config.auth) == (
        "GET",
        30000,
        "json",
        None,
    )
    assert config.follow_redirects and config.fail_on_status


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ({"url": "https://example.com", "method": "FETCH"}, "method"),
        ({"url": "https://example.com", "auth": "bearer"}, "auth 'bearer' needs a credential"),
        ({"url": "https://example.com", "timeout_ms": -1}, "timeout_ms"),
        ({"url": "https://example.com", "timeout_ms": 600001}, "timeout_ms"),
        ({"url": "ftp://example.com/file"}, "must be an http:// or https:// URL"),
        ({"url": "example.com/users"}, "must be an http:// or https:// URL"),
        ({}, "url"),
        ({"url": "https://example.com", "body_type": "form", "body": [1, 2]}, "body_type 'form'"),
        ({"url": "https://example.com", "headers": {"Bad Header": "x"}}, "headers"),
        ({"url": "https://example.com", "surprise": 1}, "surprise"),
    ],
)
def test_invalid_config_is_refused_with_a_clear_message(
    config: dict[str, Any], message: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        Config.model_validate(config)
    assert message in str(caught.value)


def test_templated_url_and_form_body_are_accepted_before_rendering() -> None:
    config = Config.model_validate(
        {
            "url": "{{ nodes.a.body.next }}",
            "body_type": "form",
            "body": "{{ trigger.body }}",
            "credential": 4,
            "auth": "header",
        }
    )
    assert config.url == "{{ nodes.a.body.next }}"


def test_every_config_field_has_a_description() -> None:
    properties = Config.model_json_schema()["properties"]
    assert {name for name, field in properties.items() if not field.get("description")} == set()
    assert action_http.NODE.type == "action.http"


def test_a_non_ascii_secret_fails_clearly_without_quoting_it(monkeypatch):
    from editor.nodes.action_http import Config, run
    from editor.nodes.base import NodeError, RunContext, Secret

    monkeypatch.setenv("WORKFUSE_HTTP_ALLOW_PRIVATE", "1")
    config = Config.model_validate(
        {"url": "http://127.0.0.1:9/x", "credential": 1, "auth": "bearer"}
    )
    ctx = RunContext(
        execution_id="e", node_id="n", step_key="n", secret=Secret("bearer", "grüße-token")
    )
    with pytest.raises(NodeError) as exc:
        run(config, ctx)
    assert "only ASCII is allowed" in exc.value.message
    assert "ü" not in exc.value.message and "gr" not in exc.value.message
