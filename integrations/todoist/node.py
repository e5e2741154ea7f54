"""app.todoist: tasks created, updated, read, listed (by project, section, label, ids or a
Todoist filter), closed and deleted."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import ConfigDict, Field

from integrations.operations import OperationConfig, used_by
from integrations.service import credential_for
from integrations.todoist import rest_api
from integrations.todoist.credentials import ApiToken
from workfuse.lib.node_run import NodeError, RunContext, Secret
from workfuse.lib.node_types import NodeType

Operation = Literal[
    "create_task", "update_task", "get_task", "list_tasks", "close_task", "delete_task"
]
BY_TASK = ("update_task", "get_task", "close_task", "delete_task")
WRITES = ("create_task", "update_task")
PAGE = 200  # Todoist's largest page
MAX_TASKS = 5000


class Config(OperationConfig):
    model_config = ConfigDict(coerce_numbers_to_str=True)

    credential: int | None = Field(
        None, ge=1, description="Your Todoist API token credential. Needed to run."
    )
    operation: Operation = Field(
        "create_task",
        description="create_task: a new task. update_task: change the fields given. get_task "
        "/ close_task / delete_task: one task. list_tasks: the active tasks of a project, "
        "section, label, ids or a filter.",
    )
    task_id: str = Field(
        "", description="The task's id.", json_schema_extra=used_by(*BY_TASK, required=True)
    )
    content: str = Field(
        "",
        description="The task's name (Markdown).",
        json_schema_extra=used_by(*WRITES, required=["create_task"]),
    )
    description: str = Field(
        "", description="The task's description.", json_schema_extra=used_by(*WRITES)
    )
    project_id: str = Field(
        "",
        description="create_task: the project (empty: the Inbox). list_tasks: only this "
        "project's tasks.",
        json_schema_extra=used_by("create_task", "list_tasks"),
    )
    section_id: str = Field(
        "",
        description="create_task / list_tasks: the section.",
        json_schema_extra=used_by("create_task", "list_tasks"),
    )
    labels: list[str] = Field(
        default_factory=list, description="The label names.", json_schema_extra=used_by(*WRITES)
    )
    priority: str = Field(
        "",
        description="1 (normal) to 4 (urgent); may be a template. Empty: unchanged (create: 1).",
        json_schema_extra=used_by(*WRITES),
    )
    due_string: str = Field(
        "",
        description='When it is due, in words ("tomorrow at 9", "every monday").',
        json_schema_extra=used_by(*WRITES),
    )
    due_datetime: str = Field(
        "",
        description="When it is due, as an RFC 3339 time (2026-12-24T17:00:00Z).",
        json_schema_extra=used_by(*WRITES),
    )
    label: str = Field(
        "",
        description="list_tasks: only tasks with this label.",
        json_schema_extra=used_by("list_tasks"),
    )
    filter: str = Field(
        "",
        description='list_tasks: a Todoist filter ("today | overdue", "#Work & p1"); the other '
        "list settings are then ignored.",
        json_schema_extra=used_by("list_tasks"),
    )
    ids: str = Field(
        "",
        description="list_tasks: only these task ids, comma-separated.",
        json_schema_extra=used_by("list_tasks"),
    )
    max_results: int = Field(
        MAX_TASKS,
        ge=1,
        le=MAX_TASKS,
        description="list_tasks: keep at most this many tasks.",
        json_schema_extra=used_by("list_tasks"),
    )


def _task_body(config: Config) -> dict[str, Any]:
    values: dict[str, Any] = {
        "content": config.content,
        "description": config.description,
        "labels": config.labels,
        "due_string": config.due_string,
        "due_datetime": config.due_datetime.replace(".000Z", "Z"),
    }
    if config.operation == "create_task":
        values |= {"project_id": config.project_id.strip(), "section_id": config.section_id.strip()}
    body = {k: v for k, v in values.items() if v}
    if config.priority.strip():
        try:
            body["priority"] = int(float(config.priority))
        except ValueError:
            raise NodeError(
                f"The priority field must be a number from 1 to 4, not “{config.priority}”."
            ) from None
    elif config.operation == "create_task":
        body["priority"] = 1  # n8n's default
    return body


def _list(secret: Secret, config: Config) -> list[Any]:
    if config.filter.strip():
        path, query = "/tasks/filter", {"query": config.filter}
    else:
        wanted = {
            "project_id": config.project_id,
            "section_id": config.section_id,
            "label": config.label,
            "ids": config.ids,
        }
        path, query = "/tasks", {k: v.strip() for k, v in wanted.items() if v.strip()}
    tasks: list[Any] = []
    cursor: str | None = None
    while len(tasks) < config.max_results:
        params = {**query, "limit": min(PAGE, config.max_results - len(tasks))}
        if cursor:
            params["cursor"] = cursor
        page = rest_api.call(secret, "GET", path, what="list_tasks", params=params)
        results = page.get("results") if isinstance(page, dict) else None
        tasks.extend(results if isinstance(results, list) else [])
        cursor = page.get("next_cursor") if isinstance(page, dict) else None
        if not cursor or not results:
            break
    return tasks[: config.max_results]


def run(config: Config, ctx: RunContext) -> Any:
    """As n8n outputs it: the task (create_task, get_task), {tasks, count} for list_tasks and
    {success: true} for update_task, close_task and delete_task."""
    secret, _ = credential_for(ctx, config.operation, ApiToken)
    op, task = config.operation, f"/tasks/{config.task_id.strip()}"
    if op == "create_task":
        return rest_api.call(secret, "POST", "/tasks", what=op, json=_task_body(config))
    if op == "get_task":
        return rest_api.call(secret, "GET", task, what=op)
    if op == "list_tasks":
        tasks = _list(secret, config)
        return {"tasks": tasks, "count": len(tasks)}
    if op == "update_task":
        rest_api.call(secret, "POST", task, what=op, json=_task_body(config))
    elif op == "close_task":
        rest_api.call(secret, "POST", f"{task}/close", what=op)
    else:
        rest_api.call(secret, "DELETE", task, what=op)
    return {"success": True}


NODE = NodeType(
    type="app.todoist",
    label="Todoist",
    category="app",
    description="Creates, updates, reads, lists, closes and deletes Todoist tasks; outputs "
    "the task as Todoist answers it.",
    Config=Config,
    run=run,
    credential_kinds=(ApiToken.kind,),
    icon="☑",
    examples=(
        (
            "Add a Todoist task to call the customer tomorrow at 9, priority 4, in project "
            "2203306141, with credential 8",
            {
                "credential": 8,
                "operation": "create_task",
                "content": "Call {{ trigger.body.name }}",
                "project_id": "2203306141",
                "due_string": "tomorrow at 9",
                "priority": "4",
            },
        ),
        (
            "Set task 7025 to priority 3",
            {"operation": "update_task", "task_id": "7025", "priority": "3"},
        ),
        ("Read task 7025", {"operation": "get_task", "task_id": "7025"}),
        (
            "List the tasks due today or overdue",
            {"operation": "list_tasks", "filter": "today | overdue"},
        ),
        ("Complete task 7025", {"operation": "close_task", "task_id": "7025"}),
        ("Delete task 7025", {"operation": "delete_task", "task_id": "7025"}),
    ),
)
