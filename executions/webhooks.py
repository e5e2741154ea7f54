"""The webhook endpoint, `/hooks/<token>` (DESIGN §4/§8).

Order of checks: active workflow with a webhook trigger (else 404, the same for an unknown
token), method, size, rate limit, authentication, the body within the input limits
(`workfuse.lib.safe_json`), Slack's URL check (`challenge: slack`), the trigger's `start_when`
rules (a call they do not hold for is answered 200 and starts nothing), idempotency; then the
request is stored as a new execution's trigger data *before* the answer goes out, so a crash
after 202 loses nothing. Every refusal is a security event and starts nothing; every answer is
JSON. The rate limit fails open: with the cache (Redis) down a trigger is accepted rather than
lost, and a broker that is down only delays the run (the sweep re-sends it), so a 202 always
has its execution.
"""

from __future__ import annotations

import base64
import logging
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, TypeVar

from asgiref.sync import sync_to_async
from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.cache import caches
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.http import parse_header_parameters
from django.views.decorators.csrf import csrf_exempt
from django_ratelimit.core import get_usage

from accounts.models import SecurityEvent
from credentials.runtime import resolve
from editor.models import Workflow
from editor.nodes.base import NodeError
from editor.nodes.trigger_webhook import Config as WebhookConfig
from editor.nodes.trigger_webhook import meets_start_when  # slack
from executions import (
    answers,
    challenges,  # triggers: Meta's subscription check
    completion,
    engine,
    form_pages,
    idempotency,
    step_sql,
)
from executions.models import Execution, Step, WebhookDelivery
from executions.signatures import SignatureRejected, auth_headers, verify
from workfuse.lib import files, lean_asgi, rate_window, redaction, safe_json
from workfuse.lib.redis_cache import RedisCache

log = logging.getLogger(__name__)
T = TypeVar("T")


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


def received_call(request: HttpRequest, hidden: set[str]) -> dict[str, Any]:
    """A call's method, headers (those named in `hidden`, lowercase, masked) and query, as a
    trigger's or a resumed wait's output holds them (the body is parsed apart)."""
    return {
        "method": request.method,
        "headers": {
            name: redaction.MASK if name.lower() in hidden else value
            for name, value in request.headers.items()
        },
        "query": {k: v[0] if len(v) == 1 else v for k, v in request.GET.lists()},
    }


def _parse_body(request: HttpRequest, raw: bytes) -> Any:
    """The body as the trigger stores it; raises `safe_json.JsonRefused` (a JSON body beyond the
    input limits, a form field with a NUL character), `SuspiciousOperation` (too many fields)
    A multipart form's text fields are here; its files are the trigger's `files`
    (`_uploaded_files`)."""
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


# --- files ---
def _uploaded_files(request: HttpRequest, secrets: set[str]) -> dict[str, Any]:
    """The files a multipart call uploaded, by field name: a file value (workfuse/lib/files.py),
    or a list of them for a field sent several times. Raises FileError over the file limit."""
    if request.content_type != "multipart/form-data":
        return {}
    found: dict[str, Any] = {}
    for name, uploads in request.FILES.lists():
        values = [
            # Scrubbing cannot see into base64: a secret sent in a file goes before encoding.
            files.make(
                redaction.scrub_bytes(upload.read(), secrets),
                upload.name or "file",
                upload.content_type or None,
                f"The uploaded file '{name}'",
            ).value()
            for upload in uploads
        ]
        found[name] = values[0] if len(values) == 1 else values
    return found


def _raw_body_file(request: HttpRequest, raw: bytes, secrets: set[str]) -> dict[str, Any]:
    """The body as sent, as a file (the trigger's `raw_body`): n8n's Webhook Raw Body, typed
    by the request's Content-Type or application/json. Raises FileError over the file limit."""
    return files.make(
        redaction.scrub_bytes(raw, secrets),  # as an uploaded file: before encoding
        "body",
        request.content_type or "application/json",
        "The request's body",
    ).value()


def _whole_body_file(request: HttpRequest, raw: bytes, secrets: set[str]) -> dict[str, Any]:
    """The body as sent, whatever its type, as one file (the trigger's `body_file`): n8n's
    Webhook v1 Binary Data (`handleBinaryData`), named by the Content-Disposition header's
    filename and typed by the Content-Type, else application/octet-stream. Raises FileError
    over the file limit."""
    _, params = parse_header_parameters(request.headers.get("Content-Disposition", ""))
    return files.make(
        redaction.scrub_bytes(raw, secrets),  # as an uploaded file: before encoding
        params.get("filename") or "body",
        request.content_type or files.DEFAULT_TYPE,
        "The request's body",
    ).value()


def _trigger_files(
    config: WebhookConfig, request: HttpRequest, raw: bytes, secrets: set[str]
) -> dict[str, Any]:
    """The trigger's `files`: the whole body as one file (`body_file`; none when it is empty),
    or the multipart uploads by field name, with the body as `data` too under `raw_body`."""
    if config.body_file:
        return {config.body_file: _whole_body_file(request, raw, secrets)} if raw else {}
    uploaded = _uploaded_files(request, secrets)
    if config.raw_body and request.content_type != "multipart/form-data":
        uploaded["data"] = _raw_body_file(request, raw, secrets)
    return uploaded


# --- end files ---


def _over_rate(request: HttpRequest, workflow: Workflow) -> dict[str, Any] | None:
    """The rate limit's usage when it is exceeded, else None. Fails open: the limiter lives in
    the cache, and losing a trigger because Redis is down is worse than letting it through.
    On Redis, one round trip (`rate_window`); elsewhere django-ratelimit's two."""
    try:
        cache = caches["default"]
        if isinstance(cache, RedisCache):
            usage = rate_window.usage(
                cache, f"webhook:{workflow.pk}", settings.WORKFUSE_WEBHOOK_RATE
            )
        else:
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


@dataclass
class Ingested:
    """What `_ingest` came to: an answer already, or a run that was started."""

    response: HttpResponse | None = None
    execution: Execution | None = None
    wait: bool = False  # the caller waits for the run's result (last_node) or answer
    mode: str = "immediate"  # the trigger's `response`


@csrf_exempt
@login_not_required
async def receive(request: HttpRequest, token: str) -> HttpResponse:
    """`/hooks/<token>`. Async, so that a synchronous webhook waiting for its run holds no
    thread: the checks and the start run in a thread of their own (as does the start of the
    run itself, `_ingest`), then the answer waits on the run's completion (`completion`)."""
    execution_id = uuid.uuid4()
    async with completion.expecting(execution_id) as expected:
        ingested = await in_thread(_ingest, request, token, execution_id)
        if ingested.response is not None:
            return ingested.response
        assert ingested.execution is not None
        execution = ingested.execution
        if ingested.wait and ingested.mode == "respond_node":
            if execution.pk == execution_id:
                answer = await _answer_when_told(execution, expected, replayed=False)
            else:  # a repeated Idempotency-Key: the first call's run, which started earlier
                async with completion.expecting(execution.pk) as earlier:
                    answer = await _answer_when_told(execution, earlier, replayed=True)
            return answer or _accepted(request, execution)
        if ingested.wait:
            status = await expected.finished(
                settings.WORKFUSE_WEBHOOK_WAIT_SECONDS,
                lambda: in_thread(_status, execution.pk),
            )
            if status is not None:
                return await in_thread(_result, execution, status)
        return _accepted(request, execution)


async def _answer_when_told(
    execution: Execution, expected: completion.Expected, *, replayed: bool
) -> HttpResponse | None:
    """response=respond_node: the answer once the run gives it or ends, None if it does
    neither within WORKFUSE_WEBHOOK_WAIT_SECONDS. A repeated call is answered as the first."""
    told = await expected.news(
        settings.WORKFUSE_WEBHOOK_WAIT_SECONDS,
        lambda: in_thread(answers.news, execution.pk),
        reread_first=replayed,
    )
    if told is None:
        return None
    response = await in_thread(answers.response, execution.pk, told)
    if replayed:
        response["Idempotent-Replayed"] = "true"
    return response


async def in_thread(function: Callable[..., T], *args: Any) -> T:
    """Run blocking work (the database, node code) off the event loop: in the webhook thread
    pool on the fast path (`pooled`), else in the request's thread as Django runs sync code
    under ASGI (and as the test client needs). The loop, and every other request, go on."""
    if _pooled.get():
        return await lean_asgi.webhook_pool.run(function, *args)
    return await sync_to_async(function, thread_sensitive=True)(*args)


_pooled: ContextVar[bool] = ContextVar("pooled", default=False)


@contextmanager
def pooled() -> Iterator[None]:
    """Within this block (`hooks_asgi`), webhooks do their blocking work in the kept pool of
    WORKFUSE_WEBHOOK_THREADS threads (`lean_asgi.webhook_pool`), each returning its database
    connection after a call."""
    token = _pooled.set(True)
    try:
        yield
    finally:
        _pooled.reset(token)


def _ingest(request: HttpRequest, token: str, execution_id: uuid.UUID) -> Ingested:
    """Everything that decides whether the call starts a run, then the start (the request is
    stored as the trigger data and committed before any answer). A synchronous webhook's run
    then starts here, in this thread, for up to WORKFUSE_INLINE_BUDGET_MS (`run_chain`)."""
    workflow = step_sql.active_webhook_workflow(token)
    config = _trigger_config(workflow) if workflow else None
    if workflow is None or config is None:
        return _done(_refuse(request, None, 404, "not_found", "No active webhook at this URL."))
    # --- triggers ---
    if config.challenge == "meta" and challenges.is_meta_check(request.method or "", request.GET):
        return _done(_meta_check(request, workflow, token))
    # --- end triggers ---
    # --- svcb ---
    if _is_woocommerce_ping(request, config.challenge):
        return _done(_woocommerce_ping(request, workflow))
    # --- end svcb ---
    if request.method not in config.methods:
        return _done(
            _refuse(
                request,
                workflow,
                405,
                "method_not_allowed",
                f"This webhook accepts {', '.join(config.methods)}.",
                Allow=", ".join(config.methods),
            )
        )
    limit = settings.WORKFUSE_WEBHOOK_MAX_BYTES
    too_large = f"The body is larger than {limit} bytes."
    declared = request.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > limit:
        return _done(_refuse(request, workflow, 413, "too_large", too_large))
    try:
        raw: bytes | None = request.body
    except RequestDataTooBig:  # no usable Content-Length, and more than Django reads at all
        raw = None
    if raw is None or len(raw) > limit:
        return _done(_refuse(request, workflow, 413, "too_large", too_large))
    usage = _over_rate(request, workflow)
    if usage is not None:
        return _done(
            _refuse(
                request,
                workflow,
                429,
                "rate_limited",
                "Too many requests for this workflow; slow down.",
                Retry_After=str(max(1, usage["time_left"])),
            )
        )
    secret_forms: set[str] = set()
    if config.auth != "none" and config.credential is not None:  # Config requires it then
        try:
            secret = resolve(
                workflow.owner_id, config.credential, ("webhook_secret",), node_id="webhook"
            )
            verify(
                config,
                str(secret.value),
                request.headers,
                raw,
                url=request.build_absolute_uri(),
            )
        except (NodeError, SignatureRejected) as exc:
            reason = exc.message if isinstance(exc, NodeError) else exc.reason
            return _done(_refuse(request, workflow, 401, "unauthorized", reason))
        secret_forms = redaction.forms_of(secret.value)
    received = received_call(request, {name.lower() for name in auth_headers(config)})
    try:
        safe_json.check(received)
    except safe_json.JsonRefused as exc:
        return _done(_refuse_input(request, workflow, "request", exc))
    try:
        body = {} if config.body_file else _parse_body(request, raw)  # files: n8n parsed none
    except safe_json.JsonRefused as exc:
        return _done(_refuse_input(request, workflow, "body", exc))
    except SuspiciousOperation as exc:  # e.g. more form fields than DATA_UPLOAD_MAX_NUMBER_FIELDS
        return _done(_refuse(request, workflow, 400, "bad_request", f"The body was refused: {exc}"))
    # --- slack ---
    if config.challenge == "slack" and challenges.is_slack_check(request.method or "", body):
        return _done(_slack_check(request, workflow, body))
    # --- end slack ---
    # --- files ---
    try:
        uploaded = _trigger_files(config, request, raw, secret_forms)
    except files.FileError as exc:
        return _done(_refuse(request, workflow, 413, "too_large", str(exc)))
    # --- end files ---
    # The secret may also have been sent elsewhere (a query parameter, the body): scrubbed too.
    payload = redaction.scrub({**received, "body": body}, secret_forms)
    if uploaded:  # files: only calls that upload files carry `files`
        payload["files"] = uploaded
    # --- slack ---
    try:
        if not meets_start_when(config, payload):
            return _done(_not_started(workflow))
    except NodeError as exc:
        message = f"The call could not be checked against start_when: {exc.message}"
        return _done(_refuse(request, workflow, 400, "bad_request", message))
    # --- end slack ---
    key = request.headers.get("Idempotency-Key", "")[:200]
    mode = config.response
    synchronous = mode not in ("immediate", "form")
    try:
        execution, claimed, repeated = _start_once(
            workflow, payload, key, execution_id, claim=synchronous
        )
    except engine.ExecutionRefused as exc:
        message = f"The workflow cannot run: {exc.issues[0].message}"
        return _done(_answer(409, "invalid_workflow", message))
    if mode == "respond_node":
        return _run_until_answered(execution, claimed, repeated)
    if mode == "form":
        return _done(_form_sent(request, execution))
    if not synchronous or repeated:
        return Ingested(execution=execution)
    last = engine.run_chain(claimed, budget_seconds=settings.WORKFUSE_INLINE_BUDGET_MS / 1000)
    if last is None or last.execution.status not in Execution.FINISHED:
        return Ingested(execution=execution, wait=True)
    # It finished here, with this step's commit: the answer needs no query when that step is
    # the run's last node (else `_result` looks for it).
    if last.status == Step.Status.SUCCEEDED and "[" not in last.key:
        return _done(JsonResponse(last.output, status=200, safe=False))
    return _done(_result(execution, last.execution.status))


# --- triggers ---
def _meta_check(request: HttpRequest, workflow: Workflow, token: str) -> HttpResponse:
    """Meta's subscription check (`challenges`): the challenge as text, or 403. Rate limited
    like every call, so the verify token cannot be guessed quickly."""
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
    answer = challenges.answer_meta(request.GET, token)
    if not answer.ok:
        return _refuse(request, workflow, 403, "forbidden", answer.text)
    return HttpResponse(answer.text, content_type="text/plain; charset=utf-8")


# --- end triggers ---


# --- svcb ---
def _is_woocommerce_ping(request: HttpRequest, challenge: str) -> bool:
    """Whether the call is WooCommerce's ping, on a trigger that answers it; the body is read
    before the size checks only when it is declared that small."""
    declared = request.headers.get("Content-Length", "")
    if challenge != "woocommerce" or not declared.isdigit():
        return False
    if int(declared) > challenges.MAX_PING_BYTES:
        return False
    return challenges.is_woocommerce_ping(request.method or "", request.headers, request.body)


def _woocommerce_ping(request: HttpRequest, workflow: Workflow) -> HttpResponse:
    """WooCommerce's ping (`challenges`): 200 and no run, rate limited like every call."""
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
    return JsonResponse({"ping": "ok"})


# --- end svcb ---


# --- slack ---
def _slack_check(request: HttpRequest, workflow: Workflow, body: dict[str, Any]) -> HttpResponse:
    """Slack's URL check (`challenges`): {"challenge": ...} and no run. It reaches here past
    the rate limit and, with auth set, the signature check, as every call does."""
    answer = challenges.answer_slack(body)
    if not answer.ok:
        details = [{"field": "body.challenge", "message": answer.text}]
        return _refuse(request, workflow, 400, "bad_request", answer.text, details)
    return JsonResponse({"challenge": answer.text})


def _not_started(workflow: Workflow) -> JsonResponse:
    """A call the trigger's start_when rules do not hold for: 200, as a sender expects of a
    call it need not send again (Slack retries any other answer), and no run."""
    log.info("Webhook call for workflow %s did not meet start_when: no run", workflow.pk)
    return JsonResponse(
        {"started": False, "message": "The trigger's start_when rules do not hold for this call."}
    )


# --- end slack ---


def _run_until_answered(execution: Execution, claimed: Step | None, repeated: bool) -> Ingested:
    """response=respond_node: run the start of the chain here until a logic.respond step
    answers (within WORKFUSE_INLINE_BUDGET_MS); what follows the answer goes to the workers,
    so the answer leaves as soon as that step's checkpoint has committed."""
    waiting = Ingested(execution=execution, wait=True, mode="respond_node")
    if repeated:
        return waiting
    last = engine.run_chain(
        claimed,
        budget_seconds=settings.WORKFUSE_INLINE_BUDGET_MS / 1000,
        until=lambda step: bool(step.execution.answered_by),
    )
    if last is None:
        return waiting
    if last.execution.answered_by == last.key:  # this chain answered: no query needed
        return _done(answers.http_response(last.input))
    if last.execution.status in Execution.FINISHED:
        return _done(answers.response(execution.pk, completion.News(last.execution.status)))
    return waiting


def _done(response: HttpResponse) -> Ingested:
    return Ingested(response=response)


def _status(execution_id: uuid.UUID) -> str | None:
    return Execution.objects.filter(pk=execution_id).values_list("status", flat=True).first()


def _result(execution: Execution, status: str) -> HttpResponse:
    """The answer of a synchronous webhook whose run ended: its last node's output."""
    if status == Execution.Status.SUCCEEDED:
        return JsonResponse(execution.last_output(), status=200, safe=False)
    return answers.run_failed(execution.pk)


def _start_once(
    workflow: Workflow,
    payload: dict[str, Any],
    key: str,
    execution_id: uuid.UUID,
    *,
    claim: bool,
) -> tuple[Execution, Step | None, bool]:
    """Start an execution (with `claim`, its first step claimed for this thread to run), or
    return the one a repeated Idempotency-Key already started (True: repeated)."""
    claimed: list[Step | None] = [None]

    def start() -> Execution:
        kind = Execution.Trigger.WEBHOOK
        if not claim:
            return engine.start_execution(
                workflow, payload, trigger_kind=kind, execution_id=execution_id
            )
        execution, claimed[0] = engine.start_claimed(
            workflow, payload, trigger_kind=kind, execution_id=execution_id
        )
        return execution

    if not key:
        return start(), claimed[0], False
    execution, earlier = idempotency.start_once(
        WebhookDelivery, {"workflow": workflow, "key": key}, start
    )
    return execution, claimed[0], earlier is not None


def _form_sent(request: HttpRequest, execution: Execution) -> JsonResponse:
    """response=form: 303 to the page that follows the run to the form's next page; the body
    says the same to a caller that does not follow redirects."""
    url = request.build_absolute_uri(form_pages.follow_url(execution.pk))
    response = JsonResponse(
        {"execution_id": str(execution.pk), "status": execution.status, "next_url": url},
        status=303,
    )
    response["Location"] = url
    return response


def _accepted(request: HttpRequest, execution: Execution) -> JsonResponse:
    return JsonResponse(
        {
            "execution_id": str(execution.pk),
            "status": execution.status,
            "status_url": request.build_absolute_uri(f"/api/executions/{execution.pk}"),
        },
        status=202,
    )
