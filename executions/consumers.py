"""WebSocket consumers (DESIGN §7): one class per route, on the Channels group of a workflow.

Session-authenticated, owner only: anyone else is accepted and closed at once with 4403, so
the browser sees the reason. The first message is a snapshot of every step, so a reconnect
re-syncs; live `step`, `execution` and `token` messages follow.
"""

from __future__ import annotations

import asyncio
from typing import Any

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from executions import events
from executions.models import Execution

FORBIDDEN = 4403


def snapshot(execution: Execution | None, **extra: Any) -> dict[str, Any]:
    return {
        "type": "snapshot",
        **extra,
        "execution": events.execution_payload(execution) if execution is not None else None,
        "steps": (
            [events.step_payload(s, execution) for s in execution.steps.all()]
            if execution is not None
            else []
        ),
        "sent_at": events.now_iso(),
    }


class LiveConsumer(AsyncJsonWebsocketConsumer):
    group: str = ""

    async def connect(self) -> None:
        events.bind_server_loop(asyncio.get_running_loop())
        user = self.scope.get("user")
        allowed = bool(user and user.is_authenticated) and await database_sync_to_async(self.owns)(
            user
        )
        await self.accept()
        if not allowed:
            await self.close(code=FORBIDDEN)
            return
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.send_json(await database_sync_to_async(self.snapshot)())

    async def disconnect(self, code: int) -> None:
        if self.group:
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def live_event(self, event: dict[str, Any]) -> None:
        if self.wants(event["payload"]):
            await self.send_json(event["payload"])

    async def live_batch(self, event: dict[str, Any]) -> None:
        for payload in event["payloads"]:
            if self.wants(payload):
                await self.send_json(payload)

    def wants(self, payload: dict[str, Any]) -> bool:
        return True

    # Subclasses define `owns(user)`, which also sets `self.group`, and `snapshot()`.
    owns: Any
    snapshot: Any


class ExecutionConsumer(LiveConsumer):
    """/ws/executions/<execution_id>/"""

    def owns(self, user: Any) -> bool:
        execution_id = self.scope["url_route"]["kwargs"]["execution_id"]
        workflow_id = (
            Execution.objects.filter(pk=execution_id, workflow__owner=user)
            .values_list("workflow_id", flat=True)
            .first()
        )
        if workflow_id is None:
            return False
        self.execution_id = str(execution_id)
        self.group = events.workflow_group(workflow_id)  # filtered by `wants`
        return True

    def wants(self, payload: dict[str, Any]) -> bool:
        return payload.get("execution_id") == self.execution_id

    def snapshot(self) -> dict[str, Any]:
        return snapshot(Execution.objects.get(pk=self.execution_id))


class WorkflowConsumer(LiveConsumer):
    """/ws/workflows/<workflow_id>/: every run of the workflow (for the editor); the snapshot
    is the latest run."""

    def owns(self, user: Any) -> bool:
        from editor.models import Workflow

        workflow_id = self.scope["url_route"]["kwargs"]["workflow_id"]
        if not Workflow.objects.filter(pk=workflow_id, owner=user).exists():
            return False
        self.workflow_id = workflow_id
        self.group = events.workflow_group(workflow_id)
        return True

    def snapshot(self) -> dict[str, Any]:
        latest = (
            Execution.objects.filter(workflow_id=self.workflow_id).order_by("-created_at").first()
        )
        return snapshot(latest, workflow_id=self.workflow_id)
