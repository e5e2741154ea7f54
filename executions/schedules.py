"""Scheduled triggers: one `Schedule` row per active workflow whose trigger is
`trigger.schedule`, and `fire_due`, which the beat sweep calls every second.

Exactly once: a due time is claimed by advancing `next_fire_at` in the same transaction that
creates its execution, with the schedule and workflow rows locked. On PostgreSQL another
process running `fire_due` at the same moment skips the locked rows (`SKIP LOCKED`) or, once
the first has committed, finds the schedule no longer due; on SQLite, IMMEDIATE transactions
let one writer in at a time, so the second re-reads a schedule that is no longer due.

Missed times: a schedule that fell behind (the beat was down for an hour) fires once, with the
oldest missed time as `scheduled_at`, and then continues from the next time after now — a
backlog is never replayed once per missed time. When the clocks change, times follow
`editor.nodes.trigger_schedule.next_fire_times` (Vixie cron's rules).

Lock order: the workflow row before the schedule row (`sync`, which runs inside
`Workflow.save_graph`'s transaction), and `fire_due` never waits for either.
"""

from __future__ import annotations

import logging
from datetime import datetime
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from editor.models import Workflow
from editor.nodes.trigger_schedule import config_in, next_fire_times
from executions import engine
from executions.models import Execution, Schedule

log = logging.getLogger(__name__)

BATCH = 500
STILL_GOING = (Execution.Status.PENDING, Execution.Status.RUNNING, Execution.Status.PAUSED)


def sync(workflow: Workflow) -> Schedule | None:
    """Create, update or delete the workflow's schedule to match its saved graph and whether it
    is active (read again from the database, under the workflow's row lock)."""
    with transaction.atomic():
        current = Workflow.objects.select_for_update().filter(pk=workflow.pk).first()
        config = config_in(current.graph) if current is not None and current.is_active else None
        if current is None or config is None:
            Schedule.objects.filter(workflow_id=workflow.pk).delete()
            return None
        schedule = Schedule.objects.select_for_update().filter(workflow=current).first()
        if schedule is None or (schedule.cron, schedule.timezone) != (config.cron, config.timezone):
            schedule = schedule or Schedule(workflow=current)
            schedule.cron, schedule.timezone = config.cron, config.timezone
            schedule.next_fire_at = next_after(config.cron, config.timezone, timezone.now())
        schedule.skip_if_running = config.skip_if_running
        schedule.save()
        return schedule


def next_after(cron: str, tz: str, moment: datetime) -> datetime | None:
    times = next_fire_times(cron, tz, count=1, after=moment)
    return times[0] if times else None


def fire_due(now: datetime | None = None) -> int:
    """Start the executions of every schedule due at `now`. Returns how many were started.
    Safe to run in several processes at once (see the module docstring)."""
    now = now or timezone.now()
    due = list(
        Schedule.objects.filter(next_fire_at__lte=now, workflow__is_active=True)
        .order_by("next_fire_at")
        .values_list("pk", flat=True)[:BATCH]
    )
    return sum(_fire(pk, now) for pk in due)


def _fire(pk: int, now: datetime) -> int:
    with transaction.atomic():
        schedule = (
            Schedule.objects.select_for_update(skip_locked=True, of=("self", "workflow"))
            .select_related("workflow")
            .filter(pk=pk, next_fire_at__lte=now, workflow__is_active=True)
            .first()
        )
        if schedule is None:
            return 0  # another process holds it or has fired it already, or it was removed
        due_at = schedule.next_fire_at
        assert due_at is not None  # the query asked for next_fire_at <= now
        schedule.next_fire_at = next_after(schedule.cron, schedule.timezone, now)
        fields = ["next_fire_at", "updated_at"]
        started = 0
        if schedule.skip_if_running and _previous_still_going(schedule):
            log.info("Schedule %s: skipped %s, the previous run is still going", pk, due_at)
        else:
            zone = ZoneInfo(schedule.timezone)
            payload = {
                "scheduled_at": due_at.astimezone(zone).isoformat(),
                "fired_at": now.astimezone(zone).isoformat(),
            }
            try:
                with transaction.atomic():
                    execution = engine.start_execution(
                        schedule.workflow, payload, trigger_kind=Execution.Trigger.SCHEDULE
                    )
            except Exception:
                # The due time is used up either way: retrying it every second would not help.
                log.exception("Schedule %s: could not start the run due at %s", pk, due_at)
            else:
                schedule.last_execution, started = execution, 1
            schedule.last_fired_at = now
            fields += ["last_fired_at", "last_execution"]
        schedule.save(update_fields=fields)
        return started


def _previous_still_going(schedule: Schedule) -> bool:
    return (
        schedule.last_execution_id is not None
        and Execution.objects.filter(pk=schedule.last_execution_id, status__in=STILL_GOING).exists()
    )
