"""The per-process live publisher: order kept, lone messages at once, bursts coalesced."""

from __future__ import annotations

import asyncio
import threading
import time
from typing import Any

from executions.events import _Publisher


class SlowLayer:
    """Records what a channel layer would be asked to send; each send takes 30 ms."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, dict[str, Any], float]] = []

    async def group_send(self, group: str, message: dict[str, Any]) -> None:
        self.sent.append((group, message, time.monotonic()))
        await asyncio.sleep(0.03)


def payloads(message: dict[str, Any]) -> list[dict[str, Any]]:
    return [message["payload"]] if message["type"] == "live.event" else message["payloads"]


def test_a_burst_leaves_in_few_sends_in_order_and_a_lone_message_at_once(settings):
    settings.WORKFUSE_LIVE_WINDOW_MS = 20
    loop = asyncio.new_event_loop()
    threading.Thread(target=loop.run_forever, daemon=True).start()
    layer = SlowLayer()
    publisher = _Publisher(loop, layer)
    try:
        added = time.monotonic()
        publisher.add("workflow.1", {"n": 0})
        time.sleep(0.01)
        assert len(layer.sent) == 1 and layer.sent[0][2] - added < 0.01  # not held back
        for n in range(1, 200):  # arrives while the first send is under way
            publisher.add("workflow.1", {"n": n})
        time.sleep(0.2)
        assert [p["n"] for _, m, _ in layer.sent for p in payloads(m)] == list(range(200))
        assert len(layer.sent) == 2  # the lone message, then the rest as one batch
        assert layer.sent[1][1]["type"] == "live.batch"
    finally:
        asyncio.run_coroutine_threadsafe(stop_tasks(), loop).result(timeout=5)
        loop.call_soon_threadsafe(loop.stop)


async def stop_tasks() -> None:
    for task in asyncio.all_tasks() - {asyncio.current_task()}:
        task.cancel()
