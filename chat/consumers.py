"""The chat pages' WebSockets: a conversation's replies, token by token (docs/chat.md).

`/ws/chat/<workflow_id>/<session_id>/` for the owner (signed in) and `/ws/chat/p/<token>/`
for a public link (its conversation is the visitor's cookie's). Either joins the workflow's
live group (`executions.events`) and relays the `token` and `execution` messages of the runs
this conversation's messages started, and nothing else: a public visitor never sees another
conversation's runs, nor a run's error. Anyone not allowed is accepted and closed with 4403.

The page connects before it sends, and a run's message row commits with the run, so the
first token of a reply already finds the run in the conversation.
"""

from __future__ import annotations

import asyncio
from typing import Any

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.http import Http404

from chat.links import COOKIE, public_workflow, visitor_session
from chat.models import ChatMessage
from editor.models import Workflow
from executions import events
from executions.consumers import FORBIDDEN

RELAYED = ("token", "execution")
# Runs of the workflow whose ownership a socket remembers (one query each the first time).
MAX_REMEMBERED_RUNS = 1000
PUBLIC_FIELDS = ("type", "execution_id", "node_id", "text", "status", "sent_at")


class ChatConsumer(AsyncJsonWebsocketConsumer):
    workflow_id: int
    session_id: str
    public = False

    async def connect(self) -> None:
        events.bind_server_loop(asyncio.get_running_loop())
        allowed = await database_sync_to_async(self.authorise)()
        await self.accept()
        if not allowed:
            await self.close(code=FORBIDDEN)
            return
        self.runs: dict[str, bool] = {}  # execution id -> whether it is this conversation's
        self.group = events.workflow_group(self.workflow_id)
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.send_json({"type": "ready", "session_id": self.session_id})

    async def disconnect(self, code: int) -> None:
        if getattr(self, "group", ""):
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def live_event(self, event: dict[str, Any]) -> None:
        await self.relay(event["payload"])

    async def live_batch(self, event: dict[str, Any]) -> None:
        for payload in event["payloads"]:
            await self.relay(payload)

    async def relay(self, payload: dict[str, Any]) -> None:
        if payload.get("type") not in RELAYED:
            return
        execution_id = str(payload.get("execution_id", ""))
        if execution_id not in self.runs:
            if len(self.runs) >= MAX_REMEMBERED_RUNS:  # a busy workflow's other runs
                self.runs.clear()
            self.runs[execution_id] = await database_sync_to_async(self.started_here)(execution_id)
        if not self.runs[execution_id]:
            return
        if self.public:
            payload = {k: v for k, v in payload.items() if k in PUBLIC_FIELDS}
        await self.send_json(payload)

    def started_here(self, execution_id: str) -> bool:
        return ChatMessage.objects.filter(
            execution_id=execution_id,
            role=ChatMessage.Role.USER,
            session__workflow_id=self.workflow_id,
            session__session_id=self.session_id,
        ).exists()

    def authorise(self) -> bool:
        """Whether this socket may follow its conversation; each route's consumer decides,
        and sets `workflow_id` and `session_id`."""
        return False


class OwnerChatConsumer(ChatConsumer):
    """/ws/chat/<workflow_id>/<session_id>/: the owner, signed in."""

    def authorise(self) -> bool:
        user = self.scope.get("user")
        kwargs = self.scope["url_route"]["kwargs"]
        if not (user and user.is_authenticated):
            return False
        if not Workflow.objects.filter(pk=kwargs["workflow_id"], owner=user).exists():
            return False
        self.workflow_id, self.session_id = kwargs["workflow_id"], kwargs["session_id"]
        return True


class PublicChatConsumer(ChatConsumer):
    """/ws/chat/p/<token>/: a public link's visitor, in the conversation of their cookie."""

    public = True

    def authorise(self) -> bool:
        try:
            workflow = public_workflow(self.scope["url_route"]["kwargs"]["token"])
        except Http404:
            return False
        cookies = self.scope.get("cookies", {})
        session_id, _ = visitor_session(cookies, workflow)
        if cookies.get(COOKIE.format(pk=workflow.pk)) != session_id:
            return False  # no usable cookie: the page sets one before it connects
        self.workflow_id, self.session_id = workflow.pk, session_id
        return True
