"""app.mailchimp: an audience's members created, updated, read and listed; tags added to and
removed from a member."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import ConfigDict, Field, field_validator

from integrations.mailchimp import marketing_api
from integrations.mailchimp.credentials import ApiKey
from integrations.operations import OperationConfig, json_object, used_by
from integrations.service import credential_for
from workfuse.lib.node_run import NodeError, RunContext, Secret
from workfuse.lib.node_types import NodeType

Operation = Literal[
    "create_member", "update_member", "get_member", "list_members", "add_tags", "remove_tags"
]
ONE_MEMBER = ("create_member", "update_member", "get_member", "add_tags", "remove_tags")
WRITES = ("create_member", "update_member")
TAGGING = ("add_tags", "remove_tags")
PAGE = 1000  # the most members Mailchimp sends in one page
MAX_LIST = 10000
Status = Literal["", "subscribed", "unsubscribed", "cleaned", "pending", "transactional"]


class Config(OperationConfig):
    model_config = ConfigDict(coerce_numbers_to_str=True)

    credential: int | None = Field(
        None, ge=1, description="Your Mailchimp API key credential. Needed to run."
    )
    operation: Operation = Field(
        "create_member",
        description="create_member: add an address to the audience. update_member: change "
        "the fields given. get_member: read one. list_members: read the audience's members "
        "page after page. add_tags / remove_tags: tag or untag a member.",
    )
    list_id: str = Field(
        "",
        description="The audience's id (Audience → Settings → Audience name and defaults).",
        json_schema_extra=used_by(*ONE_MEMBER, "list_members", required=True),
    )
    email: str = Field(
        "",
        description="The member's email address.",
        json_schema_extra=used_by(*ONE_MEMBER, required=True),
    )
    status: Status = Field(
        "",
        description="Writes: the subscription status (create_member needs one; pending sends "
        "a double opt-in email). list_members: only members in this status.",
        examples=["subscribed"],
        json_schema_extra=used_by(*WRITES, "list_members", required=["create_member"]),
    )
    merge_fields: Any = Field(
        None,
        description='The audience fields by merge tag, e.g. {"FNAME": "Ada", "LNAME": '
        '"Lovelace"}. May be a template.',
        json_schema_extra=used_by(*WRITES),
    )
    tags: list[str] | str = Field(
        default_factory=list,
        description="create_member: tags for the new member. add_tags / remove_tags: the tags "
        "to add or remove. A list, or comma-separated text.",
        json_schema_extra=used_by("create_member", *TAGGING, required=list(TAGGING)),
    )
    email_type: Literal["", "html", "text"] = Field(
        "",
        description="Writes: the email format the member gets.",
        json_schema_extra=used_by(*WRITES),
    )
    language: str = Field(
        "",
        description="Writes: the member's language code (en, fr…).",
        json_schema_extra=used_by(*WRITES),
    )
    vip: bool = Field(
        False, description="Writes: mark the member as VIP.", json_schema_extra=used_by(*WRITES)
    )
    since_last_changed: str = Field(
        "",
        description="list_members: only members changed after this ISO 8601 time.",
        json_schema_extra=used_by("list_members"),
    )
    before_last_changed: str = Field(
        "",
        description="list_members: only members changed before this ISO 8601 time.",
        json_schema_extra=used_by("list_members"),
    )
    max_results: int = Field(
        500,
        ge=1,
        le=MAX_LIST,
        description="list_members: read at most this many (1 to 10000), page after page.",
        json_schema_extra=used_by("list_members"),
    )

    @field_validator("merge_fields", mode="before")
    @classmethod
    def _merge_fields(cls, value: Any) -> Any:
        return json_object(value, "merge fields")


def _tags(value: list[str] | str) -> list[str]:
    items = value.split(",") if isinstance(value, str) else value
    return [str(item).strip() for item in items if str(item).strip()]


def _member_body(config: Config) -> dict[str, Any]:
    body: dict[str, Any] = {"email_address": config.email.strip()}
    if config.status:
        body["status"] = config.status
    if config.merge_fields:
        if not isinstance(config.merge_fields, dict):
            raise NodeError("The merge_fields field must render to a JSON object.")
        body["merge_fields"] = config.merge_fields
    for name in ("email_type", "language"):
        if getattr(config, name):
            body[name] = getattr(config, name)
    if config.vip:
        body["vip"] = True
    if config.operation == "create_member" and _tags(config.tags):
        body["tags"] = _tags(config.tags)
    return body


def _list(secret: Secret, config: Config, path: str) -> dict[str, Any]:
    """Pages of `count` members by `offset` until `total_items` or max_results."""
    query = {
        key: value
        for key, value in (
            ("status", config.status),
            ("since_last_changed", config.since_last_changed),
            ("before_last_changed", config.before_last_changed),
        )
        if value
    }
    found: list[Any] = []
    while len(found) < config.max_results:
        count = min(PAGE, config.max_results - len(found))
        params = {**query, "count": count, "offset": len(found)}
        page = marketing_api.call(secret, "GET", path, what=config.operation, params=params)
        got = page.get("members") or []
        found.extend(got)
        if not got or len(found) >= int(page.get("total_items") or 0):
            break
    found = found[: config.max_results]
    return {"members": found, "count": len(found)}


def run(config: Config, ctx: RunContext) -> Any:
    """What Mailchimp answers: the member written or read; list_members {members, count};
    tagging {success: true} (as n8n gives it: Mailchimp answers 204)."""
    secret, _ = credential_for(ctx, config.operation, ApiKey)
    op = config.operation
    members = f"/lists/{config.list_id.strip()}/members"
    if op == "list_members":
        return _list(secret, config, members)
    member = f"{members}/{marketing_api.subscriber_hash(config.email)}"
    if op == "create_member":
        return marketing_api.call(secret, "POST", members, what=op, json=_member_body(config))
    if op == "update_member":
        return marketing_api.call(secret, "PUT", member, what=op, json=_member_body(config))
    if op == "get_member":
        return marketing_api.call(secret, "GET", member, what=op)
    state = "active" if op == "add_tags" else "inactive"
    body = {"tags": [{"name": tag, "status": state} for tag in _tags(config.tags)]}
    marketing_api.call(secret, "POST", f"{member}/tags", what=op, json=body)
    return {"success": True}


NODE = NodeType(
    type="app.mailchimp",
    label="Mailchimp",
    category="app",
    description="Adds, updates, reads and lists the members of a Mailchimp audience, and tags "
    "or untags them; outputs what Mailchimp answers.",
    Config=Config,
    run=run,
    credential_kinds=(ApiKey.kind,),
    icon="✉",
    examples=(
        (
            "Subscribe the form's email to audience 8965eba136 with first name, credential 6",
            {
                "credential": 6,
                "operation": "create_member",
                "list_id": "8965eba136",
                "email": "{{ trigger.body.email }}",
                "status": "subscribed",
                "merge_fields": {"FNAME": "{{ trigger.body.first_name }}"},
            },
        ),
        (
            "Unsubscribe ada@example.com from audience 8965eba136",
            {
                "operation": "update_member",
                "list_id": "8965eba136",
                "email": "ada@example.com",
                "status": "unsubscribed",
            },
        ),
        (
            "Read ada@example.com's membership of audience 8965eba136",
            {"operation": "get_member", "list_id": "8965eba136", "email": "ada@example.com"},
        ),
        (
            "List the members of audience 8965eba136 changed since the last run",
            {
                "operation": "list_members",
                "list_id": "8965eba136",
                "since_last_changed": "{{ trigger.last_run }}",
            },
        ),
        (
            "Tag the customer high-order in audience 8965eba136",
            {
                "operation": "add_tags",
                "list_id": "8965eba136",
                "email": "{{ trigger.body.email }}",
                "tags": ["high-order"],
            },
        ),
        (
            "Remove the trial tag from ada@example.com in audience 8965eba136",
            {
                "operation": "remove_tags",
                "list_id": "8965eba136",
                "email": "ada@example.com",
                "tags": ["trial"],
            },
        ),
    ),
)
