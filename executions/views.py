"""Pages of the executions app: run history, one execution (live), and the manual run posted
from the workflow page's Run card (the editor may not import the engine, so it posts here)."""

from __future__ import annotations

from uuid import UUID

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from editor.models import Workflow
from executions import engine
from executions.hints import hint_for
from executions.links import caller_of, calls_of
from executions.models import Execution
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
    query = request.GET.copy()
    query.pop("page", None)
    template = "executions/history.html#runs" if request.htmx else "executions/history.html"
    return render(
        request,
        template,
        {"workflow": workflow, "page": page, "form": form, "query": query.urlencode()},
    )


def detail(request: SignedInRequest, execution_id: UUID) -> HttpResponse:
    """One execution: its steps live, and the controls (pause, resume, cancel, retry, replay)."""
    execution = get_object_or_404(
        Execution.objects.select_related("workflow", "version"),
        pk=execution_id,
        workflow__owner=request.user,
    )
    if request.method == "POST":
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
        },
    )
