"""app.automizy: Automizy's smart lists and their contacts created, read, listed, updated and
deleted, as n8n's Automizy node does."""

from __future__ import annotations

from typing import Any, Literal
from urllib.parse import quote

from pydantic import ConfigDict, Field, field_validator

from integrations.automizy import rest_api
from integrations.automizy.credentials import ApiToken
from integrations.operations import OperationConfig, json_object, used_by
from integrations.service import credential_for
from workfuse.lib.node_run import NodeError, RunContext, Secret
from workfuse.lib.node_types import NodeType

Operation = Literal[
    "create_list",
    "get_list",
    "list_lists",
    "update_list",
    "delete_list",
    "create_contact",
    "get_contact",
    "list_contacts",
    "update_contact",
    "delete_contact",
]
MAX_RESULTS = 5000
LISTED = ("list_lists", "list_contacts")


class Config(OperationConfig):
    model_config = ConfigDict(coerce_numbers_to_str=True)

    credential: int | None = Field(
        None, ge=1, description="Your Automizy API token credential. Needed to run."
    )
    operation: Operation = Field(
        "create_contact",
        description="create_list / get_list / list_lists / update_list / delete_list: smart "
        "lists. create_contact (into a list) / get_contact / list_contacts (of a list) / "
        "update_contact (by email) / delete_contact: contacts.",
    )
    list_id: str = Field(
        "",
        description="The smart list's id.",
        json_schema_extra=used_by(
            "get_list",
            "update_list",
            "delete_list",
            "create_contact",
            "list_contacts",
            required=True,
        ),
    )
    name: str = Field(
        "",
        description="The list's name.",
        json_schema_extra=used_by("create_list", "update_list", required=True),
    )
    email: str = Field(
        "",
        description="The contact's email address.",
        json_schema_extra=used_by("create_contact", "update_contact", required=True),
    )
    contact_id: str = Field(
        "",
        description="The contact's id (or email address).",
        json_schema_extra=used_by("get_contact", "delete_contact", required=True),
    )
    fields: Any = Field(
        None,
        description="create_contact / update_contact: more of the contact, as a JSON object: "
        '{"status": "ACTIVE", "tags": ["reviewer"], "customFields": {"city": "Paris"}}.',
        json_schema_extra=used_by("create_contact", "update_contact"),
    )
    sort_by: str = Field(
        "",
        description="list_lists / list_contacts: the field to sort by (with direction).",
        json_schema_extra=used_by(*LISTED),
    )
    direction: Literal["", "asc", "desc"] = Field(
        "", description="list_*: the sort's direction.", json_schema_extra=used_by(*LISTED)
    )
    fields_shown: str = Field(
        "",
        description="list_*: the fields to read, comma-separated (Automizy's `fields`).",
        json_schema_extra=used_by(*LISTED),
    )
    max_results: int = Field(
        100,
        ge=1,
        le=MAX_RESULTS,
        description=f"list_*: keep at most this many (1 to {MAX_RESULTS}).",
        json_schema_extra=used_by(*LISTED),
    )

    @field_validator("fields", mode="before")
    @classmethod
    def _fields(cls, value: Any) -> Any:
        return json_object(value, "contact fields")


def _object(value: Any) -> dict[str, Any]:
    if value in (None, ""):
        return {}
    if not isinstance(value, dict):
        raise NodeError("fields must render to a JSON object.")
    return value


def _query(config: Config) -> dict[str, Any]:
    query: dict[str, Any] = {}
    if config.sort_by and config.direction:
        query["order"] = f"{config.sort_by}:{config.direction}"
    if config.fields_shown:
        query["fields"] = config.fields_shown
    return query


def _lists(secret: Secret, config: Config, op: str) -> dict[str, Any]:
    if op == "list_lists":
        found = rest_api.every(
            secret, "/smart-lists", "smartLists", _query(config), config.max_results, what=op
        )
        return {"lists": found, "count": len(found)}
    if op == "create_list":
        return rest_api.call(secret, "POST", "/smart-lists", what=op, json={"name": config.name})
    path = f"/smart-lists/{quote(config.list_id.strip(), safe='')}"
    if op == "get_list":
        return rest_api.call(secret, "GET", path, what=op)
    if op == "update_list":
        return rest_api.call(secret, "PATCH", path, what=op, json={"name": config.name})
    rest_api.call(secret, "DELETE", path, what=op)
    return {"success": True}


def _contacts(secret: Secret, config: Config, op: str) -> dict[str, Any]:
    in_list = f"/smart-lists/{quote(config.list_id.strip(), safe='')}/contacts"
    if op == "list_contacts":
        found = rest_api.every(
            secret, in_list, "contacts", _query(config), config.max_results, what=op
        )
        return {"contacts": found, "count": len(found)}
    if op == "create_contact":
        body = {"email": config.email, **_object(config.fields)}
        answer = rest_api.call(secret, "POST", in_list, what=op, json=body)
        added = answer.get("contacts") if isinstance(answer, dict) else None
        if not added:
            raise NodeError("Automizy answered the new contact without it (no contacts).")
        return dict(added[0])
    if op == "update_contact":
        path = f"/contacts/{quote(config.email.strip(), safe='@')}"
        return rest_api.call(secret, "PATCH", path, what=op, json=_object(config.fields))
    path = f"/contacts/{quote(config.contact_id.strip(), safe='@')}"
    if op == "get_contact":
        return rest_api.call(secret, "GET", path, what=op)
    rest_api.call(secret, "DELETE", path, what=op)
    return {"success": True}


def run(config: Config, ctx: RunContext) -> dict[str, Any]:
    """The list or contact (create, get, update), {success: true} (delete), {lists, count} or
    {contacts, count} (list_*)."""
    secret, _ = credential_for(ctx, config.operation, ApiToken)
    op = config.operation
    return (
        _lists(secret, config, op)
        if op.endswith(("_list", "_lists"))
        else _contacts(secret, config, op)
    )


NODE = NodeType(
    type="app.automizy",
    label="Automizy",
    category="app",
    description="Creates, reads, lists, updates and deletes Automizy smart lists and their "
    "contacts.",
    Config=Config,
    run=run,
    credential_kinds=(ApiToken.kind,),
    icon="✉",
    examples=(
        (
            "Create the Automizy list n8n-docs with credential 3",
            {"credential": 3, "operation": "create_list", "name": "n8n-docs"},
        ),
        (
            "Add ada@example.com as an active contact to Automizy list 12",
            {
                "operation": "create_contact",
                "list_id": "12",
                "email": "ada@example.com",
                "fields": {"status": "ACTIVE"},
            },
        ),
        (
            "Tag the Automizy contact ada@example.com as reviewer",
            {
                "operation": "update_contact",
                "email": "ada@example.com",
                "fields": {"tags": ["reviewer"]},
            },
        ),
        ("List my Automizy lists", {"operation": "list_lists"}),
        ("Read Automizy list 12", {"operation": "get_list", "list_id": "12"}),
        (
            "Rename Automizy list 12 to Newsletter",
            {"operation": "update_list", "list_id": "12", "name": "Newsletter"},
        ),
        ("Delete Automizy list 12", {"operation": "delete_list", "list_id": "12"}),
        (
            "Look up the Automizy contact ada@example.com",
            {"operation": "get_contact", "contact_id": "ada@example.com"},
        ),
        (
            "Delete the Automizy contact ada@example.com",
            {"operation": "delete_contact", "contact_id": "ada@example.com"},
        ),
        (
            "List every contact of Automizy list 12",
            {"operation": "list_contacts", "list_id": "12", "max_results": 5000},
        ),
    ),
)
