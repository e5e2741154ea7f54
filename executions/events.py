"""Live events (DESIGN §7): published to Channels groups after the state change commits.

Workers publish through one long-lived event loop per process (a new loop and Redis connection
per message costs ~6 ms). In embedded mode the in-memory layer lives on the web server's loop,
which is not thread-safe, so messages are handed to that loop instead (see shared/STACK.md).
"""

from __future__ import annotations

import asyncio
import logging
import threading
import weakref
from datetime import UTC, datetime
from typing import Any

from channels.layers import get_channel_layer
from django.db import transaction

log = logging.getLogger(__name__)

_server_loop: asyncio.AbstractEventLoop | None = None
_own_loop: asyncio.AbstractEventLoop | None = None
_lock = threading.Lock()


def execution_group(execution_id: Any) -> str:
    return f"execution.{execution_id}"


def workflow_group(workflow_id: Any) -> str:
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


def _target_loop(layer: Any) -> asyncio.AbstractEventLoop | None:
    from channels.layers import InMemoryChannelLayer

    if isinstance(layer, InMemoryChannelLayer):
        return _server_loop if _server_loop is not None and _server_loop.is_running() else None
    return _publisher_loop()


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds")


def publish(groups: list[str], payload: dict[str, Any]) -> None:
    """Send now (call after commit). Never raises: live updates must not fail a step."""
    publish_many(groups, [payload])


def publish_many(groups: list[str], payloads: list[dict[str, Any]]) -> None:
    """Send several messages to the same groups as one channel-layer message per group.

    Messages go through one queue per event loop, sent by one task, so a client receives
    them in the order the state changed (a step's result before its execution's end)."""
    layer = get_channel_layer()
    if layer is None or not payloads:
        return
    loop = _target_loop(layer)
    if loop is None:
        return  # nobody can be listening yet
    sent_at = now_iso()
    payloads = [{**payload, "sent_at": sent_at} for payload in payloads]
    loop.call_soon_threadsafe(_enqueue, loop, layer, groups, payloads)


_queues: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Queue] = (
    weakref.WeakKeyDictionary()
)


def _enqueue(
    loop: asyncio.AbstractEventLoop, layer: Any, groups: list[str], payloads: list[dict[str, Any]]
) -> None:
    """Runs on `loop`: start its sender on first use, then queue the message."""
    queue = _queues.get(loop)
    if queue is None:
        queue = _queues[loop] = asyncio.Queue()
        loop.create_task(_sender(layer, queue))
    queue.put_nowait((groups, payloads))


async def _sender(layer: Any, queue: asyncio.Queue) -> None:
    while True:
        groups, payloads = await queue.get()
        message = (
            {"type": "live.event", "payload": payloads[0]}
            if len(payloads) == 1
            else {"type": "live.batch", "payloads": payloads}
        )
        for group in groups:
            try:
                await layer.group_send(group, message)
            except Exception as exc:  # a lost live update is logged, never fatal
                log.warning("Live update not delivered: %s", exc)


def on_commit(groups: list[str], payload: dict[str, Any]) -> None:
    """Publish once the current transaction commits (at once outside one). The messages of one
    transaction for the same groups leave together, as one channel-layer message per group:
    a checkpoint reports a step's result and its successors' start in a single send."""
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        publish(groups, payload)
        return
    batches: dict[tuple[str, ...], _Batch] = connection.__dict__.setdefault("_live_batches", {})
    key = tuple(groups)
    batch = batches.get(key)
    if batch is None or not batch.pending(connection):
        batch = batches[key] = _Batch(groups, batches)
        transaction.on_commit(batch.flush)
    batch.payloads.append(payload)


class _Batch:
    def __init__(self, groups: list[str], registry: dict[tuple[str, ...], _Batch]):
        self.groups = groups
        self.payloads: list[dict[str, Any]] = []
        self.registry = registry

    def pending(self, connection: Any) -> bool:
        """Still registered for this transaction's commit (a rollback discards the hook)."""
        return any(hook == self.flush for _, hook, _ in connection.run_on_commit)

    def flush(self) -> None:
        if self.registry.get(tuple(self.groups)) is self:
            del self.registry[tuple(self.groups)]
        publish_many(self.groups, self.payloads)


def step_payload(step: Any, execution: Any) -> dict[str, Any]:
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


def execution_payload(execution: Any) -> dict[str, Any]:
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


def step_changed(step: Any, execution: Any) -> None:
    on_commit(
        [execution_group(execution.id), workflow_group(execution.workflow_id)],
        step_payload(step, execution),
    )


def execution_changed(execution: Any) -> None:
    on_commit(
        [execution_group(execution.id), workflow_group(execution.workflow_id)],
        execution_payload(execution),
    )


def token(execution_id: Any, workflow_id: Any, node_id: str, text: str) -> None:
    """Streaming AI tokens are sent at once: they are not state and have no commit to wait for."""
    publish(
        [execution_group(execution_id), workflow_group(workflow_id)],
        {"type": "token", "execution_id": str(execution_id), "node_id": node_id, "text": text},
    )
