"""The Redis cache backend that keeps one client per pool (workfuse/lib/redis_cache.py): it
behaves as Django's, against the real Redis, and does not build a client per operation."""

from __future__ import annotations

import os
import uuid

import pytest
import redis

from workfuse.lib.redis_cache import RedisCache

pytestmark = pytest.mark.integration


@pytest.fixture
def cache():
    url = os.environ.get("REDIS_URL")
    if not url:
        pytest.fail("REDIS_URL must point at the machine's Redis for integration tests")
    prefix = f"t-{uuid.uuid4().hex[:8]}"
    made = RedisCache(url, {"KEY_PREFIX": prefix})
    yield made
    # Only this test's keys: clear() would flush the whole database under other tests' feet.
    client = redis.Redis.from_url(url)
    for key in client.scan_iter(match=f"{prefix}:*"):
        client.delete(key)


def test_it_adds_counts_and_expires_like_djangos(cache):
    assert cache.add("hits", 0, 60) is True
    assert cache.add("hits", 0, 60) is False  # add only sets a missing key
    assert cache.incr("hits") == 1
    assert cache.incr("hits", 5) == 6
    cache.set("doc", {"a": [1, 2]}, 60)
    assert cache.get("doc") == {"a": [1, 2]}
    cache.set("gone", 1, 0)  # a timeout of 0 deletes, as Django's does
    assert cache.get("gone") is None


def test_one_client_serves_every_operation(cache):
    built = []
    make = cache._cache._client  # redis.Redis

    def counted(*args, **kwargs):
        built.append(1)
        return make(*args, **kwargs)

    cache._cache._client = counted
    for n in range(20):
        cache.set(f"k{n}", n, 60)
        assert cache.get(f"k{n}") == n
    assert len(built) == 1  # Django's own client builds one per operation: 40 here
