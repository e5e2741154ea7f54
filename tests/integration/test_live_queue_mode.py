"""DESIGN §7 for real: a WebSocket client on a uvicorn server (Redis channel layer) follows a
run executed by a `celery worker` process; only the owner may listen."""

from __future__ import annotations

import http.client
import json
import time
from datetime import datetime
from typing import Any

import pytest
from django.test import Client
from websockets.exceptions import ConnectionClosed, InvalidStatus
from websockets.sync.client import ClientConnection, connect
from websockets.typing import Origin

from accounts.models import ApiToken
from tests.conftest import PASSWORD
from tests.engine_helpers import chain, make_workflow, transform
from tests.integration.conftest import QueueMode

pytestmark = [pytest.mark.integration, pytest.mark.xdist_group("integration")]

KEYS = ["start", "a", "b", "c"]


def session_cookie(user: Any) -> str:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return f"sessionid={client.cookies['sessionid'].value}"


def open_socket(
    mode: QueueMode, path: str, cookie: str | None, origin: str | None = None
) -> ClientConnection:
    headers = {"Cookie": cookie} if cookie else {}
    return connect(
        f"ws://127.0.0.1:{mode.port}{path}",
        origin=Origin(origin or mode.url),
        additional_headers=headers,
        proxy=None,
        open_timeout=10,
    )


def receive(ws: ClientConnection, timeout: float = 10) -> dict[str, Any]:
    return json.loads(ws.recv(timeout=timeout))


def run_over_http(mode: QueueMode, user: Any, workflow_id: int) -> str:
    """POST /api/workflows/<id>/run to the uvicorn server with a bearer token."""
    _, token = ApiToken.issue(user, "live test")
    conn = http.client.HTTPConnection("127.0.0.1", mode.port, timeout=10)
    try:
        conn.request(
            "POST",
            f"/api/workflows/{workflow_id}/run",
            body=json.dumps({"payload": {"hello": "world"}}),
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        )
        response = conn.getresponse()
        body = response.read().decode()
    finally:
        conn.close()
    assert response.status == 202, body
    return json.loads(body)["execution_id"]


def key_status(message: dict[str, Any]) -> tuple[str, str]:
    return message["key"], message["status"]


def assert_sent_at(message: dict[str, Any]) -> None:
    sent_at = message["sent_at"]
    assert datetime.fromisoformat(sent_at).tzinfo is not None, sent_at
    assert "." in sent_at, f"no microseconds in {sent_at}"


def test_owner_follows_a_worker_run_live_over_a_real_socket(queue_mode, alice):
    queue_mode.worker(concurrency=2)
    queue_mode.web()
    workflow = make_workflow(alice, chain(transform("a"), transform("b"), transform("c")))
    cookie = session_cookie(alice)

    with open_socket(queue_mode, f"/ws/workflows/{workflow.pk}/", cookie) as ws:
        snapshot = receive(ws)
        assert snapshot["type"] == "snapshot"
        assert snapshot["execution"] is None and snapshot["steps"] == []
        assert_sent_at(snapshot)

        execution_id = run_over_http(queue_mode, alice, workflow.pk)
        messages = []
        deadline = time.monotonic() + 60
        while True:  # the workflow group may also carry other runs' messages: keep this one's
            message = receive(ws, timeout=deadline - time.monotonic())
            if message.get("execution_id") != execution_id:
                continue
            messages.append(message)
            if message["type"] == "execution" and message["status"] in ("succeeded", "failed"):
                break

    for message in messages:
        assert_sent_at(message)
    final = messages[-1]
    assert final["status"] == "succeeded", final
    assert final["finished_at"] and final["duration_ms"] is not None
    steps = [key_status(m) for m in messages if m["type"] == "step"]
    assert ("start", "running") not in steps, steps  # a trigger's step is created finished
    for key in KEYS[1:]:
        assert steps.count((key, "running")) == 1, steps
        assert steps.count((key, "succeeded")) == 1, steps
        assert steps.index((key, "running")) < steps.index((key, "succeeded")), steps
    assert steps.count(("start", "succeeded")) == 1, steps
    # The chain runs in order, and every step's result arrives before the execution's end
    # (reading stopped at the end, so a late step message would have failed the counts above).
    succeeded = [key for key, status in steps if status == "succeeded"]
    assert succeeded == KEYS
    last = next(m for m in messages if m["type"] == "step" and key_status(m) == ("c", "succeeded"))
    assert last["node_id"] == "c" and last["attempt"] == 1
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
    assert step["started_at"] and step["finished_at"] and step["error"] is None

    # A reconnect re-syncs from the snapshot: the execution socket shows the finished run.
    with open_socket(queue_mode, f"/ws/executions/{execution_id}/", cookie) as ws:
        snapshot = receive(ws)
    assert snapshot["type"] == "snapshot"
    assert snapshot["execution"]["status"] == "succeeded"
    assert {s["key"]: s["status"] for s in snapshot["steps"]} == dict.fromkeys(KEYS, "succeeded")


def test_an_idle_socket_stays_open_and_still_gets_the_next_run(queue_mode, alice):
    queue_mode.worker(concurrency=1)
    queue_mode.web()
    workflow = make_workflow(alice, chain(transform("a")))
    with open_socket(queue_mode, f"/ws/workflows/{workflow.pk}/", session_cookie(alice)) as ws:
        assert receive(ws)["type"] == "snapshot"
        with pytest.raises(TimeoutError):  # nothing to say for a while: the socket stays open
            ws.recv(timeout=8)
        execution_id = run_over_http(queue_mode, alice, workflow.pk)
        deadline = time.monotonic() + 30
        statuses = []
        while "succeeded" not in statuses:
            message = receive(ws, timeout=deadline - time.monotonic())
            if message.get("execution_id") == execution_id and message["type"] == "execution":
                statuses.append(message["status"])
        assert statuses == ["running", "succeeded"]


@pytest.mark.parametrize("who", ["outsider", "anonymous"])
def test_others_are_closed_with_4403_by_the_real_server(queue_mode, alice, charlie, who):
    from executions import engine

    queue_mode.worker(concurrency=1)
    queue_mode.web()
    execution = engine.start_execution(make_workflow(alice, chain(transform("a"))))
    cookie = session_cookie(charlie) if who == "outsider" else None
    for path in (f"/ws/executions/{execution.pk}/", f"/ws/workflows/{execution.workflow_id}/"):
        with open_socket(queue_mode, path, cookie) as ws, pytest.raises(ConnectionClosed) as closed:
            ws.recv(timeout=10)
        assert closed.value.rcvd is not None, path
        assert closed.value.rcvd.code == 4403, path


def test_a_foreign_origin_is_refused_at_the_handshake(queue_mode, alice):
    queue_mode.web()
    workflow = make_workflow(alice, chain(transform("a")))
    with pytest.raises(InvalidStatus) as refused:
        open_socket(
            queue_mode,
            f"/ws/workflows/{workflow.pk}/",
            session_cookie(alice),
            origin="https://evil.example",
        )
    assert refused.value.response.status_code == 403
