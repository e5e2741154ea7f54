"""app.mailcheck against a fake Mailcheck (tests/fakes/mailcheck.py): an address checked,
Mailcheck's errors and the key's test."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from integrations.mailcheck import rest_api
from tests.app_nodes import app_error, run_app
from tests.fakes import running
from tests.fakes.mailcheck import KEY, FakeMailcheck
from workfuse.lib.node_run import NodeError, Secret


@pytest.fixture
def mailcheck(settings: Any) -> Iterator[FakeMailcheck]:
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    with running(FakeMailcheck()) as fake:
        yield fake


def key(fake: FakeMailcheck, value: str = KEY) -> Secret:
    return Secret("mailcheck", {"api_key": value}, {"base_url": fake.url}, name="Mail")


def test_an_address_is_checked(mailcheck):
    verdict = run_app("app.mailcheck", {"email": " ada@mailinator.com "}, key(mailcheck))
    assert verdict["trustRate"] == 10 and verdict["isNotDisposable"] is False
    assert mailcheck.requests[0].json == {"email": "ada@mailinator.com"}


def test_mailcheck_s_errors_are_quoted_and_a_wrong_key_names_the_credential(mailcheck):
    refused = app_error("app.mailcheck", {"email": "nope"}, key(mailcheck))
    assert refused.message == "Mailcheck refused check_email (HTTP 400): email is invalid"
    wrong = app_error("app.mailcheck", {"email": "a@b.c"}, key(mailcheck, "old"))
    assert not wrong.retryable and "did not accept the credential “Mail”" in wrong.message


def test_the_key_test_checks_no_real_address(mailcheck):
    assert rest_api.check_key(key(mailcheck)) == "Connected to Mailcheck: the API key was accepted."
    assert mailcheck.requests[0].json == {"email": ""}
    with pytest.raises(NodeError, match="did not accept the credential “Mail”"):
        rest_api.check_key(key(mailcheck, "old"))
