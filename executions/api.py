"""/api/executions and POST /api/workflows/{id}/run (DESIGN §8).

No `from __future__ import annotations` here: ninja reads `Query[...]` at runtime.
"""

import hashlib
import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Annotated, Any
from uuid import UUID
from zoneinfo import ZoneInfo

from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from ninja import Field, Header, Query, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import field_validator

from editor.models import Workflow
from editor.nodes.trigger_schedule import config_in, next_fire_times
from executions import engine, idempotency, step_sql
from executions.links import CallLink, caller_of, calls_of
from executions.models import AgentEvent, Execution, RunRequest, Schedule, Step
from executions.n8n_view import n8n_view  # n8nitems
from workfuse.lib.api_errors import ApiError
from workfuse.lib.params import MAX_ID, Pagination, RowId
from workfuse.lib.requests import ApiRequest

router = Router(tags=["executions"])
runs_router = Router(tags=["executions"])


class RunIn(Schema):
    payload: Any = Field(
        None, description="Trigger data for the run (the manual trigger's output)."
    )
    trigger: str | None = Field(
        None,
        max_length=64,
        description="The trigger node to start at, when the workflow has several (default: its "
        "manual trigger, else its first trigger).",
    )


class Started(Schema):
    execution_id: UUID
    status: str
    waiting_reason: str = ""


class StepOut(Schema):
    node_id: str
    key: str
    status: str
    attempt: int
    attempts: list[dict[str, Any]]
    input: Any
    output: Any
    error: str
    started_at: datetime | None
    finished_at: datetime | None
    duration_ms: int | None
    wake_at: datetime | None
    reused: bool


class ExecutionSummary(Schema):
    id: UUID
    workflow: int = Field(..., alias="workflow_id")
    version: int
    status: str
    trigger: str = Field(..., alias="trigger_kind")
    trigger_node: str
    waiting_reason: str
    started_at: datetime | None
    finished_at: datetime | None
    created_at: datetime
    duration_ms: int | None
    error: str
    replay_of: UUID | None = Field(None, alias="replay_of_id")
    # --- errorflows ---
    error_of: UUID | None = Field(
        None, alias="error_of_id", description="On an error workflow's run: the failed run."
    )
    # --- end errorflows ---
    ai_tokens: int = Field(..., description="Tokens this run's AI calls used so far.")
    ai_cost_usd: float = Field(..., description="Their estimated cost in US dollars.")

    @staticmethod
    def resolve_version(obj: Execution) -> int:
        return obj.version.number

    @staticmethod
    def resolve_ai_cost_usd(obj: Execution) -> float:
        return float(obj.ai_cost_usd)


class CallOut(Schema):
    execution_id: UUID
    workflow: int
    workflow_name: str
    step_key: str = Field(..., description="The calling step's key.")
    status: str


class AgentEventOut(Schema):
    step_key: str
    label: str = Field(..., description="E.g. agent[turn:3], agent[tool:4:lookup].")
    seq: int
    kind: str = Field(..., description="turn, tool or memory")
    name: str = Field(..., description="The tool's name (tool calls).")
    status: str
    data: Any
    tokens: int
    cost_usd: float | None
    duration_ms: int | None
    created_at: datetime
    finished_at: datetime | None


class ExecutionOut(ExecutionSummary):
    trigger_data: Any
    rerun_from: str
    steps: list[StepOut]
    parent: CallOut | None = Field(
        None, description="The run and step that called this one (action.workflow), if any."
    )
    children: list[CallOut] = Field(
        ..., description="The runs this one's steps called, oldest first."
    )
    # --- errorflows ---
    error_runs: list[UUID] = Field(
        ..., description="The error workflow's runs this run's failures started."
    )

    @staticmethod
    def resolve_error_runs(obj: Execution) -> list[UUID]:
        return list(obj.error_runs.order_by("created_at").values_list("id", flat=True))

    # --- end errorflows ---
    # --- n8nitems ---
    n8n: dict[str, list[dict[str, Any]]] | None = Field(
        None,
        description="With ?view=n8n, for a workflow imported from n8n: each n8n node's items "
        "by n8n node name ({name: [{json}, ...]}, n8n's pinData format).",
    )
    # --- end n8nitems ---
    agent_events: list[AgentEventOut] = Field(
        ...,
        description="The checkpoints of its agent steps (model turns and tool calls), in order.",
    )

    @staticmethod
    def resolve_agent_events(obj: Execution) -> list[AgentEvent]:
        return list(
            obj.agent_events.exclude(kind=AgentEvent.Kind.START).order_by("step_key", "seq")
        )

    @staticmethod
    def resolve_steps(obj: Execution) -> list[Step]:
        return list(obj.steps.all())

    @staticmethod
    def resolve_parent(obj: Execution) -> CallLink | None:
        return caller_of(obj)

    @staticmethod
    def resolve_children(obj: Execution) -> list[CallLink]:
        return calls_of(obj)


class ExecutionFilters(Schema):
    """started_after/started_before compare with when the execution was created (queued runs
    have not started yet)."""

    workflow: int | None = Field(None, ge=1, le=MAX_ID)
    status: Execution.Status | None = None
    trigger: Execution.Trigger | None = None
    started_after: datetime | None = None
    started_before: datetime | None = None

    @field_validator("started_after", "started_before")
    @classmethod
    def _storable(cls, value: datetime | None) -> datetime | None:
        """A time the database can compare: naive ones are UTC; years 1 and 9999 plus an offset
        would fall off the calendar when converted to UTC."""
        if value is None:
            return value
        try:
            return value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)
        except OverflowError as exc:
            raise ValueError("the time is out of range once converted to UTC") from exc


class ReplayIn(Schema):
    latest_version: bool = Field(
        False, description="Run the workflow's latest version instead of the original one."
    )


class RerunIn(Schema):
    node_id: str
    config: dict[str, Any] | None = Field(
        None, description="Settings to use for that node in this run only."
    )


class ScheduleOut(Schema):
    active: bool = Field(..., description="Whether the schedule fires (the workflow is active).")
    cron: str
    timezone: str
    skip_if_running: bool
    next_fire_times: list[datetime] = Field(
        ..., description="The next five fire times, in the schedule's time zone."
    )
    last_fired_at: datetime | None


def _own(request: ApiRequest, execution_id: UUID) -> Execution:
    return get_object_or_404(
        Execution.objects.select_related("version"), pk=execution_id, workflow__owner=request.auth
    )


def _refused(exc: engine.ExecutionRefused) -> ApiError:
    return ApiError(
        400,
        "invalid_graph",
        f"The workflow cannot run: {exc.issues[0].message}",
        [i.as_dict() for i in exc.issues],
    )


IdempotencyKey = Annotated[
    str | None,
    Header(
        None,
        alias="Idempotency-Key",
        min_length=1,
        max_length=200,
        description="Send the same key again (within 24 hours) to get the execution it started "
        "instead of starting another run.",
    ),
]


@runs_router.post(
    "/{workflow_id}/run",
    response={202: Started},
    summary="Run a workflow with a payload",
    openapi_extra={
        "responses": {409: {"description": "The Idempotency-Key was sent with another payload."}}
    },
)
def run_workflow(
    request: ApiRequest,
    response: HttpResponse,
    workflow_id: RowId,
    idempotency_key: IdempotencyKey = None,
    body: RunIn | None = None,
) -> Status[dict[str, Any]]:
    """A retry that sends the same `Idempotency-Key` answers the same execution (202, with the
    header `Idempotent-Replayed: true`), so a client that lost the answer never starts two runs."""
    workflow = step_sql.owned_workflow(workflow_id, request.auth.pk)
    payload = body.payload if body is not None else None
    trigger = (body.trigger if body is not None else None) or ""
    if trigger and trigger not in _trigger_ids(workflow.graph):
        message = f"'{trigger}' is not a trigger node of this workflow."
        raise ApiError(400, "invalid", message, [{"field": "trigger", "message": message}])

    def start() -> Execution:
        return engine.start_execution(
            workflow, payload, trigger_kind=Execution.Trigger.API, trigger_node=trigger
        )

    try:
        if idempotency_key is None:
            execution = start()
        else:
            execution = _start_once(request, workflow, idempotency_key, payload, start, response)
    except engine.ExecutionRefused as exc:
        raise _refused(exc) from exc
    return Status(
        202,
        {
            "execution_id": execution.id,
            "status": execution.status,
            "waiting_reason": execution.waiting_reason,
        },
    )


def _trigger_ids(graph: Any) -> set[str]:
    nodes = graph.get("nodes", []) if isinstance(graph, dict) else []
    return {str(n.get("id")) for n in nodes if str(n.get("type", "")).startswith("trigger.")}


def _start_once(
    request: ApiRequest,
    workflow: Workflow,
    key: str,
    payload: Any,
    start: Callable[[], Execution],
    response: HttpResponse,
) -> Execution:
    fingerprint = hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()
    execution, earlier = idempotency.start_once(
        RunRequest,
        {"user": request.auth, "workflow": workflow, "key": key},
        start,
        fingerprint=fingerprint,
    )
    if earlier is not None:
        if earlier.fingerprint != fingerprint:
            raise ApiError(
                409,
                "idempotency_key_reused",
                "This Idempotency-Key started a run with another payload in the last 24 hours; "
                "use a new key for a new run.",
                [{"field": "Idempotency-Key", "message": "Already used with another payload."}],
            )
        execution.refresh_from_db(fields=["status", "waiting_reason"])
        response["Idempotent-Replayed"] = "true"
    return execution


@runs_router.get(
    "/{workflow_id}/schedule", response=ScheduleOut, summary="A schedule trigger's next fire times"
)
def get_schedule(request: ApiRequest, workflow_id: RowId) -> dict[str, Any]:
    workflow = get_object_or_404(Workflow, pk=workflow_id, owner=request.auth)
    config = config_in(workflow.graph)
    if config is None:
        raise ApiError(404, "not_found", "This workflow's trigger is not a schedule.")
    schedule = Schedule.objects.filter(workflow=workflow).first()
    zone = ZoneInfo(config.timezone)
    return {
        "active": schedule is not None,
        "cron": config.cron,
        "timezone": config.timezone,
        "skip_if_running": config.skip_if_running,
        "next_fire_times": [
            t.astimezone(zone) for t in next_fire_times(config.cron, config.timezone)
        ],
        "last_fired_at": schedule.last_fired_at if schedule else None,
    }


@router.get("", response=list[ExecutionSummary], summary="List executions")
@paginate(Pagination)
def list_executions(request: ApiRequest, filters: Query[ExecutionFilters]) -> QuerySet[Execution]:
    qs = Execution.objects.filter(workflow__owner=request.auth).select_related("version")
    if filters.workflow is not None:
        qs = qs.filter(workflow_id=filters.workflow)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.trigger:
        qs = qs.filter(trigger_kind=filters.trigger)
    if filters.started_after:
        qs = qs.filter(created_at__gte=filters.started_after)
    if filters.started_before:
        qs = qs.filter(created_at__lt=filters.started_before)
    return qs


@router.get(
    "/{execution_id}", response=ExecutionOut, summary="An execution with its steps and attempts"
)
def get_execution(request: ApiRequest, execution_id: UUID, view: str = "") -> Execution:
    execution = _own(request, execution_id)
    # --- n8nitems ---
    if view == "n8n":
        execution.n8n = n8n_view(execution)  # type: ignore[attr-defined]
    elif view:
        raise ApiError(
            400,
            "invalid_view",
            "view must be 'n8n' or left out.",
            [{"field": "view", "message": "Unknown view."}],
        )
    # --- end n8nitems ---
    return execution


def _control(request: ApiRequest, execution_id: UUID, action: Any, **kwargs: Any) -> Execution:
    execution = _own(request, execution_id)
    try:
        return action(execution, **kwargs)
    except engine.IllegalTransition as exc:
        raise ApiError(409, "conflict", str(exc)) from exc
    except engine.ExecutionRefused as exc:
        raise _refused(exc) from exc


@router.post("/{execution_id}/cancel", response=ExecutionOut, summary="Cancel")
def cancel(request: ApiRequest, execution_id: UUID) -> Execution:
    return _control(request, execution_id, engine.cancel)


@router.post(
    "/{execution_id}/pause", response=ExecutionOut, summary="Pause (running steps checkpoint)"
)
def pause(request: ApiRequest, execution_id: UUID) -> Execution:
    return _control(request, execution_id, engine.pause)


@router.post("/{execution_id}/resume", response=ExecutionOut, summary="Resume a paused execution")
def resume(request: ApiRequest, execution_id: UUID) -> Execution:
    return _control(request, execution_id, engine.resume)


@router.post("/{execution_id}/retry", response=ExecutionOut, summary="Retry from the failed step")
def retry(request: ApiRequest, execution_id: UUID) -> Execution:
    return _control(request, execution_id, engine.retry)


@router.post(
    "/{execution_id}/replay", response={202: Started}, summary="Replay with the same trigger data"
)
def replay(
    request: ApiRequest, execution_id: UUID, body: ReplayIn | None = None
) -> Status[dict[str, Any]]:
    latest = bool(body and body.latest_version)
    new = _control(request, execution_id, engine.replay, latest_version=latest)
    return Status(
        202, {"execution_id": new.id, "status": new.status, "waiting_reason": new.waiting_reason}
    )


@router.post(
    "/{execution_id}/rerun",
    response={202: Started},
    summary="Run again from one node, reusing the outputs before it",
)
def rerun(request: ApiRequest, execution_id: UUID, body: RerunIn) -> Status[dict[str, Any]]:
    new = _control(
        request, execution_id, engine.rerun_from, node_id=body.node_id, config=body.config
    )
    return Status(
        202, {"execution_id": new.id, "status": new.status, "waiting_reason": new.waiting_reason}
    )
