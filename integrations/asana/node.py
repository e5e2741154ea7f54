"""app.asana: tasks created, read, updated, deleted and listed, as n8n's Asana node does (its
Additional Fields are Asana's own task fields, sent as they are)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import ConfigDict, Field, field_validator

from integrations.asana import rest_api
from integrations.asana.credentials import AccessToken
from integrations.operations import OperationConfig, json_object, rendered_object, used_by
from integrations.service import credential_for
from workfuse.lib.node_run import RunContext, Secret
from workfuse.lib.node_types import NodeType

Operation = Literal["create_task", "get_task", "update_task", "delete_task", "list_tasks"]
BY_ID = ("get_task", "update_task", "delete_task")
PAGE = 100  # the most an Asana page holds
MAX_RESULTS = 5000


class Config(OperationConfig):
    model_config = ConfigDict(coerce_numbers_to_str=True)

    credential: int | None = Field(
        None, ge=1, description="Your Asana personal access token credential. Needed to run."
    )
    operation: Operation = Field(
        "create_task",
        description="create_task: a new task in a workspace. get_task / update_task / "
        "delete_task: one task by id. list_tasks: tasks filtered by project, section, or "
        "assignee and workspace.",
    )
    workspace: str = Field(
        "",
        description="create_task: the workspace's id (gid).",
        json_schema_extra=used_by("create_task", required=True),
    )
    name: str = Field(
        "",
        description="create_task: the task's name.",
        json_schema_extra=used_by("create_task", required=True),
    )
    task_id: str = Field(
        "", description="The task's id (gid).", json_schema_extra=used_by(*BY_ID, required=True)
    )
    fields: Any = Field(
        None,
        description="create_task / update_task: more of Asana's task fields, as a JSON object: "
        '{"notes": "…", "assignee": "<user gid>", "due_on": "2026-12-24", "completed": false, '
        '"projects": ["<project gid>"]}.',
        json_schema_extra=used_by("create_task", "update_task"),
    )
    filters: Any = Field(
        None,
        description='list_tasks: Asana\'s filters, as a JSON object: {"project": "<gid>"}, '
        '{"section": "<gid>"} or {"assignee": "<gid>", "workspace": "<gid>"}; also '
        '"completed_since", "modified_since", "opt_fields".',
        json_schema_extra=used_by("list_tasks", required=True),
    )
    max_results: int = Field(
        100,
        ge=1,
        le=MAX_RESULTS,
        description=f"list_tasks: keep at most this many (1 to {MAX_RESULTS}).",
        json_schema_extra=used_by("list_tasks"),
    )

    @field_validator("fields", "filters", mode="before")
    @classmethod
    def _objects(cls, value: Any) -> Any:
        return json_object(value, "Asana fields")


def _list(secret: Secret, config: Config) -> list[Any]:
    query = {
        k: (",".join(map(str, v)) if isinstance(v, list) else v)
        for k, v in rendered_object(config.filters, "filters").items()
    }
    found: list[Any] = []
    offset = ""
    while len(found) < config.max_results:
        limit = min(PAGE, config.max_results - len(found))
        params = {**query, "limit": limit, **({"offset": offset} if offset else {})}
        page = rest_api.call(secret, "GET", "/tasks", what="list_tasks", params=params)
        found += page.get("data") or []
        offset = str((page.get("next_page") or {}).get("offset") or "")
        if not offset or not page.get("data"):
            break
    return found[: config.max_results]


def run(config: Config, ctx: RunContext) -> Any:
    """As n8n outputs it: the task (Asana's `data`); delete: {} as Asana answers it;
    list_tasks: {tasks, count}."""
    secret, _ = credential_for(ctx, config.operation, AccessToken)
    op = config.operation
    if op == "list_tasks":
        found = _list(secret, config)
        return {"tasks": found, "count": len(found)}
    extra = rendered_object(config.fields, "fields")
    if op == "create_task":
        body = {"name": config.name, "workspace": config.workspace.strip(), **extra}
        answer = rest_api.call(secret, "POST", "/tasks", what=op, json={"data": body})
        return answer.get("data", {})
    path = f"/tasks/{config.task_id.strip()}"
    if op == "update_task":
        answer = rest_api.call(secret, "PUT", path, what=op, json={"data": extra})
    else:
        answer = rest_api.call(secret, "GET" if op == "get_task" else "DELETE", path, what=op)
    return answer.get("data", {})


NODE = NodeType(
    type="app.asana",
    label="Asana",
    category="app",
    description="Creates, reads, updates, deletes and lists Asana tasks.",
    Config=Config,
    run=run,
    credential_kinds=(AccessToken.kind,),
    icon="◉",
    examples=(
        (
            "Create the Asana task Support ticket in workspace 1201 with the form's problem as "
            "notes, credential 3",
            {
                "credential": 3,
                "operation": "create_task",
                "workspace": "1201",
                "name": "Support ticket",
                "fields": {"notes": "{{ trigger.body.problem }}"},
            },
        ),
        ("Read Asana task 1204", {"operation": "get_task", "task_id": "1204"}),
        (
            "Mark Asana task 1204 completed",
            {"operation": "update_task", "task_id": "1204", "fields": {"completed": True}},
        ),
        ("Delete Asana task 1204", {"operation": "delete_task", "task_id": "1204"}),
        (
            "List the tasks of Asana project 1300",
            {"operation": "list_tasks", "filters": {"project": "1300"}},
        ),
    ),
)
