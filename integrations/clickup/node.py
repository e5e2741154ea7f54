"""app.clickup: tasks of a ClickUp list created, read, updated, listed and deleted through
ClickUp's API v2."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Literal

from pydantic import ConfigDict, Field

from integrations.clickup import rest_api
from integrations.clickup.credentials import ApiToken
from integrations.operations import OperationConfig, used_by
from integrations.service import credential_for
from workfuse.lib.node_run import NodeError, RunContext, Secret
from workfuse.lib.node_types import NodeType

Operation = Literal["create_task", "get_task", "update_task", "list_tasks", "delete_task"]
BY_TASK = ("get_task", "update_task", "delete_task")
WRITES = ("create_task", "update_task")
PAGE = 100  # ClickUp's page of tasks
MAX_TASKS = 1000


class Config(OperationConfig):
    model_config = ConfigDict(coerce_numbers_to_str=True)

    credential: int | None = Field(
        None, ge=1, description="Your ClickUp API token credential. Needed to run."
    )
    operation: Operation = Field(
        "create_task",
        description="create_task: a new task in a list. get_task / delete_task: one task. "
        "update_task: change the fields given. list_tasks: the tasks of a list.",
    )
    list_id: str = Field(
        "",
        description="The list's id (in its URL after /li/).",
        json_schema_extra=used_by("create_task", "list_tasks", required=True),
    )
    task_id: str = Field(
        "", description="The task's id.", json_schema_extra=used_by(*BY_TASK, required=True)
    )
    name: str = Field(
        "",
        description="The task's name (update_task: the new name, if any).",
        json_schema_extra=used_by(*WRITES, required=("create_task",)),
    )
    content: str = Field(
        "", description="The task's description.", json_schema_extra=used_by(*WRITES)
    )
    status: str = Field(
        "", description="The status, as named in the list.", json_schema_extra=used_by(*WRITES)
    )
    priority: str = Field(
        "",
        description="1 (urgent), 2 (high), 3 (normal) or 4 (low); may be a template.",
        json_schema_extra=used_by(*WRITES),
    )
    due_date: str = Field(
        "",
        description="When it is due: a date or date-time (2026-12-24T17:00:00Z) or Unix "
        "milliseconds; may be a template.",
        json_schema_extra=used_by(*WRITES),
    )
    tags: list[str] = Field(
        default_factory=list,
        description="create_task: tag names.",
        json_schema_extra=used_by("create_task"),
    )
    assignees: list[str] = Field(
        default_factory=list,
        description="create_task: user ids to assign.",
        json_schema_extra=used_by("create_task"),
    )
    include_closed: bool = Field(
        False,
        description="list_tasks: closed tasks too.",
        json_schema_extra=used_by("list_tasks"),
    )
    max_results: int = Field(
        100,
        ge=1,
        le=MAX_TASKS,
        description=f"list_tasks: at most this many (up to {MAX_TASKS}).",
        json_schema_extra=used_by("list_tasks"),
    )


def _millis(value: str) -> int:
    text = value.strip()
    if text.isdigit():
        return int(text)
    try:
        when = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise NodeError(
            f"due_date must be a date, a date-time or Unix milliseconds, not “{value}”."
        ) from None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return int(when.timestamp() * 1000)


def _task_body(config: Config) -> dict[str, Any]:
    values: dict[str, Any] = {
        "name": config.name,
        "description": config.content,
        "status": config.status,
    }
    body = {k: v for k, v in values.items() if v}
    if config.priority.strip():
        try:
            body["priority"] = int(float(config.priority))
        except ValueError:
            raise NodeError(
                f"The priority field must be a number from 1 to 4, not “{config.priority}”."
            ) from None
    if config.due_date.strip():
        body["due_date"] = _millis(config.due_date)
    if config.operation == "create_task":
        if config.tags:
            body["tags"] = config.tags
        if config.assignees:
            body["assignees"] = [int(a) if a.isdigit() else a for a in config.assignees]
    return body


def _list(secret: Secret, config: Config) -> list[Any]:
    tasks: list[Any] = []
    page = 0
    while len(tasks) < config.max_results:
        params = {"page": page, "include_closed": str(config.include_closed).lower()}
        path = f"/list/{config.list_id.strip()}/task"
        answer = rest_api.call(secret, "GET", path, what="list_tasks", params=params)
        found = answer.get("tasks") or []
        tasks.extend(found)
        if answer.get("last_page", True) or len(found) < PAGE:
            break
        page += 1
    return tasks[: config.max_results]


def run(config: Config, ctx: RunContext) -> Any:
    """As n8n outputs it: the task (create_task, get_task, update_task), {tasks, count} for
    list_tasks, {success: true} for delete_task."""
    secret, _ = credential_for(ctx, config.operation, ApiToken)
    op, task = config.operation, f"/task/{config.task_id.strip()}"
    if op == "create_task":
        path = f"/list/{config.list_id.strip()}/task"
        return rest_api.call(secret, "POST", path, what=op, json=_task_body(config))
    if op == "get_task":
        return rest_api.call(secret, "GET", task, what=op)
    if op == "update_task":
        body = _task_body(config)
        if not body:
            raise NodeError("update_task needs something to change: name, content, status, …")
        return rest_api.call(secret, "PUT", task, what=op, json=body)
    if op == "list_tasks":
        tasks = _list(secret, config)
        return {"tasks": tasks, "count": len(tasks)}
    rest_api.call(secret, "DELETE", task, what=op)
    return {"success": True}


NODE = NodeType(
    type="app.clickup",
    label="ClickUp",
    category="app",
    description="Creates, reads, updates, lists and deletes the tasks of ClickUp lists.",
    Config=Config,
    run=run,
    credential_kinds=(ApiToken.kind,),
    icon="✔",
    examples=(
        (
            "Create a ClickUp task in list 901207046581 named after the form's title, priority "
            "2, with credential 5",
            {
                "credential": 5,
                "operation": "create_task",
                "list_id": "901207046581",
                "name": "{{ trigger.body.title }}",
                "priority": "2",
            },
        ),
        ("Read ClickUp task 86a0xyz", {"operation": "get_task", "task_id": "86a0xyz"}),
        (
            "Set ClickUp task 86a0xyz to status done",
            {"operation": "update_task", "task_id": "86a0xyz", "status": "done"},
        ),
        (
            "List the open tasks of ClickUp list 901207046581",
            {"operation": "list_tasks", "list_id": "901207046581"},
        ),
        ("Delete ClickUp task 86a0xyz", {"operation": "delete_task", "task_id": "86a0xyz"}),
    ),
)
