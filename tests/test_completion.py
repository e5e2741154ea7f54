"""executions/completion.py: a waiter learns that its execution finished, without polling when
the news arrives and by re-reading the status when it cannot."""

from __future__ import annotations

import asyncio
import threading
import time
import uuid
from typing import Any

from executions import completion
from tests.conftest import CLOSED_REDIS


def test_an_announcement_from_another_thread_wakes_the_waiter(settings: Any) -> None:
    settings.EMBEDDED = True
    execution_id = uuid.uuid4()

    async def wait() -> tuple[str | None, float]:
        async def never() -> None:
            return None

        async with completion.expecting(execution_id) as expected:
            announcer = threading.Timer(0.05, completion.announce, (execution_id, "succeeded"))
            started = time.monotonic()
            announcer.start()
            status = await expected.finished(5, never)
            return status, time.monotonic() - started

    status, waited = asyncio.run(wait())
    assert status == "succeeded"
    assert waited < 0.5  # woken by the announcement, not by a re-read a second later


def test_a_waiter_gives_up_after_its_timeout(settings: Any) -> None:
    settings.EMBEDDED = True

    async def wait() -> str | None:
        async def running() -> str:
            return "running"

        async with completion.expecting(uuid.uuid4()) as expected:
            return await expected.finished(0.3, running)

    assert asyncio.run(wait()) is None


def test_with_redis_down_the_waiter_reads_the_status_instead(settings: Any) -> None:
    settings.EMBEDDED = False
    settings.REDIS_URL = CLOSED_REDIS
    reads: list[float] = []

    async def wait() -> str | None:
        async def status() -> str:
            reads.append(time.monotonic())
            return "failed" if len(reads) >= 2 else "running"

        async with completion.expecting(uuid.uuid4()) as expected:  # does not raise
            return await expected.finished(10, status)

    assert asyncio.run(wait()) == "failed"
    assert len(reads) == 2
    completion.announce(uuid.uuid4(), "succeeded")  # logs, never raises
