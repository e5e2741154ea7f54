"""How long a server asks us to wait before trying again, read from its response headers."""

from __future__ import annotations

import email.utils
import math
import time
from collections.abc import Mapping
from datetime import UTC, datetime


def parse(value: str | None) -> float | None:
    """`Retry-After` as seconds from now: it is a number of seconds or an HTTP date (a date
    in the past means now). None when the header is absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        pass
    else:
        return seconds if math.isfinite(seconds) and seconds >= 0 else None
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def from_headers(headers: Mapping[str, str] | None) -> float | None:
    """Seconds to wait from `retry-after-ms` (sent by OpenAI and Anthropic, more precise) or
    else `retry-after`. `headers` should look names up without regard to case, as httpx's do."""
    if not headers:
        return None
    millis = headers.get("retry-after-ms")
    if millis:
        try:
            seconds = float(millis) / 1000
        except ValueError:
            seconds = math.nan
        if math.isfinite(seconds) and seconds >= 0:
            return seconds
    return parse(headers.get("retry-after"))


def until_reset(value: str | None, now: float | None = None) -> float | None:
    """Seconds until the Unix time in a rate-limit reset header (SendGrid's and GitHub's
    `X-RateLimit-Reset`); a time already past means now. None when absent or unreadable."""
    try:
        reset = float((value or "").strip())
    except ValueError:
        return None
    if not math.isfinite(reset) or reset < 0:
        return None
    return max(0.0, reset - (time.time() if now is None else now))
