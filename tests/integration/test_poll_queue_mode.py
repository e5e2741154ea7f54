"""trigger.poll for real (PostgreSQL, Redis, `celery beat` and a `celery worker`): beat's sweep
claims the due poll and a worker makes the request with the stored credential; the first poll
records what exists, a later one starts one run per new item, the runs finish in the worker,
an item is never run twice, and the token is in no stored byte."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from credentials import store
from editor.models import Poll, Workflow
from executions.models import Execution
from tests.fakes import Answer, FakeService, Received, running
from tests.integration.conftest import wait_for
from tests.test_secret_hygiene import dump_every_table

pytestmark = [pytest.mark.integration, pytest.mark.xdist_group("integration")]
TOKEN = "poll-it-token-Hq51Lx09Zc"


class Orders(FakeService):
    def __init__(self) -> None:
        super().__init__()
        self.orders: list[dict[str, Any]] = [{"id": 1}, {"id": 2}]

    def respond(self, request: Received) -> Answer:
        if request.headers.get("authorization") != f"Bearer {TOKEN}":
            return Answer(401, {"error": "unauthorized"})
        return Answer(200, {"data": {"orders": list(self.orders)}})


def test_beat_sends_due_polls_to_a_worker_which_starts_a_run_per_new_item(
    queue_mode: Any, alice: Any, settings: Any
) -> None:
    queue_mode.env["WORKFUSE_VAULT_DIR"] = str(settings.WORKFUSE_VAULT_DIR)
    with running(Orders()) as api:
        credential = store.create(alice, "Orders API", "bearer", TOKEN)
        graph = {
            "nodes": [
                {
                    "id": "new_order",
                    "type": "trigger.poll",
                    "config": {
                        "url": f"{api.url}/orders",
                        "credential": credential.pk,
                        "auth": "bearer",
                        "items_path": "data.orders",
                        "id_field": "id",
                        "interval_seconds": 30,
                    },
                },
                {
                    "id": "note",
                    "type": "utility.transform",
                    "config": {"language": "template", "expression": "order {{ trigger.id }}"},
                },
            ],
            "edges": [{"source": "new_order", "target": "note"}],
        }
        workflow = Workflow.create(alice, "orders", graph=graph)
        workflow.is_active = True
        workflow.save()
        worker = queue_mode.worker(concurrency=1)
        queue_mode.beat()

        wait_for(lambda: Poll.objects.get(workflow=workflow).primed, 60, what="the first poll")
        poll = Poll.objects.get(workflow=workflow)
        assert (poll.last_status, poll.last_found, poll.last_started) == ("ok", 2, 0)
        assert not Execution.objects.exists()

        api.orders += [{"id": 3, "note": f"echo {TOKEN}"}, {"id": 4}]
        Poll.objects.filter(pk=poll.pk).update(next_poll_at=timezone.now())  # 30 s pass
        wait_for(
            lambda: Execution.objects.filter(workflow=workflow, status="succeeded").count() == 2,
            60,
            what="the runs of the two new orders",
        )
        Poll.objects.filter(pk=poll.pk).update(next_poll_at=timezone.now())
        wait_for(
            lambda: len(api.requests) >= 3 and Poll.objects.get(pk=poll.pk).claimed_at is None,
            60,
            what="a third poll",
        )

    runs = Execution.objects.filter(workflow=workflow)
    assert sorted(r.trigger_data["id"] for r in runs) == [3, 4]  # never twice
    assert {r.trigger_kind for r in runs} == {"poll"}
    assert sorted(r.steps.get(key="note").output["result"] for r in runs) == [
        "order 3",
        "order 4",
    ]
    assert "executions.tasks.poll_task" in worker.log.read_text()
    assert TOKEN not in dump_every_table()
