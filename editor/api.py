"""/api/workflows: CRUD, versions, activation, export and import (DESIGN §8).

No `from __future__ import annotations` here: ninja reads a paginated view's parameter types
(`RowId`) at runtime, from the module of its pagination wrapper.
"""

from datetime import datetime
from typing import Annotated, Any, NoReturn

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from ninja import Body, Field, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import ConfigDict

from editor.graph import GraphIssue
from editor.models import Workflow, WorkflowVersion
from editor.nodes import catalog
from editor.transfer import (
    Imported,
    ImportRefused,
    Preview,
    export_workflow,
    preview_import,
    read_import,
    save_import,
)

# --- n8nflow ---
# isort: split
from editor import transfer

# --- end n8nflow ---
# --- triggersplit ---
# isort: split
from editor.n8n import trigger_split

# --- end triggersplit ---
# isort: split
from editor.validation import validate_graph
from editor.workflow_settings import (
    SettingInvalid,
    chosen_error_workflow,
    set_ai_budget,
    set_error_workflow,
)
from workfuse.lib import safe_json
from workfuse.lib.api_errors import ApiError
from workfuse.lib.params import MAX_ID, Pagination, RowId, VersionNumber
from workfuse.lib.requests import ApiRequest

router = Router(tags=["workflows"])


class WorkflowIn(Schema):
    name: str = Field(..., min_length=1, max_length=200)
    description: str = ""
    graph: dict[str, Any] | None = Field(
        None, description="DESIGN §3 graph; defaults to a manual trigger."
    )


class WorkflowPut(Schema):
    name: str = Field(..., min_length=1, max_length=200)
    description: str = ""
    graph: dict[str, Any]
    is_active: bool | None = Field(None, description="left as it is when not given")


class WorkflowPatch(Schema):
    """Only the fields sent change; none of them may be null."""

    name: str = Field(None, min_length=1, max_length=200)  # type: ignore[assignment]
    description: str = Field(None)  # type: ignore[assignment]
    graph: dict[str, Any] = Field(None)  # type: ignore[arg-type]
    is_active: bool = Field(  # type: ignore[assignment]
        None,
        description="true activates (the graph must be valid, as /activate), false deactivates",
    )


class WorkflowSummary(Schema):
    id: int
    name: str
    description: str
    version: int
    is_active: bool
    webhook_url: str
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_webhook_url(obj: Workflow, context: dict[str, Any]) -> str:
        return context["request"].build_absolute_uri(obj.webhook_path)


class WorkflowOut(WorkflowSummary):
    graph: dict[str, Any]


class VersionOut(Schema):
    number: int
    note: str
    created_at: datetime
    graph: dict[str, Any]


def _own(request: ApiRequest, workflow_id: RowId) -> Workflow:
    return get_object_or_404(Workflow, pk=workflow_id, owner=request.auth)


def _check_graph(graph: Any, owner: Any) -> None:
    issues = validate_graph(graph, owner=owner)
    if issues:
        raise_graph_issues(issues)


def raise_graph_issues(issues: list[GraphIssue], code: str = "invalid_graph") -> NoReturn:
    count = f"{len(issues)} problem{'s' if len(issues) != 1 else ''}"
    raise ApiError(
        400,
        code,
        f"The workflow graph has {count}: {issues[0].message}",
        [i.as_dict() for i in issues],
    )


@router.get("", response=list[WorkflowSummary], summary="List my workflows")
@paginate(Pagination)
def list_workflows(request: ApiRequest, search: str = "") -> QuerySet[Workflow]:
    qs = Workflow.objects.filter(owner=request.auth).defer("graph")
    if search:
        qs = qs.filter(name__icontains=search)
    return qs


@router.post("", response={201: WorkflowOut}, summary="Create a workflow")
def create_workflow(request: ApiRequest, payload: WorkflowIn) -> Status[Workflow]:
    if payload.graph is not None:
        _check_graph(payload.graph, request.auth)
    return Status(
        201, Workflow.create(request.auth, payload.name, payload.description, payload.graph)
    )


# --- n8nflow: n8n exports, alone or as a list imported together ---
class ImportedSet(Schema):
    items: list[WorkflowOut]
    count: int


# --- end n8nflow ---


# --- n8nitems ---
class ImportedOut(WorkflowOut):
    report: dict[str, Any] | None = Field(
        None, description="What became of each node: mapped exactly, with caveats, or refused."
    )


class ImportPreviewOut(Schema):
    name: str | None
    importable: bool
    report: dict[str, Any]
    issues: list[dict[str, Any]]


def _preview_out(preview: Preview) -> dict[str, Any]:
    return {
        "name": preview.imported.name if preview.imported else None,
        "importable": preview.importable,
        "report": preview.report.as_dict(),
        "issues": [i.as_dict() for i in preview.issues],
    }


def _refuse_import(preview: Preview) -> NoReturn:
    """400 naming each refused node (its n8n name and type) and each problem."""
    code = "invalid_import" if preview.imported is None else "invalid_graph"
    details = preview.report.details() or [i.as_dict() for i in preview.issues]
    refused = preview.report.refused
    if refused:
        message = (
            f"{len(refused)} of {len(preview.report.nodes)} nodes cannot be imported: "
            f"{refused[0].reasons[0] if refused[0].reasons else refused[0].name}"
        )
    else:
        message = f"The workflow cannot be imported: {preview.issues[0].message}"
    raise ApiError(400, code, message, details)


# --- end n8nitems ---


@router.post(
    "/import",
    response={201: ImportedOut | ImportedSet, 200: ImportPreviewOut},
    summary="Import a WorkFuse export, an n8n export, or a list of n8n exports "
    "(?dry_run=1: only the report of one export)",
)
def import_workflow(
    request: ApiRequest,
    payload: Annotated[dict[str, Any] | list[Any], Body()],
    dry_run: bool = False,
) -> Status[Any]:
    """The body is the exported file as it is, or a JSON array of n8n exports imported
    together (calls between them and their error workflows kept): 201 `{items, count}`, the
    new workflows in the order given. One export is answered with its import report
    (docs/n8n-import.md); a dry run answers 200 with the report and saves nothing."""
    # --- n8nflow ---
    if isinstance(payload, list):
        if dry_run:
            raise ApiError(
                400,
                "invalid_import",
                "A dry run reads one export; send the exports of a set one at a time.",
                [{"field": "dry_run", "message": "Only for one export."}],
            )
        try:
            made = transfer.import_n8n(request.auth, payload)
        except ImportRefused as exc:
            raise_graph_issues(exc.issues, code="invalid_import")
        for workflow, document in zip(made, payload, strict=True):
            transfer.describe_imported(workflow, document)  # n8nitems
        return Status(201, {"items": made, "count": len(made)})
    # --- end n8nflow ---
    # --- n8nitems ---
    preview = preview_import(payload, request.auth)
    if dry_run:
        return Status(200, _preview_out(preview))
    if transfer.is_n8n_import(payload):
        # Through the set import (a workflow calling itself keeps that call).
        try:
            [workflow] = transfer.import_n8n(request.auth, [payload])
        except ImportRefused as exc:
            # triggersplit: an export the set import splits is refused by the importer alone
            # for its triggers; its copies' own reasons are the ones to give.
            if not preview.importable and not trigger_split.splits(payload):
                _refuse_import(preview)
            raise_graph_issues(exc.issues, code="invalid_import")
        report = transfer.describe_imported(workflow, payload) or preview.report
        workflow.report = report.as_dict()  # type: ignore[attr-defined]
        return Status(201, workflow)
    if not preview.importable or preview.imported is None:
        _refuse_import(preview)
    workflow = save_import(request.auth, preview.imported)
    workflow.report = preview.report.as_dict()  # type: ignore[attr-defined]
    return Status(201, workflow)
    # --- end n8nitems ---


# --- n8nitems ---
@router.post(
    "/import/preview",
    response=ImportPreviewOut,
    summary="The import report of a file, without saving (as /import?dry_run=1)",
)
def preview_workflow_import(
    request: ApiRequest, payload: Annotated[dict[str, Any], Body()]
) -> dict[str, Any]:
    return _preview_out(preview_import(payload, request.auth))


# --- end n8nitems ---


class ConvertedOut(Schema):
    name: str
    description: str
    graph: dict[str, Any]


@router.post(
    "/convert",
    response=ConvertedOut,
    summary="Read a WorkFuse export or n8n workflow JSON into a graph (nothing is saved)",
    openapi_extra={
        "requestBody": {"content": {"application/json": {"schema": {"type": "object"}}}}
    },
)
def convert_import(request: ApiRequest) -> Imported:
    """The editor's Import: the file is converted and validated like `POST /import`, and the
    canvas takes the graph; the workflow only changes when the editor saves. The body is read
    here rather than by a schema so that a file that is not JSON gets a message saying so."""
    try:
        document = safe_json.loads(request.body)
    except safe_json.JsonRefused as exc:
        raise ApiError(
            400,
            "invalid_json",
            f"The file was refused: {exc.message}",
            [{"field": exc.field or "body", "message": exc.detail}],
        ) from exc
    try:
        imported = read_import(document)
    except ImportRefused as exc:
        raise_graph_issues(exc.issues, code="invalid_import")
    _check_graph(imported.graph, request.auth)
    return imported


@router.get("/{workflow_id}", response=WorkflowOut, summary="Read a workflow")
def get_workflow(request: ApiRequest, workflow_id: RowId) -> Workflow:
    return _own(request, workflow_id)


def _update(request: ApiRequest, workflow: Workflow, fields: dict[str, Any]) -> Workflow:
    if "graph" in fields:
        _check_graph(fields["graph"], request.auth)
    if fields.get("is_active") is True:
        # As POST /activate: the graph it will run must be valid; checked before anything changes.
        issues = validate_graph(fields.get("graph", workflow.graph), owner=request.auth)
        if issues:
            raise_graph_issues(issues, code="cannot_activate")
    if "graph" in fields:
        workflow.save_graph(fields["graph"], user=request.auth, note="Saved via API")
    if fields.get("is_active") is None:
        fields.pop("is_active", None)
    changed = [f for f in ("name", "description", "is_active") if f in fields]
    for f in changed:
        setattr(workflow, f, fields[f])
    if changed:
        workflow.save(update_fields=[*changed, "updated_at"])
    return workflow


@router.put("/{workflow_id}", response=WorkflowOut, summary="Replace a workflow")
def replace_workflow(request: ApiRequest, workflow_id: RowId, payload: WorkflowPut) -> Workflow:
    return _update(request, _own(request, workflow_id), payload.dict())


@router.patch("/{workflow_id}", response=WorkflowOut, summary="Update some fields of a workflow")
def update_workflow(request: ApiRequest, workflow_id: RowId, payload: WorkflowPatch) -> Workflow:
    return _update(request, _own(request, workflow_id), payload.dict(exclude_unset=True))


@router.delete("/{workflow_id}", response={204: None}, summary="Delete a workflow")
def delete_workflow(request: ApiRequest, workflow_id: RowId) -> Status[None]:
    _own(request, workflow_id).delete()
    return Status(204, None)


@router.post("/{workflow_id}/activate", response=WorkflowOut, summary="Activate (validates first)")
def activate_workflow(request: ApiRequest, workflow_id: RowId) -> Workflow:
    workflow = _own(request, workflow_id)
    issues = validate_graph(workflow.graph, owner=request.auth)
    if issues:
        raise_graph_issues(issues, code="cannot_activate")
    workflow.is_active = True
    workflow.save(update_fields=["is_active", "updated_at"])
    return workflow


@router.post("/{workflow_id}/deactivate", response=WorkflowOut, summary="Deactivate")
def deactivate_workflow(request: ApiRequest, workflow_id: RowId) -> Workflow:
    workflow = _own(request, workflow_id)
    workflow.is_active = False
    workflow.save(update_fields=["is_active", "updated_at"])
    return workflow


@router.get("/{workflow_id}/versions", response=list[VersionOut], summary="List saved versions")
@paginate(Pagination)
def list_versions(request: ApiRequest, workflow_id: RowId) -> QuerySet[WorkflowVersion]:
    return _own(request, workflow_id).versions.all()


@router.post(
    "/{workflow_id}/versions/{number}/restore",
    response=WorkflowOut,
    summary="Restore an old version (saved as a new version)",
)
def restore_version(request: ApiRequest, workflow_id: RowId, number: VersionNumber) -> Workflow:
    workflow = _own(request, workflow_id)
    get_object_or_404(WorkflowVersion, workflow=workflow, number=number)
    workflow.restore(number, user=request.auth)
    return workflow


@router.get("/{workflow_id}/export", summary="Export as WorkFuse JSON")
def export(request: ApiRequest, workflow_id: RowId) -> dict[str, Any]:
    return export_workflow(_own(request, workflow_id))


@router.post("/{workflow_id}/webhook-token", response=WorkflowOut, summary="Make a new webhook URL")
def regenerate_webhook_token(request: ApiRequest, workflow_id: RowId) -> Workflow:
    workflow = _own(request, workflow_id)
    workflow.regenerate_webhook_token()
    return workflow


# --- errorflows: workflow settings ---


class AiBudget(Schema):
    """Limits on one run's AI spend (agents and AI prompts together)."""

    model_config = ConfigDict(extra="forbid")

    max_cost_usd_per_run: float | None = Field(
        None, gt=0, le=1_000_000, description="Estimated US dollars one run may spend on AI calls."
    )
    max_tokens_per_run: int | None = Field(
        None, ge=1, le=10**12, description="Tokens one run's AI calls may use."
    )


class SettingsOut(Schema):
    error_workflow: int | None = Field(
        ..., description="The workflow started when a run of this one fails (null: none)."
    )
    ai_budget: AiBudget = Field(
        ...,
        description="A run whose AI spend would go over it stops with an error naming it "
        "(empty fields: no limit).",
    )


class SettingsPatch(Schema):
    """Only the fields sent change."""

    model_config = ConfigDict(extra="forbid")

    error_workflow: int | None = Field(
        None,
        ge=1,
        le=MAX_ID,
        description="One of your workflows with an error trigger (trigger.error), or null.",
    )
    ai_budget: AiBudget | None = Field(
        None, description="Limits on one run's AI spend; null or {} removes them."
    )


def _settings(workflow: Workflow) -> dict[str, Any]:
    return {"error_workflow": workflow.error_workflow_id, "ai_budget": workflow.ai_budget or {}}


@router.get("/{workflow_id}/settings", response=SettingsOut, summary="Read a workflow's settings")
def get_settings(request: ApiRequest, workflow_id: RowId) -> dict[str, Any]:
    return _settings(_own(request, workflow_id))


@router.patch(
    "/{workflow_id}/settings", response=SettingsOut, summary="Change a workflow's settings"
)
def update_settings(
    request: ApiRequest, workflow_id: RowId, payload: SettingsPatch
) -> dict[str, Any]:
    workflow = _own(request, workflow_id)
    sent = payload.dict(exclude_unset=True)
    try:
        if "ai_budget" in sent:
            set_ai_budget(workflow, sent["ai_budget"])
        if "error_workflow" in sent:
            target = chosen_error_workflow(workflow, sent["error_workflow"])
            set_error_workflow(workflow, target)
    except SettingInvalid as exc:
        details = [{"field": exc.field, "message": exc.message}]
        raise ApiError(400, "invalid", f"{exc.field}: {exc.message}", details) from exc
    return _settings(workflow)


# --- end errorflows ---


node_types_router = Router(tags=["node types"])


class NodeTypeOut(Schema):
    type: str
    label: str
    category: str
    description: str
    handles: list[str]
    dynamic_handles: bool
    credential_kinds: list[str]
    schema_: dict[str, Any] = Field(..., alias="schema")


@node_types_router.get(
    "", response=list[NodeTypeOut], by_alias=True, summary="The node catalog with JSON Schemas"
)
def list_node_types(request: ApiRequest) -> list[dict[str, Any]]:
    return catalog()
