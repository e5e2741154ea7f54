"""Live events (DESIGN §7): published to Channels groups after the state change commits.

There is one group per workflow; a socket that follows one execution joins its workflow's group
and keeps that execution's messages (`consumers.ExecutionConsumer`). One group per message
instead of two halves the sends, and lets a busy workflow's messages leave coalesced.

Workers publish through one long-lived event loop per process (a new loop and Redis connection
per message costs ~6 ms). In embedded mode the in-memory layer lives on the web server's loop,
which is not thread-safe, so messages are handed to that loop instead (see shared/STACK.md).
"""

from __future__ import annotations

import asyncio
import logging
import threading
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from channels.layers import BaseChannelLayer, InMemoryChannelLayer, get_channel_layer
from django.conf import settings
from django.db import transaction

from executions import completion
from executions.models import Execution, Step

log = logging.getLogger(__name__)

_server_loop: asyncio.AbstractEventLoop | None = None
_own_loop: asyncio.AbstractEventLoop | None = None
_lock = threading.Lock()


def workflow_group(workflow_id: int) -> str:
    return f"workflow.{workflow_id}"


def bind_server_loop(loop: asyncio.AbstractEventLoop) -> None:
    """Called by the consumers (on the server's loop); the in-memory layer must be used there."""
    global _server_loop
    _server_loop = loop


def _publisher_loop() -> asyncio.AbstractEventLoop:
    global _own_loop
    with _lock:
        if _own_loop is None or _own_loop.is_closed():
            _own_loop = asyncio.new_event_loop()
            threading.Thread(target=_own_loop.run_forever, name="live-events", daemon=True).start()
        return _own_loop


def _target_loop(layer: BaseChannelLayer) -> asyncio.AbstractEventLoop | None:
    if isinstance(layer, InMemoryChannelLayer):
        return _server_loop if _server_loop is not None and _server_loop.is_running() else None
    return _publisher_loop()


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds")


def publish(group: str, payload: dict[str, Any]) -> None:
    """Hand a message to this process's publisher (call after commit). Never raises: live
    updates must not fail a step."""
    layer = get_channel_layer()
    if layer is None:
        return
    loop = _target_loop(layer)
    if loop is None:
        return  # nobody can be listening yet
    _publisher(loop, layer).add(group, {**payload, "sent_at": now_iso()})


_publishers: dict[asyncio.AbstractEventLoop, _Publisher] = {}


def _publisher(loop: asyncio.AbstractEventLoop, layer: BaseChannelLayer) -> _Publisher:
    with _lock:
        publisher = _publishers.get(loop)
        if publisher is None:
            for closed in [old for old in _publishers if old.is_closed()]:
                del _publishers[closed]  # a publisher keeps its loop alive: forget dead ones
            publisher = _publishers[loop] = _Publisher(loop, layer)
        return publisher


class _Publisher:
    """Sends one process's live messages from one task on `loop`, coalesced per group.

    The first message after a quiet spell leaves at once; whatever arrives while a send is
    under way, or within `WORKFUSE_LIVE_WINDOW_MS` after it, leaves together as one
    `live.batch` per group. Under load this is one channel-layer send per workflow and window
    instead of one per step; a lone update is not delayed. Threads only append under a lock;
    the loop is woken once per window, not per message."""

    def __init__(self, loop: asyncio.AbstractEventLoop, layer: BaseChannelLayer):
        self.loop, self.layer = loop, layer
        self.lock = threading.Lock()
        self.pending: dict[str, list[dict[str, Any]]] = {}
        self.woken = False  # a wake-up is on its way or the sender is busy: no need for another
        self.wakeup: asyncio.Event | None = None
        self.window = settings.WORKFUSE_LIVE_WINDOW_MS / 1000

    def add(self, group: str, payload: dict[str, Any]) -> None:
        """Queue a message; messages leave in the order they were added."""
        with self.lock:
            self.pending.setdefault(group, []).append(payload)
            if self.woken:
                return
            self.woken = True
        self.loop.call_soon_threadsafe(self._wake)

    def _wake(self) -> None:  # on the loop
        if self.wakeup is None:
            self.wakeup = asyncio.Event()
            self.loop.create_task(self._sender())
        self.wakeup.set()

    async def _sender(self) -> None:
        assert self.wakeup is not None
        while True:
            await self.wakeup.wait()
            self.wakeup.clear()
            while True:
                with self.lock:
                    pending, self.pending = self.pending, {}
                    if not pending:
                        self.woken = False
                        break
                for group, payloads in pending.items():
                    message = (
                        {"type": "live.event", "payload": payloads[0]}
                        if len(payloads) == 1
                        else {"type": "live.batch", "payloads": payloads}
                    )
                    try:
                        await self.layer.group_send(group, message)
                    except Exception as exc:  # a lost live update is logged, never fatal
                        log.warning("Live update not delivered: %s", exc)
                await asyncio.sleep(self.window)


def on_commit(group: str, payload: dict[str, Any]) -> None:
    """Publish once the current transaction commits (at once outside one); what a checkpoint
    reports together leaves together through the publisher's coalescing."""
    transaction.on_commit(lambda: publish(group, payload))


def step_payload(step: Step, execution: Execution) -> dict[str, Any]:
    return {
        "type": "step",
        "execution_id": str(step.execution_id),
        "workflow_id": execution.workflow_id,
        "node_id": step.node_id,
        "key": step.key,
        "status": step.status,
        "attempt": step.attempt,
        "started_at": step.started_at.isoformat() if step.started_at else None,
        "finished_at": step.finished_at.isoformat() if step.finished_at else None,
        "duration_ms": step.duration_ms,
        "error": step.error or None,
    }


def execution_payload(execution: Execution) -> dict[str, Any]:
    return {
        "type": "execution",
        "execution_id": str(execution.id),
        "workflow_id": execution.workflow_id,
        "status": execution.status,
        "started_at": execution.started_at.isoformat() if execution.started_at else None,
        "finished_at": execution.finished_at.isoformat() if execution.finished_at else None,
        "duration_ms": execution.duration_ms,
        "error": execution.error or None,
        "waiting_reason": execution.waiting_reason or None,
    }


def step_changed(step: Step, execution: Execution) -> None:
    on_commit(workflow_group(execution.workflow_id), step_payload(step, execution))


def execution_changed(execution: Execution) -> None:
    on_commit(workflow_group(execution.workflow_id), execution_payload(execution))
    if execution.is_finished:  # a synchronous webhook may be waiting for it
        key, status = execution.pk, execution.status
        transaction.on_commit(lambda: completion.announce(key, status))


def token(execution_id: UUID, workflow_id: int, node_id: str, text: str) -> None:
    """Streaming AI tokens are sent at once: they are not state and have no commit to wait for."""
    publish(
        workflow_group(workflow_id),
        {"type": "token", "execution_id": str(execution_id), "node_id": node_id, "text": text},
    )
