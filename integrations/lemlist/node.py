"""app.lemlist: leads of lemlist campaigns added, read, unsubscribed and removed."""

from __future__ import annotations

from typing import Any, Literal
from urllib.parse import quote

from pydantic import Field

from integrations.lemlist import rest_api
from integrations.lemlist.credentials import ApiKey
from integrations.operations import OperationConfig, used_by
from integrations.service import credential_for
from workfuse.lib.node_run import RunContext
from workfuse.lib.node_types import NodeType

Operation = Literal["add_lead", "get_lead", "unsubscribe_lead", "delete_lead"]
IN_CAMPAIGN = ("add_lead", "unsubscribe_lead", "delete_lead")
LEAD_FIELDS = {
    "first_name": "firstName",
    "last_name": "lastName",
    "company_name": "companyName",
    "icebreaker": "icebreaker",
    "phone": "phone",
    "picture": "picture",
    "linkedin_url": "linkedinUrl",
}


class Config(OperationConfig):
    credential: int | None = Field(
        None, ge=1, description="Your lemlist API key credential. Needed to run."
    )
    operation: Operation = Field(
        "add_lead",
        description="add_lead: add a lead to a campaign. get_lead: a lead by email. "
        "unsubscribe_lead: stop the campaign for the lead. delete_lead: remove the lead from "
        "the campaign.",
    )
    email: str = Field(
        "",
        description="The lead's email address.",
        json_schema_extra=used_by(
            "add_lead", "get_lead", "unsubscribe_lead", "delete_lead", required=True
        ),
    )
    campaign_id: str = Field(
        "",
        description="The campaign's id (cam_…).",
        json_schema_extra=used_by(*IN_CAMPAIGN, required=True),
    )
    deduplicate: bool = Field(
        False,
        description="add_lead: refuse a lead already in another campaign.",
        json_schema_extra=used_by("add_lead"),
    )
    first_name: str = Field("", description="add_lead.", json_schema_extra=used_by("add_lead"))
    last_name: str = Field("", description="add_lead.", json_schema_extra=used_by("add_lead"))
    company_name: str = Field("", description="add_lead.", json_schema_extra=used_by("add_lead"))
    icebreaker: str = Field(
        "",
        description="add_lead: the personal opening line.",
        json_schema_extra=used_by("add_lead"),
    )
    phone: str = Field("", description="add_lead.", json_schema_extra=used_by("add_lead"))
    picture: str = Field(
        "", description="add_lead: a picture's URL.", json_schema_extra=used_by("add_lead")
    )
    linkedin_url: str = Field(
        "",
        description="add_lead: the LinkedIn profile's URL.",
        json_schema_extra=used_by("add_lead"),
    )


def run(config: Config, ctx: RunContext) -> Any:
    """As n8n outputs it: the lead as lemlist answers (add_lead, get_lead, unsubscribe_lead,
    delete_lead)."""
    secret, _ = credential_for(ctx, config.operation, ApiKey)
    op, email = config.operation, quote(config.email.strip(), safe="@")
    lead = f"/campaigns/{quote(config.campaign_id.strip(), safe='')}/leads/{email}"
    if op == "get_lead":
        return rest_api.call(secret, "GET", f"/leads/{email}", what=op)
    if op == "add_lead":
        body = {
            api: getattr(config, name) for name, api in LEAD_FIELDS.items() if getattr(config, name)
        }
        params = {"deduplicate": "true"} if config.deduplicate else {}
        return rest_api.call(secret, "POST", lead, what=op, json=body, params=params)
    params = {"action": "remove"} if op == "delete_lead" else {}
    return rest_api.call(secret, "DELETE", lead, what=op, params=params)


NODE = NodeType(
    type="app.lemlist",
    label="lemlist",
    category="app",
    description="Adds leads to lemlist campaigns, reads, unsubscribes and removes them.",
    Config=Config,
    run=run,
    credential_kinds=(ApiKey.kind,),
    icon="✉",
    examples=(
        (
            "Add ada@acme.test, first name Ada, to lemlist campaign cam_H5pYEryq6mRKBiy5v with "
            "credential 2",
            {
                "credential": 2,
                "operation": "add_lead",
                "email": "ada@acme.test",
                "campaign_id": "cam_H5pYEryq6mRKBiy5v",
                "first_name": "Ada",
            },
        ),
        (
            "Read the lemlist lead ada@acme.test",
            {"operation": "get_lead", "email": "ada@acme.test"},
        ),
        (
            "Unsubscribe ada@acme.test from lemlist campaign cam_H5pYEryq6mRKBiy5v",
            {
                "operation": "unsubscribe_lead",
                "email": "ada@acme.test",
                "campaign_id": "cam_H5pYEryq6mRKBiy5v",
            },
        ),
        (
            "Remove ada@acme.test from lemlist campaign cam_H5pYEryq6mRKBiy5v",
            {
                "operation": "delete_lead",
                "email": "ada@acme.test",
                "campaign_id": "cam_H5pYEryq6mRKBiy5v",
            },
        ),
    ),
)
