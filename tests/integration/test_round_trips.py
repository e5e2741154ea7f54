"""How often a synchronous webhook's request waits for PostgreSQL (docs/performance.md).

A round trip is counted from libpq's own trace of the connection: every time the client sent
something and then read the server's answer. That counts a separate BEGIN and a COMMIT as the
round trips they are, and a pipeline of statements as one, which timing cannot do reliably on
a shared machine.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from psycopg import pq

from editor.models import Workflow
from executions.models import Execution, Step

pytestmark = [
    pytest.mark.integration,
    pytest.mark.xdist_group("integration"),
    pytest.mark.django_db(transaction=True),
]

# The benchmark's workflow (bench/webhooks_vs_n8n.py): webhook -> set -> code -> set.
GRAPH = {
    "nodes": [
        {
            "id": "hook",
            "type": "trigger.webhook",
            "config": {"methods": ["POST"], "response": "last_node"},
        },
        {
            "id": "set_n",
            "type": "utility.transform",
            "config": {"expression": "{n: body.n, tag: 'bench'}"},
        },
        {
            "id": "code",
            "type": "action.code",
            "config": {"code": "const v = input.result; return {...v, c: v.n * 2 + 1};"},
        },
        {
            "id": "set_done",
            "type": "utility.transform",
            "config": {"expression": "merge(result, {done: `true`})"},
        },
    ],
    "edges": [
        {"source": "hook", "target": "set_n"},
        {"source": "set_n", "target": "code"},
        {"source": "code", "target": "set_done"},
    ],
}


@dataclass
class Trace:
    """What the connection sent and received, as libpq traced it."""

    lines: list[str] = field(default_factory=list)

    @property
    def round_trips(self) -> int:
        """Times the client waited: each run of messages it sent followed by an answer."""
        trips, sending = 0, False
        for line in self.lines:
            if line.startswith("F\t"):
                sending = True
            elif line.startswith("B\t") and sending:
                trips, sending = trips + 1, False
        return trips

    @property
    def statements(self) -> list[str]:
        """The SQL sent, in order (for a failing assertion's message)."""
        sent = [line.split("\t", 3)[-1] for line in self.lines if "\tQuery\t" in line]
        return sent + [line.split("\t", 3)[-1] for line in self.lines if "\tParse\t" in line]


@contextmanager
def traced() -> Iterator[Trace]:
    """Trace this thread's database connection (the test client runs the view in it)."""
    connection.ensure_connection()
    pgconn = connection.connection.pgconn
    trace = Trace()
    with tempfile.TemporaryFile("w+") as out:
        pgconn.trace(out.fileno())
        pgconn.set_trace_flags(pq.Trace.SUPPRESS_TIMESTAMPS | pq.Trace.REGRESS_MODE)
        try:
            yield trace
        finally:
            pgconn.untrace()  # flushes libpq's buffer into `out`
            out.seek(0)
            trace.lines = out.read().splitlines()


def hook(owner: Any, graph: dict[str, Any] = GRAPH) -> Workflow:
    workflow = Workflow.create(owner, "W2", graph=graph)
    workflow.is_active = True
    workflow.save()
    return workflow


def call(workflow: Workflow) -> Any:
    return Client().post(
        f"/hooks/{workflow.webhook_token}",
        data=json.dumps({"n": 7}),
        content_type="application/json",
    )


def test_a_synchronous_webhook_of_four_nodes_costs_few_round_trips(alice):
    workflow = hook(alice)
    assert call(workflow).status_code == 200  # warm: the version, its plan, the code sandbox
    with traced() as trace:
        response = call(workflow)
    assert response.status_code == 200
    assert response.json() == {"result": {"n": 7, "tag": "bench", "c": 15, "done": True}}
    execution = Execution.objects.exclude(pk__in=[]).order_by("-created_at").first()
    assert execution is not None and execution.status == "succeeded"
    steps = {s.key: s.status for s in Step.objects.filter(execution=execution)}
    assert steps == dict.fromkeys(("hook", "set_n", "code", "set_done"), "succeeded")
    print(f"round trips: {trace.round_trips}")
    for statement in trace.statements:
        print(statement[:160])
    assert trace.round_trips <= 100, trace.statements
