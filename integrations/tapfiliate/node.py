"""app.tapfiliate: affiliates created, read and deleted, their metadata set, and affiliates
added to a program."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import ConfigDict, Field, field_validator

from integrations.operations import OperationConfig, json_object, rendered_object, used_by
from integrations.service import credential_for
from integrations.tapfiliate import rest_api
from integrations.tapfiliate.credentials import ApiKey
from workfuse.lib.node_run import NodeError, RunContext
from workfuse.lib.node_types import NodeType

Operation = Literal[
    "create_affiliate", "get_affiliate", "delete_affiliate", "set_metadata", "add_to_program"
]
BY_AFFILIATE = ("get_affiliate", "delete_affiliate", "set_metadata", "add_to_program")


class Config(OperationConfig):
    model_config = ConfigDict(coerce_numbers_to_str=True)

    credential: int | None = Field(
        None, ge=1, description="Your Tapfiliate API key credential. Needed to run."
    )
    operation: Operation = Field(
        "create_affiliate",
        description="create_affiliate: a new affiliate. get_affiliate / delete_affiliate: one "
        "affiliate. set_metadata: set metadata keys on an affiliate. add_to_program: enrol an "
        "affiliate in a program.",
    )
    affiliate_id: str = Field(
        "",
        description="The affiliate's id.",
        json_schema_extra=used_by(*BY_AFFILIATE, required=True),
    )
    email: str = Field(
        "",
        description="The affiliate's email.",
        json_schema_extra=used_by("create_affiliate", required=True),
    )
    firstname: str = Field(
        "",
        description="The affiliate's first name.",
        json_schema_extra=used_by("create_affiliate", required=True),
    )
    lastname: str = Field(
        "",
        description="The affiliate's last name.",
        json_schema_extra=used_by("create_affiliate", required=True),
    )
    fields: Any = Field(
        None,
        description="create_affiliate: more fields as Tapfiliate names them, as a JSON object: "
        '{"company": {"name": "Acme"}, "address": {"address": "…", "city": "…", "country": '
        '{"code": "NL"}}, "parent_id": "…"}. add_to_program: {"approved": true, "coupon": "…"}.',
        json_schema_extra=used_by("create_affiliate", "add_to_program"),
    )
    metadata: Any = Field(
        None,
        description='set_metadata: the keys and values to set, as a JSON object: {"plan": "pro"}.',
        json_schema_extra=used_by("set_metadata", required=True),
    )
    program_id: str = Field(
        "",
        description="add_to_program: the program's id.",
        json_schema_extra=used_by("add_to_program", required=True),
    )

    @field_validator("fields", "metadata", mode="before")
    @classmethod
    def _objects(cls, value: Any) -> Any:
        return json_object(value, "Tapfiliate fields")


def run(config: Config, ctx: RunContext) -> Any:
    """As n8n outputs it: the affiliate (create, get), the program affiliate (add_to_program),
    {success: true} for delete_affiliate and set_metadata."""
    secret, _ = credential_for(ctx, config.operation, ApiKey)
    op, affiliate = config.operation, f"/affiliates/{config.affiliate_id.strip()}/"
    if op == "create_affiliate":
        body = {
            **rendered_object(config.fields, "fields"),
            "firstname": config.firstname,
            "lastname": config.lastname,
            "email": config.email,
        }
        return rest_api.call(secret, "POST", "/affiliates/", what=op, json=body)
    if op == "get_affiliate":
        return rest_api.call(secret, "GET", affiliate, what=op)
    if op == "delete_affiliate":
        rest_api.call(secret, "DELETE", affiliate, what=op)
        return {"success": True}
    if op == "set_metadata":
        metadata = rendered_object(config.metadata, "metadata")
        if not metadata:
            raise NodeError("set_metadata needs at least one key in metadata.")
        for key, value in metadata.items():
            path = f"{affiliate}meta-data/{key}/"
            rest_api.call(secret, "PUT", path, what=op, json={"value": value})
        return {"success": True}
    body = {
        **rendered_object(config.fields, "fields"),
        "affiliate": {"id": config.affiliate_id.strip()},
    }
    path = f"/programs/{config.program_id.strip()}/affiliates/"
    return rest_api.call(secret, "POST", path, what=op, json=body)


NODE = NodeType(
    type="app.tapfiliate",
    label="Tapfiliate",
    category="app",
    description="Creates, reads and deletes Tapfiliate affiliates, sets their metadata and adds "
    "them to programs.",
    Config=Config,
    run=run,
    credential_kinds=(ApiKey.kind,),
    icon="⚭",
    examples=(
        (
            "Create the Tapfiliate affiliate Jack Ryan, jack@example.com, with credential 2",
            {
                "credential": 2,
                "operation": "create_affiliate",
                "firstname": "Jack",
                "lastname": "Ryan",
                "email": "jack@example.com",
            },
        ),
        (
            "Read Tapfiliate affiliate jackryan",
            {"operation": "get_affiliate", "affiliate_id": "jackryan"},
        ),
        (
            "Delete Tapfiliate affiliate jackryan",
            {"operation": "delete_affiliate", "affiliate_id": "jackryan"},
        ),
        (
            "Set the metadata plan to pro on Tapfiliate affiliate jackryan",
            {"operation": "set_metadata", "affiliate_id": "jackryan", "metadata": {"plan": "pro"}},
        ),
        (
            "Add Tapfiliate affiliate jackryan to the program testing-program-5",
            {
                "operation": "add_to_program",
                "affiliate_id": "jackryan",
                "program_id": "testing-program-5",
            },
        ),
    ),
)
