"""`app.workfuse` in the engine (editor/nodes/app_workfuse.py, docs/workfuse-node.md): a step
acting as its workflow's owner on that owner's own workflows and executions.

Every lookup goes through the owner: another owner's workflow or execution is "not found", in
the same words as one that does not exist. Outputs use the API's field names (editor/api.py,
executions/api.py). A workflow is its WorkFuse export plus `id`, `is_active`, `created_at` and
`updated_at`: importing it gives the workflow back. The export leaves out `exported_at`, so an
unchanged workflow backs up to the same bytes (a backup committing only what changed sees no
change), and the workflow's webhook URL, whose token is enough to start it.

The engine runs it rather than a `run()` of the node's own: creating a workflow is an import
(`editor.transfer`, above the node catalog) and executions are this app's.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.db.models import QuerySet

from editor.graph import GraphIssue, ImportRefused
from editor.models import Workflow
from editor.nodes.app_workfuse import Config
from editor.nodes.base import NodeError
from editor.validation import validate_graph
from executions.models import Execution
from workfuse.lib import safe_json
from workfuse.lib.params import row_id

PAGE = 100  # workflows read per query while listing them (each with its graph)
# An execution as the node outputs it: its field, from the column that holds it.
EXECUTION_COLUMNS = {
    "id": "id",
    "workflow": "workflow_id",
    "workflow_name": "workflow__name",
    "version": "version__number",
    "status": "status",
    "trigger": "trigger_kind",
    "created_at": "created_at",
    "started_at": "started_at",
    "finished_at": "finished_at",
    "error": "error",
}


def run(config: Config, execution: Execution) -> Any:
    """The operation's output, done as the owner of `execution`'s workflow; NodeError says what
    is wrong (never retryable: the database answered)."""
    return OPERATIONS[config.operation](config, execution)


# --- workflows ------------------------------------------------------------------------------


def workflow_record(workflow: Workflow) -> dict[str, Any]:
    # The import side (the n8n importer: 0.3 s of imports) loads when a step needs it, not in
    # every worker running the engine.
    from editor.transfer import export_workflow

    exported = export_workflow(workflow)
    del exported["exported_at"]
    return {
        "id": workflow.pk,
        **exported,
        "is_active": workflow.is_active,
        "created_at": workflow.created_at.isoformat(),
        "updated_at": workflow.updated_at.isoformat(),
    }


def _owned(execution: Execution) -> QuerySet[Workflow]:
    return Workflow.objects.filter(owner_id=execution.workflow.owner_id)


def _own_workflow(config: Config, execution: Execution) -> Workflow:
    workflow_id = row_id(config.workflow)
    if workflow_id is None:
        raise NodeError(f"workflow: '{config.workflow}' is not a workflow id (a whole number).")
    found = _owned(execution).filter(pk=workflow_id).first()
    if found is None:
        raise NodeError(f"workflow: workflow {workflow_id} was not found among your workflows.")
    return found


def _list_workflows(config: Config, execution: Execution) -> dict[str, Any]:
    """`{items, count, truncated}`: the first `max_results` matching workflows, oldest first,
    read a page at a time; `count` is how many match."""
    found = _owned(execution)
    if config.active != "all":
        found = found.filter(is_active=config.active == "active")
    if config.name_contains:
        found = found.filter(name__icontains=config.name_contains)
    items: list[dict[str, Any]] = []
    last = 0
    while len(items) < config.max_results:
        wanted = min(PAGE, config.max_results - len(items))
        page = list(found.filter(pk__gt=last).order_by("pk")[:wanted])
        items += [workflow_record(workflow) for workflow in page]
        if len(page) < wanted:
            break
        last = page[-1].pk
    count = found.count()
    return {"items": items, "count": count, "truncated": count > len(items)}


def _get_workflow(config: Config, execution: Execution) -> dict[str, Any]:
    return workflow_record(_own_workflow(config, execution))


def _create_workflow(config: Config, execution: Execution) -> dict[str, Any]:
    from editor.transfer import import_one  # loaded when needed, as in `workflow_record`

    document = _document(config.document)
    try:
        workflow = import_one(execution.workflow.owner, document)
    except ImportRefused as exc:
        raise NodeError(
            _problems("document: the workflow cannot be imported", exc.issues),
            detail={"issues": [issue.as_dict() for issue in exc.issues]},
        ) from None
    return workflow_record(workflow)


def _document(value: Any) -> Any:
    """The export to import: an object as it is, JSON text parsed within the usual limits."""
    if not isinstance(value, str):
        return value
    try:
        return safe_json.loads(value)
    except safe_json.JsonRefused as exc:
        raise NodeError(
            f"document: must be a workflow export (a JSON object): {exc.message}"
        ) from None


def _activate_workflow(config: Config, execution: Execution) -> dict[str, Any]:
    """As `POST /api/workflows/{id}/activate`: the graph it will run must be valid."""
    workflow = _own_workflow(config, execution)
    issues = validate_graph(workflow.graph, owner=workflow.owner_id)
    if issues:
        raise NodeError(
            _problems(f"workflow: '{workflow.name}' ({workflow.pk}) cannot be activated", issues),
            detail={"issues": [issue.as_dict() for issue in issues]},
        )
    return _set_active(workflow, True)


def _deactivate_workflow(config: Config, execution: Execution) -> dict[str, Any]:
    return _set_active(_own_workflow(config, execution), False)


def _set_active(workflow: Workflow, active: bool) -> dict[str, Any]:
    """A workflow already so is left as it is (its `updated_at` too)."""
    if workflow.is_active != active:
        workflow.is_active = active
        workflow.save(update_fields=["is_active", "updated_at"])
    return workflow_record(workflow)


def _delete_workflow(config: Config, execution: Execution) -> dict[str, Any]:
    """The workflow as it was. Never one running this step: deleting it would delete this
    execution (or the run waiting for it) under the engine."""
    workflow = _own_workflow(config, execution)
    if workflow.pk in _running_here(execution):
        raise NodeError(
            f"workflow: '{workflow.name}' ({workflow.pk}) is running this step (this workflow, "
            "or one that called it and waits for it); a workflow cannot be deleted by its own "
            "run."
        )
    record = workflow_record(workflow)
    workflow.delete()
    return record


def _running_here(execution: Execution) -> set[int]:
    """The workflows of this execution and of the runs that called it, up the call chain."""
    running = {execution.workflow_id}
    parent = execution.parent_id
    seen: set[uuid.UUID] = set()
    while parent is not None and parent not in seen:
        seen.add(parent)
        row = Execution.objects.filter(pk=parent).values_list("workflow_id", "parent_id").first()
        if row is None:
            break
        running.add(row[0])
        parent = row[1]
    return running


def _problems(what: str, issues: list[GraphIssue]) -> str:
    """`what`: the first problem (where it is), and how many more there are."""
    first = issues[0]
    where = f"{first.field}: " if first.field and first.field not in first.message else ""
    more = len(issues) - 1
    tail = f" (and {more} more problem{'s' if more != 1 else ''})" if more else ""
    return f"{what}: {where}{first.message}{tail}"


# --- executions -----------------------------------------------------------------------------


def _owned_executions(execution: Execution) -> QuerySet[Execution]:
    return Execution.objects.filter(workflow__owner_id=execution.workflow.owner_id)


def execution_record(row: dict[str, Any]) -> dict[str, Any]:
    record = {name: row[column] for name, column in EXECUTION_COLUMNS.items()}
    started, finished = record["started_at"], record["finished_at"]
    record["id"] = str(record["id"])
    for name in ("created_at", "started_at", "finished_at"):
        record[name] = _iso(record[name])
    record["duration_ms"] = (
        int((finished - started).total_seconds() * 1000) if started and finished else None
    )
    return record


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _list_executions(config: Config, execution: Execution) -> dict[str, Any]:
    """`{items, count, truncated}`: the newest `max_results` matching runs."""
    found = _owned_executions(execution)
    if config.workflow:
        found = found.filter(workflow=_own_workflow(config, execution))
    if config.status != "any":
        found = found.filter(status=config.status)
    rows = found.order_by("-created_at", "-id").values(*EXECUTION_COLUMNS.values())
    items = [execution_record(row) for row in rows[: config.max_results]]
    count = found.count()
    return {"items": items, "count": count, "truncated": count > len(items)}


def _get_execution(config: Config, execution: Execution) -> dict[str, Any]:
    try:
        execution_id = uuid.UUID(config.execution.strip())
    except ValueError:
        raise NodeError(
            f"execution: '{config.execution}' is not an execution id (a UUID)."
        ) from None
    row = (
        _owned_executions(execution)
        .filter(pk=execution_id)
        .values(*EXECUTION_COLUMNS.values())
        .first()
    )
    if row is None:
        raise NodeError(f"execution: execution {execution_id} was not found among your runs.")
    return execution_record(row)


OPERATIONS: dict[str, Callable[[Config, Execution], dict[str, Any]]] = {
    "list_workflows": _list_workflows,
    "get_workflow": _get_workflow,
    "create_workflow": _create_workflow,
    "activate_workflow": _activate_workflow,
    "deactivate_workflow": _deactivate_workflow,
    "delete_workflow": _delete_workflow,
    "list_executions": _list_executions,
    "get_execution": _get_execution,
}
