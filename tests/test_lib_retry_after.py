"""workfuse/lib/retry_after.py: Retry-After as seconds (a number or an HTTP date)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import httpx
import httpx2
import pytest

from workfuse.lib.retry_after import from_headers, parse, until_reset


@pytest.mark.parametrize(
    ("value", "seconds"),
    [("7", 7.0), ("0", 0.0), ("1.5", 1.5), ("soon", None), ("-3", None), ("", None)],
)
def test_retry_after_accepts_seconds_and_ignores_nonsense(
    value: str, seconds: float | None
) -> None:
    assert parse(value) == seconds


def test_retry_after_in_the_past_means_now() -> None:
    assert parse("Wed, 21 Oct 2015 07:28:00 GMT") == 0


def test_an_http_date_is_the_seconds_until_then() -> None:
    when = format_datetime(datetime.now(UTC) + timedelta(seconds=120), usegmt=True)
    seconds = parse(when)
    assert seconds is not None and 115 < seconds <= 120


def test_a_date_without_a_zone_is_read_as_utc() -> None:
    when = format_datetime(datetime.now(UTC) + timedelta(seconds=60))  # "-0000": zone unknown
    seconds = parse(when)
    assert seconds is not None and 55 < seconds <= 60


@pytest.mark.parametrize("value", ["nan", "inf", "-0.5", "Thu, 99 Foo 2015 07:28:00 GMT"])
def test_unreadable_values_are_ignored(value: str) -> None:
    assert parse(value) is None


@pytest.mark.parametrize("headers_class", [httpx.Headers, httpx2.Headers])
def test_headers_prefer_milliseconds_and_ignore_the_names_case(
    headers_class: type[httpx.Headers] | type[httpx2.Headers],
) -> None:
    assert from_headers(headers_class({"Retry-After-Ms": "1500", "Retry-After": "9"})) == 1.5
    assert from_headers(headers_class({"Retry-After-Ms": "soon", "Retry-After": "9"})) == 9
    assert from_headers(headers_class({"RETRY-AFTER": "4"})) == 4
    assert from_headers(headers_class({"content-type": "text/plain"})) is None


def test_no_headers_means_no_wait() -> None:
    assert from_headers(None) is None
    assert from_headers({}) is None


def test_a_reset_time_is_the_seconds_until_then_and_past_means_now() -> None:
    assert until_reset("1700000060", now=1700000000) == 60
    assert until_reset(" 1700000000 ", now=1700000030) == 0
    assert until_reset("soon", now=1) is None
    assert until_reset(None) is None
    assert until_reset("-5", now=1) is None
