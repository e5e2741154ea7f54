"""`/hooks/form/<token>`: where a person filling in a form goes after each page they send.

A form is filled in while its run goes on: the first page is posted to a webhook trigger with
`response: form`, further pages are `utility.wait` steps in `form` mode, and a
`logic.form_end` step is the page shown at the end (docs/triggers.md, "Forms"). After each
page the browser is sent here (303) and follows the run: to a new resume URL of the form page
it waits on now, to the ending page once a `logic.form_end` step has run (or its redirect), to
"Form submitted" when the run ended without one; meanwhile a page that looks again each second.

The token is a signed execution id (no row): whoever sent the first page holds it, and it gives
no more than the pages that person is shown anyway. It is good for `FOLLOW_DAYS`.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib.auth.decorators import login_not_required
from django.core import signing
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse

from executions.engine import waiting
from executions.models import Execution, Step
from executions.plan import plan_for

SALT = "executions.form_pages"
FOLLOW_DAYS = 30
WAIT = "utility.wait"
END = "logic.form_end"
S = Step.Status


def follow_url(execution_id: uuid.UUID | str) -> str:
    """The path the person who sent a page of this execution's form follows it by."""
    return reverse("form_follow", args=[signing.dumps(str(execution_id), salt=SALT)])


@login_not_required
def follow(request: HttpRequest, token: str) -> HttpResponse:
    try:
        execution_id = signing.loads(token, salt=SALT, max_age=FOLLOW_DAYS * 86400)
    except signing.BadSignature:
        return _page(request, "Link not found", "This form link is not valid; check it.", 404)
    execution = Execution.objects.filter(pk=execution_id).first()
    if execution is None:
        return _page(request, "Link not found", "The form this link belongs to is gone.", 404)
    plan = plan_for(execution.version_id, lambda: execution.version.graph, execution.trigger_node)
    ends = [n for n, p in plan.nodes.items() if p.type == END]
    pages = [n for n, p in plan.nodes.items() if p.type == WAIT and p.config.get("mode") == "form"]
    steps = Step.objects.filter(execution=execution)
    end = steps.filter(node_id__in=ends, status=S.SUCCEEDED).order_by("finished_at", "id").first()
    if end is not None:
        return _ending(request, end.output)
    page = steps.filter(node_id__in=pages, status=S.WAITING).order_by("created_at", "id").first()
    if page is not None:
        return HttpResponseRedirect(
            waiting.mint(execution.pk, page.key, request.build_absolute_uri("/"))
        )
    if execution.is_finished and execution.status != Execution.Status.SUCCEEDED:
        return _page(
            request,
            "Something went wrong",
            f"Your answers were received, but the run that handles them {execution.status}.",
        )
    if execution.is_finished or (not ends and not pages):
        return _page(request, "Form submitted", "Your answers were received. Thank you.")
    return _page(request, "One moment…", "Your answers are being processed.", refresh=True)


def _ending(request: HttpRequest, output: Any) -> HttpResponse:
    output = output if isinstance(output, dict) else {}
    url = str(output.get("redirect_url") or "")
    if url.lower().startswith(("http://", "https://")):
        return HttpResponseRedirect(url)
    title = str(output.get("title") or "Form submitted")
    return _page(request, title, str(output.get("message") or ""))


def _page(
    request: HttpRequest, title: str, message: str, status: int = 200, *, refresh: bool = False
) -> HttpResponse:
    context = {"title": title, "message": message, "refresh": refresh}
    response = render(request, "executions/form_page.html", context, status=status)
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "no-referrer"  # the URL is the capability: keep it off links
    return response
