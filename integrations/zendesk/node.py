"""app.zendesk: tickets created, updated, read and searched; users created, updated, read and
searched."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import ConfigDict, Field, field_validator

from integrations.operations import OperationConfig, json_object, used_by
from integrations.zendesk import rest_api
from integrations.zendesk.credentials import KINDS
from workfuse.lib.node_run import NodeError, RunContext, Secret
from workfuse.lib.node_types import NodeType

Operation = Literal[
    "create_ticket",
    "update_ticket",
    "get_ticket",
    "search_tickets",
    "create_user",
    "update_user",
    "get_user",
    "search_users",
]
TICKET_WRITES = ("create_ticket", "update_ticket")
USER_WRITES = ("create_user", "update_user")
SEARCHES = ("search_tickets", "search_users")
MAX_LIST = 1000  # Zendesk's search answers at most 1,000 results


class Config(OperationConfig):
    model_config = ConfigDict(coerce_numbers_to_str=True)

    credential: int | None = Field(
        None, ge=1, description="Your Zendesk credential (API token or OAuth). Needed to run."
    )
    operation: Operation = Field(
        "create_ticket",
        description="create_ticket / update_ticket / get_ticket; search_tickets: tickets "
        "matching a search query. create_user / update_user / get_user; search_users.",
    )
    ticket_id: str = Field(
        "",
        description="The ticket's number.",
        json_schema_extra=used_by("update_ticket", "get_ticket", required=True),
    )
    subject: str = Field(
        "", description="The ticket's subject.", json_schema_extra=used_by(*TICKET_WRITES)
    )
    comment: str = Field(
        "",
        description="create_ticket: the ticket's first comment (its description). "
        "update_ticket: a reply or note added to the ticket.",
        json_schema_extra=used_by(*TICKET_WRITES, required=["create_ticket"]),
    )
    comment_public: bool = Field(
        True,
        description="Whether the requester sees the comment (false: an internal note).",
        json_schema_extra=used_by(*TICKET_WRITES),
    )
    comment_html: bool = Field(
        False,
        description="The comment is HTML (sent as html_body) rather than plain text.",
        json_schema_extra=used_by(*TICKET_WRITES),
    )
    user_id: str = Field(
        "",
        description="The user's id.",
        json_schema_extra=used_by("update_user", "get_user", required=True),
    )
    name: str = Field(
        "",
        description="The user's name.",
        json_schema_extra=used_by(*USER_WRITES, required=["create_user"]),
    )
    email: str = Field(
        "", description="The user's primary email address.", json_schema_extra=used_by(*USER_WRITES)
    )
    fields: Any = Field(
        None,
        description='More fields as Zendesk names them, as a JSON object: a ticket {"status": '
        '"open", "type": "incident", "priority": "high", "tags": ["vip"], "external_id": "1027", '
        '"group_id": 42, "assignee_email": "…", "custom_fields": [{"id": 3447, "value": "…"}]}; '
        'a user {"role": "end-user", "phone": "…", "organization_id": 9, "user_fields": {…}}. '
        "May be a template.",
        json_schema_extra=used_by(*TICKET_WRITES, *USER_WRITES),
    )
    query: str = Field(
        "",
        description="Zendesk search syntax, e.g. status<pending assignee:none (search_tickets "
        "adds type:ticket) or email:ada@example.com (search_users).",
        json_schema_extra=used_by(*SEARCHES, required=["search_users"]),
    )
    sort_by: Literal["", "updated_at", "created_at", "priority", "status", "ticket_type"] = Field(
        "",
        description="search_tickets: sort by this field (empty: by relevance).",
        json_schema_extra=used_by("search_tickets"),
    )
    sort_order: Literal["", "asc", "desc"] = Field(
        "", description="search_tickets: sort order.", json_schema_extra=used_by("search_tickets")
    )
    max_results: int = Field(
        100,
        ge=1,
        le=MAX_LIST,
        description="Searches: keep at most this many results.",
        json_schema_extra=used_by(*SEARCHES),
    )

    @field_validator("fields", mode="before")
    @classmethod
    def _fields(cls, value: Any) -> Any:
        return json_object(value, "Zendesk fields")


def _extra(config: Config) -> dict[str, Any]:
    extra = config.fields or {}
    if not isinstance(extra, dict):
        raise NodeError("The fields field must render to a JSON object of Zendesk fields.")
    return {k: v for k, v in extra.items() if v is not None}


def _ticket(config: Config) -> dict[str, Any]:
    ticket = _extra(config)
    if config.subject:
        ticket["subject"] = config.subject
    if config.comment:
        text = "html_body" if config.comment_html else "body"
        ticket["comment"] = {text: config.comment, "public": config.comment_public}
    return {"ticket": ticket}


def _user(config: Config) -> dict[str, Any]:
    user = _extra(config)
    user |= {k: v for k, v in (("name", config.name), ("email", config.email)) if v}
    return {"user": user}


def _search(config: Config, secret: Secret) -> dict[str, Any]:
    if config.operation == "search_users":
        found = rest_api.pages(
            secret,
            "/users/search",
            "users",
            {"query": config.query},
            what="search_users",
            most=config.max_results,
        )
    else:
        query = {"query": " ".join(("type:ticket", config.query)).strip()}
        query |= {
            k: v for k, v in (("sort_by", config.sort_by), ("sort_order", config.sort_order)) if v
        }
        found = rest_api.pages(
            secret, "/search", "results", query, what="search_tickets", most=config.max_results
        )
    return {"items": found, "count": len(found)}


def run(config: Config, ctx: RunContext) -> Any:
    """What Zendesk answers, as n8n outputs it: the ticket or user written or read; searches
    {items, count}."""
    op = config.operation
    secret = ctx.secret
    if secret is None:
        raise NodeError(f"Choose a Zendesk credential in this node's settings: {op} needs one.")
    rest_api.credential(secret, op)
    if op in SEARCHES:
        return _search(config, secret)
    ticket = f"/tickets/{config.ticket_id.strip()}"
    user = f"/users/{config.user_id.strip()}"
    if op == "create_ticket":
        # Zendesk keeps a key for two hours: a retried step creates the ticket once.
        key = {"Idempotency-Key": f"{ctx.execution_id}:{ctx.step_key}"}
        answer = rest_api.call(
            secret, "POST", "/tickets", what=op, json=_ticket(config), headers=key
        )
    elif op == "update_ticket":
        answer = rest_api.call(secret, "PUT", ticket, what=op, json=_ticket(config))
    elif op == "get_ticket":
        answer = rest_api.call(secret, "GET", ticket, what=op)
    elif op == "create_user":
        answer = rest_api.call(secret, "POST", "/users", what=op, json=_user(config))
    elif op == "update_user":
        answer = rest_api.call(secret, "PUT", user, what=op, json=_user(config))
    else:
        answer = rest_api.call(secret, "GET", user, what=op)
    record = (answer or {}).get("ticket" if "ticket" in op else "user")
    if not isinstance(record, dict):
        raise NodeError(f"Zendesk answered {op} without the record; check the base URL.")
    return record


NODE = NodeType(
    type="app.zendesk",
    label="Zendesk",
    category="app",
    description="Creates, updates, reads and searches Zendesk tickets and users; outputs what "
    "Zendesk answers.",
    Config=Config,
    run=run,
    credential_kinds=tuple(KINDS),
    icon="✉",
    examples=(
        (
            "Open a ticket for the new order, with Zendesk credential 5",
            {
                "credential": 5,
                "operation": "create_ticket",
                "subject": "Order {{ trigger.body.number }}",
                "comment": "Customer: {{ trigger.body.email }}",
                "fields": {"status": "open", "external_id": "{{ trigger.body.number }}"},
            },
        ),
        (
            "Add an internal note to ticket 123 with the summary",
            {
                "operation": "update_ticket",
                "ticket_id": "123",
                "comment": "{{ nodes.summary.response }}",
                "comment_public": False,
            },
        ),
        ("Read ticket 123", {"operation": "get_ticket", "ticket_id": "123"}),
        (
            "Find the unassigned tickets not yet pending",
            {"operation": "search_tickets", "query": "assignee:none status<pending"},
        ),
        (
            "Create an end user for the form's sender",
            {
                "operation": "create_user",
                "name": "{{ trigger.body.name }}",
                "email": "{{ trigger.body.email }}",
                "fields": {"role": "end-user"},
            },
        ),
        (
            "Give user 501 the phone number sent",
            {
                "operation": "update_user",
                "user_id": "501",
                "fields": {"phone": "{{ trigger.body.phone }}"},
            },
        ),
        ("Read user 501", {"operation": "get_user", "user_id": "501"}),
        (
            "Find the user with email ada@example.com",
            {"operation": "search_users", "query": "email:ada@example.com"},
        ),
    ),
)
