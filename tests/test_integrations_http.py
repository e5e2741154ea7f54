"""integrations/http.py: what any service's answer becomes, whatever the service (a plain fake
here): statuses, Retry-After, timeouts, lost connections, the guard, oversized answers, and
secrets that cannot travel in a header."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from typing import Any

import pytest

from integrations import http
from tests.fakes import Answer, FakeService, Received, running
from workfuse.lib.node_run import NodeError, Secret

API = http.Api(
    "Acme", error_text=lambda body: body.get("error") if isinstance(body, dict) else None
)
SECRET = Secret("acme", {"token": "tok-12345"}, name="Acme prod")


class Echo(FakeService):
    def respond(self, request: Received) -> Answer:
        return Answer(200, {"path": request.path, "agent": request.headers.get("user-agent")})


@pytest.fixture
def fake(settings: Any) -> Iterator[Echo]:
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    with running(Echo()) as server:
        yield server


def send(fake: Echo, **kwargs: Any) -> http.Reply:
    return http.send(API, SECRET, "POST", f"{fake.url}/things", what="create thing", **kwargs)


def refusal(fake: Echo, answer: Answer, **kwargs: Any) -> NodeError:
    fake.script(answer)
    with pytest.raises(NodeError) as caught:
        send(fake, **kwargs)
    return caught.value


def test_a_2xx_answer_is_parsed(fake):
    reply = send(fake, json={"a": 1})
    assert reply.status == 200
    assert reply.body == {"path": "/things", "agent": http.USER_AGENT}
    fake.script(Answer(201, "created"))
    assert send(fake).body == "created"


def test_429_is_retryable_after_retry_after_seconds(fake):
    error = refusal(fake, Answer(429, {"error": "slow down"}, {"Retry-After": "9"}))
    assert error.retryable and error.retry_after == 9
    assert error.message == "Acme is rate limiting create thing (slow down); it asks to wait 9 s."


def test_a_services_reset_header_is_the_wait_when_it_sends_no_retry_after(fake):
    reset_api = http.Api("Acme", reset_header="X-RateLimit-Reset")
    reset = datetime.now(UTC).timestamp() + 40
    fake.script(Answer(429, "slow", {"X-RateLimit-Reset": str(int(reset))}))
    with pytest.raises(NodeError) as caught:
        http.send(reset_api, SECRET, "POST", f"{fake.url}/things", what="create thing")
    assert caught.value.retryable and 38 <= caught.value.retry_after <= 40
    fake.script(Answer(429, "slow", {"X-RateLimit-Reset": str(int(reset)), "Retry-After": "3"}))
    with pytest.raises(NodeError) as caught:
        http.send(reset_api, SECRET, "POST", f"{fake.url}/things", what="create thing")
    assert caught.value.retry_after == 3  # the plain signal wins


def test_503_is_retryable_after_a_retry_after_date(fake):
    when = format_datetime(datetime.now(UTC) + timedelta(seconds=120), usegmt=True)
    error = refusal(fake, Answer(503, "down for maintenance", {"Retry-After": when}))
    assert error.retryable and 100 < error.retry_after <= 120
    assert error.message == "Acme failed to answer create thing (HTTP 503): down for maintenance"


def test_500_without_retry_after_leaves_the_delay_to_the_retry_policy(fake):
    error = refusal(fake, Answer(500, ""))
    assert error.retryable and error.retry_after is None
    assert error.message.endswith("(HTTP 500): Internal Server Error")


@pytest.mark.parametrize("status", [401, 403])
def test_auth_statuses_are_not_retried_and_name_the_credential(fake, status):
    error = refusal(fake, Answer(status, {"error": "bad token"}))
    assert not error.retryable
    assert error.message == (
        "Acme did not accept the credential “Acme prod” (bad token): check it, or rotate it on "
        "the Credentials page."
    )
    assert error.detail["credential"] == "Acme prod"


def test_other_4xx_are_not_retried_and_carry_the_services_words(fake):
    error = refusal(fake, Answer(422, {"error": "name is taken"}))
    assert not error.retryable
    assert error.message == "Acme refused create thing (HTTP 422): name is taken"
    assert error.detail == {"status": 422, "error": "name is taken"}


def test_a_redirect_is_not_followed(fake):
    error = refusal(fake, Answer(302, "", {"Location": "http://elsewhere.example/"}))
    assert not error.retryable and "redirect (HTTP 302)" in error.message


def test_a_timeout_is_retryable(fake, monkeypatch):
    monkeypatch.setattr(http, "TIMEOUT_SECONDS", 0.2)
    error = refusal(fake, Answer(200, "late", delay=1))
    assert error.retryable
    assert error.message == "Acme did not answer create thing within 0.2 s."


def test_a_refused_connection_is_retryable(settings):
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(NodeError) as caught:
        http.send(API, SECRET, "GET", f"http://127.0.0.1:{port}/", what="read")
    assert caught.value.retryable and caught.value.message.startswith(
        "Could not reach Acme for read"
    )


def test_private_targets_are_refused_without_the_setting(fake, settings):
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = False
    with pytest.raises(NodeError, match=r"Refused to connect to 127\.0\.0\.1") as caught:
        send(fake)
    assert not caught.value.retryable and fake.requests == []


def test_an_oversized_answer_stops_being_read(fake, monkeypatch):
    monkeypatch.setattr(http, "MAX_BODY_BYTES", 1000)
    error = refusal(fake, Answer(200, "x" * 5000))
    assert error.message.endswith("stopped reading.") and not error.retryable


def test_a_secret_that_cannot_be_a_header_is_refused_without_quoting_it(fake):
    with pytest.raises(NodeError) as caught:
        send(fake, headers={"Authorization": "Bearer tok-ünicode-9876"})
    assert "cannot be sent in an HTTP header" in caught.value.message
    assert "ünicode" not in caught.value.message and "9876" not in caught.value.message
    assert "“Acme prod”" in caught.value.message


def test_an_invalid_address_is_refused_plainly():
    with pytest.raises(NodeError, match="not a valid URL; check the credential “Acme prod”"):
        http.send(API, SECRET, "GET", "http://[::1/", what="read")
