"""workfuse/lib/redaction.py: every form a secret travels in is scrubbed, with one mask."""

from __future__ import annotations

import base64
import json
import logging

import httpx
import pytest

from workfuse.lib import redaction
from workfuse.lib.redaction import MASK, RedactSecretsFilter, forms_of, registered, scrub

TOKEN = "tök/en+with spaces&odd=chars\"'"


def test_a_secret_is_gone_from_everything_an_http_client_builds_with_it() -> None:
    request = httpx.Request(
        "POST",
        "https://api.example.com/items",
        params={"api_key": TOKEN},
        headers={"X-Token": "Bearer sk-plain-token-0123"},
        json={"token": TOKEN, "note": "kept"},
    )
    sent = " ".join([str(request.url), json.dumps(dict(request.headers)), request.read().decode()])
    assert TOKEN not in sent  # only encoded forms travel
    cleaned = scrub(sent, forms_of(TOKEN) | forms_of("sk-plain-token-0123"))
    assert "api_key=" + MASK in cleaned and "Bearer " + MASK in cleaned
    assert "kept" in cleaned
    for form in forms_of(TOKEN):
        assert form not in cleaned


def test_basic_auth_is_scrubbed_whether_the_secret_is_a_pair_or_a_dict() -> None:
    username, password = "robot", "hunter2-secret"
    request = httpx.Request("GET", "https://example.com")
    header = next(httpx.BasicAuth(username, password).auth_flow(request)).headers["authorization"]
    for value in (f"{username}:{password}", {"username": username, "password": password}):
        assert scrub(header, forms_of(value)) == f"Basic {MASK}"
        assert scrub(f"pw={password}", forms_of(value)) == f"pw={MASK}"


def test_base64_of_the_value_is_a_form_of_it() -> None:
    encoded = base64.b64encode(TOKEN.encode()).decode()
    assert scrub(f"blob {encoded} end", forms_of(TOKEN)) == f"blob {MASK} end"


def test_json_escaped_forms_are_scrubbed_with_and_without_ascii_escapes() -> None:
    for text in (json.dumps({"t": TOKEN}), json.dumps({"t": TOKEN}, ensure_ascii=False)):
        assert scrub(text, forms_of(TOKEN)) == json.dumps({"t": MASK})


def test_a_value_with_surrounding_whitespace_is_scrubbed_trimmed_too() -> None:
    assert scrub("Authorization: Bearer abcd1234", forms_of("  abcd1234\n")) == (
        f"Authorization: Bearer {MASK}"
    )


def test_values_too_short_to_scrub_safely_are_left_alone() -> None:
    assert forms_of("abc") == set()
    assert forms_of("") == set()
    assert forms_of(None) == set()
    assert forms_of({"username": "bo", "password": ""}) == set()


def test_scrub_walks_json_values_keys_included_and_leaves_other_types() -> None:
    secrets = forms_of("s3cr3t-value")
    value = {"s3cr3t-value": ["x s3cr3t-value y", 7, None, True], "n": 1.5}
    assert scrub(value, secrets) == {MASK: [f"x {MASK} y", 7, None, True], "n": 1.5}


def test_the_longest_secret_is_replaced_first() -> None:
    assert scrub("key=abcd-efgh", {"abcd", "abcd-efgh"}) == f"key={MASK}"


def test_without_secrets_the_value_comes_back_untouched() -> None:
    value = {"a": "b"}
    assert scrub(value, set()) is value
    assert scrub(value) is value  # nothing registered


def test_registered_secrets_are_scrubbed_from_log_records_only_while_registered(
    caplog: pytest.LogCaptureFixture,
) -> None:
    logger = logging.getLogger("tests.redaction")
    caplog.handler.addFilter(RedactSecretsFilter())
    secret = "the-registered-secret"
    with registered(forms_of(secret)):
        assert secret in redaction.active()
        logger.warning("calling with %s", secret)
        try:
            raise ValueError(f"bad value {secret}")
        except ValueError:
            logger.exception("failed")
    assert redaction.active() == set()
    logger.warning("after %s", secret)
    first, second, after = caplog.records
    assert first.getMessage() == f"calling with {MASK}"
    assert secret not in (second.exc_text or "") and MASK in (second.exc_text or "")
    assert after.getMessage() == f"after {secret}"


@pytest.mark.parametrize(
    ("url", "part"),
    [
        (
            "https://discord.com/api/webhooks/1234/tok3n-Of-Sixty-Chars-xyz",
            "tok3n-Of-Sixty-Chars-xyz",
        ),
        ("https://hooks.slack.com/services/T0/B0/abcdefABCDEF123456", "abcdefABCDEF123456"),
        (
            "https://chat.example.com/v1/spaces/AAA/messages?key=k3y-0123456789abcd&x=1",
            "k3y-0123456789abcd",
        ),
        ("https://bot:pa55word-0123456789@example.com/", "pa55word-0123456789"),
    ],
)
def test_the_secret_parts_of_a_secret_url_are_scrubbed_on_their_own(url: str, part: str) -> None:
    echoed = f"webhook {part} is live"
    assert scrub(echoed, forms_of({"webhook_url": url})) == f"webhook {MASK} is live"
    assert scrub(echoed, forms_of(url)) == f"webhook {MASK} is live"


def test_short_url_parts_and_plain_text_are_not_secret_parts() -> None:
    assert redaction.url_parts("https://hooks.slack.com/services/T0/B0/short") == []
    assert redaction.url_parts("just-a-long-token-without-a-scheme-0123") == []
    assert scrub("posted to services and webhooks", forms_of("https://x.example/services")) == (
        "posted to services and webhooks"
    )


@pytest.mark.parametrize("user", ["AC01", "AC012", "AC0123"])  # each byte alignment
def test_a_secret_base64_encoded_after_a_user_name_the_vault_lacks_is_scrubbed(user: str) -> None:
    token = "tok-9f8e7d6c5b4a3210"
    header = "Basic " + base64.b64encode(f"{user}:{token}".encode()).decode()
    scrubbed = redaction.scrub(f"you sent {header}", redaction.forms_of({"auth_token": token}))
    assert MASK in scrubbed
    # Left of the encoding: the user's part and at most one group (2 bytes) of the token's end.
    assert len(scrubbed.split(MASK)[-1]) <= 4
