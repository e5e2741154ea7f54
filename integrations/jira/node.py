"""app.jira: create, update (and move through a transition), get and search Jira issues; add
and list an issue's comments; attach a file to an issue."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import ConfigDict, Field, field_validator

from integrations.jira import rest_api
from integrations.jira.credentials import ApiToken
from integrations.operations import OperationConfig, json_object, used_by
from integrations.service import credential_for
from workfuse.lib import files
from workfuse.lib.node_run import NodeError, RunContext, Secret
from workfuse.lib.node_types import NodeType

Operation = Literal[
    "create_issue",
    "update_issue",
    "get_issue",
    "search_issues",
    "add_comment",
    "list_comments",
    "add_attachment",  # fileops
]
ISSUE_FIELDS = ("create_issue", "update_issue")
BY_KEY = ("update_issue", "get_issue", "add_comment", "list_comments", "add_attachment")
PAGE_SIZE = 100  # Jira's largest page for searches and comments
MAX_LIST = 1000  # issues or comments one step reads at most (10 pages)


class Config(OperationConfig):
    # A template of one expression keeps its value's type: issue and transition ids read from an earlier
    # step may arrive as numbers.
    model_config = ConfigDict(coerce_numbers_to_str=True)

    credential: int | None = Field(
        None, ge=1, description="Your Jira API token credential. Needed to run."
    )
    operation: Operation = Field(
        "create_issue",
        description="create_issue: open an issue in a project. update_issue: change an "
        "issue's fields and/or move it through a workflow transition. get_issue: read one "
        "issue. search_issues: the issues a JQL query finds. add_comment: comment on an issue. "
        "list_comments: an issue's comments, oldest first. add_attachment: attach a file to "
        "an issue.",
    )
    issue_key: str = Field(
        "",
        description="The issue's key (e.g. SUP-42) or id.",
        json_schema_extra=used_by(*BY_KEY, required=True),
    )
    project: str = Field(
        "",
        description="The project's id (e.g. 10001) or key (e.g. SUP).",
        json_schema_extra=used_by("create_issue", required=True),
    )
    issue_type: str = Field(
        "",
        description="The issue type's id (e.g. 10008) or name (e.g. Task, Bug).",
        json_schema_extra=used_by(*ISSUE_FIELDS, required=["create_issue"]),
    )
    summary: str = Field(
        "",
        description="The issue's title.",
        json_schema_extra=used_by(*ISSUE_FIELDS, required=["create_issue"]),
    )
    description: str = Field(
        "",
        description="The issue's description, in Jira's wiki markup (h2. Title, *bold*, "
        "[link|https://…]).",
        json_schema_extra=used_by(*ISSUE_FIELDS),
    )
    labels: list[str] = Field(
        default_factory=list,
        description="Labels (no spaces); on update they replace the issue's labels.",
        json_schema_extra=used_by(*ISSUE_FIELDS),
    )
    priority: str = Field(
        "",
        description="The priority's id (e.g. 2) or name (e.g. High).",
        json_schema_extra=used_by(*ISSUE_FIELDS),
    )
    assignee: str = Field(
        "",
        description="The assignee's Atlassian account id.",
        json_schema_extra=used_by(*ISSUE_FIELDS),
    )
    reporter: str = Field(
        "",
        description="The reporter's Atlassian account id.",
        json_schema_extra=used_by("create_issue"),
    )
    parent_key: str = Field(
        "",
        description="The parent issue's key, for a sub-task.",
        json_schema_extra=used_by(*ISSUE_FIELDS),
    )
    components: list[str] = Field(
        default_factory=list,
        description="Ids of the project's components.",
        json_schema_extra=used_by("create_issue"),
    )
    extra_fields: Any = Field(
        None,
        description='Other fields as a JSON object, e.g. {"customfield_10010": "Gold"}.',
        json_schema_extra=used_by(*ISSUE_FIELDS),
    )
    transition_id: str = Field(
        "",
        description="update_issue: the id of a transition to apply first (e.g. 31 for Done; "
        "the issue's transitions list them), moving the issue to its status.",
        json_schema_extra=used_by("update_issue"),
    )
    jql: str = Field(
        "",
        description='The JQL query, e.g. project = SUP AND status = "To Do" ORDER BY created.',
        json_schema_extra=used_by("search_issues", required=True),
    )
    return_fields: list[str] = Field(
        default_factory=list,
        description="get_issue and search_issues: the fields to return (e.g. summary, "
        "status); empty: every field (get_issue) or every navigable field (search).",
        json_schema_extra=used_by("get_issue", "search_issues"),
    )
    expand: str = Field(
        "",
        description="Optional comma-separated expansions, e.g. renderedFields,changelog.",
        json_schema_extra=used_by("get_issue", "search_issues"),
    )
    max_results: int = Field(
        50,
        ge=1,
        le=MAX_LIST,
        description="Read at most this many issues or comments (1 to 1000), page after page.",
        json_schema_extra=used_by("search_issues", "list_comments"),
    )
    comment: str = Field(
        "",
        description="The comment's text.",
        json_schema_extra=used_by("add_comment", required=True),
    )

    # --- fileops ---
    file: Any = Field(
        None,
        description="The file to attach: a file value, usually a template such as "
        "'{{ nodes.download.file }}'.",
        json_schema_extra=used_by("add_attachment", required=True),
    )
    # --- end fileops ---

    @field_validator("extra_fields", mode="before")
    @classmethod
    def _extra_fields(cls, value: Any) -> Any:
        return json_object(value, "fields")


def _ref(value: str, word: str) -> dict[str, str]:
    """A project, issue type or priority given by id (digits) or by key or name."""
    value = value.strip()
    return {"id": value} if value.isdigit() else {word: value}


def _fields(config: Config) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    if config.operation == "create_issue":
        fields["project"] = _ref(config.project, "key")
    if config.summary:
        fields["summary"] = config.summary
    if config.issue_type:
        fields["issuetype"] = _ref(config.issue_type, "name")
    if config.description:
        fields["description"] = config.description
    if config.labels:
        fields["labels"] = config.labels
    if config.priority:
        fields["priority"] = _ref(config.priority, "name")
    if config.assignee:
        fields["assignee"] = {"accountId": config.assignee}
    if config.reporter:
        fields["reporter"] = {"accountId": config.reporter}
    if config.parent_key:
        fields["parent"] = {"key": config.parent_key.strip().upper()}
    if config.components:
        fields["components"] = [{"id": c} for c in config.components]
    if isinstance(config.extra_fields, dict):
        fields.update(config.extra_fields)
    return fields


def _create(secret: Secret, config: Config) -> Any:
    return rest_api.call(
        secret, "POST", "/issue", what="create_issue", json={"fields": _fields(config)}
    )


def _update(secret: Secret, config: Config) -> dict[str, Any]:
    """As n8n: the transition first (when one is given), then the fields."""
    path = rest_api.issue_path(config.issue_key)
    if config.transition_id:
        transition = {"transition": {"id": config.transition_id.strip()}}
        rest_api.call(secret, "POST", f"{path}/transitions", what="transition", json=transition)
    fields = _fields(config)
    if fields or not config.transition_id:
        rest_api.call(secret, "PUT", path, what="update_issue", json={"fields": fields})
    return {"success": True}


def _get(secret: Secret, config: Config) -> Any:
    params: dict[str, str] = {}
    if config.return_fields:
        params["fields"] = ",".join(config.return_fields)
    if config.expand:
        params["expand"] = config.expand
    path = rest_api.issue_path(config.issue_key)
    return rest_api.call(secret, "GET", path, what="get_issue", params=params)


def _search(secret: Secret, config: Config) -> dict[str, Any]:
    """POST /search/jql, following `nextPageToken` up to max_results."""
    issues: list[Any] = []
    token = ""
    while True:
        body: dict[str, Any] = {
            "jql": config.jql,
            "maxResults": min(PAGE_SIZE, config.max_results - len(issues)),
            "fields": config.return_fields or ["*navigable"],
        }
        if config.expand:
            body["expand"] = config.expand
        if token:
            body["nextPageToken"] = token
        page = rest_api.call(secret, "POST", "/search/jql", what="search_issues", json=body)
        page = page if isinstance(page, dict) else {}
        issues.extend(page.get("issues") or [])
        token = str(page.get("nextPageToken") or "")
        if not token or page.get("isLast") or len(issues) >= config.max_results:
            break
    issues = issues[: config.max_results]
    return {"issues": issues, "count": len(issues)}


def _comment(secret: Secret, config: Config) -> Any:
    """The text as one paragraph of Atlassian Document Format, as n8n sends it."""
    paragraph = {"type": "paragraph", "content": [{"type": "text", "text": config.comment}]}
    body = {"body": {"type": "doc", "version": 1, "content": [paragraph]}}
    path = f"{rest_api.issue_path(config.issue_key)}/comment"
    return rest_api.call(secret, "POST", path, what="add_comment", version=3, json=body)


def _comments(secret: Secret, config: Config) -> dict[str, Any]:
    path = f"{rest_api.issue_path(config.issue_key)}/comment"
    comments: list[Any] = []
    while True:
        params = {
            "startAt": len(comments),
            "maxResults": min(PAGE_SIZE, config.max_results - len(comments)),
        }
        page = rest_api.call(secret, "GET", path, what="list_comments", version=3, params=params)
        page = page if isinstance(page, dict) else {}
        got = page.get("comments") or []
        comments.extend(got)
        total = int(page.get("total") or 0)
        if not got or len(comments) >= min(total, config.max_results):
            break
    comments = comments[: config.max_results]
    return {"comments": comments, "count": len(comments)}


# --- fileops ---
def _attach(secret: Secret, config: Config) -> dict[str, Any]:
    """POST /issue/<key>/attachments as multipart field `file`; Jira refuses an upload
    without `X-Atlassian-Token: no-check` (its XSRF guard) and answers with the attachments."""
    try:
        file = files.read(config.file, "file")
    except files.FileError as exc:
        raise NodeError(str(exc)) from None
    path = f"{rest_api.issue_path(config.issue_key)}/attachments"
    sent = {"file": (file.filename or "file", file.data, file.content_type)}
    answer = rest_api.call(
        secret,
        "POST",
        path,
        what="add_attachment",
        version=3,
        extra_headers={"X-Atlassian-Token": "no-check"},
        files=sent,
    )
    attachments = answer if isinstance(answer, list) else []
    return {"attachments": attachments, "count": len(attachments)}


# --- end fileops ---
def run(config: Config, ctx: RunContext) -> Any:
    """What Jira answers: create_issue {id, key, self}; update_issue {success: true};
    get_issue the issue; search_issues {issues, count}; add_comment the comment;
    list_comments {comments, count}; add_attachment {attachments, count}."""
    secret, _ = credential_for(ctx, config.operation, ApiToken)
    op = config.operation
    if op == "create_issue":
        return _create(secret, config)
    if op == "update_issue":
        return _update(secret, config)
    if op == "get_issue":
        return _get(secret, config)
    if op == "search_issues":
        return _search(secret, config)
    if op == "add_comment":
        return _comment(secret, config)
    if op == "list_comments":
        return _comments(secret, config)
    if op == "add_attachment":
        return _attach(secret, config)
    raise NodeError(f"Unknown Jira operation {op}.")


NODE = NodeType(
    type="app.jira",
    label="Jira",
    category="app",
    description="Creates, updates (through a transition too), gets or searches (JQL) Jira "
    "issues, adds or lists an issue's comments, attaches a file; outputs what Jira answers.",
    Config=Config,
    run=run,
    credential_kinds=(ApiToken.kind,),
    icon="◆",
    examples=(
        (
            "Open a Bug in project SUP titled with the form's subject, with credential 3",
            {
                "credential": 3,
                "operation": "create_issue",
                "project": "SUP",
                "issue_type": "Bug",
                "summary": "{{ trigger.body.subject }}",
                "description": "Reported by {{ trigger.body.email }}",
            },
        ),
        (
            "Find the open issues of project SUP created more than a week ago",
            {
                "operation": "search_issues",
                "jql": 'project = SUP AND status IN ("To Do", "In Progress") AND created <= -7d',
                "max_results": 100,
            },
        ),
        (
            "Move issue SUP-42 to Done (transition 31)",
            {"operation": "update_issue", "issue_key": "SUP-42", "transition_id": "31"},
        ),
        (
            "Comment 'Fixed in 2.3' on SUP-42",
            {"operation": "add_comment", "issue_key": "SUP-42", "comment": "Fixed in 2.3"},
        ),
        (
            "Read issue SUP-42's summary and status",
            {
                "operation": "get_issue",
                "issue_key": "SUP-42",
                "return_fields": ["summary", "status"],
            },
        ),
        (
            "List the comments of SUP-42",
            {"operation": "list_comments", "issue_key": "SUP-42"},
        ),
        (
            "Attach the downloaded report to SUP-42",
            {
                "operation": "add_attachment",
                "issue_key": "SUP-42",
                "file": "{{ nodes.download.file }}",
            },
        ),
    ),
)
