"""Django's ASGI handler without its per-request thread hops, for the paths that carry load.

Under ASGI, Django runs each sync part of a request (every middleware that is not async, the
request_started and request_finished receivers, the view) through `sync_to_async`, and by
default all of them in one shared thread per process: a request costs several hops between the
event loop and that thread, and concurrent requests queue for it. The handlers here keep
Django's own request and response objects (`ASGIHandler` reads the body, builds the request and
watches for a hang-up) but do the blocking work in a kept pool of threads, one hop per call
(`in_pool`), each returning its database connections afterwards. Webhooks
(`executions/hooks_asgi.py`) and the JSON API (`workfuse/api_asgi.py`) are served this way.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from django.conf import settings
from django.core.exceptions import RequestAborted
from django.core.handlers.asgi import ASGIHandler, get_script_prefix
from django.db import close_old_connections
from django.http import HttpRequest
from django.urls import set_script_prefix

T = TypeVar("T")
_threads: ThreadPoolExecutor | None = None
_overflow: ThreadPoolExecutor | None = None
# When each kept thread's current call started (monotonic seconds), by thread.
_busy_since: dict[int, float] = {}


async def in_pool(function: Callable[..., T], *args: Any) -> T:
    """`function(*args)` off the event loop, in one of WORKFUSE_WEBHOOK_THREADS kept threads.

    A few threads, not one per caller: they share the interpreter lock, and with eight of them
    busy each call waited for the others' Python in an order nobody chose (under load the
    slowest callers waited two to three times the median; with three, about one and a half
    times, for the same throughput: docs/performance.md, "Seventeenth session"). Calls beyond
    them wait their turn in the order they came. A call still waiting while every kept thread
    has been inside one call for longer than WORKFUSE_WEBHOOK_OVERFLOW_MS (held by slow work:
    steps calling a slow service, say) runs in an overflow pool instead, so slow calls cannot
    hold up the rest. A queue that moves, however long, stays a queue: sending its calls to new
    threads (each opening a database connection) made a burst of callers slower, not faster."""
    global _threads, _overflow
    if _threads is None or _overflow is None:
        _threads = ThreadPoolExecutor(settings.WORKFUSE_WEBHOOK_THREADS, thread_name_prefix="web")
        _overflow = ThreadPoolExecutor(
            settings.WORKFUSE_WEBHOOK_OVERFLOW_THREADS, thread_name_prefix="web-overflow"
        )
    queued = _threads.submit(_kept, function, *args)
    waiting = asyncio.wrap_future(queued)
    held_for = settings.WORKFUSE_WEBHOOK_OVERFLOW_MS / 1000
    while True:
        try:
            return await asyncio.wait_for(asyncio.shield(waiting), held_for)
        except TimeoutError:
            if _all_held(held_for) and queued.cancel():
                break
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(_overflow, _closing, function, *args)


def _all_held(seconds: float) -> bool:
    """Whether every kept thread has been inside its current call for over `seconds`."""
    started = list(_busy_since.values())
    now = time.monotonic()
    held = [since for since in started if now - since > seconds]
    return len(held) >= settings.WORKFUSE_WEBHOOK_THREADS


def _kept(function: Callable[..., T], *args: Any) -> T:
    thread = threading.get_ident()
    _busy_since[thread] = time.monotonic()
    try:
        return _closing(function, *args)
    finally:
        del _busy_since[thread]


def _closing(function: Callable[..., T], *args: Any) -> T:
    try:
        return function(*args)
    finally:
        close_old_connections()


class LeanHandler(ASGIHandler):
    """Django's `handle` without the request_started and request_finished hops: their receivers
    close the database connections and caches of the thread they run in, each in the shared
    thread reached through `sync_to_async`, two hops per request that queue behind each other
    and behind the GIL under load. Nothing here opens a connection in the event loop, and the
    pool threads that do close theirs after each call (`in_pool`). Like Django's, it stops the
    view if the caller hangs up. Subclasses answer in `get_response_async`."""

    async def handle(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        try:
            body_file = await self.read_body(receive)
        except RequestAborted:
            return
        set_script_prefix(get_script_prefix(scope))
        request, error_response = self.create_request(scope, body_file)
        try:
            if request is None:
                assert error_response is not None  # Django returns one or the other
                await self.send_response(error_response, send)
                return
            view = asyncio.ensure_future(self._respond(request, send))
            hang_up = asyncio.ensure_future(self.listen_for_disconnect(receive))
            await asyncio.wait((view, hang_up), return_when=asyncio.FIRST_COMPLETED)
            for task in (hang_up, view):
                if not task.done():
                    task.cancel()
                with contextlib.suppress(asyncio.CancelledError, RequestAborted):
                    await task
        finally:
            body_file.close()

    async def _respond(self, request: HttpRequest, send: Any) -> None:
        response = await self.get_response_async(request)
        try:
            await self.send_response(response, send)
        finally:
            for close in response._resource_closers:  # type: ignore[attr-defined]
                close()
