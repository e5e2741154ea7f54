"""app.taiga: a project's issues created, updated, read, listed and deleted."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import ConfigDict, Field, field_validator

from integrations.operations import OperationConfig, json_object, used_by
from integrations.service import credential_for
from integrations.taiga import rest_api
from integrations.taiga.credentials import Login
from workfuse.lib.node_run import NodeError, RunContext
from workfuse.lib.node_types import NodeType

Operation = Literal["create_issue", "update_issue", "get_issue", "list_issues", "delete_issue"]
BY_ISSUE = ("update_issue", "get_issue", "delete_issue")
WRITES = ("create_issue", "update_issue")
MAX_RESULTS = 5000


class Config(OperationConfig):
    model_config = ConfigDict(coerce_numbers_to_str=True)

    credential: int | None = Field(
        None, ge=1, description="Your Taiga login credential. Needed to run."
    )
    operation: Operation = Field(
        "create_issue",
        description="create_issue: a new issue in a project. update_issue: change the fields "
        "given. get_issue / delete_issue: one issue. list_issues: a project's issues.",
    )
    project_id: str = Field(
        "",
        description="The project's numeric id.",
        json_schema_extra=used_by("create_issue", "list_issues", required=True),
    )
    issue_id: str = Field(
        "",
        description="The issue's numeric id.",
        json_schema_extra=used_by(*BY_ISSUE, required=True),
    )
    subject: str = Field(
        "",
        description="The issue's subject.",
        json_schema_extra=used_by(*WRITES, required=["create_issue"]),
    )
    description: str = Field(
        "", description="The issue's description.", json_schema_extra=used_by(*WRITES)
    )
    fields: Any = Field(
        None,
        description="More issue fields as Taiga names them, as a JSON object: status, priority, "
        "severity, type (ids), assigned_to (a user id), milestone, tags (a list), is_blocked, "
        'blocked_note, e.g. {"priority": 3, "tags": ["docs"]}. May be a template.',
        json_schema_extra=used_by(*WRITES),
    )
    filters: Any = Field(
        None,
        description="list_issues: more query parameters as Taiga names them, as a JSON object: "
        '{"status": 4, "assigned_to": 7, "tags": "docs", "owner": 2}.',
        json_schema_extra=used_by("list_issues"),
    )
    max_results: int = Field(
        MAX_RESULTS,
        ge=1,
        le=MAX_RESULTS,
        description="list_issues: keep at most this many.",
        json_schema_extra=used_by("list_issues"),
    )

    @field_validator("fields", "filters", mode="before")
    @classmethod
    def _objects(cls, value: Any) -> Any:
        return json_object(value, "Taiga fields")


def _number(value: str, name: str) -> int:
    try:
        return int(value.strip())
    except ValueError:
        raise NodeError(f"{name} must be Taiga's numeric id, not “{value}”.") from None


def _body(config: Config) -> dict[str, Any]:
    fields = config.fields if isinstance(config.fields, dict) else {}
    if config.fields not in (None, "") and not isinstance(config.fields, dict):
        raise NodeError("fields must render to a JSON object of Taiga issue fields.")
    body = dict(fields)
    for name in ("subject", "description"):
        value = getattr(config, name)
        if value:
            body[name] = value
    return body


def _list(session: rest_api.Session, config: Config) -> list[Any]:
    filters = config.filters if isinstance(config.filters, dict) else {}
    query = {**filters, "project": _number(config.project_id, "project_id")}
    found: list[Any] = []
    page = 1
    while len(found) < config.max_results:
        reply = session.reply("GET", "/issues", what="list_issues", params={**query, "page": page})
        found.extend(reply.body if isinstance(reply.body, list) else [])
        if not reply.headers.get("x-pagination-next") or not reply.body:
            break
        page += 1
    return found[: config.max_results]


def run(config: Config, ctx: RunContext) -> Any:
    """As n8n outputs it: the issue (create, update, get), {issues, count} for list_issues and
    {success: true} for delete_issue."""
    secret, _ = credential_for(ctx, config.operation, Login)
    session = rest_api.Session(secret)
    op = config.operation
    if op == "list_issues":
        issues = _list(session, config)
        return {"issues": issues, "count": len(issues)}
    if op == "create_issue":
        body = {**_body(config), "project": _number(config.project_id, "project_id")}
        return session.call("POST", "/issues", what=op, json=body)
    path = f"/issues/{_number(config.issue_id, 'issue_id')}"
    if op == "get_issue":
        return session.call("GET", path, what=op)
    if op == "delete_issue":
        session.call("DELETE", path, what=op)
        return {"success": True}
    body = _body(config)
    if not body:
        raise NodeError("update_issue changes nothing: give a subject, description or fields.")
    # Taiga refuses a change without the version it applies to (optimistic locking), as n8n
    # reads it first.
    current = session.call("GET", path, what=op)
    version = current.get("version") if isinstance(current, dict) else None
    return session.call("PATCH", path, what=op, json={**body, "version": version})


NODE = NodeType(
    type="app.taiga",
    label="Taiga",
    category="app",
    description="Creates, updates, reads, lists and deletes the issues of a Taiga project; "
    "outputs the issue as Taiga answers it.",
    Config=Config,
    run=run,
    credential_kinds=(Login.kind,),
    icon="◈",
    examples=(
        (
            "Create a Taiga issue 'Docs for the Taiga node' in project 385605, with credential 3",
            {
                "credential": 3,
                "operation": "create_issue",
                "project_id": "385605",
                "subject": "Docs for the Taiga node",
            },
        ),
        (
            "Set the description of Taiga issue 42 to 'Written'",
            {"operation": "update_issue", "issue_id": "42", "description": "Written"},
        ),
        ("Read Taiga issue 42", {"operation": "get_issue", "issue_id": "42"}),
        (
            "List the issues of Taiga project 385605",
            {"operation": "list_issues", "project_id": "385605"},
        ),
        ("Delete Taiga issue 42", {"operation": "delete_issue", "issue_id": "42"}),
    ),
)
