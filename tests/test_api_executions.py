"""/api/executions and POST /api/workflows/{id}/run as a token-holding script uses them
(DESIGN §8). Celery tasks run eagerly on commit; time moves by calling the sweep with a later
`now`; failing steps come from a local HTTP server answering 400."""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime, timedelta
from unittest import mock

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from editor.models import Workflow
from executions import engine
from executions.models import Execution, RunRequest
from tests.conftest import ApiClient
from tests.engine_helpers import chain, make_workflow, recorder, transform

pytestmark = pytest.mark.django_db(transaction=True)

EXECUTION_KEYS = {
    "id",
    "workflow",
    "version",
    "status",
    "trigger",
    "started_at",
    "finished_at",
    "duration_ms",
    "error",
    "steps",
}
# Beyond the contract: why a run waits, its lineage, the trigger node it started at, and the
# data it started with.
EXECUTION_EXTRA_KEYS = {
    "trigger_node",
    "waiting_reason",
    "created_at",
    "replay_of",
    "trigger_data",
    "rerun_from",
    "parent",  # sub-workflows: the run that called it, and the runs it called
    "children",
    # --- errorflows ---
    "error_of",
    "error_runs",
    # --- end errorflows ---
    "ai_tokens",  # agents: the run's AI spend and its agent steps' checkpoints
    "ai_cost_usd",
    "agent_events",
    "n8n",  # n8nitems: ?view=n8n, a run of an imported n8n workflow as n8n items (else null)
}
STEP_KEYS = {
    "node_id",
    "key",
    "status",
    "attempt",
    "attempts",
    "input",
    "output",
    "error",
    "started_at",
    "finished_at",
    "duration_ms",
}
STEP_EXTRA_KEYS = {"wake_at", "reused"}
CONTROLS = ("cancel", "pause", "resume", "retry", "replay")


@pytest.fixture(autouse=True)
def private_targets(settings):
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True


def later(seconds: float) -> datetime:
    return timezone.now() + timedelta(seconds=seconds)


def delay(seconds: int = 3600) -> dict:
    return {"id": "wait", "type": "utility.delay", "config": {"seconds": seconds}}


def http_call(url: str) -> dict:
    return {"id": "call", "type": "action.http", "config": {"url": url}}


def run(api, workflow: Workflow, payload=None) -> dict:
    response = api.post(f"/api/workflows/{workflow.pk}/run", {"payload": payload})
    assert response.status_code == 202, response.content
    return response.json()


def read(api, execution_id: str) -> dict:
    response = api.get(f"/api/executions/{execution_id}")
    assert response.status_code == 200, response.content
    return response.json()


def steps_of(execution: dict) -> dict[str, dict]:
    return {s["key"]: s for s in execution["steps"]}


def listed(api, query: str = "") -> dict:
    response = api.get(f"/api/executions{query}")
    assert response.status_code == 200, response.content
    return response.json()


# --- starting a run --------------------------------------------------------------------------


def test_run_answers_202_with_the_execution_id_and_runs_with_the_payload(alice, alice_api):
    workflow = make_workflow(alice, chain(transform("pick", "order.total")))
    started = run(alice_api, workflow, {"order": {"total": 42}})
    assert set(started) >= {"execution_id", "status"}
    assert started["status"] == "running"
    execution = read(alice_api, started["execution_id"])
    assert execution["status"] == "succeeded"
    assert execution["trigger"] == "api"
    assert execution["trigger_data"] == {"order": {"total": 42}}
    assert steps_of(execution)["pick"]["output"] == {"result": 42}


def test_run_without_a_payload_starts_with_empty_trigger_data(alice, alice_api):
    workflow = make_workflow(alice, chain(transform("echo")))
    response = alice_api.post(f"/api/workflows/{workflow.pk}/run", {})
    assert response.status_code == 202
    execution = read(alice_api, response.json()["execution_id"])
    assert (execution["status"], execution["trigger_data"]) == ("succeeded", {})


def test_run_of_an_invalid_workflow_is_refused_with_details(alice, alice_api):
    graph = chain(transform("echo"), extra_edges=[{"source": "echo", "target": "nowhere"}])
    workflow = Workflow.create(alice, "Broken", graph=graph)  # saved before validation got stricter
    response = alice_api.post(f"/api/workflows/{workflow.pk}/run", {"payload": {}})
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid_graph"
    assert body["message"].startswith("The workflow cannot run:")
    assert body["details"]
    assert all({"node_id", "field", "message"} <= set(issue) for issue in body["details"])
    assert any("nowhere" in issue["message"] for issue in body["details"])
    assert not Execution.objects.exists()


# --- reading an execution --------------------------------------------------------------------


def test_execution_detail_has_the_documented_keys_for_it_and_each_step(alice, alice_api):
    workflow = make_workflow(alice, chain(transform("echo", "n")))
    execution = read(alice_api, run(alice_api, workflow, {"n": 1})["execution_id"])
    assert set(execution) == EXECUTION_KEYS | EXECUTION_EXTRA_KEYS
    assert execution["workflow"] == workflow.pk
    assert execution["version"] == 1
    assert execution["error"] == ""
    assert isinstance(execution["duration_ms"], int)
    started = datetime.fromisoformat(execution["started_at"])
    finished = datetime.fromisoformat(execution["finished_at"])
    assert started <= finished
    assert [s["key"] for s in execution["steps"]] == ["start", "echo"]
    for step in execution["steps"]:
        assert set(step) == STEP_KEYS | STEP_EXTRA_KEYS
        assert (step["status"], step["attempt"], step["error"]) == ("succeeded", 1, "")
        assert [a["status"] for a in step["attempts"]] == ["succeeded"]
    echo = steps_of(execution)["echo"]
    assert echo["input"]["expression"] == "n"
    assert echo["output"] == {"result": 1}
    assert isinstance(echo["duration_ms"], int)


def test_a_failing_step_shows_each_attempt_and_the_execution_error(alice, alice_api):
    with recorder() as server:
        server.script = [(503, {}, {"error": "busy"}), (400, {}, {"error": "bad"})]
        workflow = make_workflow(alice, chain(http_call(server.url), transform("after")))
        execution_id = run(alice_api, workflow)["execution_id"]

        waiting = read(alice_api, execution_id)
        call = steps_of(waiting)["call"]
        assert waiting["status"] == "running"
        assert (call["status"], call["attempt"], call["wake_at"] is not None) == (
            "waiting",
            1,
            True,
        )
        assert "HTTP 503" in call["error"]

        engine.sweep(now=later(120))
        failed = read(alice_api, execution_id)
    assert failed["status"] == "failed"
    assert "Step 'call' failed" in failed["error"] and "HTTP 400" in failed["error"]
    call = steps_of(failed)["call"]
    assert (call["status"], call["attempt"]) == ("failed", 2)
    assert [(a["attempt"], a["status"], a["retryable"]) for a in call["attempts"]] == [
        (1, "failed", True),
        (2, "failed", False),
    ]
    assert "HTTP 400" in call["attempts"][1]["error"]
    assert "after" not in steps_of(failed)


def test_unknown_execution_answers_404_in_the_error_shape(alice_api):
    response = alice_api.get("/api/executions/00000000-0000-0000-0000-000000000000")
    assert response.status_code == 404
    assert response.json() == {"code": "not_found", "message": "Not found.", "details": None}


def test_requests_without_a_token_answer_401(db):
    response = Client().get("/api/executions")
    assert response.status_code == 401
    assert response.json()["code"] == "unauthorized"


# --- listing ---------------------------------------------------------------------------------


def test_list_is_paginated_newest_first(alice, alice_api):
    workflow = make_workflow(alice, chain(transform("echo")))
    ids = [run(alice_api, workflow, {"n": n})["execution_id"] for n in range(3)]
    page = listed(alice_api)
    assert page["count"] == 3
    assert [e["id"] for e in page["items"]] == ids[::-1]
    assert "steps" not in page["items"][0]
    first = listed(alice_api, "?limit=2")
    rest = listed(alice_api, "?limit=2&offset=2")
    assert (first["count"], rest["count"]) == (3, 3)
    assert [e["id"] for e in first["items"] + rest["items"]] == ids[::-1]


def test_list_filters_by_workflow_status_and_trigger(alice, alice_api):
    with recorder() as server:
        server.script = [(400, {}, {})]
        failing = make_workflow(alice, chain(http_call(server.url)), name="failing")
        fine = make_workflow(alice, chain(transform("echo")), name="fine")
        failed_id = run(alice_api, failing)["execution_id"]
    api_id = run(alice_api, fine)["execution_id"]
    manual_id = str(engine.start_execution(fine, {}, trigger_kind="manual").id)

    def ids(query: str) -> set[str]:
        return {e["id"] for e in listed(alice_api, query)["items"]}

    assert ids(f"?workflow={failing.pk}") == {failed_id}
    assert ids(f"?workflow={fine.pk}") == {api_id, manual_id}
    assert ids("?status=failed") == {failed_id}
    assert ids("?status=succeeded") == {api_id, manual_id}
    assert ids("?trigger=manual") == {manual_id}
    assert ids(f"?workflow={fine.pk}&trigger=api&status=succeeded") == {api_id}
    assert ids("?status=cancelled") == set()


def test_list_filters_by_start_time(alice, alice_api):
    workflow = make_workflow(alice, chain(transform("echo")))
    days = {}
    for day in (1, 2, 3):
        execution_id = run(alice_api, workflow)["execution_id"]
        moment = datetime(2030, 1, day, 12, tzinfo=UTC)
        Execution.objects.filter(pk=execution_id).update(created_at=moment, started_at=moment)
        days[day] = execution_id

    def ids(query: str) -> set[str]:
        return {e["id"] for e in listed(alice_api, query)["items"]}

    assert ids("?started_after=2030-01-02T00:00:00Z") == {days[2], days[3]}
    assert ids("?started_before=2030-01-02T00:00:00Z") == {days[1]}
    assert ids("?started_after=2030-01-02T00:00:00Z&started_before=2030-01-03T00:00:00Z") == {
        days[2]
    }


def test_list_refuses_an_unknown_status_with_the_field_named(alice_api):
    response = alice_api.get("/api/executions?status=exploded")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert [d["field"] for d in body["details"]] == ["status"]


# --- control ---------------------------------------------------------------------------------


def test_pause_holds_a_due_timer_and_resume_lets_the_run_finish(alice, alice_api):
    workflow = make_workflow(alice, chain(delay(10), transform("after")))
    execution_id = run(alice_api, workflow)["execution_id"]
    assert steps_of(read(alice_api, execution_id))["wait"]["status"] == "waiting"

    paused = alice_api.post(f"/api/executions/{execution_id}/pause")
    assert paused.status_code == 200
    assert paused.json()["status"] == "paused"
    engine.sweep(now=later(11))
    held = read(alice_api, execution_id)
    assert held["status"] == "paused"
    assert steps_of(held)["wait"]["status"] == "waiting"

    resumed = alice_api.post(f"/api/executions/{execution_id}/resume")
    assert resumed.status_code == 200
    assert resumed.json()["status"] == "running"
    engine.sweep(now=later(11))
    finished = read(alice_api, execution_id)
    assert finished["status"] == "succeeded"
    assert steps_of(finished)["after"]["status"] == "succeeded"


def test_cancel_stops_waiting_steps_and_cancelling_again_is_a_conflict(alice, alice_api):
    workflow = make_workflow(alice, chain(delay(), transform("after")))
    execution_id = run(alice_api, workflow)["execution_id"]

    cancelled = alice_api.post(f"/api/executions/{execution_id}/cancel")
    assert cancelled.status_code == 200
    body = cancelled.json()
    assert body["status"] == "cancelled"
    assert body["finished_at"] is not None
    assert steps_of(body)["wait"]["status"] == "cancelled"
    engine.sweep(now=later(3601))
    assert "after" not in steps_of(read(alice_api, execution_id))

    again = alice_api.post(f"/api/executions/{execution_id}/cancel")
    assert again.status_code == 409
    assert again.json()["code"] == "conflict"
    assert "already cancelled" in again.json()["message"]


@pytest.mark.parametrize(
    ("action", "says"),
    [
        ("resume", "Only a paused execution can be resumed"),
        ("retry", "Only a failed execution can be retried"),
        ("pause", "Only a running or pending execution can be paused"),
        ("cancel", "already succeeded"),
    ],
)
def test_impossible_transitions_of_a_finished_execution_answer_409(alice, alice_api, action, says):
    workflow = make_workflow(alice, chain(transform("echo")))
    execution_id = run(alice_api, workflow)["execution_id"]
    response = alice_api.post(f"/api/executions/{execution_id}/{action}")
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "conflict"
    assert says in body["message"]
    assert read(alice_api, execution_id)["status"] == "succeeded"


def test_retry_runs_the_failed_step_again_in_the_same_execution(alice, alice_api):
    with recorder() as server:
        server.script = [(400, {}, {"error": "bad"})]  # then 200 {"ok": true}
        workflow = make_workflow(
            alice, chain(transform("first"), http_call(server.url), transform("after"))
        )
        execution_id = run(alice_api, workflow)["execution_id"]
        failed = read(alice_api, execution_id)
        assert failed["status"] == "failed"

        retried = alice_api.post(f"/api/executions/{execution_id}/retry")
        assert retried.status_code == 200
        assert retried.json()["id"] == execution_id
        assert len(server.requests) == 2
    done = read(alice_api, execution_id)
    assert (done["status"], done["error"]) == ("succeeded", "")
    steps = steps_of(done)
    assert steps["first"]["finished_at"] == steps_of(failed)["first"]["finished_at"]
    assert steps["call"]["attempt"] == 2
    assert [a["status"] for a in steps["call"]["attempts"]] == ["failed", "succeeded"]
    assert steps["call"]["output"]["body"] == {"ok": True}
    assert steps["after"]["status"] == "succeeded"
    assert Execution.objects.count() == 1


def test_replay_starts_a_new_execution_with_the_same_trigger_data(alice, alice_api):
    workflow = make_workflow(alice, chain(transform("echo", "n")))
    original_id = run(alice_api, workflow, {"n": 5})["execution_id"]

    replayed = alice_api.post(f"/api/executions/{original_id}/replay")
    assert replayed.status_code == 202
    new_id = replayed.json()["execution_id"]
    assert new_id != original_id
    replay = read(alice_api, new_id)
    assert (replay["trigger"], replay["replay_of"], replay["version"]) == (
        "replay",
        original_id,
        1,
    )
    assert replay["trigger_data"] == {"n": 5}
    assert steps_of(replay)["echo"]["output"] == {"result": 5}

    workflow.save_graph(chain(transform("echo", "n"), transform("twice", "result")), user=alice)
    latest = alice_api.post(f"/api/executions/{original_id}/replay", {"latest_version": True})
    newest = read(alice_api, latest.json()["execution_id"])
    assert newest["version"] == 2
    assert steps_of(newest)["twice"]["output"] == {"result": 5}


def test_rerun_from_a_node_with_new_settings_reuses_the_outputs_before_it(alice, alice_api):
    double = {"language": "template", "expression": "{{ nodes.a.result * 2 }}"}
    workflow = make_workflow(
        alice,
        chain(
            transform("a", "n"),
            {"id": "b", "type": "utility.transform", "config": double},
            transform("c", "result"),
        ),
    )
    original_id = run(alice_api, workflow, {"n": 5})["execution_id"]
    tenfold = {"language": "template", "expression": "{{ nodes.a.result * 10 }}"}
    response = alice_api.post(
        f"/api/executions/{original_id}/rerun", {"node_id": "b", "config": tenfold}
    )
    assert response.status_code == 202
    rerun = read(alice_api, response.json()["execution_id"])
    assert (rerun["status"], rerun["trigger"], rerun["rerun_from"]) == ("succeeded", "rerun", "b")
    steps = steps_of(rerun)
    assert (steps["a"]["reused"], steps["b"]["reused"]) == (True, False)
    assert steps["c"]["output"] == {"result": 50}
    assert steps_of(read(alice_api, original_id))["c"]["output"] == {"result": 10}


def test_rerun_from_a_node_the_workflow_does_not_have_is_a_conflict(alice, alice_api):
    workflow = make_workflow(alice, chain(transform("a")))
    execution_id = run(alice_api, workflow)["execution_id"]
    response = alice_api.post(f"/api/executions/{execution_id}/rerun", {"node_id": "ghost"})
    assert response.status_code == 409
    assert response.json()["code"] == "conflict"
    assert "'ghost' is not a node" in response.json()["message"]


# --- concurrency limit -----------------------------------------------------------------------


def test_concurrency_limit_shows_extra_runs_as_pending_with_the_reason(alice, alice_api):
    workflow = make_workflow(alice, chain(delay(60)))
    workflow.max_concurrency = 1
    workflow.save()
    first_id = run(alice_api, workflow)["execution_id"]

    queued = run(alice_api, workflow)
    assert queued["status"] == "pending"
    assert "1 of 1 allowed executions" in queued["waiting_reason"]
    second = read(alice_api, queued["execution_id"])
    assert (second["status"], second["started_at"], second["steps"]) == ("pending", None, [])
    assert "1 of 1 allowed executions" in second["waiting_reason"]
    pending = listed(alice_api, "?status=pending")
    assert [e["id"] for e in pending["items"]] == [queued["execution_id"]]
    assert pending["items"][0]["waiting_reason"] == second["waiting_reason"]

    engine.sweep(now=later(61))
    assert read(alice_api, first_id)["status"] == "succeeded"
    admitted = read(alice_api, queued["execution_id"])
    assert (admitted["status"], admitted["waiting_reason"]) == ("running", "")
    assert steps_of(admitted)["wait"]["status"] == "waiting"


def test_cancelling_the_running_execution_admits_the_pending_one(alice, alice_api):
    workflow = make_workflow(alice, chain(delay()))
    workflow.max_concurrency = 1
    workflow.save()
    first_id = run(alice_api, workflow)["execution_id"]
    second_id = run(alice_api, workflow)["execution_id"]
    assert read(alice_api, second_id)["status"] == "pending"

    assert alice_api.post(f"/api/executions/{first_id}/cancel").status_code == 200
    assert read(alice_api, second_id)["status"] == "running"


# --- ownership -------------------------------------------------------------------------------


def test_another_users_workflows_and_executions_answer_404_everywhere(
    alice, alice_api, charlie_api
):
    workflow = make_workflow(alice, chain(delay()))
    execution_id = run(alice_api, workflow)["execution_id"]
    not_found = {"code": "not_found", "message": "Not found.", "details": None}

    response = charlie_api.post(f"/api/workflows/{workflow.pk}/run", {"payload": {}})
    assert (response.status_code, response.json()) == (404, not_found)
    response = charlie_api.get(f"/api/executions/{execution_id}")
    assert (response.status_code, response.json()) == (404, not_found)
    for action in CONTROLS:
        response = charlie_api.post(f"/api/executions/{execution_id}/{action}")
        assert (response.status_code, response.json()) == (404, not_found), action
    response = charlie_api.post(f"/api/executions/{execution_id}/rerun", {"node_id": "wait"})
    assert (response.status_code, response.json()) == (404, not_found)

    assert listed(charlie_api) == {"items": [], "count": 0}
    assert listed(charlie_api, f"?workflow={workflow.pk}") == {"items": [], "count": 0}
    assert Execution.objects.count() == 1
    assert read(alice_api, execution_id)["status"] == "running"


# --- schema ----------------------------------------------------------------------------------


def test_openapi_schema_lists_the_execution_paths(client):
    paths = client.get("/api/openapi.json").json()["paths"]
    assert "post" in paths["/api/workflows/{workflow_id}/run"]
    assert "get" in paths["/api/executions"]
    assert "get" in paths["/api/executions/{execution_id}"]
    for action in (*CONTROLS, "rerun"):
        assert "post" in paths[f"/api/executions/{{execution_id}}/{action}"], action
    parameters = {p["name"] for p in paths["/api/executions"]["get"]["parameters"]}
    assert {
        "workflow",
        "status",
        "trigger",
        "started_after",
        "started_before",
        "limit",
        "offset",
    } <= parameters


def test_run_and_replay_accept_an_empty_body(alice_api, alice):
    from tests.engine_helpers import chain, make_workflow, transform

    workflow = make_workflow(alice, chain(transform("a")))
    response = alice_api.client.post(
        f"/api/workflows/{workflow.pk}/run", content_type="application/json"
    )
    assert response.status_code == 202
    replayed = alice_api.client.post(
        f"/api/executions/{response.json()['execution_id']}/replay", content_type="application/json"
    )
    assert replayed.status_code == 202


def test_resuming_a_run_paused_while_queued_respects_the_limit(alice_api, alice):
    from executions import engine
    from executions.models import Execution
    from tests.engine_helpers import chain, make_workflow

    workflow = make_workflow(
        alice, chain({"id": "nap", "type": "utility.delay", "config": {"seconds": 60}})
    )
    workflow.max_concurrency = 1
    workflow.save()
    engine.start_execution(workflow)
    queued = engine.start_execution(workflow)
    engine.pause(queued)
    engine.resume(Execution.objects.get(pk=queued.pk))
    assert Execution.objects.get(pk=queued.pk).status == "pending"
    assert Execution.objects.filter(workflow=workflow, status="running").count() == 1


# --- the broker is down ----------------------------------------------------------------------


def test_run_answers_202_when_the_broker_is_down_and_the_sweep_sends_it_later(
    alice, alice_api, broker_down, settings, caplog
):
    workflow = make_workflow(alice, chain(transform("pick", "order.total")))

    response = alice_api.post(
        f"/api/workflows/{workflow.pk}/run", {"payload": {"order": {"total": 42}}}
    )

    assert response.status_code == 202, response.content
    execution = Execution.objects.get(pk=response.json()["execution_id"])
    assert execution.status == "running"
    pick = execution.steps.get(key="pick")
    assert (pick.status, pick.dispatched_at is not None) == ("pending", True)
    assert "Could not send executions.tasks.run_step_task" in caplog.text

    broker_down.recover()
    engine.sweep(now=later(settings.WORKFUSE_REDISPATCH_SECONDS + 1))
    execution = read(alice_api, str(execution.pk))
    assert execution["status"] == "succeeded"
    assert steps_of(execution)["pick"]["output"] == {"result": 42}


# --- Idempotency-Key -------------------------------------------------------------------------


def run_with_key(api, workflow: Workflow, key: str, payload=None):
    return api.client.post(
        f"/api/workflows/{workflow.pk}/run",
        data=json.dumps({"payload": payload}),
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY=key,
    )


def test_the_same_idempotency_key_answers_the_same_execution(alice, alice_api):
    workflow = make_workflow(alice, chain(transform("echo")))
    first = run_with_key(alice_api, workflow, "order-7", {"n": 1})
    again = run_with_key(alice_api, workflow, "order-7", {"n": 1})
    other = run_with_key(alice_api, workflow, "order-8", {"n": 1})
    assert (first.status_code, again.status_code, other.status_code) == (202, 202, 202)
    assert again.json()["execution_id"] == first.json()["execution_id"]
    assert again.json()["status"] == "succeeded"  # today's status, not the first answer's
    assert again["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first
    assert other.json()["execution_id"] != first.json()["execution_id"]
    assert Execution.objects.count() == 2


def test_a_key_is_per_workflow_and_kept_for_24_hours(alice, alice_api):
    one = make_workflow(alice, chain(transform("echo")), name="one")
    two = make_workflow(alice, chain(transform("echo")), name="two")
    first = run_with_key(alice_api, one, "k").json()["execution_id"]
    assert run_with_key(alice_api, two, "k").json()["execution_id"] != first
    RunRequest.objects.filter(workflow=one).update(created_at=timezone.now() - timedelta(hours=25))
    assert run_with_key(alice_api, one, "k").json()["execution_id"] != first
    assert RunRequest.objects.filter(workflow=one).count() == 1  # the old record was replaced


def test_a_key_sent_again_with_another_payload_is_refused(alice, alice_api):
    workflow = make_workflow(alice, chain(transform("echo")))
    run_with_key(alice_api, workflow, "k", {"n": 1})
    response = run_with_key(alice_api, workflow, "k", {"n": 2})
    assert response.status_code == 409
    assert response.json()["code"] == "idempotency_key_reused"
    assert Execution.objects.count() == 1


def test_a_key_longer_than_200_characters_is_refused(alice, alice_api):
    workflow = make_workflow(alice, chain(transform("echo")))
    response = run_with_key(alice_api, workflow, "k" * 201)
    assert response.status_code == 400
    assert response.json()["details"][0]["field"] == "Idempotency-Key"
    assert not Execution.objects.exists()


def test_a_retry_while_the_broker_is_down_does_not_start_a_second_run(
    alice, alice_api, broker_down
):
    workflow = make_workflow(alice, chain(transform("echo")))
    first = run_with_key(alice_api, workflow, "retry-me", {"n": 1})
    retried = run_with_key(alice_api, workflow, "retry-me", {"n": 1})
    assert (first.status_code, retried.status_code) == (202, 202)
    assert retried.json()["execution_id"] == first.json()["execution_id"]
    assert Execution.objects.count() == 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite serialises the writers")
def test_two_requests_racing_with_one_key_start_one_run(alice, alice_api):
    workflow = make_workflow(alice, chain(transform("echo")))
    both_started = threading.Barrier(2, timeout=10)
    start = engine.start_execution

    def start_together(*args, **kwargs):
        both_started.wait()  # both requests looked for the key, found none, and now insert
        return start(*args, **kwargs)

    answers: list = []

    def post() -> None:
        try:
            answers.append(run_with_key(ApiClient(alice), workflow, "race", {"n": 1}))
        finally:
            connection.close()

    with mock.patch.object(engine, "start_execution", start_together):
        threads = [threading.Thread(target=post) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
    assert [a.status_code for a in answers] == [202, 202]
    assert answers[0].json()["execution_id"] == answers[1].json()["execution_id"]
    assert Execution.objects.count() == 1
    assert RunRequest.objects.count() == 1
