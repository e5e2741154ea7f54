"""The chat pages: the owner's (`/chat/<workflow_id>/`, signed in) and the public link's
(`/chat/p/<token>/`, anyone, while the workflow is active and its trigger is `public`).

Each page posts its messages to its `send` URL, which waits for the run's reply without
holding a thread (`conversation.converse`) and answers JSON; the reply's tokens stream
meanwhile over the page's WebSocket (`chat/consumers.py`). A public visitor's conversation is
the one named by their cookie, never one they name, and their sends are rate-limited.
"""

from __future__ import annotations

from typing import Any

from asgiref.sync import sync_to_async
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST
from django_ratelimit.core import get_usage

from accounts.models import client_ip
from chat import conversation
from chat.links import COOKIE, COOKIE_AGE, public_workflow, visitor_session
from chat.models import ChatLink, ChatSession, new_session_id
from editor.models import Workflow
from editor.nodes import trigger_chat
from workfuse.lib.params import row_id
from workfuse.lib.requests import SignedInRequest

SESSIONS_LISTED = 50
PUBLIC_FAILURE = "Sorry, something went wrong and there is no answer. Please try again later."


def _own_workflow(request: HttpRequest, workflow_id: Any) -> Workflow:
    return get_object_or_404(Workflow, pk=row_id(workflow_id), owner=request.user)


def page(request: SignedInRequest, workflow_id: int) -> HttpResponse:
    """The owner's chat with a workflow: a conversation (`?session=`, else a new one), the
    conversations so far, and the public link when the trigger is public. Actions: clear a
    conversation, make a new public link."""
    workflow = _own_workflow(request, workflow_id)
    config = trigger_chat.config_in(workflow.graph)
    action = request.POST.get("action") if request.method == "POST" else None
    if action == "clear":
        ChatSession.objects.filter(
            workflow=workflow, session_id=request.POST.get("session_id", "")
        ).delete()
        messages.success(request, "Conversation deleted.")
        return redirect("chat:page", workflow.pk)
    if action == "new_link":
        link, made = ChatLink.objects.get_or_create(workflow=workflow)
        if not made:
            link.regenerate()
        messages.success(request, "New public link: the old one no longer works.")
        return redirect("chat:page", workflow.pk)
    wanted = request.GET.get("session", "")
    session = (
        ChatSession.objects.filter(workflow=workflow, session_id=wanted).first() if wanted else None
    )
    session_id = session.session_id if session else new_session_id()
    public_url = None
    if config is not None and config.public:
        link, _ = ChatLink.objects.get_or_create(workflow=workflow)
        public_url = request.build_absolute_uri(reverse("chat:public", args=[link.token]))
    context = {
        "workflow": workflow,
        "config": config,
        "public": False,
        "session_id": session_id,
        "history": conversation.history(session) if session else [],
        "sessions": ChatSession.objects.filter(workflow=workflow)[:SESSIONS_LISTED],
        "public_url": public_url,
        "send_url": reverse("chat:send", args=[workflow.pk]),
        "ws_path": f"/ws/chat/{workflow.pk}/{session_id}/",
        "max_chars": settings.WORKFUSE_CHAT_MAX_MESSAGE_CHARS,
    }
    return render(request, "chat/page.html", context)


@require_POST
async def send(request: HttpRequest, workflow_id: int) -> HttpResponse:
    """The owner's page sends a message: JSON `{session_id, reply, execution_id, status,
    error}` once the run ends or WORKFUSE_CHAT_WAIT_SECONDS pass; 400 naming the field."""
    user = await request.auser()  # signed in: LoginRequiredMiddleware
    workflow = await Workflow.objects.filter(pk=row_id(workflow_id) or 0, owner_id=user.pk).afirst()
    if workflow is None:
        return _error(404, "not_found", "Not found.")
    return await _converse(
        workflow,
        request.POST.get("message", ""),
        request.POST.get("session_id") or None,
        ChatSession.Via.OWNER,
    )


def _remember(response: HttpResponse, request: HttpRequest, workflow: Workflow, sid: str) -> None:
    response.set_cookie(
        COOKIE.format(pk=workflow.pk),
        sid,
        max_age=COOKIE_AGE,
        httponly=True,
        samesite="Lax",
        secure=request.is_secure() or settings.SESSION_COOKIE_SECURE,
    )


@login_not_required
def public_page(request: HttpRequest, token: str) -> HttpResponse:
    """The public chat: the visitor's own conversation only. Action: clear it."""
    workflow = public_workflow(token)
    session_id, session = visitor_session(request.COOKIES, workflow)
    if request.method == "POST" and request.POST.get("action") == "clear":
        if session is not None:
            session.delete()
        response: HttpResponse = redirect("chat:public", token)
        _remember(response, request, workflow, new_session_id())
        return response
    context = {
        "workflow": workflow,
        "config": trigger_chat.config_in(workflow.graph),
        "public": True,
        "session_id": session_id,
        "history": conversation.history(session) if session else [],
        "send_url": reverse("chat:public_send", args=[token]),
        "ws_path": f"/ws/chat/p/{token}/",
        "public_failure": PUBLIC_FAILURE,
        "max_chars": settings.WORKFUSE_CHAT_MAX_MESSAGE_CHARS,
    }
    response = render(request, "chat/page.html", context)
    _remember(response, request, workflow, session_id)
    return response


@login_not_required
@require_POST
async def public_send(request: HttpRequest, token: str) -> HttpResponse:
    """A public visitor sends a message: as the owner's `send`, in the cookie's conversation,
    at most WORKFUSE_CHAT_PUBLIC_RATE per client; a failed run's error is not shown."""
    try:
        workflow = await sync_to_async(public_workflow)(token)
    except Http404:
        return _error(404, "not_found", "No chat at this address.")
    retry_after = await sync_to_async(_over_rate)(request, token)
    if retry_after is not None:
        response = _error(429, "rate_limited", "Too many messages; wait a moment.")
        response["Retry-After"] = str(retry_after)
        return response
    session_id, _ = await sync_to_async(visitor_session)(request.COOKIES, workflow)
    response = await _converse(
        workflow, request.POST.get("message", ""), session_id, ChatSession.Via.PUBLIC
    )
    _remember(response, request, workflow, session_id)
    return response


def _over_rate(request: HttpRequest, token: str) -> int | None:
    """Seconds to wait when this client has sent too much on this link, else None. Fails
    open like the webhooks' limit: a cache that is down must not stop the chat."""
    try:
        usage = get_usage(
            request,
            group="chat",
            key=lambda group, req: f"{token}:{client_ip(req)}",
            rate=settings.WORKFUSE_CHAT_PUBLIC_RATE,
            increment=True,
        )
    except Exception:  # any cache backend's error
        return None
    return max(1, int(usage["time_left"])) if usage and usage["should_limit"] else None


async def _converse(workflow: Workflow, message: str, session_id: str | None, via: str) -> Any:
    try:
        reply = await conversation.converse(workflow, message, session_id, via=via)
    except conversation.ChatRefused as exc:
        return _error(exc.status, exc.code, exc.message, exc.details)
    error = reply.error
    if error and via == ChatSession.Via.PUBLIC:
        error = PUBLIC_FAILURE
    return JsonResponse(
        {
            "session_id": reply.session_id,
            "reply": reply.text,
            "execution_id": str(reply.execution_id),
            "status": reply.status,
            "error": error,
        },
        status=200 if reply.finished else 202,
    )


def _error(status: int, code: str, message: str, details: Any = None) -> JsonResponse:
    return JsonResponse({"code": code, "message": message, "details": details}, status=status)
