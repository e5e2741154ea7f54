"""app.github: open and comment on issues, list a repository's issues, read, create, edit and
delete a file, read a repository's data (its details, license, community profile)."""

from __future__ import annotations

import base64
import binascii
from typing import Any, Literal
from urllib.parse import quote

from pydantic import Field, field_validator

from integrations.github import rest_api
from integrations.github.credentials import AccessToken
from integrations.operations import OperationConfig, used_by
from integrations.service import credential_for
from workfuse.lib import files
from workfuse.lib.node_run import NodeError, RunContext, Secret
from workfuse.lib.node_types import NodeType

Operation = Literal[
    "create_issue",
    "comment",
    "list_issues",
    "get_file",
    "create_file",
    "edit_file",
    "delete_file",
    "get_repository",
    "get_license",
    "get_community_profile",
]
# Commits to a file through the contents API (PUT or DELETE /repos/{o}/{r}/contents/{path}).
WRITES = ("create_file", "edit_file", "delete_file")
ALL: tuple[str, ...] = (
    "create_issue",
    "comment",
    "list_issues",
    "get_file",
    *WRITES,
    "get_repository",
    "get_license",
    "get_community_profile",
)
# The repository reads: GitHub's answer as it is, one GET under /repos/{owner}/{repo}.
REPOSITORY_READS = {
    "get_repository": "",
    "get_license": "/license",
    "get_community_profile": "/community/profile",
}
MAX_PER_PAGE = 100  # GitHub's own limit


def _names(value: Any) -> Any:
    """A list of names, or comma-separated text of them (a template stays whole)."""
    if isinstance(value, str):
        if "{{" in value or "{%" in value:
            return [value]
        return [part.strip() for part in value.split(",") if part.strip()]
    return value


def _number_text(value: Any) -> Any:
    # `{{ trigger.body.issue.number }}` renders to a number.
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


class Config(OperationConfig):
    credential: int | None = Field(
        None, ge=1, description="Your GitHub access token credential. Needed to run."
    )
    operation: Operation = Field(
        "create_issue",
        description="create_issue: open an issue. comment: comment on an issue or pull "
        "request. list_issues: a repository's issues (and pull requests), newest first. "
        "get_file: a file's text and sha at a branch, tag or commit. create_file, edit_file, "
        "delete_file: commit a new file, a file's new content, or its removal (edit and "
        "delete look up the file's current sha first). get_repository: the "
        "repository's details (stars, forks, watchers, open issues, default branch, ...). "
        "get_license: its license file, decoded by GitHub's license detection. "
        "get_community_profile: its community profile (health score, files present).",
    )
    owner: str = Field(
        "",
        description="The repository's owner: a user or organisation, e.g. octocat.",
        json_schema_extra=used_by(*ALL, required=True),
    )
    repo: str = Field(
        "",
        description="The repository's name, e.g. hello-world.",
        json_schema_extra=used_by(*ALL, required=True),
    )
    title: str = Field(
        "",
        description="The issue's title; may use templates, e.g. 'Order {{ trigger.body.id }} "
        "failed'.",
        json_schema_extra=used_by("create_issue", required=True),
    )
    body: str = Field(
        "",
        description="create_issue: the issue's text (Markdown, optional). comment: the "
        "comment's text (Markdown).",
        json_schema_extra=used_by("create_issue", "comment", required=["comment"]),
    )
    labels: list[str] = Field(
        default_factory=list,
        description="create_issue: labels to set (they must exist in the repository). "
        "list_issues: only issues with all of these labels. A list, or names separated by "
        "commas.",
        json_schema_extra=used_by("create_issue", "list_issues"),
    )
    assignees: list[str] = Field(
        default_factory=list,
        description="Logins of the people to assign (they need access to the repository).",
        json_schema_extra=used_by("create_issue"),
    )
    issue_number: str = Field(
        "",
        description="The issue's (or pull request's) number, e.g. 42 or "
        "'{{ nodes.open_issue.number }}'.",
        examples=["42"],
        json_schema_extra=used_by("comment", required=True),
    )
    state: Literal["open", "closed", "all"] = Field(
        "open",
        description="Which issues to list: open, closed or all.",
        json_schema_extra=used_by("list_issues"),
    )
    since: str = Field(
        "",
        description="Only issues updated at or after this time (ISO 8601, e.g. "
        "2024-05-01T00:00:00Z). Optional.",
        json_schema_extra=used_by("list_issues"),
    )
    per_page: int = Field(
        30,
        ge=1,
        le=MAX_PER_PAGE,
        description="How many issues to return, 1 to 100 (one page, newest first).",
        json_schema_extra=used_by("list_issues"),
    )
    path: str = Field(
        "",
        description="The file's path in the repository, e.g. docs/README.md.",
        json_schema_extra=used_by("get_file", *WRITES, required=True),
    )
    content: str = Field(
        "",
        description="create_file, edit_file: the file's new text (sent as UTF-8), e.g. "
        "'{{ nodes.export.result | tojson }}'. Empty: the file in `file`.",
        json_schema_extra=used_by("create_file", "edit_file"),
    )
    file: Any = Field(
        None,
        description="create_file, edit_file: a file value made by an earlier step (a "
        "download, Convert to File), committed as it is, instead of `content`.",
        json_schema_extra=used_by("create_file", "edit_file"),
    )
    message: str = Field(
        "",
        description="create_file, edit_file, delete_file: the commit message.",
        json_schema_extra=used_by(*WRITES, required=True),
    )
    branch: str = Field(
        "",
        description="create_file, edit_file, delete_file: the branch to commit to (default: "
        "the repository's default branch).",
        json_schema_extra=used_by(*WRITES),
    )
    author: dict[str, str] = Field(
        default_factory=dict,
        description="create_file, edit_file, delete_file: the commit's author as {name, "
        "email} (default: the token's user).",
        json_schema_extra=used_by(*WRITES),
    )
    ref: str = Field(
        "",
        description="Branch, tag or commit sha to read from (default: the default branch).",
        json_schema_extra=used_by("get_file"),
    )
    # --- files2 ---
    as_file: bool = Field(
        False,
        description="get_file: output the file as a file value in `file`, for a step that "
        "takes a file (extract its text, upload or attach it), instead of its text in content.",
        json_schema_extra=used_by("get_file"),
    )
    # --- end files2 ---

    @field_validator("labels", "assignees", mode="before")
    @classmethod
    def _name_lists(cls, value: Any) -> Any:
        return _names(value)

    @field_validator("issue_number", mode="before")
    @classmethod
    def _issue_number(cls, value: Any) -> Any:
        return _number_text(value)

    @field_validator("issue_number")
    @classmethod
    def _positive_number(cls, value: str) -> str:
        value = value.strip().lstrip("#")
        if value and "{{" not in value and not value.isdigit():
            raise ValueError("must be an issue number such as 42")
        return value


def _repo_path(config: Config) -> str:
    return f"/repos/{quote(config.owner.strip(), safe='')}/{quote(config.repo.strip(), safe='')}"


def _create_issue(secret: Secret, config: Config) -> Any:
    payload: dict[str, Any] = {"title": config.title}
    if config.body:
        payload["body"] = config.body
    if config.labels:
        payload["labels"] = config.labels
    if config.assignees:
        payload["assignees"] = config.assignees
    path = f"{_repo_path(config)}/issues"
    return rest_api.call(secret, "POST", path, what="create_issue", json=payload).body


def _comment(secret: Secret, config: Config) -> Any:
    path = f"{_repo_path(config)}/issues/{config.issue_number}/comments"
    return rest_api.call(secret, "POST", path, what="comment", json={"body": config.body}).body


def _list_issues(secret: Secret, config: Config) -> dict[str, Any]:
    params: dict[str, str | int] = {"state": config.state, "per_page": config.per_page}
    if config.labels:
        params["labels"] = ",".join(config.labels)
    if config.since:
        params["since"] = config.since
    path = f"{_repo_path(config)}/issues"
    issues = rest_api.call(secret, "GET", path, what="list_issues", params=params).body
    if not isinstance(issues, list):
        raise NodeError("GitHub answered list_issues with something that is not a list.")
    return {"issues": issues, "count": len(issues)}


def _get_file(secret: Secret, config: Config) -> dict[str, Any]:
    path = f"{_repo_path(config)}/contents/{quote(config.path.strip().lstrip('/'), safe='/')}"
    params = {"ref": config.ref} if config.ref else {}
    found = rest_api.call(secret, "GET", path, what="get_file", params=params).body
    if isinstance(found, list):
        raise NodeError(
            f"{config.path} is a directory in {config.owner}/{config.repo}, not a file."
        )
    if not isinstance(found, dict) or found.get("type") != "file":
        kind = found.get("type") if isinstance(found, dict) else "something else"
        raise NodeError(f"{config.path} is a {kind} in {config.owner}/{config.repo}, not a file.")
    if found.get("encoding") != "base64":
        raise NodeError(
            f"{config.path} is larger than 1 MB: GitHub's contents API does not send its content."
        )
    try:
        data = base64.b64decode(str(found.get("content", "")))
    except (binascii.Error, ValueError):
        raise NodeError(
            f"GitHub sent {config.path}'s content in a form that is not base64."
        ) from None
    about = {
        "path": found.get("path"),
        "name": found.get("name"),
        "sha": found.get("sha"),
        "size": found.get("size"),
    }
    # --- files2 ---
    if config.as_file:  # the content once, as a file value, so a step's output holds it
        try:
            made = files.make(data, str(found.get("name") or "file"), where=str(config.path))
        except files.FileError as exc:
            raise NodeError(str(exc)) from None
        return {**about, "file": made.value(), "html_url": found.get("html_url")}
    # --- end files2 ---
    try:
        content, encoding = data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:  # a binary file stays base64
        content, encoding = base64.b64encode(data).decode("ascii"), "base64"
    return {**about, "encoding": encoding, "content": content, "html_url": found.get("html_url")}


def _contents_path(config: Config) -> str:
    return f"{_repo_path(config)}/contents/{quote(config.path.strip().strip('/'), safe='/')}"


def _current_sha(secret: Secret, config: Config) -> str:
    """The sha of the file as it is on the branch: the contents API's edits and deletes name
    the version they replace."""
    params = {"ref": config.branch} if config.branch else {}
    try:
        found = rest_api.call(
            secret, "GET", _contents_path(config), what=config.operation, params=params
        ).body
    except NodeError as exc:
        if exc.detail.get("status") != 404:
            raise
        where = f" on {config.branch}" if config.branch else ""
        raise NodeError(
            f"{config.path} does not exist in {config.owner}/{config.repo}{where}: "
            f"{config.operation} changes a file that is there (create_file makes one)."
        ) from None
    if not isinstance(found, dict) or found.get("type") != "file" or not found.get("sha"):
        raise NodeError(f"{config.path} is not a file in {config.owner}/{config.repo}.")
    return str(found["sha"])


def _write_file(secret: Secret, config: Config) -> Any:
    """GitHub's answer to the commit: {content, commit} (content null after a delete)."""
    if not config.message.strip():
        raise NodeError(f"{config.operation} needs a commit message (message).")
    body: dict[str, Any] = {"message": config.message}
    if config.branch:
        body["branch"] = config.branch
    if config.author:
        body["author"] = {k: config.author[k] for k in ("name", "email") if k in config.author}
    if config.operation != "create_file":
        body["sha"] = _current_sha(secret, config)
    if config.operation == "delete_file":
        return rest_api.call(
            secret, "DELETE", _contents_path(config), what="delete_file", json=body
        ).body
    if config.file is not None and config.file != "":
        try:
            data = files.read(config.file, where="file").data
        except files.FileError as exc:
            raise NodeError(str(exc)) from None
    else:
        data = config.content.encode("utf-8")
    body["content"] = base64.b64encode(data).decode("ascii")
    return rest_api.call(
        secret, "PUT", _contents_path(config), what=config.operation, json=body
    ).body


def _repository_read(secret: Secret, config: Config) -> Any:
    path = _repo_path(config) + REPOSITORY_READS[config.operation]
    found = rest_api.call(secret, "GET", path, what=config.operation).body
    if not isinstance(found, dict):
        raise NodeError(f"GitHub answered {config.operation} with something that is not an object.")
    return found


def run(config: Config, ctx: RunContext) -> Any:
    """create_issue: the issue GitHub created; comment: the comment; list_issues: {issues,
    count}; get_file: {path, name, sha, size, encoding, content, html_url}, or with as_file
    {path, name, sha, size, file, html_url}; create_file, edit_file, delete_file: GitHub's
    {content, commit}; get_repository, get_license, get_community_profile: GitHub's answer as
    it is."""
    secret, _ = credential_for(ctx, config.operation, AccessToken)
    if config.operation in REPOSITORY_READS:
        return _repository_read(secret, config)
    if config.operation == "create_issue":
        return _create_issue(secret, config)
    if config.operation == "comment":
        return _comment(secret, config)
    if config.operation == "list_issues":
        return _list_issues(secret, config)
    if config.operation in WRITES:
        return _write_file(secret, config)
    return _get_file(secret, config)


NODE = NodeType(
    type="app.github",
    label="GitHub",
    category="app",
    description="Opens or comments on GitHub issues, lists a repository's issues, reads, "
    "creates, edits or deletes a file, reads a repository's details, license or community "
    "profile; outputs GitHub's answer (the issue, the comment, the list, the file's text and "
    "sha, the commit, the repository).",
    Config=Config,
    run=run,
    credential_kinds=(AccessToken.kind,),
    icon="⎇",
    examples=(
        (
            "Open an issue in acme/shop titled 'Order <id> failed' with the error from the "
            "webhook as its body, labelled bug, with credential 3",
            {
                "credential": 3,
                "operation": "create_issue",
                "owner": "acme",
                "repo": "shop",
                "title": "Order {{ trigger.body.id }} failed",
                "body": "{{ trigger.body.error }}",
                "labels": ["bug"],
            },
        ),
        (
            "Comment 'Thanks, we are on it' on the issue open_issue created in acme/shop",
            {
                "operation": "comment",
                "owner": "acme",
                "repo": "shop",
                "issue_number": "{{ nodes.open_issue.number }}",
                "body": "Thanks, we are on it",
            },
        ),
        (
            "List the open issues labelled bug in octocat/hello-world, 50 of them",
            {
                "operation": "list_issues",
                "owner": "octocat",
                "repo": "hello-world",
                "state": "open",
                "labels": ["bug"],
                "per_page": 50,
            },
        ),
        (
            "Read docs/CHANGELOG.md from the main branch of acme/shop",
            {
                "operation": "get_file",
                "owner": "acme",
                "repo": "shop",
                "path": "docs/CHANGELOG.md",
                "ref": "main",
            },
        ),
        (
            "Add the report from the previous step as reports/weekly.md in acme/shop",
            {
                "operation": "create_file",
                "owner": "acme",
                "repo": "shop",
                "path": "reports/weekly.md",
                "content": "{{ input.report }}",
                "message": "Add the weekly report",
            },
        ),
        (
            "Delete old/notes.txt from acme/shop on main",
            {
                "operation": "delete_file",
                "owner": "acme",
                "repo": "shop",
                "path": "old/notes.txt",
                "message": "Remove old notes",
                "branch": "main",
            },
        ),
        (
            "Save the workflow export from the previous step as backups/orders.json in "
            "acme/backups on main",
            {
                "operation": "edit_file",
                "owner": "acme",
                "repo": "backups",
                "path": "backups/orders.json",
                "content": "{{ input | tojson }}",
                "message": "Back up the orders workflow",
                "branch": "main",
            },
        ),
        (
            "Get the star and fork counts of n8n-io/n8n",
            {"operation": "get_repository", "owner": "n8n-io", "repo": "n8n"},
        ),
        (
            "Which license does acme/shop use?",
            {"operation": "get_license", "owner": "acme", "repo": "shop"},
        ),
        (
            "Get the community profile (health score) of octocat/hello-world",
            {"operation": "get_community_profile", "owner": "octocat", "repo": "hello-world"},
        ),
    ),
)
