"""app.linear: issues created, updated, read, listed and deleted, with the fields n8n's Linear
node asks for (and answers)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import ConfigDict, Field

from integrations.linear import graphql_api
from integrations.linear.credentials import ApiKey
from integrations.operations import OperationConfig, used_by
from integrations.service import credential_for
from workfuse.lib.node_run import NodeError, RunContext, Secret
from workfuse.lib.node_types import NodeType

Operation = Literal["create_issue", "update_issue", "get_issue", "list_issues", "delete_issue"]
BY_ISSUE = ("update_issue", "get_issue", "delete_issue")
WRITES = ("create_issue", "update_issue")
MAX_ISSUES = 1000
PAGE = 100

# The fields n8n's Linear node reads of an issue: its output has this shape.
ISSUE = """id identifier title priority archivedAt
  assignee { id displayName email } state { id name } createdAt
  creator { id displayName email } team { id name } description dueDate cycle { id name }"""
CREATE = f"""mutation IssueCreate($input: IssueCreateInput!) {{
  issueCreate(input: $input) {{ success issue {{ {ISSUE} }} }} }}"""
UPDATE = f"""mutation IssueUpdate($id: String!, $input: IssueUpdateInput!) {{
  issueUpdate(id: $id, input: $input) {{ success issue {{ {ISSUE} }} }} }}"""
GET = f"query Issue($id: String!) {{ issue(id: $id) {{ {ISSUE} }} }}"
LIST = f"""query Issues($first: Int, $after: String) {{
  issues(first: $first, after: $after) {{ nodes {{ {ISSUE} }} pageInfo {{ hasNextPage endCursor }} }} }}"""
DELETE = "mutation IssueDelete($id: String!) { issueDelete(id: $id) { success } }"


class Config(OperationConfig):
    model_config = ConfigDict(coerce_numbers_to_str=True)

    credential: int | None = Field(
        None, ge=1, description="Your Linear API key credential. Needed to run."
    )
    operation: Operation = Field(
        "create_issue",
        description="create_issue: a new issue in a team. update_issue: change the fields "
        "given. get_issue / delete_issue: one issue. list_issues: the newest issues the key "
        "sees.",
    )
    issue_id: str = Field(
        "",
        description="The issue's id (a UUID) or identifier (ENG-123).",
        json_schema_extra=used_by(*BY_ISSUE, required=True),
    )
    team_id: str = Field(
        "",
        description="The team's id (a UUID). update_issue: moves the issue to that team.",
        json_schema_extra=used_by(*WRITES, required=["create_issue"]),
    )
    title: str = Field(
        "",
        description="The issue's title.",
        json_schema_extra=used_by(*WRITES, required=["create_issue"]),
    )
    description: str = Field(
        "", description="The issue's description (Markdown).", json_schema_extra=used_by(*WRITES)
    )
    assignee_id: str = Field(
        "", description="The assignee's user id.", json_schema_extra=used_by(*WRITES)
    )
    state_id: str = Field(
        "",
        description="The workflow state's id (Todo, In Progress …).",
        json_schema_extra=used_by(*WRITES),
    )
    priority: str = Field(
        "",
        description="0 no priority, 1 urgent, 2 high, 3 medium, 4 low; may be a template. "
        "Empty: unchanged (create: none).",
        json_schema_extra=used_by(*WRITES),
    )
    max_results: int = Field(
        50,
        ge=1,
        le=MAX_ISSUES,
        description="list_issues: keep at most this many issues.",
        json_schema_extra=used_by("list_issues"),
    )


def _input(config: Config) -> dict[str, Any]:
    values: dict[str, Any] = {
        "teamId": config.team_id.strip(),
        "title": config.title,
        "description": config.description,
        "assigneeId": config.assignee_id.strip(),
        "stateId": config.state_id.strip(),
    }
    chosen = {k: v for k, v in values.items() if v}
    if config.priority.strip():
        try:
            chosen["priority"] = int(float(config.priority))
        except ValueError:
            raise NodeError(
                f"The priority field must be a number from 0 to 4, not “{config.priority}”."
            ) from None
    return chosen


def _list(secret: Secret, config: Config) -> list[Any]:
    issues: list[Any] = []
    after: str | None = None
    while len(issues) < config.max_results:
        first = min(PAGE, config.max_results - len(issues))
        data = graphql_api.call(secret, LIST, {"first": first, "after": after}, what="issues")
        listed = data.get("issues")
        found: dict[str, Any] = listed if isinstance(listed, dict) else {}
        issues.extend(found.get("nodes") or [])
        page = found.get("pageInfo") or {}
        if not page.get("hasNextPage") or not page.get("endCursor"):
            break
        after = page["endCursor"]
    return issues[: config.max_results]


def run(config: Config, ctx: RunContext) -> Any:
    """What n8n outputs: the issue (create, update, get), {issues, count} for list_issues and
    `{success}` for delete_issue."""
    secret, _ = credential_for(ctx, config.operation, ApiKey)
    op, issue = config.operation, config.issue_id.strip()
    if op == "create_issue":
        data = graphql_api.call(secret, CREATE, {"input": _input(config)}, what=op)
        return (data.get("issueCreate") or {}).get("issue")
    if op == "update_issue":
        data = graphql_api.call(secret, UPDATE, {"id": issue, "input": _input(config)}, what=op)
        return (data.get("issueUpdate") or {}).get("issue")
    if op == "get_issue":
        return graphql_api.call(secret, GET, {"id": issue}, what=op).get("issue")
    if op == "delete_issue":
        return graphql_api.call(secret, DELETE, {"id": issue}, what=op).get("issueDelete")
    issues = _list(secret, config)
    return {"issues": issues, "count": len(issues)}


NODE = NodeType(
    type="app.linear",
    label="Linear",
    category="app",
    description="Creates, updates, reads, lists and deletes Linear issues; outputs the issue "
    "as Linear answers it (id, identifier, title, priority, state, team, assignee …).",
    Config=Config,
    run=run,
    credential_kinds=(ApiKey.kind,),
    icon="◺",
    examples=(
        (
            "Open a high-priority Linear issue in team 1c721608-321d-4132-ac32-6e92d04bb487 "
            "for the bug report, with credential 6",
            {
                "credential": 6,
                "operation": "create_issue",
                "team_id": "1c721608-321d-4132-ac32-6e92d04bb487",
                "title": "{{ trigger.body.title }}",
                "description": "{{ trigger.body.details }}",
                "priority": "2",
            },
        ),
        (
            "Move issue ENG-123 to state 92962324-3d1f-4cf8-993b-0c982cc95245",
            {
                "operation": "update_issue",
                "issue_id": "ENG-123",
                "state_id": "92962324-3d1f-4cf8-993b-0c982cc95245",
            },
        ),
        ("Read issue ENG-123", {"operation": "get_issue", "issue_id": "ENG-123"}),
        ("Read the 20 newest issues", {"operation": "list_issues", "max_results": 20}),
        ("Delete issue ENG-123", {"operation": "delete_issue", "issue_id": "ENG-123"}),
    ),
)
