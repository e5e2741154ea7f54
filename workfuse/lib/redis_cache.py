"""Django's Redis cache, with one Redis client per connection pool instead of one per call.

`django.core.cache.backends.redis.RedisCacheClient.get_client` builds a new `redis.Redis`
around the pool for every cache operation, and building one (its response callbacks, its
options) costs more CPU than the round trip it makes: a webhook's rate check (two operations)
spent about 0.5 ms of CPU there (docs/performance.md). A `redis.Redis` is safe to share
between threads (each command takes a connection from the pool), so one per pool is kept.

`RedisCache.count` is a rate window's counter in one round trip: django-ratelimit's
`get_usage` asks the cache twice (`add`, then `incr`), and a webhook's rate check was about a
tenth of the time its thread spent per call (docs/performance.md).
"""

from __future__ import annotations

from typing import Any

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient


class _SharedClient(RedisCacheClient):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, Any] = {}

    def get_client(self, key: Any = None, *, write: bool = False) -> Any:
        pool = self._get_connection_pool(write)  # type: ignore[attr-defined]
        client = self._clients.get(id(pool))
        if client is None:
            made = self._client(connection_pool=pool)  # type: ignore[attr-defined]
            client = self._clients.setdefault(id(pool), made)
        return client


class RedisCache(DjangoRedisCache):
    def __init__(self, server: Any, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = _SharedClient

    def count(self, key: str, timeout: int) -> int:
        """Add one to the counter `key` (created at 0 with `timeout` seconds to live if absent)
        and return it: `add` then `incr`, as one pipeline."""
        made = self.make_and_validate_key(key)
        with self._cache.get_client(made, write=True).pipeline(transaction=False) as pipe:
            pipe.set(made, 0, ex=timeout, nx=True)
            pipe.incr(made)
            return int(pipe.execute()[1])
