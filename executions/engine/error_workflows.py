"""Error workflows: a failed run starts the error workflow its workflow names, exactly once.

When an execution fails (after its retries; a cancel is not a failure) and its workflow names an
error workflow, `advance` marks it `error_report_due` in the transaction that fails it and sends
a wake-up once that commits (`dispatch.send_error_report`). `report_failure` starts the error
workflow at its `trigger.error` in a transaction that first clears the mark, so of two reporters
(the wake-up and the sweep, a duplicate message) only one starts it, and a crash between the
failure and the report leaves the mark for the sweep (`report_stale`): the report is neither
lost nor doubled. A run that started at a `trigger.error` never marks its own failure, so an
error workflow's failure reports nothing. docs/control-flow.md, "Error workflows and Stop".
"""

from __future__ import annotations

import logging
import uuid
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import transaction

from editor.models import Workflow
from editor.nodes import trigger_error
from executions.engine.advance import failed_step
from executions.engine.starting import ExecutionRefused, start_execution
from executions.models import Execution
from executions.plan import entry_trigger

log = logging.getLogger(__name__)

# Errors are cut to this many characters in the trigger's output: whole, they could take the
# error run's trigger step over WORKFUSE_MAX_STEP_OUTPUT_BYTES and lose the alert.
ERROR_CHARS = 8000


def report_failure(execution_id: uuid.UUID | str) -> Execution | None:
    """Start the error workflow of a failed execution whose report is due. Returns the error
    workflow's run; None when there is nothing to do (reported already, the setting removed
    since, the execution retried from its failure since and not failed now) or it cannot start
    (the failed execution's error then says why)."""
    with transaction.atomic():
        # The conditional update locks the row: a second reporter waits, then finds it cleared.
        due = Execution.objects.filter(pk=execution_id, error_report_due=True)
        if not due.update(error_report_due=False):
            return None
        failed = Execution.objects.select_related("workflow__error_workflow", "version").get(
            pk=execution_id
        )
        target = failed.workflow.error_workflow
        if target is None or failed.status != Execution.Status.FAILED:
            return None
        problem = _refusal(failed.workflow, target)
        if problem is None:
            try:
                return start_execution(
                    target,
                    error_output(failed),
                    trigger_kind=Execution.Trigger.ERROR,
                    error_of=failed,
                )
            except ExecutionRefused as exc:
                problem = f"its graph has problems ({exc})"
        log.warning(
            "Error workflow %s of execution %s not started: %s", target.pk, failed.pk, problem
        )
        failed.error = (
            f"{failed.error}\nIts error workflow “{target.name}” did not start: {problem}."
        )
        failed.save(update_fields=["error"])
        return None


def report_stale(finished_before: datetime, limit: int) -> int:
    """Report the failures marked due whose wake-up went missing (the process stopped right
    after the failure committed, the broker was down): those that finished before
    `finished_before`. Returns how many error runs started."""
    due = Execution.objects.filter(error_report_due=True, finished_at__lt=finished_before)
    started = 0
    for execution_id in due.values_list("pk", flat=True)[:limit]:
        try:
            started += report_failure(execution_id) is not None
        except Exception:  # one report the database refuses must not hold up the others
            log.exception("Reporting the failure of execution %s failed", execution_id)
    return started


def error_output(failed: Execution) -> dict[str, Any]:
    """The error trigger's output for a failed execution (DESIGN §4, `trigger.error`)."""
    step = failed_step(failed)
    graph = failed.version.graph
    failed_node = None
    if step is not None:
        node: dict[str, Any] = next(
            (n for n in graph.get("nodes", []) if n.get("id") == step.node_id), {}
        )
        failed_node = {
            "id": step.node_id,
            "key": step.key,
            "type": node.get("type", ""),
            "label": node.get("label") or step.node_id,
            "error": _cut(step.error),
        }
    return trigger_error.payload(
        workflow={"id": failed.workflow_id, "name": failed.workflow.name},
        execution_id=str(failed.pk),
        url=settings.SITE_URL + failed.get_absolute_url(),
        error=_cut(failed.error),
        failed_node=failed_node,
        trigger={"kind": failed.trigger_kind, "node": entry_trigger(graph, failed.trigger_node)},
    )


def _refusal(workflow: Workflow, target: Workflow) -> str | None:
    """Why `target` cannot run as `workflow`'s error workflow now, if it cannot. (The settings
    check both when it is chosen; either may have changed since.)"""
    if target.owner_id != workflow.owner_id:
        return "it belongs to another user"
    if not target.has_error_trigger:
        return "it has no error trigger (trigger.error) any more"
    return None


def _cut(text: str) -> str:
    return text if len(text) <= ERROR_CHARS else text[: ERROR_CHARS - 1] + "…"
