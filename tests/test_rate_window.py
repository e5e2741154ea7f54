"""The one-round-trip rate window (workfuse/lib/rate_window.py): rates read as django-ratelimit
reads them, and the counter against the machine's Redis."""

from __future__ import annotations

import os
import uuid

import pytest

from workfuse.lib import rate_window
from workfuse.lib.redis_cache import RedisCache


@pytest.mark.parametrize(
    ("rate", "split"),
    [
        ("100/s", (100, 1)),
        ("3/h", (3, 3600)),
        ("30/5m", (30, 300)),
        ("7/", (7, 1)),
        ("2/d", (2, 86400)),
    ],
)
def test_rates_read_as_django_ratelimit_reads_them(rate, split):
    assert rate_window.split(rate) == split


@pytest.mark.parametrize("rate", ["", "fast", "10/w", "-1/s", "1.5/s"])
def test_a_rate_it_cannot_read_is_refused_by_name(rate):
    with pytest.raises(ValueError, match="is not a rate"):
        rate_window.split(rate)


@pytest.mark.integration
def test_calls_are_counted_in_one_window_and_the_one_over_the_limit_is_refused():
    cache = RedisCache(os.environ["REDIS_URL"], {})
    key = f"test:{uuid.uuid4()}"
    seen = [rate_window.usage(cache, key, "3/h") for _ in range(4)]
    assert [u["count"] for u in seen] == [1, 2, 3, 4]
    assert [u["should_limit"] for u in seen] == [False, False, False, True]
    assert all(u["limit"] == 3 and 1 <= u["time_left"] <= 3600 for u in seen)
    assert rate_window.usage(cache, f"{key}:other", "3/h")["count"] == 1  # per key
