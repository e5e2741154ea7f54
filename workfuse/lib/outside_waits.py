"""Which threads are waiting on another service (an outbound HTTP call) right now.

A web process keeps few threads for webhooks' blocking work (`lean_asgi.KeptPool`): they share
the interpreter lock, and more of them made the slowest callers wait longer. A kept thread
waiting on a remote service uses no CPU, though, so while all of them wait so, the calls
queued behind them run in the overflow pool instead of waiting for that service too. The
outbound HTTP transports (`netguard`) mark their requests with `waiting_outside`.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

_waiting: set[int] = set()


@contextmanager
def waiting_outside() -> Iterator[None]:
    """Mark the calling thread as waiting on another service for the block."""
    thread = threading.get_ident()
    nested = thread in _waiting
    _waiting.add(thread)
    try:
        yield
    finally:
        if not nested:
            _waiting.discard(thread)


def is_waiting(thread: int) -> bool:
    return thread in _waiting
