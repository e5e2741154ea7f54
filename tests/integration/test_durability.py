"""DESIGN §6 with real parts: worker crashes, broker loss, retries, long delays, control."""

from __future__ import annotations

import threading
import time
from datetime import datetime

import pytest
import redis
from django.conf import settings
from django.db.models import Q

from executions import engine
from executions.models import Execution, Step
from tests.engine_helpers import chain, make_workflow, recorder, transform
from tests.integration.conftest import wait_for

pytestmark = [pytest.mark.integration, pytest.mark.xdist_group("integration")]


def http(node_id: str, url: str, **extra) -> dict:
    return {"id": node_id, "type": "action.http", "config": {"url": url}, **extra}


def status_of(execution: Execution) -> str:
    return Execution.objects.values_list("status", flat=True).get(pk=execution.pk)


def finished(execution: Execution, timeout: float = 60) -> Execution:
    wait_for(
        lambda: status_of(execution) in ("succeeded", "failed", "cancelled"),
        timeout,
        what=f"execution {execution.pk} to finish",
    )
    return Execution.objects.get(pk=execution.pk)


def test_killing_a_worker_mid_step_loses_nothing_and_repeats_no_finished_step(queue_mode, alice):
    with recorder() as server:
        release = server.holds["/held"] = threading.Event()
        graph = chain(
            http("one", server.url + "/one"),
            http("held", server.url + "/held"),
            http("three", server.url + "/three"),
        )
        queue_mode.beat()
        doomed = queue_mode.worker(concurrency=1, name="doomed")
        execution = engine.start_execution(make_workflow(alice, graph))
        wait_for(
            lambda: any(r["path"] == "/held" for r in server.requests), 30, what="the held request"
        )
        doomed.kill()
        release.set()  # from now on /held answers at once
        queue_mode.worker(concurrency=1, name="replacement")
        execution = finished(execution, 60)
        assert execution.status == "succeeded", execution.error
        paths = [r["path"] for r in server.requests]
        assert paths.count("/one") == 1
        assert paths.count("/three") == 1
        assert 1 <= paths.count("/held") <= 2
        keys = {r["headers"]["Idempotency-Key"] for r in server.requests if r["path"] == "/held"}
        assert keys == {f"{execution.pk}:held"}
        step = Step.objects.get(execution=execution, key="held")
        assert "interrupted" in [a["status"] for a in step.attempts]


def test_flushing_redis_mid_execution_is_recovered_by_the_sweeps(queue_mode, alice):
    with recorder() as server:
        release = server.holds["/slow"] = threading.Event()
        graph = {
            "nodes": [
                {"id": "start", "type": "trigger.manual"},
                http("slow", server.url + "/slow"),
                http("fast", server.url + "/fast"),
                {"id": "join", "type": "utility.merge"},
            ],
            "edges": [
                {"source": "start", "target": "slow"},
                {"source": "start", "target": "fast"},
                {"source": "slow", "target": "join"},
                {"source": "fast", "target": "join"},
            ],
        }
        queue_mode.beat()
        queue_mode.worker(concurrency=1)  # busy with /slow, so the other step waits in Redis
        execution = engine.start_execution(make_workflow(alice, graph))
        wait_for(
            lambda: any(r["path"] == "/slow" for r in server.requests), 30, what="the slow request"
        )
        time.sleep(0.3)
        redis.Redis.from_url(settings.CELERY_BROKER_URL).flushdb()  # every queued message is gone
        release.set()
        execution = finished(execution, 60)
        assert execution.status == "succeeded", execution.error
        assert [r["path"] for r in server.requests].count("/fast") == 1


def test_retryable_errors_back_off_with_growing_delays_and_4xx_fails_at_once(queue_mode, alice):
    with recorder() as server:
        server.script = [(503, {}, {}), (503, {}, {})]
        queue_mode.beat()
        queue_mode.worker()
        retried = engine.start_execution(
            make_workflow(
                alice,
                chain(
                    http(
                        "call",
                        server.url + "/flaky",
                        retry={"max_attempts": 3, "initial_delay_ms": 1000, "multiplier": 3},
                    )
                ),
            )
        )
        retried = finished(retried, 30)
        assert retried.status == "succeeded", retried.error
        step = Step.objects.get(execution=retried, key="call")
        assert [a["status"] for a in step.attempts] == ["failed", "failed", "succeeded"]
        starts = [datetime.fromisoformat(a["started_at"]) for a in step.attempts]
        first_gap, second_gap = (
            (starts[1] - starts[0]).total_seconds(),
            (starts[2] - starts[1]).total_seconds(),
        )
        assert first_gap >= 0.8
        assert second_gap > first_gap

        server.script = [(400, {}, {"error": "bad request"})]
        failed = finished(
            engine.start_execution(make_workflow(alice, chain(http("call", server.url + "/bad"))))
        )
        assert failed.status == "failed"
        assert Step.objects.get(execution=failed, key="call").attempt == 1


def test_a_thousand_sleeping_executions_hold_no_worker(queue_mode, alice):
    queue_mode.beat()
    queue_mode.worker(concurrency=2)
    sleepy = make_workflow(
        alice,
        chain(
            {"id": "nap", "type": "utility.delay", "config": {"seconds": 20}}, transform("after")
        ),
        name="sleepy",
    )
    started = time.monotonic()
    executions = [engine.start_execution(sleepy) for _ in range(1000)]
    # Every delay has started its timer (a few early ones may already have woken up).
    reached_timer = Q(wake_at__isnull=False) | Q(status="succeeded")
    wait_for(
        lambda: (
            Step.objects.filter(reached_timer, execution__workflow=sleepy, key="nap").count()
            == 1000
        ),
        90,
        interval=0.5,
        what="1000 delays waiting",
    )
    quick = engine.start_execution(
        make_workflow(alice, chain(transform("a"), transform("b")), name="quick")
    )
    began = time.monotonic()
    quick = finished(quick, 10)
    assert quick.status == "succeeded"
    timeline = [
        (s.key, s.created_at, s.started_at, s.finished_at)
        for s in quick.steps.order_by("created_at")
    ]
    assert time.monotonic() - began < 1.0, (quick.created_at, timeline)
    wait_for(
        lambda: Execution.objects.filter(workflow=sleepy, status="succeeded").count() == 1000,
        max(30, 180 - (time.monotonic() - started)),
        interval=0.5,
        what="all 1000 executions",
    )
    assert len(executions) == 1000


def test_pause_resume_cancel_retry_and_replay_with_real_workers(queue_mode, alice):
    with recorder() as server:
        queue_mode.beat()
        queue_mode.worker()
        graph = chain(
            {"id": "nap", "type": "utility.delay", "config": {"seconds": 2}}, transform("after")
        )
        workflow = make_workflow(alice, graph)

        paused = engine.start_execution(workflow)
        wait_for(
            lambda: Step.objects.filter(execution=paused, key="nap", status="waiting").exists(), 10
        )
        engine.pause(paused)
        time.sleep(3)
        assert not Step.objects.filter(execution=paused, key="after").exists()
        engine.resume(Execution.objects.get(pk=paused.pk))
        assert finished(paused, 15).status == "succeeded"

        cancelled = engine.start_execution(workflow)
        wait_for(
            lambda: Step.objects.filter(execution=cancelled, key="nap", status="waiting").exists(),
            10,
        )
        engine.cancel(Execution.objects.get(pk=cancelled.pk))
        time.sleep(3)
        assert status_of(cancelled) == "cancelled"
        assert not Step.objects.filter(execution=cancelled, key="after").exists()

        server.script = [(400, {}, {})]
        flaky = make_workflow(alice, chain(transform("first"), http("call", server.url)))
        failed = finished(engine.start_execution(flaky), 15)
        assert failed.status == "failed"
        engine.retry(failed)
        retried = finished(failed, 15)
        assert retried.status == "succeeded"
        assert Step.objects.get(execution=retried, key="first").attempt == 1

        replayed = finished(engine.replay(retried), 15)
        assert replayed.status == "succeeded"
        assert replayed.replay_of_id == retried.pk
