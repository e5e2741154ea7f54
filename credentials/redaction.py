"""Scrubbing resolved secret values out of everything a step stores and every log line.

While a step runs with a resolved credential, its value (and the forms it travels in: URL
encoding, base64 of `user:password`) is registered here; `scrub()` replaces each occurrence
with `[REDACTED]`, and a logging filter does the same for log records of every thread.
"""

from __future__ import annotations

import base64
import json
import logging
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import quote, quote_plus

MASK = "[REDACTED]"
_active: dict[int, set[str]] = {}
_lock = threading.Lock()


def forms_of(value: Any) -> set[str]:
    """The strings a secret value may appear as once used."""
    parts: list[str] = []
    if isinstance(value, dict):
        parts.extend(str(v) for v in value.values() if v)
        if value.get("username") is not None and value.get("password") is not None:
            pair = f"{value['username']}:{value['password']}"
            parts.append(base64.b64encode(pair.encode()).decode())
    elif value:
        parts.append(str(value))
    found: set[str] = set()
    for part in parts:
        if len(part) < 4:  # too short to scrub without mangling ordinary text
            continue
        found.update({part, quote(part, safe=""), quote_plus(part), json.dumps(part)[1:-1]})
    return found


def scrub(value: Any, secrets: Iterable[str] | None = None) -> Any:
    """`value` with every secret replaced (JSON-like values are walked)."""
    needles = sorted(set(secrets) if secrets is not None else active(), key=len, reverse=True)
    if not needles:
        return value
    return _scrub(value, needles)


def _scrub(value: Any, needles: list[str]) -> Any:
    if isinstance(value, str):
        for needle in needles:
            if needle in value:
                value = value.replace(needle, MASK)
        return value
    if isinstance(value, dict):
        return {_scrub(k, needles): _scrub(v, needles) for k, v in value.items()}
    if isinstance(value, list):
        return [_scrub(v, needles) for v in value]
    return value


def active() -> set[str]:
    with _lock:
        return set().union(*_active.values()) if _active else set()


@contextmanager
def registered(values: set[str]) -> Iterator[None]:
    """Scrub these values from log records while the block runs."""
    token = id(values)
    with _lock:
        _active[token] = values
    try:
        yield
    finally:
        with _lock:
            _active.pop(token, None)


class RedactSecretsFilter(logging.Filter):
    """Attached to the log handlers in settings: no resolved secret reaches a log line."""

    def filter(self, record: logging.LogRecord) -> bool:
        secrets = active()
        if secrets:
            message = record.getMessage()
            cleaned = scrub(message, secrets)
            if cleaned != message:
                record.msg, record.args = cleaned, None
            if record.exc_info and not record.exc_text:
                record.exc_text = logging.Formatter().formatException(record.exc_info)
            if record.exc_text:
                record.exc_text = scrub(record.exc_text, secrets)
        return True
