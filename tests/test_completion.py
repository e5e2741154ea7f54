"""executions/completion.py: a waiter learns that its execution finished, without polling when
the news arrives and by re-reading the status when it cannot."""

from __future__ import annotations

import asyncio
import os
import threading
import time
import uuid
from typing import Any

import pytest
import redis

from executions import completion
from tests.conftest import CLOSED_REDIS


def announced_from_another_thread(execution_id: uuid.UUID) -> tuple[str | None, float]:
    """The status a waiter learns when another thread announces the end 0.05 s later, and how
    long it waited."""

    async def wait() -> tuple[str | None, float]:
        async def never() -> None:
            return None

        async with completion.expecting(execution_id) as expected:
            announcer = threading.Timer(0.05, completion.announce, (execution_id, "succeeded"))
            started = time.monotonic()
            announcer.start()
            status = await expected.finished(5, never)
            return status, time.monotonic() - started

    return asyncio.run(wait())


def test_an_announcement_from_another_thread_wakes_the_waiter(settings: Any) -> None:
    settings.EMBEDDED = True
    status, waited = announced_from_another_thread(uuid.uuid4())
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


# --- answers of webhooks with response: respond_node ------------------------------------------


def test_an_answer_wakes_the_waiter_with_the_answer(settings: Any) -> None:
    settings.EMBEDDED = True
    execution_id = uuid.uuid4()
    answer = {"status": 201, "headers": {}, "body": {"id": 7}, "content_type": "application/json"}

    async def wait() -> completion.News | None:
        async def nothing() -> None:
            return None

        async with completion.expecting(execution_id) as expected:
            threading.Timer(0.05, completion.announce_answer, (execution_id, answer)).start()
            return await expected.news(5, nothing)

    assert asyncio.run(wait()) == completion.News(completion.ANSWERED, answer)


def test_an_answer_is_carried_on_the_channel_unless_it_is_too_large(
    settings: Any, monkeypatch: Any
) -> None:
    settings.EMBEDDED = False
    # What the publishing thread would send to Redis, read from its queue instead.
    monkeypatch.setattr(completion, "_sender_running", lambda: None)
    execution_id = uuid.uuid4()
    completion.announce_answer(execution_id, {"status": 200, "body": "ok"})
    completion.announce_answer(execution_id, {"status": 200, "body": "x" * 300_000})
    completion.announce(execution_id, "failed")
    sent = [completion._outbox.get_nowait() for _ in range(3)]
    assert {name for name, _ in sent} == {completion.channel()}
    parsed = [completion._parse(message.encode()) for _, message in sent]
    assert parsed == [
        (str(execution_id), completion.News("answered", {"status": 200, "body": "ok"})),
        (str(execution_id), completion.News("answered")),  # the waiter reads it from the DB
        (str(execution_id), completion.News("failed")),
    ]


@pytest.mark.integration
def test_announcements_reach_redis_from_the_publishing_thread(settings: Any) -> None:
    settings.EMBEDDED = False
    settings.REDIS_URL = os.environ["REDIS_URL"]
    completion._publisher = None  # built from this REDIS_URL
    listener = redis.Redis.from_url(settings.REDIS_URL).pubsub()
    listener.subscribe(completion.channel())
    assert listener.get_message(timeout=5)["type"] == "subscribe"
    ids = [uuid.uuid4() for _ in range(5)]
    for execution_id in ids:
        completion.announce(execution_id, "succeeded")
    heard = []
    deadline = time.monotonic() + 5
    while len(heard) < len(ids) and time.monotonic() < deadline:
        message = listener.get_message(timeout=1)
        if message and message["type"] == "message":
            heard.append(completion._parse(message["data"])[0])
    listener.close()
    assert heard == [str(i) for i in ids]  # all of them, in order


def test_a_waiter_registered_late_reads_the_database_first(settings: Any) -> None:
    settings.EMBEDDED = True

    async def wait() -> completion.News | None:
        async def answered() -> completion.News:
            return completion.News(completion.ANSWERED, {"status": 204})

        async with completion.expecting(uuid.uuid4()) as expected:
            return await expected.news(0.01, answered, reread_first=True)

    assert asyncio.run(wait()) == completion.News("answered", {"status": 204})


def test_in_queue_mode_a_waiter_in_this_process_is_told_without_redis(
    settings: Any, monkeypatch: Any
) -> None:
    # A synchronous webhook's run that went on in the web process announces there: its waiter
    # wakes at once, and nothing goes to Redis (which is closed here, so a publish would fail).
    settings.EMBEDDED = False
    settings.REDIS_URL = CLOSED_REDIS
    monkeypatch.setattr(completion, "_sender_running", lambda: None)
    status, waited = announced_from_another_thread(uuid.uuid4())
    assert (status, waited < 0.5) == ("succeeded", True)
    assert completion._outbox.empty()
    completion.announce(uuid.uuid4(), "succeeded")  # nobody waits here: it goes out
    assert completion._outbox.get_nowait()[0] == completion.channel()
