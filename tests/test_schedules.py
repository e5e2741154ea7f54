"""Scheduled triggers: fire times across daylight-saving changes, schedules kept in step with
the workflow, exactly-once firing, skip-if-running, and the next runs shown to the user."""

from __future__ import annotations

import itertools
import threading
import time
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from editor.models import Workflow
from editor.nodes.trigger_schedule import next_fire_times
from executions import engine, schedules
from executions.models import Execution, Schedule
from tests.engine_helpers import make_workflow, steps_by_key, transform

BERLIN, NEW_YORK = ZoneInfo("Europe/Berlin"), ZoneInfo("America/New_York")


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def local(times: list[datetime], zone: ZoneInfo) -> list[str]:
    return [t.astimezone(zone).strftime("%m-%d %H:%M %Z") for t in times]


def schedule_graph(cron: str = "0 9 * * *", tz: str = "UTC", **config: object) -> dict:
    trigger = {"id": "tick", "type": "trigger.schedule", "config": {"cron": cron, "timezone": tz}}
    trigger["config"].update(config)
    return {
        "nodes": [trigger, transform("echo", "scheduled_at")],
        "edges": [{"source": "tick", "target": "echo"}],
    }


def slow_graph(**config: object) -> dict:
    """Stays running (its delay waits an hour) until a sweep moves time past the delay."""
    graph = schedule_graph(**config)
    graph["nodes"].append({"id": "wait", "type": "utility.delay", "config": {"seconds": 3600}})
    graph["edges"].append({"source": "echo", "target": "wait"})
    return graph


def activate(api, workflow: Workflow) -> Schedule:
    assert api.post(f"/api/workflows/{workflow.pk}/activate").status_code == 200
    return Schedule.objects.get(workflow=workflow)


# --- fire times ------------------------------------------------------------------------------


def test_fixed_time_in_the_spring_forward_gap_fires_once_when_the_clocks_jump():
    # 2024-03-31 in Berlin: 02:00 CET becomes 03:00 CEST; 02:30 does not exist that day.
    times = next_fire_times("30 2 * * *", "Europe/Berlin", 3, after=utc(2024, 3, 30, 12))
    assert local(times, BERLIN) == ["03-31 03:00 CEST", "04-01 02:30 CEST", "04-02 02:30 CEST"]
    assert times[0] == utc(2024, 3, 31, 1)


def test_hourly_skips_the_missing_hour_in_spring():
    times = next_fire_times("0 * * * *", "Europe/Berlin", 3, after=utc(2024, 3, 30, 23, 30))
    assert local(times, BERLIN) == ["03-31 01:00 CET", "03-31 03:00 CEST", "03-31 04:00 CEST"]
    assert [t.hour for t in times] == [0, 1, 2]  # one hour apart in real time


def test_hourly_fires_for_both_two_oclocks_when_the_clocks_go_back():
    # 2024-10-27 in Berlin: 03:00 CEST becomes 02:00 CET, so 02:00 happens twice.
    times = next_fire_times("0 * * * *", "Europe/Berlin", 4, after=utc(2024, 10, 26, 22, 30))
    assert local(times, BERLIN) == [
        "10-27 01:00 CEST",
        "10-27 02:00 CEST",
        "10-27 02:00 CET",
        "10-27 03:00 CET",
    ]
    assert times == [
        utc(2024, 10, 26, 23),
        utc(2024, 10, 27, 0),
        utc(2024, 10, 27, 1),
        utc(2024, 10, 27, 2),
    ]


def test_fixed_time_in_the_repeated_hour_fires_on_the_first_pass_only():
    times = next_fire_times("30 2 * * *", "Europe/Berlin", 2, after=utc(2024, 10, 26, 12))
    assert local(times, BERLIN) == ["10-27 02:30 CEST", "10-28 02:30 CET"]
    # Asked from inside the repeated hour, after the first pass: the next day.
    times = next_fire_times("30 2 * * *", "Europe/Berlin", 1, after=utc(2024, 10, 27, 0, 45))
    assert local(times, BERLIN) == ["10-28 02:30 CET"]


def test_times_stay_in_order_when_asked_from_the_first_pass_of_a_repeated_hour():
    after = utc(2024, 10, 27, 0, 30)  # 02:30 CEST; 02:00 CET is still to come
    times = next_fire_times("*/20 * * * *", "Europe/Berlin", 4, after=after)
    assert local(times, BERLIN) == [
        "10-27 02:40 CEST",
        "10-27 02:00 CET",
        "10-27 02:20 CET",
        "10-27 02:40 CET",
    ]
    assert times == sorted(times)


def test_new_york_spring_forward_and_fall_back():
    # 2024-03-10: 02:00 EST becomes 03:00 EDT. 2024-11-03: 02:00 EDT becomes 01:00 EST.
    spring = next_fire_times("30 2 * * *", "America/New_York", 2, after=utc(2024, 3, 9, 12))
    assert local(spring, NEW_YORK) == ["03-10 03:00 EDT", "03-11 02:30 EDT"]
    daily = next_fire_times("30 1 * * *", "America/New_York", 2, after=utc(2024, 11, 2, 12))
    assert local(daily, NEW_YORK) == ["11-03 01:30 EDT", "11-04 01:30 EST"]
    every_half_hour = next_fire_times(
        "*/30 * * * *", "America/New_York", 5, after=utc(2024, 11, 3, 4, 45)
    )
    assert local(every_half_hour, NEW_YORK) == [
        "11-03 01:00 EDT",
        "11-03 01:30 EDT",
        "11-03 01:00 EST",
        "11-03 01:30 EST",
        "11-03 02:00 EST",
    ]
    assert [b - a for a, b in itertools.pairwise(every_half_hour)] == [timedelta(minutes=30)] * 4


def test_an_expression_that_never_matches_has_no_fire_times():
    assert next_fire_times("0 0 30 2 *", "UTC") == []


# --- keeping the schedule in step with the workflow --------------------------------------------


@pytest.mark.django_db
def test_activation_creates_the_schedule_and_deactivation_removes_it(alice, alice_api):
    workflow = make_workflow(alice, schedule_graph("15 8 * * 1-5", "Europe/Berlin"))
    assert not Schedule.objects.exists()  # inactive workflows have none
    schedule = activate(alice_api, workflow)
    assert (schedule.cron, schedule.timezone, schedule.skip_if_running) == (
        "15 8 * * 1-5",
        "Europe/Berlin",
        False,
    )
    assert schedule.next_fire_at == next_fire_times("15 8 * * 1-5", "Europe/Berlin", 1)[0]
    assert alice_api.post(f"/api/workflows/{workflow.pk}/deactivate").status_code == 200
    assert not Schedule.objects.exists()


@pytest.mark.django_db
def test_saving_a_graph_with_another_cron_updates_the_schedule(alice, alice_api):
    workflow = make_workflow(alice, schedule_graph("0 9 * * *"))
    activate(alice_api, workflow)
    response = alice_api.patch(
        f"/api/workflows/{workflow.pk}",
        {"graph": schedule_graph("*/5 * * * *", "Asia/Tokyo", skip_if_running=True)},
    )
    assert response.status_code == 200
    schedule = Schedule.objects.get(workflow=workflow)
    assert (schedule.cron, schedule.timezone, schedule.skip_if_running) == (
        "*/5 * * * *",
        "Asia/Tokyo",
        True,
    )
    assert schedule.next_fire_at - timezone.now() <= timedelta(minutes=5)


@pytest.mark.django_db
def test_saving_the_same_cron_keeps_the_next_fire_time(alice, alice_api):
    workflow = make_workflow(alice, schedule_graph())
    schedule = activate(alice_api, workflow)
    Schedule.objects.filter(pk=schedule.pk).update(next_fire_at=utc(2030, 1, 1, 9))
    graph = schedule_graph(skip_if_running=True)
    graph["nodes"][1]["label"] = "Echo"
    workflow.save_graph(graph, user=alice)
    schedule.refresh_from_db()
    assert (schedule.next_fire_at, schedule.skip_if_running) == (utc(2030, 1, 1, 9), True)


@pytest.mark.django_db
def test_switching_to_another_trigger_removes_the_schedule(alice, alice_api):
    workflow = make_workflow(alice, schedule_graph())
    activate(alice_api, workflow)
    graph = schedule_graph()
    graph["nodes"][0] = {"id": "tick", "type": "trigger.manual", "config": {}}
    workflow.save_graph(graph, user=alice)
    assert not Schedule.objects.exists()


@pytest.mark.django_db
def test_a_workflow_with_another_trigger_has_no_schedule(alice, alice_api):
    workflow = Workflow.create(alice, "Manual")
    assert alice_api.post(f"/api/workflows/{workflow.pk}/activate").status_code == 200
    assert not Schedule.objects.exists()


@pytest.mark.django_db
def test_deleting_the_workflow_deletes_its_schedule(alice, alice_api):
    workflow = make_workflow(alice, schedule_graph())
    activate(alice_api, workflow)
    assert alice_api.delete(f"/api/workflows/{workflow.pk}").status_code == 204
    assert not Schedule.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_migrating_schedules_workflows_that_were_already_active(alice):
    workflow = make_workflow(alice, schedule_graph("0 9 * * *", "Europe/Berlin"))
    MigrationExecutor(connection).migrate([("executions", "0001_initial")])
    Workflow.objects.filter(pk=workflow.pk).update(is_active=True)  # no signal: as before
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    schedule = Schedule.objects.get()
    assert (schedule.workflow_id, schedule.cron, schedule.timezone) == (
        workflow.pk,
        "0 9 * * *",
        "Europe/Berlin",
    )
    assert schedule.next_fire_at == next_fire_times("0 9 * * *", "Europe/Berlin", 1)[0]


# --- firing --------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_due_schedule_starts_one_run_with_its_times(alice, alice_api):
    workflow = make_workflow(alice, schedule_graph("0 9 * * *", "Europe/Berlin"))
    schedule = activate(alice_api, workflow)
    due = schedule.next_fire_at
    assert schedules.fire_due(now=due - timedelta(seconds=1)) == 0
    now = due + timedelta(seconds=2)
    assert schedules.fire_due(now=now) == 1
    assert schedules.fire_due(now=now) == 0  # the same due time never fires twice
    execution = Execution.objects.get()
    assert (execution.trigger_kind, execution.status) == ("schedule", "succeeded")
    assert execution.trigger_data == {
        "scheduled_at": due.astimezone(BERLIN).isoformat(),
        "fired_at": now.astimezone(BERLIN).isoformat(),
    }
    assert steps_by_key(execution)["echo"].output == {
        "result": execution.trigger_data["scheduled_at"]
    }
    schedule.refresh_from_db()
    assert (schedule.last_fired_at, schedule.last_execution) == (now, execution)
    assert schedule.next_fire_at == due + timedelta(days=1)


@pytest.mark.django_db(transaction=True)
def test_a_backlog_of_missed_times_fires_once(alice, alice_api):
    workflow = make_workflow(alice, schedule_graph("*/10 * * * *"))
    due = activate(alice_api, workflow).next_fire_at
    now = due + timedelta(hours=3, minutes=5)  # eighteen times were missed
    assert schedules.fire_due(now=now) == 1
    assert schedules.fire_due(now=now + timedelta(minutes=1)) == 0
    assert Execution.objects.get().trigger_data["scheduled_at"] == due.isoformat()
    assert Schedule.objects.get().next_fire_at == due + timedelta(hours=3, minutes=10)


@pytest.mark.django_db(transaction=True)
def test_skip_if_running_skips_while_the_last_run_is_going(alice, alice_api):
    workflow = make_workflow(alice, slow_graph(cron="*/5 * * * *", skip_if_running=True))
    first_due = activate(alice_api, workflow).next_fire_at
    assert schedules.fire_due(now=first_due) == 1
    first = Execution.objects.get()
    assert first.status == "running"  # waiting in its delay

    second_due = first_due + timedelta(minutes=5)
    assert schedules.fire_due(now=second_due) == 0
    schedule = Schedule.objects.get()
    assert schedule.next_fire_at == second_due + timedelta(minutes=5)  # skipped, not postponed
    assert schedule.last_execution == first

    engine.sweep(now=timezone.now() + timedelta(hours=2))  # the delay ends, the run finishes
    first.refresh_from_db()
    assert first.status == "succeeded"
    assert schedules.fire_due(now=second_due + timedelta(minutes=5)) == 1
    assert Execution.objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_without_skip_if_running_runs_overlap(alice, alice_api):
    workflow = make_workflow(alice, slow_graph(cron="*/5 * * * *"))
    due = activate(alice_api, workflow).next_fire_at
    assert schedules.fire_due(now=due) == 1
    assert schedules.fire_due(now=due + timedelta(minutes=5)) == 1
    assert list(Execution.objects.values_list("status", flat=True)) == ["running", "running"]


@pytest.mark.django_db(transaction=True)
def test_the_sweep_task_fires_due_schedules(alice, alice_api):
    from executions.tasks import sweep_task

    workflow = make_workflow(alice, schedule_graph("* * * * *"))
    Schedule.objects.filter(pk=activate(alice_api, workflow).pk).update(
        next_fire_at=timezone.now() - timedelta(seconds=1)
    )
    sweep_task()
    assert Execution.objects.get().trigger_kind == "schedule"


@pytest.mark.django_db(transaction=True)
def test_a_schedule_claimed_elsewhere_is_not_fired_again(alice, alice_api):
    """The due list is read without locks; the claim checks again in its own transaction."""
    workflow = make_workflow(alice, schedule_graph())
    schedule = activate(alice_api, workflow)
    now = schedule.next_fire_at
    assert schedules._fire(schedule.pk, now) == 1
    assert schedules._fire(schedule.pk, now) == 0  # a second process with the same stale list
    assert Execution.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_processes_firing_at_once_start_one_run(alice, alice_api, monkeypatch):
    workflow = make_workflow(alice, schedule_graph())
    due = activate(alice_api, workflow).next_fire_at
    if connection.vendor == "postgresql":
        assert_one_run_from_two_threads(due, monkeypatch)
    else:
        assert_claim_and_run_share_one_immediate_transaction(due)
    assert Execution.objects.count() == 1


def assert_one_run_from_two_threads(due: datetime, monkeypatch: pytest.MonkeyPatch) -> None:
    start = engine.start_execution

    def slow_start(*args, **kwargs):  # hold the claim long enough for the other to collide
        time.sleep(0.3)
        return start(*args, **kwargs)

    monkeypatch.setattr(engine, "start_execution", slow_start)
    barrier, started = threading.Barrier(2), []

    def beat() -> None:
        try:
            barrier.wait()
            started.append(schedules.fire_due(now=due))
        finally:
            connection.close()

    threads = [threading.Thread(target=beat) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert sorted(started) == [0, 1]


def assert_claim_and_run_share_one_immediate_transaction(due: datetime) -> None:
    """SQLite has no row locks: writers are serialized by BEGIN IMMEDIATE, so the claim's read,
    the new execution and the advanced next_fire_at must all be in one such transaction."""
    assert connection.settings_dict["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    with CaptureQueriesContext(connection) as captured:
        assert schedules.fire_due(now=due) == 1
    sql = [q["sql"] for q in captured.captured_queries]
    begin = sql.index("BEGIN IMMEDIATE")
    commit = sql.index("COMMIT", begin)
    claim = next(
        i
        for i, s in enumerate(sql)
        if s.startswith("SELECT") and '"next_fire_at" <=' in s and i > begin
    )
    created = next(
        i for i, s in enumerate(sql) if s.startswith('INSERT INTO "executions_execution"')
    )
    advanced = next(i for i, s in enumerate(sql) if s.startswith('UPDATE "executions_schedule"'))
    assert begin < claim < created < advanced < commit


# --- showing the next runs -------------------------------------------------------------------


@pytest.mark.django_db
def test_api_shows_the_next_five_times_in_the_schedule_zone(alice, alice_api, charlie_api):
    workflow = make_workflow(alice, schedule_graph("0 9 * * *", "Europe/Berlin"))
    url = f"/api/workflows/{workflow.pk}/schedule"
    body = alice_api.get(url).json()
    assert (body["active"], body["cron"], body["timezone"], body["last_fired_at"]) == (
        False,
        "0 9 * * *",
        "Europe/Berlin",
        None,
    )
    times = [datetime.fromisoformat(t) for t in body["next_fire_times"]]
    assert len(times) == 5
    assert all(
        t.astimezone(BERLIN).hour == 9 and t.utcoffset() == t.astimezone(BERLIN).utcoffset()
        for t in times
    )
    activate(alice_api, workflow)
    assert alice_api.get(url).json()["active"] is True
    assert charlie_api.get(url).status_code == 404


@pytest.mark.django_db
def test_api_answers_404_for_other_triggers(alice, alice_api):
    workflow = Workflow.create(alice, "Manual")
    response = alice_api.get(f"/api/workflows/{workflow.pk}/schedule")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


@pytest.mark.django_db
def test_workflow_page_shows_the_next_five_runs(alice, alice_client):
    workflow = make_workflow(alice, schedule_graph("30 7 * * *", "America/New_York"))
    content = alice_client.get(f"/workflows/{workflow.pk}/").content.decode()
    assert "Next runs" in content
    block = content[content.index('id="schedule"') :]
    block = block[: block.index("</section>")]
    assert block.count("<time ") == 5
    assert block.count(", 07:30 E") == 5  # 07:30 EST or EDT: New York time, not UTC


@pytest.mark.django_db
def test_workflow_page_has_no_schedule_for_other_triggers(alice, alice_client):
    workflow = Workflow.create(alice, "Manual")
    assert "Next runs" not in alice_client.get(f"/workflows/{workflow.pk}/").content.decode()
