"""Waiting for an execution to finish without holding a thread (synchronous webhooks).

A waiter is a future on the web server's event loop, registered before the execution exists.
Once the transaction that finishes an execution commits, `announce()` tells the waiters: in
embedded mode directly (the waiter is in this process), in queue mode on one Redis channel to
which each web process keeps a single subscription that resolves its own waiters. A lost
message costs only time: a waiter re-reads the execution's status every second.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

import redis
import redis.asyncio as aioredis
from django.conf import settings

from executions.models import Execution

log = logging.getLogger(__name__)

RECHECK_SECONDS = 1.0

_waiters: dict[str, set[asyncio.Future[str]]] = {}
_lock = threading.Lock()
_subscriptions: dict[asyncio.AbstractEventLoop, asyncio.Future[None]] = {}
_publisher: redis.Redis | None = None


def channel() -> str:
    return f"{settings.CELERY_TASK_DEFAULT_QUEUE}.finished"


def announce(execution_id: uuid.UUID | str, status: str) -> None:
    """Tell whoever waits for this execution that it finished (call after commit). Never
    raises: a waiter that misses it reads the status from the database."""
    key = str(execution_id)
    if settings.EMBEDDED:
        _resolve(key, status)
        return
    global _publisher
    try:
        if _publisher is None:
            _publisher = redis.Redis.from_url(settings.REDIS_URL)
        _publisher.publish(channel(), f"{key} {status}")
    except redis.RedisError as exc:
        log.warning("Could not announce the end of execution %s: %s", key, exc)


class Expected:
    """An execution someone waits for (`expecting()`)."""

    def __init__(self, key: str, future: asyncio.Future[str]):
        self.key, self.future = key, future

    async def finished(
        self, timeout: float, status: Callable[[], Awaitable[str | None]]
    ) -> str | None:
        """The execution's final status, or None if it has not finished within `timeout`
        seconds. `status` reads it from the database (for a message that went missing)."""
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
                current = await status()
                if current in Execution.FINISHED:
                    return current


@asynccontextmanager
async def expecting(execution_id: uuid.UUID) -> AsyncIterator[Expected]:
    """Register a waiter for an execution about to be started, so that its end cannot be
    announced before anyone listens."""
    loop = asyncio.get_running_loop()
    if not settings.EMBEDDED:
        try:
            await _subscribed(loop)
        except (redis.RedisError, OSError) as exc:
            # The webhook must still be taken: its waiter re-reads the status each second.
            log.warning("Finished executions are not announced to this process (%s)", exc)
    key = str(execution_id)
    future: asyncio.Future[str] = loop.create_future()
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


def _resolve(key: str, status: str) -> None:
    with _lock:
        futures = list(_waiters.get(key, ()))
    for future in futures:
        future.get_loop().call_soon_threadsafe(_set, future, status)


def _set(future: asyncio.Future[str], status: str) -> None:
    if not future.done():
        future.set_result(status)


async def _subscribed(loop: asyncio.AbstractEventLoop) -> None:
    """This loop's subscription to the channel, started once and confirmed before use."""
    ready = _subscriptions.get(loop)
    if ready is None or (ready.done() and ready.exception() is not None):
        ready = _subscriptions[loop] = loop.create_future()
        loop.create_task(_listen(ready))
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
                    key, _, status = message["data"].decode().partition(" ")
                    _resolve(key, status)
        except (redis.RedisError, OSError) as exc:
            if not ready.done():
                ready.set_exception(exc)
                return
            log.warning("Lost the subscription to finished executions (%s); reconnecting", exc)
            await asyncio.sleep(1)
        finally:
            await client.aclose()
