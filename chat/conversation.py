"""A chat turn: the user's message starts a run, its end is the reply (DESIGN §12).

`converse()` is what the chat API and the chat pages call. It registers a waiter for the run
before starting it (`executions.completion`, as a synchronous webhook does, in embedded and
queue mode alike), stores the user's message in the transaction that creates the run, then
waits up to WORKFUSE_CHAT_WAIT_SECONDS without holding a thread. The answer is stored by
whoever sees the run's end first (`settle`), once: the waiting request, or the next reading of
the conversation (`history`) when the waiter gave up or went away, so a reply is never lost.
"""

from __future__ import annotations

import json
import re
import uuid
from dataclasses import dataclass
from typing import Any

from asgiref.sync import sync_to_async
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from chat.models import ChatMessage, ChatSession, new_session_id
from editor.models import Workflow
from editor.nodes import trigger_chat
from executions import completion, engine
from executions.models import Execution

SESSION_ID_RE = re.compile(r"^[A-Za-z0-9_.:@-]{1,100}$")
HISTORY_LIMIT = 200
# The fields, in order, whose text is the reply when the last node's output has no `response`.
TEXT_FIELDS = ("text", "message", "reply")
E = Execution.Status


class ChatRefused(Exception):
    """The message cannot start a run: `status` and `code` for the API, `field` it names."""

    def __init__(self, status: int, code: str, message: str, field: str | None = None):
        super().__init__(message)
        self.status, self.code, self.message, self.field = status, code, message, field

    @property
    def details(self) -> list[dict[str, str]] | None:
        return [{"field": self.field, "message": self.message}] if self.field else None


@dataclass(frozen=True)
class Reply:
    """What a turn came to. `status` is the run's: `text` is set once it succeeded, `error`
    once it failed or was cancelled, neither while it still runs."""

    session_id: str
    execution_id: uuid.UUID
    status: str
    text: str | None = None
    error: str | None = None

    @property
    def finished(self) -> bool:
        return self.status in Execution.FINISHED


def reply_text(output: Any) -> str:
    """The text of a reply: the last node's `response` (an agent's, an AI node's), else its
    first text field among `text`, `message`, `reply`, else the output as JSON."""
    if isinstance(output, dict):
        if "response" in output:
            response = output["response"]
            return response if isinstance(response, str) else _json(response)
        for key in TEXT_FIELDS:
            if isinstance(output.get(key), str):
                return str(output[key])
    if isinstance(output, str):
        return output
    return "" if output is None else _json(output)


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2, default=str)


def check_message(message: Any) -> str:
    limit = settings.WORKFUSE_CHAT_MAX_MESSAGE_CHARS
    if not isinstance(message, str) or not message.strip():
        raise ChatRefused(400, "invalid", "Write a message first.", "message")
    if len(message) > limit:
        raise ChatRefused(
            400,
            "invalid",
            f"The message is {len(message)} characters long; the limit is {limit}.",
            "message",
        )
    if "\x00" in message:
        raise ChatRefused(400, "invalid", "The message contains a NUL character.", "message")
    return message


def check_session_id(session_id: str) -> str:
    if not SESSION_ID_RE.match(session_id):
        raise ChatRefused(
            400,
            "invalid",
            "A session id is 1 to 100 letters, digits or the characters _ . : @ -",
            "session_id",
        )
    return session_id


def chat_trigger(workflow: Workflow) -> trigger_chat.Config:
    """The workflow's chat trigger settings; ChatRefused (400) when it has none."""
    config = trigger_chat.config_in(workflow.graph)
    if config is None:
        raise ChatRefused(
            400,
            "no_chat_trigger",
            "This workflow does not start with a chat trigger (trigger.chat): add one to chat "
            "with it.",
        )
    return config


def begin(
    workflow: Workflow,
    message: str,
    session_id: str | None,
    *,
    via: str = ChatSession.Via.OWNER,
    execution_id: uuid.UUID | None = None,
) -> Reply:
    """Store the message in its conversation (made when new) and start the run it triggers,
    in one transaction: the run's steps are dispatched once both are committed. A public
    visitor (`via` public) can only continue a conversation begun on the public link."""
    chat_trigger(workflow)
    check_message(message)
    session_id = check_session_id(session_id) if session_id else new_session_id()
    node = trigger_chat.node_in(workflow.graph) or {}
    try:
        with transaction.atomic():
            session, _ = ChatSession.objects.get_or_create(
                workflow=workflow, session_id=session_id, defaults={"via": via}
            )
            if via == ChatSession.Via.PUBLIC and session.via != via:
                raise ChatRefused(404, "not_found", "No such conversation.", "session_id")
            execution = engine.start_execution(
                workflow,
                {"session_id": session_id, "message": message},
                trigger_kind=Execution.Trigger.CHAT,
                trigger_node=str(node.get("id", "")),
                execution_id=execution_id,
            )
            ChatMessage.objects.create(
                session=session, role=ChatMessage.Role.USER, text=message, execution=execution
            )
            session.save(update_fields=["updated_at"])
    except engine.ExecutionRefused as exc:
        raise ChatRefused(
            400, "invalid_graph", f"The workflow cannot run: {exc.issues[0].message}"
        ) from exc
    return Reply(session_id, execution.pk, execution.status)


def settle(execution_id: uuid.UUID) -> Reply | None:
    """The turn of a chat run as it stands; once the run has ended, its answer is stored in
    the conversation (once, whoever asks first). None when no chat message started it."""
    asked = (
        ChatMessage.objects.filter(execution_id=execution_id, role=ChatMessage.Role.USER)
        .select_related("session", "execution")
        .first()
    )
    if asked is None or asked.execution is None:
        return None
    execution, session_id = asked.execution, asked.session.session_id
    if not execution.is_finished:
        return Reply(session_id, execution.pk, execution.status)
    answer = _answer(asked, execution)
    return Reply(
        session_id,
        execution.pk,
        execution.status,
        text=answer.text if not answer.error else None,
        error=answer.error or None,
    )


def _answer(asked: ChatMessage, execution: Execution) -> ChatMessage:
    """The stored answer to a finished run, stored now if nobody has yet."""
    found = ChatMessage.objects.filter(execution=execution, role=ChatMessage.Role.ASSISTANT).first()
    if found is not None:
        return found
    text, error = "", ""
    if execution.status == E.SUCCEEDED:
        text = reply_text(execution.last_output())
    elif execution.status == E.CANCELLED:
        error = "The run was cancelled before it answered."
    else:
        error = execution.error or "The run failed without saying why."
    answer = ChatMessage(
        session=asked.session,
        role=ChatMessage.Role.ASSISTANT,
        text=text,
        error=error,
        execution=execution,
        created_at=execution.finished_at or timezone.now(),
    )
    try:
        with transaction.atomic():
            answer.save()
            asked.session.save(update_fields=["updated_at"])
    except IntegrityError:  # stored meanwhile by another waiter or reader
        return ChatMessage.objects.get(execution=execution, role=ChatMessage.Role.ASSISTANT)
    return answer


def history(session: ChatSession, limit: int = HISTORY_LIMIT) -> list[ChatMessage]:
    """The conversation's last `limit` messages, oldest first, with the answers of runs that
    ended since anyone waited for them stored first."""
    answered = ChatMessage.objects.filter(
        session=session, role=ChatMessage.Role.ASSISTANT, execution__isnull=False
    ).values("execution_id")
    unanswered = (
        ChatMessage.objects.filter(
            session=session,
            role=ChatMessage.Role.USER,
            execution__status__in=Execution.FINISHED,
        )
        .exclude(execution_id__in=answered)
        .values_list("execution_id", flat=True)[:limit]
    )
    for execution_id in list(unanswered):
        settle(execution_id)
    latest = ChatMessage.objects.filter(session=session).order_by("-created_at", "-id")[:limit]
    return list(reversed(latest))


async def converse(
    workflow: Workflow,
    message: str,
    session_id: str | None,
    *,
    via: str = ChatSession.Via.OWNER,
) -> Reply:
    """Say `message` in the conversation `session_id` (a new one when None) and wait up to
    WORKFUSE_CHAT_WAIT_SECONDS for the reply; a run still going then answers with its status
    and no text. Raises ChatRefused before anything is stored."""
    execution_id = uuid.uuid4()
    async with completion.expecting(execution_id) as expected:
        started = await sync_to_async(begin)(
            workflow, message, session_id, via=via, execution_id=execution_id
        )
        await expected.finished(settings.WORKFUSE_CHAT_WAIT_SECONDS, _status_reader(execution_id))
    return await sync_to_async(settle)(execution_id) or started


def _status_reader(execution_id: uuid.UUID) -> Any:
    async def status() -> str | None:
        return (
            await Execution.objects.filter(pk=execution_id)
            .values_list("status", flat=True)
            .afirst()
        )

    return status
