"""A fixed-window rate limit counted in one cache round trip (`RedisCache.count`).

Rates are written as django-ratelimit writes them ("100/s", "3/h", "30/5m"), and the usage it
returns has django-ratelimit's shape (count, limit, should_limit, time_left), so callers treat
both alike. Windows are aligned to the epoch: a window of `period` seconds ends at the next
multiple of `period`.
"""

from __future__ import annotations

import re
import time
from typing import Any

from workfuse.lib.redis_cache import RedisCache

RATE = re.compile(r"^(\d+)/(\d*)([smhd])?$")
PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def split(rate: str) -> tuple[int, int]:
    """(calls allowed, window in seconds) of a rate such as "100/s" or "30/5m"."""
    found = RATE.match(rate.strip())
    if found is None:
        raise ValueError(f"'{rate}' is not a rate such as 100/s, 30/5m or 1000/h")
    count, multiple, unit = found.groups()
    return int(count), PERIODS[unit or "s"] * int(multiple or 1)


def usage(cache: RedisCache, key: str, rate: str) -> dict[str, Any]:
    """Count one call against `key` under `rate` and say whether it is over."""
    limit, period = split(rate)
    now = int(time.time())
    ends = now - now % period + period
    count = cache.count(f"rate:{key}:{limit}/{period}:{ends}", period + 5)
    return {
        "count": count,
        "limit": limit,
        "should_limit": count > limit,
        "time_left": ends - now,
    }
