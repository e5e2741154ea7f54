from __future__ import annotations

import json
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Page, Paginator
from django.db import transaction
from django.db.models import Count, QuerySet
from django.http import Http404, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.text import slugify
from django.views.decorators.http import require_POST

from aiconfig import access
from editor import node_form, variables
from editor.forms import GraphForm, ImportForm, WorkflowForm, WorkflowSettingsForm
from editor.gallery import TEMPLATES
from editor.models import Poll, Workflow
from editor.nodes import (
    catalog,
    trigger_error,
    trigger_poll,
    trigger_schedule,
    trigger_workflow,
)
from editor.nodes.base import CATEGORIES
from editor.transfer import export_workflow, preview_import, save_import
from editor.validation import validate_graph
from editor.workflow_settings import set_ai_budget, set_error_workflow
from workfuse.lib.params import row_id
from workfuse.lib.requests import SignedInRequest

PAGE_SIZE = 25
RECENT_RUNS = 10
# Where executions' run view leaves a payload that did not start a run (its UNSENT_PAYLOAD_KEY).
UNSENT_PAYLOAD_KEY = "run_payload:{pk}"


def _get_workflow_for_user(request: SignedInRequest, pk: Any) -> Workflow:
    """The user's workflow `pk` (a URL part or a form field); 404 for others and for nonsense."""
    return get_object_or_404(Workflow, pk=row_id(pk), owner=request.user)


def _page_of(workflows: QuerySet[Workflow], number: Any) -> Page:
    """One page of the list, each workflow with `execution_count` (for the delete confirmation:
    deleting a workflow deletes its executions), counted for this page's rows only."""
    page = Paginator(workflows, PAGE_SIZE).get_page(number)
    ids = [wf.pk for wf in page.object_list]
    counts = dict(
        Workflow.objects.filter(pk__in=ids).annotate(n=Count("executions")).values_list("pk", "n")
    )
    for wf in page.object_list:
        wf.execution_count = counts.get(wf.pk, 0)  # type: ignore[attr-defined]
    return page


@login_not_required
def landing(request: SignedInRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("editor:dashboard")
    return render(request, "landing.html")


def dashboard(request: SignedInRequest) -> HttpResponse:
    """The list of my workflows; POSTs carry one action on one workflow and get the list back."""
    form = WorkflowForm()
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "create":
            form = WorkflowForm(request.POST)
            if form.is_valid():
                workflow = Workflow.create(
                    request.user, form.cleaned_data["name"], form.cleaned_data["description"]
                )
                return redirect(workflow)
        elif action in ("rename", "duplicate", "delete"):
            workflow = _get_workflow_for_user(request, request.POST.get("id", ""))
            if action == "rename":
                name = request.POST.get("name", "").strip()
                if name and len(name) <= 200:
                    workflow.name = name
                    workflow.save(update_fields=["name", "updated_at"])
                    messages.success(request, f"Renamed to “{name}”.")
                else:
                    messages.error(request, "A name is required (at most 200 characters).")
            elif action == "duplicate":
                copy = workflow.duplicate(user=request.user)
                messages.success(request, f"Created “{copy.name}”.")
            else:
                messages.success(request, _delete(workflow))
            if not request.htmx:
                return redirect("editor:dashboard")

    search = request.GET.get("q", "").strip()
    workflows = Workflow.objects.filter(owner=request.user).defer("graph")
    if search:
        workflows = workflows.filter(name__icontains=search)
    page = _page_of(workflows, request.GET.get("page"))
    context = {"page": page, "search": search, "form": form, "import_form": ImportForm()}
    template = (
        "editor/dashboard.html#workflow-list"
        if request.htmx and form.is_bound is False
        else "editor/dashboard.html"
    )
    status = 400 if form.is_bound and form.errors else 200
    return render(request, template, context, status=status)


def _delete(workflow: Workflow) -> str:
    """Delete the workflow with its versions and its executions (docs/architecture.md)."""
    runs = workflow.executions.count()
    workflow.delete()
    if not runs:
        return f"Deleted “{workflow.name}”."
    return f"Deleted “{workflow.name}” and its {runs} execution{'s' if runs != 1 else ''}."


def gallery(request: SignedInRequest) -> HttpResponse:
    """The templates gallery; a POST naming a template copies it into a new workflow of mine
    (version 1, made the way the dashboard's create does) and opens it."""
    if request.method == "POST":
        template = TEMPLATES.get(request.POST.get("template", ""))
        if template is None:
            raise Http404("No such template.")
        workflow = template.create(request.user)
        made = "".join(f" and “{c.name}”, which it calls," for c in template.companions)
        messages.success(request, f"Created “{workflow.name}”{made} from a template.")
        return redirect(workflow)
    return render(request, "editor/gallery.html", {"templates": TEMPLATES.values()})


@require_POST
def import_workflow(request: SignedInRequest) -> HttpResponse:
    # --- n8nitems ---
    """Import in two steps: the uploaded (or pasted) file is read and its report shown in the
    dialog, nothing saved; "Import" posts the same JSON back with `action=import` to save it."""
    form = ImportForm(request.POST, request.FILES)
    preview, text = None, ""
    if form.is_valid():
        preview = preview_import(form.cleaned_data["data"], request.user)
        if preview.imported is not None and preview.importable:
            if request.POST.get("action") == "import":
                workflow = save_import(request.user, preview.imported, form.cleaned_data["data"])
                messages.success(request, f"Imported “{workflow.name}”.")
                return redirect(workflow)
            text = json.dumps(form.cleaned_data["data"])
    page = _page_of(Workflow.objects.filter(owner=request.user).defer("graph"), 1)
    return render(
        request,
        "editor/dashboard.html",
        {
            "page": page,
            "search": "",
            "form": WorkflowForm(),
            "import_form": form,
            "import_issues": preview.issues if preview else [],
            "import_preview": preview,
            "import_text": text,
            "show_import": True,
        },
        status=200 if preview is not None and preview.importable else 400,
    )
    # --- end n8nitems ---


def workflow(request: SignedInRequest, pk: int) -> HttpResponse:
    """One workflow: its details, its graph, its version history, and a Run card (which posts to
    the executions app: starting a run is the engine's job) with the recent runs."""
    workflow = _get_workflow_for_user(request, pk)
    details_form = WorkflowForm(instance=workflow)
    graph_form = GraphForm(initial={"graph": json.dumps(workflow.graph, indent=2)})
    settings_form = WorkflowSettingsForm(workflow=workflow)
    status = 200
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "settings":
            settings_form = WorkflowSettingsForm(request.POST, workflow=workflow)
            saved = _save_settings(request, workflow, settings_form)
            if saved is not None:
                return saved
            status = 400
        elif action == "details":
            details_form = WorkflowForm(request.POST, instance=workflow)
            if details_form.is_valid():
                details_form.save()
                messages.success(request, "Details saved.")
                return redirect(workflow)
            status = 400
        elif action == "graph":
            graph_form = GraphForm(request.POST, owner=request.user)
            if graph_form.is_valid():
                version = workflow.save_graph(
                    graph_form.cleaned_data["graph"],
                    user=request.user,
                    note=request.POST.get("note", "")[:200],
                )
                messages.success(
                    request, f"Saved as v{version.number}." if version else "No changes to save."
                )
                return redirect(workflow)
            status = 400
        elif action == "restore":
            with transaction.atomic():
                number = row_id(request.POST.get("number", "")) or 0
                get_object_or_404(workflow.versions, number=number)
                version = workflow.restore(number, user=request.user)
            messages.success(
                request,
                f"Restored v{number} as v{version.number}."
                if version
                else f"v{number} is the current graph already.",
            )
            return redirect(workflow)
        elif action == "delete":
            messages.success(request, _delete(workflow))
            return redirect("editor:dashboard")
        elif action in ("activate", "deactivate"):
            issues = (
                validate_graph(workflow.graph, owner=request.user) if action == "activate" else []
            )
            if issues:
                messages.error(request, "It cannot be activated until these are fixed:")
                for issue in issues:
                    where = f"{issue.node_id} · {issue.field}" if issue.node_id else issue.field
                    messages.error(request, f"{where}: {issue.message}")
            else:
                workflow.is_active = action == "activate"
                workflow.save(update_fields=["is_active", "updated_at"])
                messages.success(
                    request,
                    "Active: its webhook and schedule now start runs."
                    if workflow.is_active
                    else "Inactive: its webhook and schedule are off.",
                )
            return redirect(workflow)
        elif action == "regenerate_token":
            workflow.regenerate_webhook_token()
            messages.success(request, "New webhook URL: the old one no longer works.")
            return redirect(workflow)
    context = {
        "workflow": workflow,
        "execution_count": workflow.executions.count(),
        "details_form": details_form,
        "graph_form": graph_form,
        "settings_form": settings_form,
        "versions": workflow.versions.all()[:50],
        "webhook_url": request.build_absolute_uri(workflow.webhook_path),
        "run_payload": request.session.pop(UNSENT_PAYLOAD_KEY.format(pk=pk), None)
        or json.dumps(_sample_payload(workflow.graph), indent=2),
        "recent_runs": [
            (run, _duration_text(run.duration_ms))
            for run in workflow.executions.defer("trigger_data", "overrides")[:RECENT_RUNS]
        ],
        "schedule": _schedule_preview(workflow.graph),
        # --- devtools ---
        "poll": _poll_status(workflow),
        # --- end devtools ---
        **_editor_context(),
        "magic": access.catalog(request.user),
    }
    return render(request, "editor/workflow.html", context, status=status)


def _save_settings(
    request: SignedInRequest, workflow: Workflow, form: WorkflowSettingsForm
) -> HttpResponse | None:
    """Save the Settings dialog; None when the form has errors (the page shows them, 400).
    htmx gets the dialog's form back, saying what changed; a plain post goes back to the page."""
    if not form.is_valid():
        if request.htmx:
            context = {"workflow": workflow, "settings_form": form}
            return render(request, "editor/workflow.html#settings-form", context, status=400)
        return None
    target = form.cleaned_data["error_workflow"]
    set_error_workflow(workflow, target)
    set_ai_budget(workflow, form.ai_budget())
    saved = (
        f"Saved: when a run of this workflow fails, “{target.name}” starts."
        if target
        else "Saved: failures of this workflow start no error workflow."
    )
    if not request.htmx:
        messages.success(request, saved)
        return redirect(workflow)
    context = {
        "workflow": workflow,
        "settings_form": WorkflowSettingsForm(workflow=workflow),
        "settings_saved": saved,
    }
    return render(request, "editor/workflow.html#settings-form", context)


def _editor_context() -> dict[str, Any]:
    """The canvas editor's node catalog (fed to its JavaScript) and its palette by category."""
    node_catalog = catalog()
    palette = [
        (label, [entry for entry in node_catalog if entry["category"] == category])
        for category, label in CATEGORIES.items()
    ]
    return {"node_catalog": node_catalog, "palette": palette}


@require_POST
def node_settings(request: SignedInRequest, pk: int) -> HttpResponse:
    """The settings panel's form for one node, posted by the editor with the node's type, id and
    config and the editor's current graph. `render` shows the config (checked too with
    `validate`), `apply` reads the submitted fields back into a config and checks it the way
    saving does, `last_run` shows only the node's last run."""
    workflow = _get_workflow_for_user(request, pk)
    post = request.POST
    node_id = post.get("node_id", "")[:64]
    action = post.get("action", "render")
    if action == "last_run":
        return render(
            request, "editor/_node_form.html#last-run", {"last_run": _last_run(workflow, node_id)}
        )
    try:
        if action not in ("render", "apply"):
            raise node_form.BadInput(f"Unknown action '{action}'.")
        node_type = node_form.node_type_named(post.get("node_type", ""))
        config = node_form.json_object(post.get("config"), "config")
        graph = node_form.json_object(post["graph"], "graph") if "graph" in post else workflow.graph
    except node_form.BadInput as exc:
        return HttpResponseBadRequest(str(exc), content_type="text/plain; charset=utf-8")
    problems: dict[str, str] = {}
    if action == "apply":
        config, problems = node_form.config_from_form(node_type, post, config)
        if node_type.fill_form is not None and not problems:
            config = node_type.fill_form(config)
    credentials = node_form.credential_choices(request.user, node_type)
    targets = trigger_workflow.call_targets(request.user) if node_type.calls_workflow else None
    # --- toolform: the owner's credentials and workflows, for pickers inside an agent's tools ---
    fields = node_form.fields_for(node_type, config, credentials, targets, owner=request.user)
    # --- end toolform ---
    checked = None
    # `quiet`: an apply that only re-renders the form (the operation changed), not checked yet.
    if (action == "apply" and not post.get("quiet")) or post.get("validate"):
        checked = node_form.check(
            node_type, config, node_id=node_id, graph=graph, owner=request.user
        )
        node_form.place_errors(fields, checked, problems, post)
    context = {
        "node_type": node_type,
        "node_id": node_id,
        "fields": fields,
        "checked": checked,
        "config_json": json.dumps(config, indent=2, ensure_ascii=False),
        "result": {
            "config": config,
            "applicable": not problems,
            "valid": checked.valid and not problems if checked else None,
        },
        "variables": variables.available(workflow, graph, node_id, config),
        "last_run": _last_run(workflow, node_id),
    }
    return render(request, "editor/_node_form.html", context)


def _last_run(workflow: Workflow, node_id: str) -> dict[str, Any] | None:
    step = variables.last_step(workflow, node_id) if node_id else None
    if step is None:
        return None
    return {
        "step": step,
        "execution": step.execution,
        "input": variables.shown(step.input),
        "output": variables.shown(step.output),
    }


# --- devtools: trigger.poll ---
def _poll_status(workflow: Workflow) -> dict[str, Any] | None:
    """A poll trigger's URL and interval, and how its last poll went (executions/polls.py
    keeps the Poll row)."""
    found = trigger_poll.config_in(workflow.graph)
    if found is None:
        return None
    _, config = found
    return {
        "url": trigger_poll.asks(config),
        "interval": config.interval_seconds,
        "emit": config.emit,
        "state": Poll.objects.filter(workflow=workflow).first(),
    }


# --- end devtools ---


def _schedule_preview(graph: Any) -> dict[str, Any] | None:
    """A schedule trigger's cron, zone and next five runs shown in that zone (the abbreviation
    tells apart the two 02:00s of a night the clocks go back); None for other triggers."""
    config = trigger_schedule.config_in(graph)
    if config is None:
        return None
    zone = ZoneInfo(config.timezone)
    times = [
        t.astimezone(zone) for t in trigger_schedule.next_fire_times(config.cron, config.timezone)
    ]
    return {
        "cron": config.cron,
        "timezone": config.timezone,
        "next_runs": [(t.isoformat(), t.strftime("%a %d %b %Y, %H:%M %Z")) for t in times],
    }


def _sample_payload(graph: Any) -> Any:
    """The manual trigger's sample payload; without one, an error trigger's example failure
    (a run by hand starts there: see its output before a real failure comes); other
    triggers get none (a manual run sends {})."""
    nodes = graph.get("nodes") if isinstance(graph, dict) else None
    types = []
    for node in nodes if isinstance(nodes, list) else []:
        if isinstance(node, dict) and node.get("type") == "trigger.manual":
            config = node.get("config")
            return config.get("sample_payload", {}) if isinstance(config, dict) else {}
        types.append(node.get("type") if isinstance(node, dict) else None)
    return trigger_error.example() if "trigger.error" in types else {}


def _duration_text(ms: int | None) -> str:
    if ms is None:
        return ""
    if ms < 1000:
        return f"{ms} ms"
    if ms < 60_000:
        return f"{ms / 1000:.1f} s"
    seconds = ms // 1000
    if seconds < 3600:
        return f"{seconds // 60} min {seconds % 60} s"
    if seconds < 86_400:
        return f"{seconds // 3600} h {seconds % 3600 // 60} min"
    return f"{seconds // 86_400} d {seconds % 86_400 // 3600} h"


def export(request: SignedInRequest, pk: int) -> JsonResponse:
    workflow = _get_workflow_for_user(request, pk)
    response = JsonResponse(export_workflow(workflow), json_dumps_params={"indent": 2})
    filename = slugify(workflow.name) or f"workflow-{workflow.pk}"
    response["Content-Disposition"] = f'attachment; filename="{filename}.workfuse.json"'
    return response
