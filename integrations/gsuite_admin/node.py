"""app.gsuite_admin: the users and groups of a Google Workspace (Admin SDK Directory API)
created, read, listed, updated and deleted, as its administrator."""

from __future__ import annotations

import secrets
from typing import Any, Literal
from urllib.parse import quote

from pydantic import Field, field_validator

from integrations.gsuite_admin.credentials import GSuiteAdminOAuth2
from integrations.gsuite_admin.directory_api import Directory
from integrations.operations import OperationConfig, json_object, used_by
from integrations.service import credential_for
from workfuse.lib.node_run import NodeError, RunContext
from workfuse.lib.node_types import NodeType

Operation = Literal[
    "create_user",
    "get_user",
    "list_users",
    "update_user",
    "delete_user",
    "create_group",
    "get_group",
    "list_groups",
    "update_group",
    "delete_group",
]
USER = ("get_user", "update_user", "delete_user")
GROUP = ("get_group", "update_group", "delete_group")
LISTS = ("list_users", "list_groups")
MAX_LIST = 5000


class Config(OperationConfig):
    credential: int | None = Field(
        None, ge=1, description="Your G Suite Admin OAuth2 credential. Needed to run."
    )
    operation: Operation = Field(
        "create_user",
        description="create_user / get_user / list_users / update_user / delete_user: the "
        "Workspace's users. create_group / get_group / list_groups / update_group / "
        "delete_group: its groups.",
    )
    user_id: str = Field(
        "",
        description="The user's primary email, alias or id.",
        json_schema_extra=used_by(*USER, required=True),
    )
    group_id: str = Field(
        "",
        description="The group's email, alias or id.",
        json_schema_extra=used_by(*GROUP, required=True),
    )
    email: str = Field(
        "",
        description="create_user: the user's primary email (username@your-domain). "
        "create_group: the group's email.",
        json_schema_extra=used_by("create_user", "create_group", required=True),
    )
    first_name: str = Field(
        "",
        description="The user's first name.",
        json_schema_extra=used_by("create_user", "update_user", required=("create_user",)),
    )
    last_name: str = Field(
        "",
        description="The user's last name.",
        json_schema_extra=used_by("create_user", "update_user", required=("create_user",)),
    )
    password: str = Field(
        "",
        description="create_user / update_user: the user's password (8 to 100 characters). A "
        "setting, not a credential: the step's record keeps it. Empty on create_user: a random "
        "one, and the user chooses theirs at first sign-in.",
        json_schema_extra=used_by("create_user", "update_user"),
    )
    name: str = Field(
        "",
        description="create_group / update_group: the group's name.",
        json_schema_extra=used_by("create_group", "update_group"),
    )
    description: str = Field(
        "",
        description="create_group / update_group: the group's description.",
        json_schema_extra=used_by("create_group", "update_group"),
    )
    fields: Any = Field(
        None,
        description="More fields as the Directory API names a user's or group's, as a JSON "
        'object: {"changePasswordAtNextLogin": true, "phones": [{"type": "work", "value": '
        '"+1…"}], "orgUnitPath": "/Sales", "suspended": false}.',
        json_schema_extra=used_by("create_user", "update_user", "create_group", "update_group"),
    )
    projection: Literal["basic", "full", "custom"] = Field(
        "basic",
        description="get_user / list_users: basic, full (with custom schemas) or custom "
        "(the schemas in custom_field_mask).",
        json_schema_extra=used_by("get_user", "list_users"),
    )
    custom_field_mask: str = Field(
        "",
        description="projection custom: the custom schemas to read, comma-separated.",
        json_schema_extra=used_by("get_user", "list_users"),
    )
    view_type: Literal["admin_view", "domain_public"] = Field(
        "admin_view",
        description="get_user / list_users: what an administrator sees, or what any user of "
        "the domain may.",
        json_schema_extra=used_by("get_user", "list_users"),
    )
    domain: str = Field(
        "",
        description="list_users / list_groups: only this domain's (empty: the whole account's).",
        json_schema_extra=used_by(*LISTS),
    )
    query: str = Field(
        "",
        description="list_users / list_groups: Google's search (givenName:Jane*, email:sales*).",
        json_schema_extra=used_by(*LISTS),
    )
    max_results: int = Field(
        100,
        ge=1,
        le=MAX_LIST,
        description="list_users / list_groups: at most this many.",
        json_schema_extra=used_by(*LISTS),
    )

    @field_validator("fields", mode="before")
    @classmethod
    def _fields(cls, value: Any) -> Any:
        return json_object(value, "Directory API fields")


def _more(config: Config) -> dict[str, Any]:
    if config.fields in (None, ""):
        return {}
    if not isinstance(config.fields, dict):
        raise NodeError("The fields field must render to a JSON object.")
    return dict(config.fields)


def _user_body(config: Config) -> dict[str, Any]:
    body = _more(config)
    name = {"givenName": config.first_name, "familyName": config.last_name}
    name = {k: v for k, v in name.items() if v}
    if name:
        body["name"] = {**(body.get("name") or {}), **name}
    if config.password:
        body["password"] = config.password
    if config.operation == "create_user":
        body["primaryEmail"] = config.email.strip()
        if not config.password:
            body["password"] = secrets.token_urlsafe(24)
            body["changePasswordAtNextLogin"] = True
    return body


def _group_body(config: Config) -> dict[str, Any]:
    body = _more(config)
    for key, value in (("name", config.name), ("description", config.description)):
        if value:
            body[key] = value
    if config.operation == "create_group":
        body["email"] = config.email.strip()
    return body


def _reading(config: Config) -> dict[str, Any]:
    params: dict[str, Any] = {"projection": config.projection, "viewType": config.view_type}
    if config.projection == "custom":
        if not config.custom_field_mask.strip():
            raise NodeError("projection custom needs custom_field_mask: the schemas to read.")
        params["customFieldMask"] = config.custom_field_mask.strip()
    return params


def _listing(config: Config) -> dict[str, Any]:
    params = {"domain": config.domain.strip()} if config.domain.strip() else {}
    params = params or {"customer": "my_customer"}
    return params | ({"query": config.query} if config.query.strip() else {})


def run(config: Config, ctx: RunContext) -> Any:
    """Google's user or group as it is; the lists as {users | groups, count}; a delete
    {success: true}."""
    secret, _ = credential_for(ctx, config.operation, GSuiteAdminOAuth2)
    directory, op = Directory(secret), config.operation
    user = f"/users/{quote(config.user_id.strip(), safe='@')}"
    group = f"/groups/{quote(config.group_id.strip(), safe='@')}"
    if op == "create_user":
        return directory.call("POST", "/users", "users.insert", json=_user_body(config))
    if op == "get_user":
        return directory.call("GET", user, "users.get", params=_reading(config))
    if op == "list_users":
        params = _listing(config) | _reading(config)
        users = directory.listed("users", params, config.max_results)
        return {"users": users, "count": len(users)}
    if op == "update_user":
        body = _user_body(config)
        if not body:
            raise NodeError("update_user changes nothing: set a name, a password or fields.")
        return directory.call("PUT", user, "users.update", json=body)
    if op == "delete_user":
        directory.call("DELETE", user, "users.delete")
        return {"success": True}
    if op == "create_group":
        return directory.call("POST", "/groups", "groups.insert", json=_group_body(config))
    if op == "get_group":
        return directory.call("GET", group, "groups.get")
    if op == "list_groups":
        groups = directory.listed("groups", _listing(config), config.max_results)
        return {"groups": groups, "count": len(groups)}
    if op == "update_group":
        body = _group_body(config)
        if not body:
            raise NodeError("update_group changes nothing: set a name, a description or fields.")
        return directory.call("PUT", group, "groups.update", json=body)
    directory.call("DELETE", group, "groups.delete")
    return {"success": True}


NODE = NodeType(
    type="app.gsuite_admin",
    label="G Suite Admin",
    category="app",
    description="Creates, reads, lists, updates and deletes the users and groups of a Google "
    "Workspace, as its administrator.",
    Config=Config,
    run=run,
    credential_kinds=(GSuiteAdminOAuth2.kind,),
    icon="🛡",
    examples=(
        (
            "Create the Workspace user Nathan Nat, nat@acme.test, with password from the form, "
            "credential 6",
            {
                "credential": 6,
                "operation": "create_user",
                "email": "nat@acme.test",
                "first_name": "Nathan",
                "last_name": "Nat",
                "password": "{{ trigger.body.password }}",
            },
        ),
        (
            "Read the Workspace user nat@acme.test",
            {"operation": "get_user", "user_id": "nat@acme.test"},
        ),
        (
            "List the Workspace users of acme.test",
            {"operation": "list_users", "domain": "acme.test"},
        ),
        (
            "Change the last name of Workspace user nat@acme.test to Nate",
            {"operation": "update_user", "user_id": "nat@acme.test", "last_name": "Nate"},
        ),
        (
            "Delete the Workspace user nat@acme.test",
            {"operation": "delete_user", "user_id": "nat@acme.test"},
        ),
        (
            "Create the Workspace group sales@acme.test named Sales",
            {"operation": "create_group", "email": "sales@acme.test", "name": "Sales"},
        ),
        (
            "Read the Workspace group sales@acme.test",
            {"operation": "get_group", "group_id": "sales@acme.test"},
        ),
        ("List the Workspace groups", {"operation": "list_groups"}),
        (
            "Describe the Workspace group sales@acme.test as The sales team",
            {
                "operation": "update_group",
                "group_id": "sales@acme.test",
                "description": "The sales team",
            },
        ),
        (
            "Delete the Workspace group sales@acme.test",
            {"operation": "delete_group", "group_id": "sales@acme.test"},
        ),
    ),
)
