"""The web process's pools for blocking work (`workfuse.lib.lean_asgi.KeptPool`): a few kept
threads taken in turn, and an overflow pool for calls the kept threads leave waiting."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest

from workfuse.lib import lean_asgi, outside_waits


@pytest.fixture
def pool(settings: Any) -> Iterator[lean_asgi.KeptPool]:
    settings.WORKFUSE_TEST_THREADS = 1
    settings.WORKFUSE_WEBHOOK_OVERFLOW_MS = 100
    settings.WORKFUSE_WEBHOOK_OVERFLOW_THREADS = 4
    pool = lean_asgi.KeptPool("WORKFUSE_TEST_THREADS", "web")
    yield pool
    pool.shutdown()


def _thread_name() -> str:
    return threading.current_thread().name


def test_calls_run_in_the_kept_threads_while_one_is_free(pool: lean_asgi.KeptPool) -> None:
    async def three_in_turn() -> list[str]:
        return [await pool.run(_thread_name) for _ in range(3)]

    names = asyncio.run(three_in_turn())
    assert len(set(names)) == 1 and names[0].startswith("web_"), names


def test_a_call_the_kept_threads_leave_waiting_runs_in_the_overflow_pool(
    pool: lean_asgi.KeptPool,
) -> None:
    """One slow call holds the only kept thread: the next call is answered after about the
    overflow wait, from the overflow pool, while the slow call is still running."""
    release = threading.Event()

    def slow() -> str:
        release.wait(10)
        return _thread_name()

    async def slow_then_quick() -> tuple[str, str, float, bool]:
        held = asyncio.ensure_future(pool.run(slow))
        await asyncio.sleep(0.02)  # the slow call has the kept thread
        started = time.monotonic()
        quick = await pool.run(_thread_name)
        waited = time.monotonic() - started
        still_running = not held.done()
        release.set()
        return await held, quick, waited, still_running

    slow_name, quick_name, waited, still_running = asyncio.run(slow_then_quick())
    assert slow_name.startswith("web_") and not slow_name.startswith("web-overflow")
    assert quick_name.startswith("web-overflow"), quick_name
    assert still_running
    assert 0.09 <= waited < 2, waited


def test_a_queue_that_moves_stays_in_the_kept_threads(pool: lean_asgi.KeptPool) -> None:
    """Ten calls of 50 ms each at once: the last waits far longer than the overflow wait
    (100 ms), but the kept thread is never held by one call that long, so none overflows."""

    def short() -> str:
        time.sleep(0.05)
        return _thread_name()

    async def burst() -> list[str]:
        return list(await asyncio.gather(*(pool.run(short) for _ in range(10))))

    started = time.monotonic()
    names = asyncio.run(burst())
    assert time.monotonic() - started >= 0.5
    assert all(n.startswith("web_") for n in names), names


def test_a_call_started_by_the_kept_thread_at_the_deadline_is_not_run_twice(
    pool: lean_asgi.KeptPool,
) -> None:
    """A queued call that a kept thread took up just as its wait ran out is awaited there,
    not started again in the overflow pool."""
    calls: list[str] = []

    def busy_until_deadline() -> None:
        time.sleep(0.1)  # frees the kept thread at about the overflow deadline

    def counted() -> str:
        calls.append(_thread_name())
        return "done"

    async def both() -> list[str]:
        first = asyncio.ensure_future(pool.run(busy_until_deadline))
        await asyncio.sleep(0.005)
        results = [await pool.run(counted) for _ in range(5)]
        await first
        return results

    assert asyncio.run(both()) == ["done"] * 5
    assert len(calls) == 5


def test_a_call_queued_behind_threads_waiting_on_a_service_overflows_at_once(
    pool: lean_asgi.KeptPool, settings: Any
) -> None:
    """The kept thread waits on another service (an outbound HTTP call): the next call runs in
    the overflow pool within a look or two, long before the overflow wait (5 s here)."""
    settings.WORKFUSE_WEBHOOK_OVERFLOW_MS = 5000
    release = threading.Event()

    def calling_a_service() -> str:
        with outside_waits.waiting_outside():
            release.wait(10)
        return _thread_name()

    async def both() -> tuple[str, str, float]:
        held = asyncio.ensure_future(pool.run(calling_a_service))
        await asyncio.sleep(0.02)
        started = time.monotonic()
        quick = await pool.run(_thread_name)
        waited = time.monotonic() - started
        release.set()
        return await held, quick, waited

    slow_name, quick_name, waited = asyncio.run(both())
    assert slow_name.startswith("web_") and quick_name.startswith("web-overflow")
    assert waited < 1, waited


def test_webhooks_and_the_api_have_pools_sized_by_their_own_settings(settings: Any) -> None:
    settings.WORKFUSE_WEBHOOK_THREADS, settings.WORKFUSE_API_THREADS = 3, 8
    webhooks = lean_asgi.KeptPool("WORKFUSE_WEBHOOK_THREADS", "web")
    api = lean_asgi.KeptPool("WORKFUSE_API_THREADS", "api")
    try:
        assert webhooks._pools()[0]._max_workers == 3
        assert api._pools()[0]._max_workers == 8
    finally:
        webhooks.shutdown()
        api.shutdown()
    assert lean_asgi.webhook_pool._threads_setting == "WORKFUSE_WEBHOOK_THREADS"
    assert lean_asgi.api_pool._threads_setting == "WORKFUSE_API_THREADS"
