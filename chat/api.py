"""`POST /api/workflows/{id}/chat` and the conversations' history (DESIGN §8, docs/chat.md).

No `from __future__ import annotations` here: ninja reads the annotations at runtime.
"""

from datetime import datetime
from typing import Any
from uuid import UUID

from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from chat import conversation
from chat.models import ChatSession
from editor.models import Workflow
from workfuse.lib.api_errors import ApiError
from workfuse.lib.params import Pagination, RowId
from workfuse.lib.requests import ApiRequest

router = Router(tags=["chat"])


class ChatIn(Schema):
    session_id: str | None = Field(
        None,
        description="The conversation to continue (1 to 100 letters, digits or _ . : @ -); "
        "leave it out to start a new one, whose id the answer gives.",
    )
    message: str = Field(..., description="What the user says; the trigger's `message`.")


class ChatOut(Schema):
    session_id: str
    reply: str | None = Field(
        ..., description="The last node's output as text (its `response` for an agent or AI node)."
    )
    execution_id: UUID
    status: str = Field(..., description="The run's status: succeeded, failed, or still running.")
    error: str | None = Field(None, description="Why the run failed, when it did.")


class SessionOut(Schema):
    session_id: str
    via: str = Field(..., description="owner (your page or the API) or public (the public link)")
    created_at: datetime
    updated_at: datetime


class MessageOut(Schema):
    role: str
    text: str
    error: str
    execution_id: UUID | None
    created_at: datetime


class ConversationOut(SessionOut):
    messages: list[MessageOut]


def _own_workflow(request: ApiRequest, workflow_id: int) -> Workflow:
    return get_object_or_404(Workflow, pk=workflow_id, owner=request.auth)


def _reply(reply: conversation.Reply) -> dict[str, Any]:
    return {
        "session_id": reply.session_id,
        "reply": reply.text,
        "execution_id": reply.execution_id,
        "status": reply.status,
        "error": reply.error,
    }


@router.post(
    "/{workflow_id}/chat",
    response={200: ChatOut, 202: ChatOut},
    summary="Send a chat message to a workflow that starts with trigger.chat",
)
async def chat(request: ApiRequest, workflow_id: RowId, payload: ChatIn) -> Status[dict[str, Any]]:
    """Starts a run with `{session_id, message}` and waits for it (up to
    WORKFUSE_CHAT_WAIT_SECONDS). 200 once it ended: `reply` is the answer, or null with `error`
    when the run failed (the workflow's failure, not the request's). 202 when it is still
    running: its reply joins the conversation when it ends. Inactive workflows chat too: only
    the public link needs the workflow active."""
    workflow = await Workflow.objects.filter(pk=workflow_id, owner=request.auth).afirst()
    if workflow is None:
        raise ApiError(404, "not_found", "Not found.")
    try:
        reply = await conversation.converse(workflow, payload.message, payload.session_id)
    except conversation.ChatRefused as exc:
        raise ApiError(exc.status, exc.code, exc.message, exc.details) from exc
    return Status(200 if reply.finished else 202, _reply(reply))


@router.get(
    "/{workflow_id}/chat/sessions",
    response=list[SessionOut],
    summary="The workflow's conversations, newest first",
)
@paginate(Pagination)
def sessions(request: ApiRequest, workflow_id: RowId) -> Any:
    return ChatSession.objects.filter(workflow=_own_workflow(request, workflow_id))


@router.get(
    "/{workflow_id}/chat/sessions/{session_id}",
    response=ConversationOut,
    summary="One conversation with its messages (the last 200)",
)
def session(request: ApiRequest, workflow_id: RowId, session_id: str) -> dict[str, Any]:
    found = get_object_or_404(
        ChatSession, workflow=_own_workflow(request, workflow_id), session_id=session_id
    )
    return {
        "session_id": found.session_id,
        "via": found.via,
        "created_at": found.created_at,
        "updated_at": found.updated_at,
        "messages": conversation.history(found),
    }


@router.delete(
    "/{workflow_id}/chat/sessions/{session_id}",
    response={204: None},
    summary="Delete a conversation and its messages (its runs stay in the history)",
)
def delete_session(request: ApiRequest, workflow_id: RowId, session_id: str) -> Status[None]:
    found = get_object_or_404(
        ChatSession, workflow=_own_workflow(request, workflow_id), session_id=session_id
    )
    found.delete()
    return Status(204, None)
