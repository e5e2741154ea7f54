"""`/hooks/resume/<token>`: the URL that resumes a waiting `utility.wait` (DESIGN §8).

Webhook mode: any call resumes it (HEAD only looks), and the call — method, headers, query and
body, read with the webhook endpoint's input limits and parsing — becomes the step's output.
Approval mode: GET shows a small form (the step's title, description and fields, approve and
reject); POST records the answer. Form mode (a further page of a form being filled in): the
same page with one Submit button; after it the browser follows the run to its next page
(executions/form_pages.py). No sign-in is needed: the token in the URL is the capability.
A signed-in person's username is recorded as `by` only when the post carries a valid CSRF token
(a page elsewhere cannot post as them); anyone else gives a name, or is "anonymous". API
callers get JSON, browsers a readable page (by the Accept header). docs/control-flow.md,
"Waits", says more.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.core.files.uploadedfile import UploadedFile
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.middleware.csrf import CsrfViewMiddleware
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from accounts.models import SecurityEvent
from editor.nodes.utility_wait import Config as WaitConfig
from editor.nodes.utility_wait import read_answer
from executions import form_pages
from executions.engine import waiting
from executions.webhooks import _parse_body, received_call
from workfuse.lib import files, safe_json

# Sent by browsers and API clients, never part of what the call means to the workflow: a
# session cookie or bearer token in the step's output would hand out the caller's access.
PRIVATE_HEADERS = {"cookie", "authorization", "proxy-authorization", "x-csrftoken"}
MAX_NAME = 100
FORMS = ("approval", "form")  # the modes whose URL opens a form page
DONE = {
    "resumed": (200, "The run goes on."),
    "paused": (202, "Recorded: the run is paused and goes on when it is resumed."),
    "early": (202, "Recorded: the run goes on as soon as it reaches this wait."),
}


@csrf_exempt  # checked here, for signed-in posts only (see the module docstring)
@login_not_required
def resume(request: HttpRequest, token: str) -> HttpResponse:
    try:
        target = waiting.find(token)
        if target.mode in FORMS:
            return _approval(request, target)
        return _webhook(request, target)
    except waiting.Refused as exc:
        if exc.status == 404:  # a guessed or mangled token: worth an operator's eye
            SecurityEvent.record(
                SecurityEvent.Kind.WEBHOOK_REFUSED,
                request=request,
                status=404,
                reason="unknown resume token",
                path=request.path[:200],
            )
        return _refused(request, exc)


def _webhook(request: HttpRequest, target: waiting.Resumable) -> HttpResponse:
    waiting.check(target)
    if request.method == "HEAD":
        return HttpResponse(status=200)
    raw = _body(request)
    received = received_call(request, PRIVATE_HEADERS)
    try:
        safe_json.check(received)
        body = _parse_body(request, raw)
    except safe_json.JsonRefused as exc:
        raise waiting.Refused(400, "bad_request", f"The call was refused: {exc.message}") from exc
    except SuspiciousOperation as exc:  # more form fields than DATA_UPLOAD_MAX_NUMBER_FIELDS
        raise waiting.Refused(400, "bad_request", f"The body was refused: {exc}") from exc
    except files.FileError as exc:
        raise waiting.Refused(413, "too_large", str(exc)) from exc
    return _done(request, target, waiting.accept(target, {**received, "body": body}))


def _body(request: HttpRequest) -> bytes:
    """The request's body, within the webhook endpoint's size limit (else Refused, 413)."""
    limit = settings.WORKFUSE_WEBHOOK_MAX_BYTES
    declared = request.headers.get("Content-Length", "")
    try:
        raw = request.body if not (declared.isdigit() and int(declared) > limit) else None
    except RequestDataTooBig:  # no usable Content-Length, and more than Django reads at all
        raw = None
    if raw is None or len(raw) > limit:
        raise waiting.Refused(413, "too_large", f"The body is larger than {limit} bytes.")
    return raw


def _approval(request: HttpRequest, target: waiting.Resumable) -> HttpResponse:
    if request.method not in ("GET", "HEAD", "POST"):
        response = _answer(request, 405, "method_not_allowed", "Open this link, or post an answer.")
        response["Allow"] = "GET, POST"
        return response
    waiting.check(target)
    form = target.form()
    if request.method != "POST":
        return _form(request, form, {}, {})
    _body(request)
    posted, approved, name = _posted(request)
    values, errors = read_answer(form, posted)
    if approved is None and target.mode == "approval":
        errors["decision"] = "Choose approve or reject."
    if errors:
        if _wants_json(request):
            details = [
                {"field": f"fields.{k}" if k != "decision" else "approved", "message": v}
                for k, v in errors.items()
            ]
            return JsonResponse(
                {"code": "invalid", "message": "The answer is incomplete.", "details": details},
                status=400,
            )
        return _form(request, form, posted, errors, name=name, status=400)
    if target.mode == "form":
        page = {"fields": values, "at": timezone.now().isoformat()}
        outcome = waiting.accept(target, page)
        if _wants_json(request):
            return _done(request, target, outcome)
        return HttpResponseRedirect(form_pages.follow_url(target.execution.pk), status=303)
    answer = {
        "approved": approved,
        "fields": values,
        "by": _signed_in(request) or name or "anonymous",
        "at": timezone.now().isoformat(),
    }
    return _done(request, target, waiting.accept(target, answer), answer=answer)


def _posted(request: HttpRequest) -> tuple[dict[str, Any], bool | None, str]:
    """The posted field values, approve (True) or reject (False), and the name given: from the
    form page, or a JSON body `{approved, fields, by}`."""
    if request.content_type == "application/json":
        try:
            data = safe_json.loads(request.body)
        except safe_json.JsonRefused as exc:
            raise waiting.Refused(
                400, "bad_request", f"The body was refused: {exc.message}"
            ) from exc
        if not isinstance(data, dict):
            raise waiting.Refused(400, "bad_request", "Send a JSON object: {approved, fields}.")
        fields = data.get("fields") or {}
        approved = data.get("approved")
        return (
            fields if isinstance(fields, dict) else {},
            approved if isinstance(approved, bool) else None,
            str(data.get("by") or "").strip()[:MAX_NAME],
        )
    decision = request.POST.get("decision", "")
    approved = {"approve": True, "reject": False}.get(decision)
    posted: dict[str, Any] = {
        k.removeprefix("field."): v for k, v in request.POST.items() if k.startswith("field.")
    }
    for key in request.FILES:  # bounded by the body limit (`_body`)
        upload = request.FILES.get(key)
        if isinstance(upload, UploadedFile) and key.startswith("field.") and upload.size:
            name = upload.name or "file"
            try:
                made = files.make(upload.read(), name, upload.content_type, "The file")
            except files.FileError as exc:
                raise waiting.Refused(413, "too_large", str(exc)) from exc
            posted[key.removeprefix("field.")] = made.value()
    return posted, approved, request.POST.get("name", "").strip()[:MAX_NAME]


def _signed_in(request: HttpRequest) -> str:
    """The signed-in user's username, if the post carries their valid CSRF token."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return ""
    rejected = CsrfViewMiddleware(_no_view).process_view(request, _no_view, (), {})
    return "" if rejected is not None else str(user.get_username())


def _no_view(request: HttpRequest) -> HttpResponse:
    """What CsrfViewMiddleware checks on its own (not exempt, unlike `resume`)."""
    return HttpResponse()


def _form(
    request: HttpRequest,
    form: WaitConfig,
    posted: dict[str, Any],
    errors: dict[str, str],
    *,
    name: str = "",
    status: int = 200,
) -> HttpResponse:
    """The approval form page, with what was posted and what is wrong with it, if anything."""
    fields = [
        {
            "name": f.name,
            "type": f.type,
            "required": f.required,
            "value": posted.get(f.name),
            "error": errors.get(f.name, ""),
        }
        for f in form.fields
    ]
    signed_in = getattr(request, "user", None)
    context = {
        "form": form,
        "fields": fields,
        "decision_error": errors.get("decision", ""),
        "name": name,
        "signed_in": signed_in if signed_in is not None and signed_in.is_authenticated else None,
    }
    response = render(request, "executions/resume_form.html", context, status=status)
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "no-referrer"  # the URL is the capability: keep it off links
    return response


def _done(
    request: HttpRequest, target: waiting.Resumable, outcome: str, answer: Any = None
) -> HttpResponse:
    status, message = DONE[outcome]
    if _wants_json(request):
        return JsonResponse(
            {"execution_id": str(target.execution.pk), "status": outcome, "message": message},
            status=status,
        )
    context = {"title": "Thank you", "message": message, "answer": answer}
    return render(request, "executions/resume_done.html", context, status=status)


def _refused(request: HttpRequest, exc: waiting.Refused) -> HttpResponse:
    response = _answer(request, exc.status, exc.code, exc.message)
    if exc.retry_after is not None:
        response["Retry-After"] = str(exc.retry_after)
    return response


def _answer(request: HttpRequest, status: int, code: str, message: str) -> HttpResponse:
    if _wants_json(request):
        return JsonResponse({"code": code, "message": message, "details": None}, status=status)
    titles = {404: "Link not found", 410: "No longer waiting", 413: "Too large"}
    context = {"title": titles.get(status, "This link cannot be used"), "message": message}
    return render(request, "executions/resume_done.html", context, status=status)


def _wants_json(request: HttpRequest) -> bool:
    """Browsers ask for HTML first; API callers (and clients that send no Accept) get JSON."""
    accept = request.headers.get("Accept", "")
    return "text/html" not in accept
