"""A bounded chaos run in queue mode: workers are killed with -9 at random while a few hundred
executions (with code, HTTP and transform steps) run. None may be lost, and no step that had
finished may run again (docs/security.md, "Chaos and fuzz tests")."""

from __future__ import annotations

import random
import time
from collections import Counter

import pytest

from executions import engine
from executions.models import Execution, Step
from tests.engine_helpers import chain, make_workflow, recorder, transform
from tests.integration.conftest import wait_for

pytestmark = [pytest.mark.integration, pytest.mark.xdist_group("integration")]

EXECUTIONS = 200
CHAOS_SECONDS = 12
# Random kills go on past the chaos period until this many happened: on a slow machine starting a
# worker takes seconds, and 12 s held only one.
MIN_RANDOM_KILLS = 3


def test_killing_workers_at_random_loses_no_execution_and_repeats_no_finished_step(
    queue_mode, alice
):
    rng = random.Random(20261206)
    with recorder() as server:
        graph = chain(
            transform("shape", "{n: n}"),
            {
                "id": "code",
                "type": "action.code",
                "config": {
                    "code": "let s = 0; for (let i = 0; i < 2e5; i++) s += i; return input.n * 2;"
                },
            },
            {
                "id": "call",
                "type": "action.http",
                "config": {"method": "POST", "url": server.url + "/record"},
            },
            transform("done", "status"),
        )
        workflow = make_workflow(alice, graph)
        # A step whose worker dies WORKFUSE_MAX_INTERRUPTIONS times in a row fails on purpose
        # (tests/test_engine.py covers that); here kills are random, so a step may be hit three times.
        queue_mode.env["WORKFUSE_MAX_INTERRUPTIONS"] = "100"
        queue_mode.beat()
        workers = [queue_mode.worker(concurrency=2, name=f"w{i}") for i in range(2)]
        # Submissions are spread over the chaos period, so kills land while steps run; the
        # HTTP step takes 0.2 s. Halfway through, every worker is killed while a request is in
        # flight, so at least one kill lands mid-step whatever the random ones hit.
        server.delays["/record"] = 0.2
        executions, random_kills, everyone_killed = [], 0, False
        started = time.monotonic()
        next_kill = started + rng.uniform(0.5, 1.5)

        def chaos_on() -> bool:
            return time.monotonic() - started < CHAOS_SECONDS or random_kills < MIN_RANDOM_KILLS

        while len(executions) < EXECUTIONS or chaos_on():
            if len(executions) < EXECUTIONS:
                executions.append(engine.start_execution(workflow, {"n": len(executions)}))
            halfway = time.monotonic() - started > CHAOS_SECONDS / 2
            if halfway and not everyone_killed and server.in_flight:
                for victim in workers:
                    victim.kill()
                workers = [queue_mode.worker(concurrency=2, name=f"all{i}") for i in range(2)]
                everyone_killed = True
            elif time.monotonic() >= next_kill and chaos_on():
                # Only within the chaos period (or until enough kills): on a loaded machine
                # submitting takes longer, and kills kept coming as long as it did.
                victim = workers.pop(rng.randrange(len(workers)))
                victim.kill()
                random_kills += 1
                workers.append(queue_mode.worker(concurrency=2, name=f"w{random_kills + 1}"))
                next_kill = time.monotonic() + rng.uniform(0.3, 1.5)
            time.sleep(CHAOS_SECONDS / EXECUTIONS)

        ids = [e.pk for e in executions]
        wait_for(
            lambda: (
                not Execution.objects.filter(pk__in=ids)
                .exclude(status__in=["succeeded", "failed", "cancelled"])
                .exists()
            ),
            180,
            what="every execution to finish",
        )

    statuses = Counter(Execution.objects.filter(pk__in=ids).values_list("status", flat=True))
    failures = [
        (s.execution_id, s.key, s.attempts)
        for s in Step.objects.filter(execution_id__in=ids).exclude(status="succeeded")
    ]
    assert statuses == {"succeeded": EXECUTIONS}, (statuses, failures)
    assert everyone_killed and random_kills >= MIN_RANDOM_KILLS
    interrupted = [
        s
        for s in Step.objects.filter(execution_id__in=ids)
        if any(a["status"] == "interrupted" for a in s.attempts)
    ]
    assert interrupted, "no kill landed on a running step: the run tested nothing"

    steps = Step.objects.filter(execution_id__in=ids)
    assert steps.count() == EXECUTIONS * 5  # the trigger and four steps each, none twice
    sent = Counter(r["headers"]["Idempotency-Key"] for r in server.requests)
    for step in steps:
        outcomes = Counter(a["status"] for a in step.attempts)
        assert outcomes["succeeded"] == 1, (step.key, step.attempts)  # finished exactly once
        if step.key == "call":
            # At least once: a request is sent again only when its worker died mid-step.
            assert 1 <= sent[f"{step.execution_id}:call"] <= 1 + outcomes["interrupted"]
