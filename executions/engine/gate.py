"""The gate: every change of a step's status is written here, and announced after commit.

A change is one of the few kinds below, each named by the condition a step must still meet for
the change to apply (it may have moved on since its writer read it) and written with its own
statement: a claim (`Claim`, `Adopt`), new steps (`Create`), a step this worker holds (`Held`:
a checkpoint, or a claim given back), a chain's checkpoint as one statement (`Checkpoint`), or
steps still in given statuses (`Move`: a timer due, a lease taken back, a loop finished, steps
cancelled or retried). `apply` writes a change, keeps the objects in step with their rows, and
announces every step it changed through `events.step_changed` (sent once the transaction
commits, coalesced per process). Nothing else in the engine writes a step's `status`.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypedDict

from django.utils import timezone

from executions import events, step_sql
from executions.engine.leases import lease_until, worker_id
from executions.models import Execution, Step


class StepValues(TypedDict, total=False):
    """Fields of a step that a change writes, by name."""

    status: str
    attempt: int
    attempts: list[dict[str, Any]]
    input: Any  # JSON: the rendered config, secrets redacted
    output: Any  # JSON
    error: str
    error_handled: bool
    handles: list[str]
    items_total: int
    started_at: datetime | None
    finished_at: datetime | None
    wake_at: datetime | None
    dispatched_at: datetime | None
    lease_expires_at: datetime | None
    lease_owner: str


def apply(change: Change) -> list[Step]:
    """The gate. Write `change` to the steps that still allow it and announce each of them (its
    `execution` loaded) once the transaction commits. Returns the steps changed."""
    steps = change.write()
    for step in steps:
        events.step_changed(step, step.execution)
    return steps


class Change(ABC):
    """A change of status for the gate to write."""

    @abstractmethod
    def write(self) -> list[Step]:
        """Write the change; return the steps it changed, their objects updated to match."""


@dataclass(frozen=True)
class Claim(Change):
    """pending -> running: this worker takes a dispatched step (one more attempt, its lease).
    The step comes back with its execution loaded; nothing when it was not pending (a
    duplicate delivery, or already done)."""

    step_id: int

    def write(self) -> list[Step]:
        now = timezone.now()
        # A single-row UPDATE: whether the execution may run is the caller's check, after it
        # (a join here costs more than the rare undo).
        step = step_sql.claim(self.step_id, worker_id(), now, lease_until(now))
        if step is None:
            return []
        step.execution = step_sql.load_execution(step.execution_id)
        return [step]


@dataclass(frozen=True)
class Adopt(Change):
    """pending -> running: up to `limit` steps of running executions dispatched before
    `dispatched_before` and still waiting for a worker, oldest first (PostgreSQL only)."""

    limit: int
    dispatched_before: datetime

    def write(self) -> list[Step]:
        now = timezone.now()
        steps = step_sql.adopt(
            self.limit, self.dispatched_before, worker_id(), now, lease_until(now)
        )
        for step in steps:
            step.execution = step_sql.load_execution(step.execution_id)
        return steps


@dataclass(frozen=True)
class Create(Change):
    """New steps, in the status they start with: pending, skipped, running (claimed by this
    worker as it is created), finished (a trigger's, or a rerun's copy). One INSERT; with
    `execution`, a new execution's row and its first steps, in one statement; `relaxed` then
    commits it without waiting for the disk, for a run whose caller waits for its end
    (`fastpath.start`)."""

    steps: Sequence[Step]
    execution: Execution | None = None
    relaxed: bool = False

    def write(self) -> list[Step]:
        if self.execution is not None:
            step_sql.insert_run(self.execution, self.steps, relaxed=self.relaxed)
        elif self.steps:
            step_sql.insert(self.steps)
        return list(self.steps)


@dataclass(frozen=True)
class Held(Change):
    """A step this worker runs: its result stored (succeeded, failed, waiting; cancelled when
    its execution was), or its claim given back. Written only while the step is still running
    under this worker's lease; after a takeover nothing is."""

    step: Step
    values: StepValues

    def write(self) -> list[Step]:
        if not step_sql.store_result(self.step.pk, worker_id(), self.values):
            return []
        _assign(self.step, self.values)
        return [self.step]


@dataclass(frozen=True)
class Checkpoint(Change):
    """A chain's checkpoint as one statement (PostgreSQL; `engine.fastpath` says when): the
    step this worker holds stored with `values`, as `Held` stores it, and in the same statement
    either its `successor` created (`Create`) or, when it is the run's last step, its execution
    finished with the `status`, `finished_at` and `error` set on `step.execution`. Written only
    while the execution is running (its row locked for the statement, as a checkpoint's
    transaction locks it) and the step is still held; otherwise nothing is. `relaxed` (with a
    successor only) commits it without waiting for the disk, for a step whose node reaches
    nothing outside its run (`NodeType.contained`): a crash of the database server may lose
    that checkpoint, and the step then runs again, which nobody outside the run can tell. The
    next checkpoint that waits (a step that reached out, the run's end) makes it durable with
    everything before it, since the log reaches the disk in order."""

    step: Step
    values: StepValues
    successor: Step | None = None
    relaxed: bool = False

    def write(self) -> list[Step]:
        step, owner = self.step, worker_id()
        if self.successor is not None:
            execution_id = step.execution_id
            if not step_sql.hand_over(
                execution_id, step.pk, owner, self.values, self.successor, relaxed=self.relaxed
            ):
                return []
            _assign(step, self.values)
            return [step, self.successor]
        if not step_sql.finish_run(step.execution, step.pk, owner, self.values):
            return []
        _assign(step, self.values)
        return [step]


@dataclass(frozen=True)
class Move(Change):
    """`values` for those of `steps` that still have one of the statuses `were` (and, with
    `expired_before`, a lease that ended before then), in one statement."""

    steps: Sequence[Step]
    values: StepValues
    were: tuple[str, ...]
    expired_before: datetime | None = None

    def write(self) -> list[Step]:
        moved = set(
            step_sql.move(
                [s.pk for s in self.steps],
                self.values,
                self.were,
                expired_before=self.expired_before,
            )
        )
        changed = [s for s in self.steps if s.pk in moved]
        for step in changed:
            _assign(step, self.values)
        return changed


def _assign(step: Step, values: StepValues) -> None:
    for name, value in values.items():
        setattr(step, name, value)
