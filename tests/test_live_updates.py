"""WebSockets (DESIGN §7) against the real ASGI app: snapshot, live messages, owner only."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.test import Client
from django.utils import timezone

from executions import engine, events
from executions.engine import advance
from executions.models import Execution, Step
from tests.engine_helpers import chain, make_workflow, transform
from workfuse.asgi import application

pytestmark = pytest.mark.django_db(transaction=True)


def session_headers(user: Any, origin: str = "http://localhost") -> list[tuple[bytes, bytes]]:
    client = Client()
    client.force_login(user)
    cookie = f"sessionid={client.cookies['sessionid'].value}"
    return [(b"cookie", cookie.encode()), (b"origin", origin.encode())]


def connect(path: str, headers: list[tuple[bytes, bytes]]) -> WebsocketCommunicator:
    return WebsocketCommunicator(application, path, headers=headers)


async def receive_until(ws: WebsocketCommunicator, done, timeout: float = 5) -> list[dict]:
    messages = []
    async with asyncio.timeout(timeout):
        while True:
            message = await ws.receive_json_from(timeout=timeout)
            messages.append(message)
            if done(message):
                return messages


def test_owner_gets_a_snapshot_then_live_step_and_execution_messages(alice):
    workflow = make_workflow(alice, chain(transform("a"), transform("b")))
    first = engine.start_execution(workflow)
    headers = session_headers(alice)

    async def scenario() -> list[dict]:
        ws = connect(f"/ws/workflows/{workflow.pk}/", headers)
        connected, _ = await ws.connect()
        assert connected
        snapshot = await ws.receive_json_from()
        assert snapshot["type"] == "snapshot"
        assert snapshot["execution"]["execution_id"] == str(first.pk)
        assert {s["key"]: s["status"] for s in snapshot["steps"]} == {
            "start": "succeeded",
            "a": "succeeded",
            "b": "succeeded",
        }
        await database_sync_to_async(engine.start_execution)(workflow)
        # Until both the run's end and every step's last message have come: step and
        # execution messages are sent apart, so under load their order may vary.
        wanted = {("start", "succeeded"), ("b", "succeeded"), ("execution", "succeeded")}
        seen: set[tuple[str, str]] = set()

        def done(m: dict) -> bool:
            seen.add((m.get("key", m["type"]), m.get("status", "")))
            return wanted <= seen

        messages = await receive_until(ws, done)
        await ws.disconnect()
        return messages

    messages = asyncio.run(scenario())
    steps = [(m["key"], m["status"]) for m in messages if m["type"] == "step"]
    assert ("start", "succeeded") in steps  # a trigger's step is finished as it is created
    for key in ("a", "b"):
        assert (key, "running") in steps
        assert (key, "succeeded") in steps
        assert steps.index((key, "running")) < steps.index((key, "succeeded"))
    step = next(m for m in messages if m["type"] == "step" and m["status"] == "succeeded")
    assert set(step) >= {
        "type",
        "execution_id",
        "node_id",
        "key",
        "status",
        "attempt",
        "started_at",
        "finished_at",
        "duration_ms",
        "error",
        "sent_at",
    }
    assert all("sent_at" in m for m in messages)


def test_execution_socket_sends_that_executions_snapshot(alice):
    execution = engine.start_execution(make_workflow(alice, chain(transform("a"))))
    headers = session_headers(alice)

    async def scenario() -> dict:
        ws = connect(f"/ws/executions/{execution.pk}/", headers)
        assert (await ws.connect())[0]
        message = await ws.receive_json_from()
        await ws.disconnect()
        return message

    message = asyncio.run(scenario())
    assert message["type"] == "snapshot"
    assert message["execution"]["status"] == "succeeded"
    assert [s["key"] for s in message["steps"]] == ["start", "a"]


def test_execution_socket_gets_only_that_executions_messages(alice):
    """Both runs publish on their workflow's group; the execution socket keeps its own."""
    delay = {"id": "wait", "type": "utility.delay", "config": {"seconds": 3600}}
    workflow = make_workflow(alice, chain(delay))
    watched = engine.start_execution(workflow)
    headers = session_headers(alice)

    async def scenario() -> list[dict]:
        ws = connect(f"/ws/executions/{watched.pk}/", headers)
        assert (await ws.connect())[0]
        snapshot = await ws.receive_json_from()
        assert snapshot["execution"]["status"] == "running"
        await database_sync_to_async(engine.start_execution)(workflow)  # another run
        await database_sync_to_async(engine.cancel)(watched)
        messages = await receive_until(
            ws, lambda m: m["type"] == "execution" and m["status"] == "cancelled"
        )
        await ws.disconnect()
        return messages

    messages = asyncio.run(scenario())
    assert {m["execution_id"] for m in messages} == {str(watched.pk)}
    assert [m["status"] for m in messages if m["type"] == "execution"] == ["cancelled"]


WAIT_AN_HOUR = {"id": "wait", "type": "utility.delay", "config": {"seconds": 3600}}


def step_messages_while(
    user: Any, execution: Execution, action: Callable[[], Any], last: Callable[[dict], bool]
) -> list[tuple[str, str, int]]:
    """(key, status, attempt) of the step messages an execution socket gets while `action` runs,
    up to the message `last` matches (messages sent before, e.g. still on their way through
    Redis when the socket joined, are left out)."""
    headers = session_headers(user)

    async def scenario() -> list[dict]:
        ws = connect(f"/ws/executions/{execution.pk}/", headers)
        assert (await ws.connect())[0]
        await ws.receive_json_from()  # the snapshot
        before = events.now_iso()
        await database_sync_to_async(action)()
        messages = await receive_until(ws, lambda m: m["sent_at"] >= before and last(m))
        await ws.disconnect()
        return [m for m in messages if m["sent_at"] >= before]

    messages = asyncio.run(scenario())
    return [(m["key"], m["status"], m["attempt"]) for m in messages if m["type"] == "step"]


def test_a_due_timer_is_announced_as_it_wakes(alice):
    execution = engine.start_execution(make_workflow(alice, chain(WAIT_AN_HOUR)))
    in_an_hour = timezone.now() + timedelta(seconds=3601)
    messages = step_messages_while(
        alice,
        execution,
        lambda: engine.sweep(now=in_an_hour),
        lambda m: m["type"] == "step" and m["status"] == "succeeded",
    )
    # Woken to pending by the sweep, then claimed and finished by the (eager) worker.
    assert messages == [("wait", "pending", 1), ("wait", "running", 2), ("wait", "succeeded", 2)]


def test_a_dead_workers_step_taken_back_is_announced(alice):
    execution = engine.start_execution(make_workflow(alice, chain(WAIT_AN_HOUR)))
    # A worker claimed 'wait' and died: running with an old lease.
    Step.objects.filter(execution=execution, key="wait").update(
        status="running",
        lease_expires_at=timezone.now() - timedelta(seconds=1),
        lease_owner="dead",
        wake_at=None,
    )
    messages = step_messages_while(
        alice, execution, engine.sweep, lambda m: m["type"] == "step" and m["status"] == "waiting"
    )
    # Back to pending by the sweep, then run again by the (eager) worker.
    assert messages == [("wait", "pending", 1), ("wait", "running", 2), ("wait", "waiting", 2)]


def test_a_step_claimed_after_a_pause_is_given_back_and_announced(alice, monkeypatch):
    held: list[int] = []
    monkeypatch.setattr(advance, "dispatch", held.extend)
    execution = engine.start_execution(make_workflow(alice, chain(transform("a"))))
    engine.pause(execution)
    # The step's task arrives after the pause: it claims the step, then gives it back.
    messages = step_messages_while(
        alice,
        execution,
        lambda: engine.run_step(held[0]),
        lambda m: m["type"] == "step" and m["status"] == "pending",
    )
    assert messages == [("a", "running", 1), ("a", "pending", 0)]
    assert Step.objects.get(pk=held[0]).status == "pending"


@pytest.mark.parametrize("who", ["outsider", "anonymous"])
def test_others_are_closed_with_4403(alice, charlie, who):
    execution = engine.start_execution(make_workflow(alice, chain(transform("a"))))
    headers = session_headers(charlie) if who == "outsider" else [(b"origin", b"http://localhost")]

    async def scenario() -> list[dict]:
        closes = []
        for path in (f"/ws/executions/{execution.pk}/", f"/ws/workflows/{execution.workflow_id}/"):
            ws = connect(path, headers)
            await ws.connect()
            closes.append(await ws.receive_output(timeout=2))
            await ws.disconnect()
        return closes

    for output in asyncio.run(scenario()):
        assert output == {"type": "websocket.close", "code": 4403}


def test_foreign_origin_is_refused(alice):
    workflow = make_workflow(alice, chain(transform("a")))
    headers = session_headers(alice, origin="https://evil.example")

    async def scenario() -> bool:
        ws = connect(f"/ws/workflows/{workflow.pk}/", headers)
        connected, _ = await ws.connect()
        await ws.disconnect()
        return connected

    assert asyncio.run(scenario()) is False
