"""Waiting for an execution to finish, or to answer, without holding a thread (synchronous
webhooks).

A waiter is a future on the web server's event loop, registered before the execution exists.
Once the transaction that finishes an execution commits, `announce()` tells the waiters; once
the transaction that stores a webhook's answer (a `logic.respond` step, `response:
respond_node`) commits, `announce_answer()` does, with the answer. In embedded mode the waiter
is told directly (it is in this process); in queue mode too when it is in the process that
announces (a synchronous webhook's run that went on in the web process that took the call),
otherwise on one Redis channel to which each web process keeps a single subscription that
resolves its own waiters. A lost message costs only time: a waiter re-reads the execution from
the database every second.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import queue
import threading
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import redis
import redis.asyncio as aioredis
from django.conf import settings

from executions.models import Execution

log = logging.getLogger(__name__)

RECHECK_SECONDS = 1.0
ANSWERED = "answered"
# An answer larger than this is announced without it: the waiter reads it from the database.
MAX_ANNOUNCED_BYTES = 256 * 1024


@dataclass(frozen=True)
class News:
    """What a waiter learns: the execution finished (`status` is its final status), or it
    answered its webhook caller (`status` ANSWERED, with the answer when it was carried)."""

    status: str
    answer: dict[str, Any] | None = None


_waiters: dict[str, set[asyncio.Future[News]]] = {}
_lock = threading.Lock()
_subscriptions: dict[asyncio.AbstractEventLoop, asyncio.Future[None]] = {}
_listeners: dict[asyncio.AbstractEventLoop, asyncio.Task[None]] = {}
_publisher: redis.Redis | None = None


def channel() -> str:
    return f"{settings.CELERY_TASK_DEFAULT_QUEUE}.finished"


def announce(execution_id: uuid.UUID | str, status: str) -> None:
    """Tell whoever waits for this execution that it finished (call after commit). Never
    raises: a waiter that misses it reads the status from the database."""
    _tell(str(execution_id), News(status), f"{execution_id} {status}")


def announce_answer(execution_id: uuid.UUID | str, answer: dict[str, Any]) -> None:
    """Tell whoever waits for this execution's answer what it is (call after commit): the
    rendered settings of the logic.respond step that answered. Never raises."""
    text = json.dumps(answer, default=str)
    carried = f"{execution_id} {ANSWERED} {text}"
    if len(carried) > MAX_ANNOUNCED_BYTES:
        carried = f"{execution_id} {ANSWERED}"
    _tell(str(execution_id), News(ANSWERED, answer), carried)


def _tell(key: str, news: News, message: str) -> None:
    # A synchronous webhook's run usually goes on in the web process that waits for it: told
    # here, its waiter skips Redis's round trip and every web process's reading of the message.
    # A waiter for the same execution in another process (a repeated delivery waiting for the
    # first one's run) then learns it from its re-read, within RECHECK_SECONDS.
    if _resolve(key, news) or settings.EMBEDDED:
        return
    _outbox.put((channel(), message))
    _sender_running()


# Queue mode publishes from one thread per process, so the thread that committed (a webhook's
# request, a worker's step) does not wait for Redis's round trip: the publish is the last thing
# a synchronous webhook's run did before its answer could leave (docs/performance.md).
_outbox: queue.SimpleQueue[tuple[str, str]] = queue.SimpleQueue()
_sender: tuple[int, threading.Thread] | None = None
BATCH = 100


def _sender_running() -> None:
    """Start this process's publishing thread if it has none (a forked worker starts its own)."""
    global _sender
    pid = os.getpid()
    if _sender is not None and _sender[0] == pid and _sender[1].is_alive():
        return
    with _lock:
        if _sender is None or _sender[0] != pid or not _sender[1].is_alive():
            thread = threading.Thread(
                target=_send_forever, name="completion-publisher", daemon=True
            )
            thread.start()
            _sender = (pid, thread)


def _send_forever() -> None:
    """Publish what `_tell` queued, as it comes, several at once when several wait. Never
    raises: a lost message costs a waiter a re-read (RECHECK_SECONDS)."""
    global _publisher
    while True:
        batch = [_outbox.get()]
        while len(batch) < BATCH:
            try:
                batch.append(_outbox.get_nowait())
            except queue.Empty:
                break
        try:
            if _publisher is None:
                _publisher = redis.Redis.from_url(settings.REDIS_URL)
            with _publisher.pipeline(transaction=False) as pipe:
                for name, message in batch:
                    pipe.publish(name, message)
                pipe.execute()
        except redis.RedisError as exc:
            log.warning("Could not announce %d execution changes: %s", len(batch), exc)


def _parse(message: bytes) -> tuple[str, News]:
    """`<id> <status>`, or `<id> answered [<answer as JSON>]`."""
    key, _, rest = message.decode().partition(" ")
    status, _, answer = rest.partition(" ")
    return key, News(status, json.loads(answer) if answer else None)


class Expected:
    """An execution someone waits for (`expecting()`)."""

    def __init__(self, key: str, future: asyncio.Future[News]):
        self.key, self.future = key, future

    async def finished(
        self, timeout: float, status: Callable[[], Awaitable[str | None]]
    ) -> str | None:
        """The execution's final status, or None if it has not finished within `timeout`
        seconds. `status` reads it from the database (for a message that went missing)."""

        async def reread() -> News | None:
            current = await status()
            return News(current) if current in Execution.FINISHED else None

        news = await self.news(timeout, reread)
        return news.status if news is not None else None

    async def news(
        self,
        timeout: float,
        reread: Callable[[], Awaitable[News | None]],
        *,
        reread_first: bool = False,
    ) -> News | None:
        """The first news of the execution, or None if there is none within `timeout` seconds.
        `reread` reads it from the database (None while there is nothing to tell): every
        second, for a message that went missing, and at once with `reread_first` (a waiter
        registered after the execution started)."""
        if reread_first:
            current = await reread()
            if current is not None:
                return current
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            left = deadline - loop.time()
            if left <= 0:
                return None
            try:
                return await asyncio.wait_for(
                    asyncio.shield(self.future), min(left, RECHECK_SECONDS)
                )
            except TimeoutError:
                current = await reread()
                if current is not None:
                    return current


@asynccontextmanager
async def expecting(execution_id: uuid.UUID) -> AsyncIterator[Expected]:
    """Register a waiter for an execution about to be started, so that its end (or answer)
    cannot be announced before anyone listens."""
    loop = asyncio.get_running_loop()
    if not settings.EMBEDDED:
        try:
            await _subscribed(loop)
        except (redis.RedisError, OSError) as exc:
            # The webhook must still be taken: its waiter re-reads the status each second.
            log.warning("Finished executions are not announced to this process (%s)", exc)
    key = str(execution_id)
    future: asyncio.Future[News] = loop.create_future()
    with _lock:
        _waiters.setdefault(key, set()).add(future)
    try:
        yield Expected(key, future)
    finally:
        with _lock:
            futures = _waiters.get(key, set())
            futures.discard(future)
            if not futures:
                _waiters.pop(key, None)


def _resolve(key: str, news: News) -> bool:
    """Tell this process's waiters for `key`; False when it has none."""
    with _lock:
        futures = list(_waiters.get(key, ()))
    for future in futures:
        future.get_loop().call_soon_threadsafe(_set, future, news)
    return bool(futures)


def _set(future: asyncio.Future[News], news: News) -> None:
    if not future.done():
        future.set_result(news)


async def _subscribed(loop: asyncio.AbstractEventLoop) -> None:
    """This loop's subscription to the channel, started once and confirmed before use."""
    ready = _subscriptions.get(loop)
    if ready is None or (ready.done() and ready.exception() is not None):
        for closed in [other for other in _subscriptions if other.is_closed()]:
            _subscriptions.pop(closed, None)  # a closed loop's listener is gone with it
            _listeners.pop(closed, None)
        ready = _subscriptions[loop] = loop.create_future()
        # The loop holds tasks only weakly: without this reference the listener can be
        # collected while it waits, and its subscription closes with it.
        _listeners[loop] = loop.create_task(_listen(ready))
    await asyncio.shield(ready)


async def _listen(ready: asyncio.Future[None]) -> None:
    """Resolve this process's waiters from the channel, reconnecting after an error."""
    while True:
        client = aioredis.Redis.from_url(settings.REDIS_URL)
        try:
            async with client.pubsub(ignore_subscribe_messages=True) as pubsub:
                await pubsub.subscribe(channel())
                if not ready.done():
                    ready.set_result(None)
                async for message in pubsub.listen():
                    try:
                        key, news = _parse(message["data"])
                    except ValueError:  # not ours (JSON and Unicode errors are ValueErrors)
                        log.warning("Ignored a message on %s: %.80r", channel(), message["data"])
                        continue
                    _resolve(key, news)
        except (redis.RedisError, OSError) as exc:
            if not ready.done():
                ready.set_exception(exc)
                return
            log.warning("Lost the subscription to finished executions (%s); reconnecting", exc)
            await asyncio.sleep(1)
        finally:
            await client.aclose()
