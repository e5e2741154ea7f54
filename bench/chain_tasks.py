"""The baseline for `bench/engine.py`: a Celery task that does nothing.

`bench/engine.py` sends chains of ten `noop` signatures; the last one of each chain is given a
Redis list key and the time the chain was sent, and appends the chain's latency to that list,
so the benchmark knows when every chain has finished and how long each took.
"""

from __future__ import annotations

import time

import redis
from celery import shared_task
from django.conf import settings

_redis: redis.Redis | None = None


@shared_task(ignore_result=True)
def noop(done_key: str | None = None, sent_at: float | None = None) -> None:
    if done_key is None:
        return
    global _redis
    if _redis is None:
        _redis = redis.Redis.from_url(settings.REDIS_URL)
    _redis.rpush(done_key, time.time() - (sent_at or 0.0))
