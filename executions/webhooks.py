"""The webhook endpoint, `/hooks/<token>` (DESIGN §4/§8).

Order of checks: active workflow with a webhook trigger (else 404, the same for an unknown
token), method, size, rate limit, authentication, the body within the input limits
(`workfuse.lib.safe_json`), idempotency; then the request is stored as a new execution's
trigger data *before* the answer goes out, so a crash after 202 loses nothing. Every refusal is
a security event and starts nothing; every answer is JSON. The rate limit fails open: with the
cache (Redis) down a trigger is accepted rather than lost, and a broker that is down only
delays the run (the sweep re-sends it), so a 2xx always has its execution.
"""

from __future__ import annotations

import base64
import logging
import time
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django_ratelimit.core import get_usage

from accounts.models import SecurityEvent
from credentials.runtime import resolve
from editor.models import Workflow
from editor.nodes.base import NodeError
from editor.nodes.trigger_webhook import Config as WebhookConfig
from executions import engine, idempotency
from executions.models import Execution, Step, WebhookDelivery
from executions.signatures import SignatureRejected, auth_headers, verify
from workfuse.lib import redaction, safe_json

log = logging.getLogger(__name__)


def _answer(
    status: int, code: str, message: str, details: Any = None, **extra: Any
) -> JsonResponse:
    return JsonResponse(
        {"code": code, "message": message, "details": details, **extra}, status=status
    )


def _refuse(
    request: HttpRequest,
    workflow: Workflow | None,
    status: int,
    code: str,
    message: str,
    details: Any = None,
    **headers: str,
) -> JsonResponse:
    SecurityEvent.record(
        SecurityEvent.Kind.WEBHOOK_REFUSED,
        user=workflow.owner if workflow else None,
        request=request,
        workflow=workflow.pk if workflow else None,
        status=status,
        reason=message[:300],
        path=request.path[:200],
    )
    response = _answer(status, code, message, details)
    for name, value in headers.items():
        response[name.replace("_", "-")] = value
    return response


def _refuse_input(
    request: HttpRequest, workflow: Workflow, part: str, exc: safe_json.JsonRefused
) -> JsonResponse:
    """400 naming where the limits were broken: `body.items[2]`, or `query.q` in the request."""
    field = (
        exc.field if part == "request" else part + ("." * (exc.field[:1] not in "[")) + exc.field
    )
    return _refuse(
        request,
        workflow,
        400,
        "bad_request",
        f"The {part} was refused: {exc.message}",
        details=[{"field": field, "message": exc.detail}],
    )


def _trigger_config(workflow: Workflow) -> WebhookConfig | None:
    node = next(
        (n for n in workflow.graph.get("nodes", []) if n.get("type") == "trigger.webhook"), None
    )
    return WebhookConfig.model_validate(node.get("config") or {}) if node else None


def _parse_body(request: HttpRequest, raw: bytes) -> Any:
    """The body as the trigger stores it; raises `safe_json.JsonRefused` (a JSON body beyond the
    input limits, a form field with a NUL character) or `SuspiciousOperation` (too many fields)."""
    content_type = request.content_type or ""
    if not raw:
        return None
    if content_type == "application/json" or content_type.endswith("+json"):
        return safe_json.loads(raw)
    if content_type == "application/x-www-form-urlencoded" or content_type == "multipart/form-data":
        form = {k: v[0] if len(v) == 1 else v for k, v in request.POST.lists()}
        safe_json.check(form)
        return form
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        text = "\x00"
    # Bytes that are not storable text (binary, or text with NUL characters) are kept as base64.
    return text if "\x00" not in text else {"base64": base64.b64encode(raw).decode()}


def _over_rate(request: HttpRequest, workflow: Workflow) -> dict[str, Any] | None:
    """The rate limit's usage when it is exceeded, else None. Fails open: the limiter lives in
    the cache, and losing a trigger because Redis is down is worse than letting it through."""
    try:
        usage = get_usage(
            request,
            group="webhook",
            key=lambda group, req: str(workflow.pk),
            rate=settings.WORKFUSE_WEBHOOK_RATE,
            increment=True,
        )
    except Exception as exc:  # any cache backend's error: redis, memcached, a database cache
        log.warning("Webhook rate limit not checked for workflow %s: %s", workflow.pk, exc)
        return None
    return usage if usage and usage["should_limit"] else None


@csrf_exempt
@login_not_required
def receive(request: HttpRequest, token: str) -> JsonResponse:
    workflow = (
        Workflow.objects.select_related("owner").filter(webhook_token=token, is_active=True).first()
    )
    config = _trigger_config(workflow) if workflow else None
    if workflow is None or config is None:
        return _refuse(request, None, 404, "not_found", "No active webhook at this URL.")
    if request.method not in config.methods:
        return _refuse(
            request,
            workflow,
            405,
            "method_not_allowed",
            f"This webhook accepts {', '.join(config.methods)}.",
            Allow=", ".join(config.methods),
        )
    limit = settings.WORKFUSE_WEBHOOK_MAX_BYTES
    declared = request.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > limit:
        return _refuse(
            request, workflow, 413, "too_large", f"The body is larger than {limit} bytes."
        )
    try:
        raw: bytes | None = request.body
    except RequestDataTooBig:  # no usable Content-Length, and more than Django reads at all
        raw = None
    if raw is None or len(raw) > limit:
        return _refuse(
            request, workflow, 413, "too_large", f"The body is larger than {limit} bytes."
        )
    usage = _over_rate(request, workflow)
    if usage is not None:
        return _refuse(
            request,
            workflow,
            429,
            "rate_limited",
            "Too many requests for this workflow; slow down.",
            Retry_After=str(max(1, usage["time_left"])),
        )
    secret_forms: set[str] = set()
    if config.auth != "none" and config.credential is not None:  # Config requires it then
        try:
            secret = resolve(
                workflow.owner_id, config.credential, ("webhook_secret",), node_id="webhook"
            )
            verify(config, str(secret.value), request.headers, raw)
        except (NodeError, SignatureRejected) as exc:
            reason = exc.message if isinstance(exc, NodeError) else exc.reason
            return _refuse(request, workflow, 401, "unauthorized", reason)
        secret_forms = redaction.forms_of(secret.value)
    hidden = {name.lower() for name in auth_headers(config)}
    received = {
        "method": request.method,
        "headers": {
            name: redaction.MASK if name.lower() in hidden else value
            for name, value in request.headers.items()
        },
        "query": {k: v[0] if len(v) == 1 else v for k, v in request.GET.lists()},
    }
    try:
        safe_json.check(received)
    except safe_json.JsonRefused as exc:
        return _refuse_input(request, workflow, "request", exc)
    try:
        body = _parse_body(request, raw)
    except safe_json.JsonRefused as exc:
        return _refuse_input(request, workflow, "body", exc)
    except SuspiciousOperation as exc:  # e.g. more form fields than DATA_UPLOAD_MAX_NUMBER_FIELDS
        return _refuse(request, workflow, 400, "bad_request", f"The body was refused: {exc}")
    # The secret may also have been sent elsewhere (a query parameter, the body): scrubbed too.
    payload = redaction.scrub({**received, "body": body}, secret_forms)
    key = request.headers.get("Idempotency-Key", "")[:200]
    try:
        execution, repeated = _start_once(workflow, payload, key)
    except engine.ExecutionRefused as exc:
        return _answer(409, "invalid_workflow", f"The workflow cannot run: {exc.issues[0].message}")
    if config.response == "last_node" and not repeated:
        answered = _wait_for_result(execution)
        if answered is not None:
            return answered
    return _accepted(request, execution)


def _start_once(workflow: Workflow, payload: dict[str, Any], key: str) -> tuple[Execution, bool]:
    """Start an execution, or return the one a repeated Idempotency-Key already started."""

    def start() -> Execution:
        return engine.start_execution(workflow, payload, trigger_kind=Execution.Trigger.WEBHOOK)

    if not key:
        return start(), False
    execution, earlier = idempotency.start_once(
        WebhookDelivery, {"workflow": workflow, "key": key}, start
    )
    return execution, earlier is not None


def _accepted(request: HttpRequest, execution: Execution) -> JsonResponse:
    return JsonResponse(
        {
            "execution_id": str(execution.pk),
            "status": execution.status,
            "status_url": request.build_absolute_uri(f"/api/executions/{execution.pk}"),
        },
        status=202,
    )


def _wait_for_result(execution: Execution) -> JsonResponse | None:
    """Answer with the last node's output when the run ends in time; None to fall back to 202."""
    deadline = time.monotonic() + settings.WORKFUSE_WEBHOOK_WAIT_SECONDS
    while time.monotonic() < deadline:
        status = Execution.objects.values_list("status", "error").get(pk=execution.pk)
        if status[0] == Execution.Status.SUCCEEDED:
            last = (
                Step.objects.filter(execution=execution, status=Step.Status.SUCCEEDED)
                .exclude(key__contains="[")
                .order_by("-finished_at", "-id")
                .first()
            )
            output = last.output if last is not None else None
            return JsonResponse(output, status=200, safe=False)
        if status[0] in (Execution.Status.FAILED, Execution.Status.CANCELLED):
            return _answer(
                500,
                "execution_failed",
                status[1] or "The run did not succeed.",
                execution_id=str(execution.pk),
            )
        time.sleep(0.05)
    return None
