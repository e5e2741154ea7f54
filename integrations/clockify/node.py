"""app.clockify: the projects of a Clockify workspace listed (filtered as Clockify's API
filters them), read, created and deleted, as n8n's Clockify node does."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import ConfigDict, Field, field_validator

from integrations.clockify import rest_api
from integrations.clockify.credentials import ApiKey
from integrations.operations import OperationConfig, json_object, rendered_object, used_by
from integrations.service import credential_for
from workfuse.lib.node_run import RunContext, Secret
from workfuse.lib.node_types import NodeType

Operation = Literal["list_projects", "get_project", "create_project", "delete_project"]
ALL = ("list_projects", "get_project", "create_project", "delete_project")
BY_ID = ("get_project", "delete_project")
PAGE = 50
MAX_RESULTS = 5000


class Config(OperationConfig):
    model_config = ConfigDict(coerce_numbers_to_str=True)

    credential: int | None = Field(
        None, ge=1, description="Your Clockify API key credential. Needed to run."
    )
    operation: Operation = Field(
        "list_projects",
        description="list_projects: the workspace's projects, filtered. get_project / "
        "delete_project: one project by id. create_project: a new project.",
    )
    workspace_id: str = Field(
        "",
        description="The workspace's id.",
        json_schema_extra=used_by(*ALL, required=True),
    )
    project_id: str = Field(
        "",
        description="The project's id.",
        json_schema_extra=used_by(*BY_ID, required=True),
    )
    name: str = Field(
        "",
        description="create_project: the project's name. list_projects: only projects whose "
        "name contains this.",
        json_schema_extra=used_by("create_project", "list_projects", required=["create_project"]),
    )
    filters: Any = Field(
        None,
        description='list_projects: more of Clockify\'s filters, as a JSON object: {"archived": '
        'true, "billable": false, "clients": "…", "sort-column": "NAME"}.',
        json_schema_extra=used_by("list_projects"),
    )
    fields: Any = Field(
        None,
        description='create_project: more fields, as a JSON object: {"clientId": "…", '
        '"color": "#f44336", "billable": true, "isPublic": true, "note": "…"}.',
        json_schema_extra=used_by("create_project"),
    )
    max_results: int = Field(
        50,
        ge=1,
        le=MAX_RESULTS,
        description=f"list_projects: keep at most this many (1 to {MAX_RESULTS}).",
        json_schema_extra=used_by("list_projects"),
    )

    @field_validator("filters", "fields", mode="before")
    @classmethod
    def _objects(cls, value: Any) -> Any:
        return json_object(value, "Clockify fields")


def _query_value(value: Any) -> Any:
    return str(value).lower() if isinstance(value, bool) else value


def _list(secret: Secret, config: Config, path: str) -> list[Any]:
    query = {k: _query_value(v) for k, v in rendered_object(config.filters, "filters").items()}
    if config.name:
        query["name"] = config.name
    found: list[Any] = []
    page = 1
    while len(found) < config.max_results:
        params = {**query, "page": page, "page-size": PAGE}
        batch = rest_api.call(secret, "GET", path, what="list_projects", params=params)
        if not isinstance(batch, list) or not batch:
            break
        found += batch
        if len(batch) < PAGE:
            break
        page += 1
    return found[: config.max_results]


def run(config: Config, ctx: RunContext) -> Any:
    """As n8n outputs it: the project (get, create, delete); list_projects: {projects, count}."""
    secret, _ = credential_for(ctx, config.operation, ApiKey)
    op, projects = config.operation, f"/workspaces/{config.workspace_id.strip()}/projects"
    if op == "list_projects":
        found = _list(secret, config, projects)
        return {"projects": found, "count": len(found)}
    if op == "create_project":
        body = {**rendered_object(config.fields, "fields"), "name": config.name}
        return rest_api.call(secret, "POST", projects, what=op, json=body)
    project = f"{projects}/{config.project_id.strip()}"
    if op == "get_project":
        return rest_api.call(secret, "GET", project, what=op)
    return rest_api.call(secret, "DELETE", project, what=op)


NODE = NodeType(
    type="app.clockify",
    label="Clockify",
    category="app",
    description="Lists, reads, creates and deletes the projects of a Clockify workspace.",
    Config=Config,
    run=run,
    credential_kinds=(ApiKey.kind,),
    icon="Ⓒ",
    examples=(
        (
            "List the archived Clockify projects named Ticket 42 in workspace 5f1a with "
            "credential 7",
            {
                "credential": 7,
                "operation": "list_projects",
                "workspace_id": "5f1a",
                "name": "Ticket 42",
                "filters": {"archived": True},
            },
        ),
        (
            "Read Clockify project 60b2 of workspace 5f1a",
            {"operation": "get_project", "workspace_id": "5f1a", "project_id": "60b2"},
        ),
        (
            "Create the Clockify project Website in workspace 5f1a",
            {"operation": "create_project", "workspace_id": "5f1a", "name": "Website"},
        ),
        (
            "Delete Clockify project 60b2 of workspace 5f1a",
            {"operation": "delete_project", "workspace_id": "5f1a", "project_id": "60b2"},
        ),
    ),
)
