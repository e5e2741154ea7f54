"""app.egoi: contacts of an E-goi list created, read (by id or email) and updated, as n8n's
E-goi node does: base fields, extra fields by id, tags attached, and the contact read back."""

from __future__ import annotations

from typing import Any, Literal
from urllib.parse import quote

from pydantic import ConfigDict, Field, field_validator

from integrations.egoi import rest_api
from integrations.egoi.credentials import ApiKey
from integrations.operations import OperationConfig, json_object, rendered_object, used_by
from integrations.service import credential_for
from workfuse.lib.node_run import NodeError, RunContext, Secret
from workfuse.lib.node_types import NodeType

Operation = Literal["create_contact", "get_contact", "update_contact"]
ALL = ("create_contact", "get_contact", "update_contact")
WRITES = ("create_contact", "update_contact")
STATS = ("email_stats", "sms_stats", "push_stats", "webpush_stats", "voice_stats")


class Config(OperationConfig):
    model_config = ConfigDict(coerce_numbers_to_str=True)

    credential: int | None = Field(
        None, ge=1, description="Your E-goi API key credential. Needed to run."
    )
    operation: Operation = Field(
        "create_contact",
        description="create_contact: a new contact in a list. get_contact: one contact, by id "
        "or by email. update_contact: change a contact's fields and tags.",
    )
    list_id: str = Field(
        "",
        description="The list's id (a number).",
        json_schema_extra=used_by(*ALL, required=True),
    )
    contact_id: str = Field(
        "",
        description="The contact's id. get_contact: give it or email.",
        json_schema_extra=used_by("get_contact", "update_contact", required=["update_contact"]),
    )
    email: str = Field(
        "",
        description="create_contact: the contact's email. get_contact: find the contact by it.",
        json_schema_extra=used_by("create_contact", "get_contact", required=["create_contact"]),
    )
    fields: Any = Field(
        None,
        description='Base fields, as a JSON object: {"first_name": "Nathan", "last_name": "…", '
        '"cellphone": "351-…", "birth_date": "1990-05-01", "status": "active"}; update_contact '
        'may change "email" too.',
        json_schema_extra=used_by(*WRITES),
    )
    extra_fields: Any = Field(
        None,
        description='Extra fields by their field id, as a JSON object: {"1": "Lisbon"}.',
        json_schema_extra=used_by(*WRITES),
    )
    tag_ids: list[str] = Field(
        default_factory=list,
        description="Tags (by id) to attach to the contact.",
        json_schema_extra=used_by(*WRITES),
    )
    resolve: bool = Field(
        True,
        description="Read the contact back after writing it (E-goi answers a write with its id "
        "only).",
        json_schema_extra=used_by(*WRITES),
    )
    simplify: bool = Field(
        True,
        description="get_contact: the base fields, extra fields by name, tags and statistics "
        "in one flat object, instead of E-goi's {base, extra, …}.",
        json_schema_extra=used_by("get_contact"),
    )

    @field_validator("fields", "extra_fields", mode="before")
    @classmethod
    def _objects(cls, value: Any) -> Any:
        return json_object(value, "E-goi fields")


def _body(config: Config, base: dict[str, Any]) -> dict[str, Any]:
    extra = rendered_object(config.extra_fields, "extra_fields")
    return {
        "base": {**base, **rendered_object(config.fields, "fields")},
        "extra": [{"field_id": k, "value": v} for k, v in extra.items()],
    }


def _simplified(secret: Secret, list_path: str, contact: dict[str, Any]) -> dict[str, Any]:
    """n8n's Simplify: base fields, extra fields under their names (GET /lists/{id}/fields),
    tags and statistics in one object."""
    fields = rest_api.call(secret, "GET", f"{list_path}/fields", what="fields")
    names = {
        str(f.get("field_id")): str(f.get("name"))
        for f in (fields if isinstance(fields, list) else [])
        if isinstance(f, dict) and f.get("type") == "extra"
    }
    extras = {
        names.get(str(e.get("field_id")), str(e.get("field_id"))): e.get("value")
        for e in contact.get("extra") or []
        if isinstance(e, dict)
    }
    flat = {**(contact.get("base") or {}), **extras, "tags": contact.get("tags", [])}
    return flat | {s: contact.get(s) for s in STATS}


def run(config: Config, ctx: RunContext) -> Any:
    """As n8n outputs it: the contact read back after a write (E-goi's {contact_id} when
    `resolve` is off); get_contact: the contact, simplified unless `simplify` is off."""
    secret, _ = credential_for(ctx, config.operation, ApiKey)
    op, list_path = config.operation, f"/lists/{quote(config.list_id.strip(), safe='')}"
    contacts = f"{list_path}/contacts"
    contact_id = config.contact_id.strip()
    if op == "get_contact":
        if contact_id:
            contact = rest_api.call(secret, "GET", f"{contacts}/{quote(contact_id)}", what=op)
        elif config.email.strip():
            found = rest_api.call(
                secret, "GET", contacts, what=op, params={"email": config.email.strip()}
            )
            items = found.get("items") if isinstance(found, dict) else None
            if not items:
                raise NodeError(
                    f"E-goi has no contact with the email {config.email.strip()} in list {config.list_id}."
                )
            contact = items[0]
        else:
            raise NodeError("get_contact needs a contact_id or an email.")
        return _simplified(secret, list_path, contact) if config.simplify else contact
    if op == "create_contact":
        answer = rest_api.call(
            secret, "POST", contacts, what=op, json=_body(config, {"email": config.email})
        )
        contact_id = str(answer.get("contact_id", ""))
    else:
        answer = rest_api.call(
            secret, "PATCH", f"{contacts}/{quote(contact_id)}", what=op, json=_body(config, {})
        )
    for tag in config.tag_ids:
        body = {"tag_id": int(tag) if tag.isdigit() else tag, "contacts": [contact_id]}
        rest_api.call(secret, "POST", f"{contacts}/actions/attach-tag", what=op, json=body)
    if config.resolve and contact_id:
        return rest_api.call(secret, "GET", f"{contacts}/{quote(contact_id)}", what=op)
    return answer


NODE = NodeType(
    type="app.egoi",
    label="E-goi",
    category="app",
    description="Creates, reads and updates contacts of E-goi lists (fields, extra fields, tags).",
    Config=Config,
    run=run,
    credential_kinds=(ApiKey.kind,),
    icon="ⓔ",
    examples=(
        (
            "Add nathan@testmail.com, first name Nathan, to E-goi list 1 with credential 5",
            {
                "credential": 5,
                "operation": "create_contact",
                "list_id": "1",
                "email": "nathan@testmail.com",
                "fields": {"first_name": "Nathan"},
            },
        ),
        (
            "Read E-goi contact 0a1b2c3d of list 1",
            {"operation": "get_contact", "list_id": "1", "contact_id": "0a1b2c3d"},
        ),
        (
            "Change the first name of E-goi contact 0a1b2c3d in list 1 to Nat",
            {
                "operation": "update_contact",
                "list_id": "1",
                "contact_id": "0a1b2c3d",
                "fields": {"first_name": "Nat"},
            },
        ),
    ),
)
