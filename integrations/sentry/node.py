"""app.sentry: a Sentry organization's releases created, read, listed, updated and deleted, and
its issues listed, read, updated and deleted, as n8n's Sentry.io node does (its release and
issue resources)."""

from __future__ import annotations

from typing import Any, Literal
from urllib.parse import quote

from pydantic import ConfigDict, Field

from integrations.operations import OperationConfig, used_by
from integrations.sentry import rest_api
from integrations.sentry.credentials import AuthToken
from integrations.service import credential_for
from workfuse.lib.node_run import RunContext, Secret
from workfuse.lib.node_types import NodeType

MAX_RESULTS = 5000
Operation = Literal[
    "create_release",
    "get_release",
    "list_releases",
    "update_release",
    "delete_release",
    "list_issues",
    "get_issue",
    "update_issue",
    "delete_issue",
]
BY_VERSION = ("get_release", "update_release", "delete_release")
BY_ISSUE = ("get_issue", "update_issue", "delete_issue")
LISTS = ("list_releases", "list_issues")
# update_issue's flags, sent only when on (n8n sends a flag only when it is true).
FLAGS = {
    "has_seen": "hasSeen",
    "is_bookmarked": "isBookmarked",
    "is_subscribed": "isSubscribed",
    "is_public": "isPublic",
}


class Config(OperationConfig):
    model_config = ConfigDict(coerce_numbers_to_str=True)

    credential: int | None = Field(
        None, ge=1, description="Your Sentry auth token credential. Needed to run."
    )
    operation: Operation = Field(
        "get_release",
        description="create_release: a new release of some projects. get_release / "
        "update_release / delete_release: one release by version. list_releases: the "
        "organization's releases. list_issues: a project's issues. get_issue / update_issue / "
        "delete_issue: one issue by id.",
    )
    organization: str = Field(
        "",
        description="The organization's slug.",
        json_schema_extra=used_by("create_release", *BY_VERSION, *LISTS, required=True),
    )
    project: str = Field(
        "",
        description="list_issues: the project's slug.",
        json_schema_extra=used_by("list_issues", required=True),
    )
    issue_id: str = Field(
        "", description="The issue's id.", json_schema_extra=used_by(*BY_ISSUE, required=True)
    )
    status: Literal["", "resolved", "resolvedInNextRelease", "unresolved", "ignored"] = Field(
        "",
        description="update_issue: the issue's new status; empty: unchanged.",
        json_schema_extra=used_by("update_issue"),
    )
    assigned_to: str = Field(
        "",
        description="update_issue: the user's or team's actor id (or username) to assign.",
        json_schema_extra=used_by("update_issue"),
    )
    has_seen: bool = Field(
        False,
        description="update_issue: mark the issue seen by the token's user.",
        json_schema_extra=used_by("update_issue"),
    )
    is_bookmarked: bool = Field(
        False,
        description="update_issue: bookmark it for the token's user.",
        json_schema_extra=used_by("update_issue"),
    )
    is_subscribed: bool = Field(
        False,
        description="update_issue: subscribe the token's user to it.",
        json_schema_extra=used_by("update_issue"),
    )
    is_public: bool = Field(
        False,
        description="update_issue: make the issue public.",
        json_schema_extra=used_by("update_issue"),
    )
    stats_period: Literal["", "24h", "14d"] = Field(
        "",
        description="list_issues: the period of each issue's stats; empty: Sentry's default.",
        json_schema_extra=used_by("list_issues"),
    )
    version: str = Field(
        "",
        description="The release's version identifier (a version number, a commit hash, …).",
        json_schema_extra=used_by("create_release", *BY_VERSION, required=True),
    )
    projects: list[str] = Field(
        default_factory=list,
        description="create_release: the slugs of the projects the release belongs to.",
        json_schema_extra=used_by("create_release", required=True),
    )
    url: str = Field(
        "",
        description="A URL that points to the release (its source, say).",
        json_schema_extra=used_by("create_release", "update_release"),
    )
    date_released: str = Field(
        "",
        description="When the release went live (ISO 8601); empty: Sentry's default.",
        json_schema_extra=used_by("create_release", "update_release"),
    )
    ref: str = Field(
        "",
        description="update_release: a commit reference (a tag, a sha).",
        json_schema_extra=used_by("update_release"),
    )
    query: str = Field(
        "",
        description="list_releases: only versions starting with this. list_issues: a Sentry "
        'search (empty: Sentry\'s implied "is:unresolved").',
        json_schema_extra=used_by(*LISTS),
    )
    max_results: int = Field(
        100,
        ge=1,
        le=MAX_RESULTS,
        description=f"Lists: keep at most this many (1 to {MAX_RESULTS}).",
        json_schema_extra=used_by(*LISTS),
    )


def _set(**fields: str) -> dict[str, str]:
    return {name: value for name, value in fields.items() if value}


def _issues(secret: Secret, config: Config) -> Any:
    op = config.operation
    if op == "list_issues":
        org, project = (quote(v.strip(), safe="") for v in (config.organization, config.project))
        params = _set(statsPeriod=config.stats_period, query=config.query)
        path = f"/projects/{org}/{project}/issues/"
        found = rest_api.every(secret, path, config.max_results, what=op, params=params)
        return {"issues": found, "count": len(found)}
    one = f"/issues/{quote(config.issue_id.strip(), safe='')}/"
    if op == "get_issue":
        return rest_api.call(secret, "GET", one, what=op)
    if op == "delete_issue":
        rest_api.call(secret, "DELETE", one, what=op)
        return {"success": True}
    changes: dict[str, Any] = _set(status=config.status, assignedTo=config.assigned_to)
    changes |= {sent: True for field, sent in FLAGS.items() if getattr(config, field)}
    return rest_api.call(secret, "PUT", one, what=op, **({"json": changes} if changes else {}))


def run(config: Config, ctx: RunContext) -> Any:
    """The release or issue (create, get, update: Sentry's answer, as n8n outputs it);
    list_releases: {releases, count}; list_issues: {issues, count}; delete_*: {success: true},
    as n8n's."""
    secret, _ = credential_for(ctx, config.operation, AuthToken)
    op = config.operation
    if op in ("list_issues", *BY_ISSUE):
        return _issues(secret, config)
    releases = f"/organizations/{quote(config.organization.strip(), safe='')}/releases/"
    one = f"{releases}{quote(config.version.strip(), safe='')}/"
    if op == "create_release":
        made: dict[str, Any] = {"version": config.version, "projects": config.projects}
        made |= _set(url=config.url, dateReleased=config.date_released)
        return rest_api.call(secret, "POST", releases, what=op, json=made)
    if op == "list_releases":
        params = _set(query=config.query)
        found = rest_api.every(secret, releases, config.max_results, what=op, params=params)
        return {"releases": found, "count": len(found)}
    if op == "get_release":
        return rest_api.call(secret, "GET", one, what=op)
    if op == "update_release":
        body = _set(url=config.url, dateReleased=config.date_released, ref=config.ref)
        # Nothing to change: no body at all, as n8n sends it.
        sent = {"json": body} if body else {}
        return rest_api.call(secret, "PUT", one, what=op, **sent)
    rest_api.call(secret, "DELETE", one, what=op)
    return {"success": True}


NODE = NodeType(
    type="app.sentry",
    label="Sentry",
    category="app",
    description="Creates, reads, lists, updates and deletes the releases of a Sentry "
    "organization, and lists, reads, updates (resolves, assigns, …) and deletes its issues.",
    Config=Config,
    run=run,
    credential_kinds=(AuthToken.kind,),
    icon="🐞",
    examples=(
        (
            "Create Sentry release 1.4.0 of the project web in organization acme with credential 3",
            {
                "credential": 3,
                "operation": "create_release",
                "organization": "acme",
                "version": "1.4.0",
                "projects": ["web"],
            },
        ),
        (
            "List every release of the Sentry organization acme",
            {"operation": "list_releases", "organization": "acme", "max_results": MAX_RESULTS},
        ),
        (
            "Read Sentry release 1.4.0 of acme",
            {"operation": "get_release", "organization": "acme", "version": "1.4.0"},
        ),
        (
            "Set the ref of Sentry release 1.4.0 of acme to v1.4.0",
            {
                "operation": "update_release",
                "organization": "acme",
                "version": "1.4.0",
                "ref": "v1.4.0",
            },
        ),
        (
            "Delete Sentry release 1.4.0 of acme",
            {"operation": "delete_release", "organization": "acme", "version": "1.4.0"},
        ),
        (
            "List the unresolved Sentry issues of project web in organization acme seen in the "
            "last 24 hours",
            {
                "operation": "list_issues",
                "organization": "acme",
                "project": "web",
                "query": "is:unresolved",
                "stats_period": "24h",
            },
        ),
        ("Read Sentry issue 1234", {"operation": "get_issue", "issue_id": "1234"}),
        (
            "Resolve Sentry issue 1234 and assign it to ada",
            {
                "operation": "update_issue",
                "issue_id": "1234",
                "status": "resolved",
                "assigned_to": "ada",
            },
        ),
        ("Delete Sentry issue 1234", {"operation": "delete_issue", "issue_id": "1234"}),
    ),
)
