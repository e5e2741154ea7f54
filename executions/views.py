"""Pages of the executions app: run history, one execution (live), and the manual run posted
from the workflow page's Run card (the editor may not import the engine, so it posts here)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Sum
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from editor.models import Workflow
from executions import engine
from executions.engine import waiting
from executions.hints import hint_for
from executions.links import caller_of, calls_of
from executions.models import Execution, Step
from executions.timeline import step_rows
from workfuse.lib import safe_json
from workfuse.lib.params import row_id
from workfuse.lib.requests import SignedInRequest


class HistoryFilters(forms.Form):
    status = forms.ChoiceField(
        choices=[("", "Any status"), *Execution.Status.choices], required=False
    )
    trigger = forms.ChoiceField(
        choices=[("", "Any trigger"), *Execution.Trigger.choices], required=False
    )
    since = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))


# A payload that did not start a run waits here so the Run card can show it again; the editor's
# workflow view pops it (same key). Capped so a session row stays small.
UNSENT_PAYLOAD_KEY = "run_payload:{pk}"
UNSENT_PAYLOAD_LIMIT = 100_000


@require_POST
def run_workflow(request: SignedInRequest, pk: int) -> HttpResponse:
    """Start a manual run with the JSON payload from the Run card, then go back to the page."""
    workflow = get_object_or_404(Workflow, pk=row_id(pk), owner=request.user)
    raw = request.POST.get("payload", "")
    try:
        payload = safe_json.loads(raw) if raw.strip() else {}
    except safe_json.JsonRefused as exc:
        request.session[UNSENT_PAYLOAD_KEY.format(pk=pk)] = raw[:UNSENT_PAYLOAD_LIMIT]
        problem = (
            f"is not valid JSON: {exc.reason}" if exc.syntax else f"was refused: {exc.message}"
        )
        messages.error(request, f"The payload {problem} Nothing was run.")
        return redirect(workflow)
    try:
        execution = engine.start_execution(workflow, payload, trigger_kind=Execution.Trigger.MANUAL)
    except engine.ExecutionRefused as exc:
        request.session[UNSENT_PAYLOAD_KEY.format(pk=pk)] = raw[:UNSENT_PAYLOAD_LIMIT]
        messages.error(request, "The workflow cannot run until its graph is fixed:")
        for issue in exc.issues:
            where = f"{issue.node_id} · {issue.field}" if issue.node_id else issue.field
            messages.error(request, f"{where}: {issue.message}")
        return redirect(workflow)
    if execution.status == Execution.Status.PENDING:
        messages.info(request, f"Run queued. {execution.waiting_reason}")
    else:
        messages.success(request, "Run started.")
    return redirect("executions:detail", execution.pk)


HISTORY_PAGE_SIZE = 30
CONTROLS = {
    "pause": engine.pause,
    "resume": engine.resume,
    "cancel": engine.cancel,
    "retry": engine.retry,
}


def history(request: SignedInRequest, pk: int | None = None) -> HttpResponse:
    """Runs of all my workflows, or of one, with filters (status, trigger, date range)."""
    workflow = (
        get_object_or_404(Workflow, pk=row_id(pk), owner=request.user) if pk is not None else None
    )
    runs = Execution.objects.filter(workflow__owner=request.user).select_related(
        "workflow", "version"
    )
    if workflow is not None:
        runs = runs.filter(workflow=workflow)
    form = HistoryFilters(request.GET)
    if form.is_valid():
        data = form.cleaned_data
        if data["status"]:
            runs = runs.filter(status=data["status"])
        if data["trigger"]:
            runs = runs.filter(trigger_kind=data["trigger"])
        if data["since"]:
            runs = runs.filter(created_at__date__gte=data["since"])
        if data["until"]:
            runs = runs.filter(created_at__date__lte=data["until"])
    page = Paginator(runs, HISTORY_PAGE_SIZE).get_page(request.GET.get("page"))
    spend = None
    if not request.htmx:
        spend = runs.aggregate(tokens=Sum("ai_tokens"), cost=Sum("ai_cost_usd"))
    query = request.GET.copy()
    query.pop("page", None)
    template = "executions/history.html#runs" if request.htmx else "executions/history.html"
    return render(
        request,
        template,
        {
            "workflow": workflow,
            "page": page,
            "form": form,
            "query": query.urlencode(),
            "spend": spend,
        },
    )


def detail(request: SignedInRequest, execution_id: UUID) -> HttpResponse:
    """One execution: its steps live, and the controls (pause, resume, cancel, retry, replay)."""
    execution = get_object_or_404(
        Execution.objects.select_related("workflow", "version", "error_of__workflow"),
        pk=execution_id,
        workflow__owner=request.user,
    )
    new_link = None
    if request.method == "POST" and request.POST.get("action") == "resume_link":
        new_link = _resume_link(request, execution)
        if new_link is None:
            return redirect("executions:detail", execution.pk)
    elif request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action in CONTROLS:
                CONTROLS[action](execution)
                messages.success(
                    request,
                    f"Execution {action}d."
                    if action != "retry"
                    else "Retrying from the failed step.",
                )
            elif action in ("replay", "replay_latest"):
                new = engine.replay(execution, latest_version=action == "replay_latest")
                messages.success(request, "Replaying with the same trigger data.")
                return redirect("executions:detail", new.pk)
            elif action == "rerun":
                new = engine.rerun_from(execution, request.POST.get("node_id", ""))
                messages.success(
                    request, f"Running again from {new.rerun_from}, reusing the steps before it."
                )
                return redirect("executions:detail", new.pk)
        except engine.IllegalTransition as exc:
            messages.error(request, str(exc))
        except engine.ExecutionRefused as exc:
            messages.error(request, f"The workflow cannot run: {exc.issues[0].message}")
        return redirect("executions:detail", execution.pk)
    error_runs = execution.error_runs.select_related("workflow").order_by("created_at")
    if request.htmx and request.htmx.target == "error-report":  # waiting for it to start
        context = {"execution": execution, "error_runs": error_runs}
        return render(request, "executions/detail.html#error-report", context)
    steps = list(execution.steps.all())
    template = "executions/detail.html#steps" if request.htmx else "executions/detail.html"
    return render(
        request,
        template,
        {
            "execution": execution,
            "rows": step_rows(execution, steps, calls_of(execution)),
            "hint": hint_for(execution.error),
            "caller": caller_of(execution),
            "error_runs": error_runs,
            "new_link": new_link,
        },
    )


def _resume_link(request: SignedInRequest, execution: Execution) -> dict[str, str] | None:
    """A new resume URL for a waiting utility.wait step of the execution, shown once."""
    key = request.POST.get("key", "")
    step = execution.steps.filter(key=key, status=Step.Status.WAITING).first()
    nodes = {n.get("id"): n for n in execution.version.graph.get("nodes", [])}
    node = nodes.get(step.node_id) if step is not None else None
    approval = _agent_approval(step, node)
    if node is None or (node.get("type") != "utility.wait" and approval is None):
        messages.error(request, f"'{key}' is not a wait step waiting now; no link was made.")
        return None
    base_url = request.build_absolute_uri("/")
    if approval is not None:  # an agent's tool call waiting for a person
        url = waiting.mint(execution.pk, approval, base_url=base_url)
        return {"key": key, "url": url, "mode": "approval"}
    url = waiting.mint(execution.pk, key, base_url=base_url)
    mode = str((node.get("config") or {}).get("mode") or "webhook")
    return {"key": key, "url": url, "mode": mode}


def _agent_approval(step: Step | None, node: dict[str, Any] | None) -> str | None:
    """The approval key of the tool call an agent step waits on a person for, if it does."""
    if step is None or node is None or node.get("type") != "action.agent":
        return None
    output = step.output if isinstance(step.output, dict) else {}
    key = output.get("approval_key")
    return str(key) if output.get("waiting_for") == "approval" and key else None
