"""Django's ASGI handler without its per-request thread hops, for the paths that carry load.

Under ASGI, Django runs each sync part of a request (every middleware that is not async, the
request_started and request_finished receivers, the view) through `sync_to_async`, and by
default all of them in one shared thread per process: a request costs several hops between the
event loop and that thread, and concurrent requests queue for it. The handlers here keep
Django's own request and response objects (`ASGIHandler` reads the body, builds the request and
watches for a hang-up) but do the blocking work in a kept pool of threads, one hop per call
(`KeptPool`), each returning its database connections afterwards. Webhooks
(`executions/hooks_asgi.py`) and the JSON API (`workfuse/api_asgi.py`) are served this way.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, TypeVar

from django.conf import settings
from django.core.exceptions import RequestAborted
from django.core.handlers.asgi import ASGIHandler, get_script_prefix
from django.db import close_old_connections
from django.http import HttpRequest
from django.urls import set_script_prefix

from workfuse.lib import outside_waits

T = TypeVar("T")
# How often a queued call looks whether the kept threads are all held.
LOOK_SECONDS = 0.05


class KeptPool:
    """A few kept threads for blocking work, taken in turn, and an overflow pool.

    Few threads, not one per caller: they share the interpreter lock, and with eight of them
    busy each webhook call waited for the others' Python in an order nobody chose (under load
    the slowest callers waited two to three times the median; with three, about one and a half
    times, for the same throughput: docs/performance.md, "Seventeenth session"). Calls beyond
    them wait their turn in the order they came. A call waiting while every kept thread has
    been inside one call for longer than WORKFUSE_WEBHOOK_OVERFLOW_MS (held by slow work: steps
    calling a slow service, say) runs in the overflow pool instead, so slow calls cannot hold up
    the rest; so does one waiting while every kept thread waits on another service (an outbound
    HTTP call, `outside_waits`), which uses no CPU. A queue that moves, however long, stays a
    queue: sending its calls to new threads (each opening a database connection) made a burst
    of callers slower, not faster."""

    def __init__(self, threads_setting: str, name: str) -> None:
        self._threads_setting, self._name = threads_setting, name
        self._kept: ThreadPoolExecutor | None = None
        self._overflow: ThreadPoolExecutor | None = None
        self._size = 0
        self._busy_since: dict[int, float] = {}  # when each kept thread's call started
        self._made = threading.Lock()

    async def run(self, function: Callable[..., T], *args: Any) -> T:
        """`function(*args)` off the event loop, then its thread's connections closed."""
        kept, overflow = self._pools()
        loop = asyncio.get_running_loop()
        result: asyncio.Future[T] = loop.create_future()
        queued = kept.submit(self._in_kept, function, *args)
        _settle_from(queued, result, loop)
        held_for = settings.WORKFUSE_WEBHOOK_OVERFLOW_MS / 1000

        def look() -> None:
            """While the call waits for a kept thread: to the overflow pool if they are all
            held, else look again later (a timer, not a task: most calls wait one look)."""
            if result.done() or queued.running() or queued.done():
                return
            if self._all_held(held_for) and queued.cancel():
                _settle_from(overflow.submit(_closing, function, *args), result, loop)
                return
            loop.call_later(LOOK_SECONDS, look)

        loop.call_later(LOOK_SECONDS, look)
        return await result

    def shutdown(self) -> None:
        with self._made:
            pools, self._kept, self._overflow = (self._kept, self._overflow), None, None
        for pool in pools:
            if pool is not None:
                pool.shutdown(wait=True)

    def _pools(self) -> tuple[ThreadPoolExecutor, ThreadPoolExecutor]:
        with self._made:
            if self._kept is None or self._overflow is None:
                self._size = max(1, getattr(settings, self._threads_setting))
                self._kept = ThreadPoolExecutor(self._size, thread_name_prefix=self._name)
                self._overflow = ThreadPoolExecutor(
                    settings.WORKFUSE_WEBHOOK_OVERFLOW_THREADS,
                    thread_name_prefix=f"{self._name}-overflow",
                )
            return self._kept, self._overflow

    def _all_held(self, seconds: float) -> bool:
        """Whether every kept thread has been inside its current call for over `seconds`, or
        is waiting on another service (`outside_waits`)."""
        busy = list(self._busy_since.items())
        now = time.monotonic()
        held = [t for t, since in busy if now - since > seconds or outside_waits.is_waiting(t)]
        return len(held) >= self._size

    def _in_kept(self, function: Callable[..., T], *args: Any) -> T:
        thread = threading.get_ident()
        self._busy_since[thread] = time.monotonic()
        try:
            return _closing(function, *args)
        finally:
            del self._busy_since[thread]


# Webhooks (WORKFUSE_WEBHOOK_THREADS, 3) and the JSON API (WORKFUSE_API_THREADS, 8) have a pool
# each: the API's calls are short and mostly wait on the database and the broker, and
# `POST /run` from many scripts at once kept its throughput better with more threads.
webhook_pool = KeptPool("WORKFUSE_WEBHOOK_THREADS", "web")
api_pool = KeptPool("WORKFUSE_API_THREADS", "api")


def _settle_from(
    done: Future[T], result: asyncio.Future[T], loop: asyncio.AbstractEventLoop
) -> None:
    """Give `result` (on `loop`) the outcome of a thread's `done`; a call taken back from the
    queue (cancelled) settles nothing, its replacement does."""

    def copy(finished: Future[T]) -> None:
        if result.done() or finished.cancelled():
            return
        error = finished.exception()
        if error is not None:
            result.set_exception(error)
        else:
            result.set_result(finished.result())

    def hand_over(finished: Future[T]) -> None:
        with contextlib.suppress(RuntimeError):  # the loop closed: nobody waits any more
            loop.call_soon_threadsafe(copy, finished)

    done.add_done_callback(hand_over)


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
    pool threads that do close theirs after each call (`KeptPool`). Like Django's, it stops the
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
