"""app.google_contacts: the contacts of a Google account (People API v1) created, read, listed
or searched, updated and deleted. Outputs are n8n's: a contact carries `contactId` (its
resourceName without `people/`), and unless `raw` is on it is simplified as n8n's cleanData
does (metadata dropped, emails/phones/addresses/relations/events grouped by their type)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, field_validator

from integrations.google_contacts.credentials import GoogleContactsOAuth2
from integrations.google_contacts.people_api import AddressBook
from integrations.operations import OperationConfig, json_object, used_by
from integrations.service import credential_for
from workfuse.lib.node_run import NodeError, RunContext
from workfuse.lib.node_types import NodeType

Operation = Literal[
    "create_contact", "get_contact", "list_contacts", "update_contact", "delete_contact"
]
BY_ID = ("get_contact", "update_contact", "delete_contact")
READING = ("create_contact", "get_contact", "list_contacts", "update_contact")
WRITING = ("create_contact", "update_contact")
MAX_LIST = 5000
# Every field a person has (n8n's "*"), as the People API names them in personFields.
ALL_FIELDS = (
    "addresses,biographies,birthdays,coverPhotos,emailAddresses,events,genders,imClients,"
    "interests,locales,memberships,metadata,names,nicknames,occupations,organizations,"
    "phoneNumbers,photos,relations,residences,sipAddresses,skills,urls,userDefined"
)
BY_TYPE = ("emailAddresses", "phoneNumbers", "relations", "events", "addresses")


class Config(OperationConfig):
    credential: int | None = Field(
        None, ge=1, description="Your Google Contacts OAuth2 credential. Needed to run."
    )
    operation: Operation = Field(
        "create_contact",
        description="create_contact: a new contact. get_contact / update_contact / "
        "delete_contact: one contact by id. list_contacts: the address book's contacts, or "
        "those a search matches.",
    )
    contact_id: str = Field(
        "",
        description="The contact's id (c123…, or its resourceName people/c123…).",
        json_schema_extra=used_by(*BY_ID, required=True),
    )
    given_name: str = Field(
        "", description="The contact's first name.", json_schema_extra=used_by(*WRITING)
    )
    family_name: str = Field(
        "", description="The contact's last name.", json_schema_extra=used_by(*WRITING)
    )
    middle_name: str = Field(
        "", description="The contact's middle name.", json_schema_extra=used_by(*WRITING)
    )
    person: Any = Field(
        None,
        description="More of the contact, as the People API names a person's fields, as a JSON "
        'object: {"emailAddresses": [{"type": "work", "value": "ada@acme.test"}], '
        '"phoneNumbers": [{"type": "mobile", "value": "+1…"}], "organizations": [{"name": '
        '"Acme", "title": "CTO", "current": true}], "biographies": [{"value": "…"}]}. '
        "update_contact replaces just these fields (and the name, when one is given).",
        json_schema_extra=used_by(*WRITING),
    )
    etag: str = Field(
        "",
        description="update_contact: the contact's etag as last read (empty: read just before).",
        json_schema_extra=used_by("update_contact"),
    )
    person_fields: str = Field(
        "*",
        description="The fields to output, comma-separated as the People API names them "
        "(names,emailAddresses,phoneNumbers,organizations…); * for all of them.",
        json_schema_extra=used_by(*READING),
    )
    raw: bool = Field(
        False,
        description="Output Google's person as it is (off: simplified as n8n does).",
        json_schema_extra=used_by(*READING),
    )
    query: str = Field(
        "",
        description="list_contacts: only the contacts whose names, emails, phones or "
        "organizations start with this text (empty: all of them).",
        json_schema_extra=used_by("list_contacts"),
    )
    max_results: int = Field(
        100,
        ge=1,
        le=MAX_LIST,
        description="list_contacts: at most this many contacts (a search gives at most 30).",
        json_schema_extra=used_by("list_contacts"),
    )

    @field_validator("person", mode="before")
    @classmethod
    def _person(cls, value: Any) -> Any:
        return json_object(value, "a person's fields")


def _resource(contact_id: str) -> str:
    ident = contact_id.strip().removeprefix("people/")
    if not ident or "/" in ident:
        raise NodeError(f"“{contact_id}” is not a contact id (c123… or people/c123…).")
    return f"people/{ident}"


def _fields(config: Config) -> str:
    fields = ",".join(f.strip() for f in config.person_fields.split(",") if f.strip())
    return ALL_FIELDS if fields in ("", "*") or "*" in fields.split(",") else fields


def _names(config: Config) -> dict[str, str]:
    parts = {
        "givenName": config.given_name,
        "familyName": config.family_name,
        "middleName": config.middle_name,
    }
    return {k: v for k, v in parts.items() if v}


def _person(config: Config) -> dict[str, Any]:
    if config.person in (None, ""):
        return {}
    if not isinstance(config.person, dict):
        raise NodeError("The person field must render to a JSON object.")
    return dict(config.person)


def _by_type(key: str, values: list[Any]) -> dict[str, list[Any]]:
    grouped: dict[str, list[Any]] = {}
    for value in values:
        if not isinstance(value, dict):
            continue
        value = dict(value)
        kind = str(value.pop("type", None) or "undefined")  # JavaScript's key for a missing type
        if key == "relations":
            item = value.get("person")
        elif key == "events":
            date = value.get("date") or {}
            item = f"{date.get('month')}/{date.get('day')}/{date.get('year')}"
        elif key == "addresses":
            value.pop("metadata", None)
            item = value
        else:
            item = value.get("value")
        grouped.setdefault(kind, []).append(item)
    return grouped


def simplified(person: dict[str, Any]) -> dict[str, Any]:
    """n8n's cleanData: a person as n8n outputs it unless rawData is on."""
    out: dict[str, Any] = {}
    for key, value in person.items():
        values = value if isinstance(value, list) else []
        if key == "metadata":
            continue
        if key == "photos":
            value = [p.get("url") for p in values if isinstance(p, dict)]
        elif key == "names" and values and isinstance(values[0], dict):
            value = {k: v for k, v in values[0].items() if k != "metadata"}
        elif key == "memberships":
            value = [((m.get("metadata") or {}).get("source") or {}).get("id") for m in values]
        elif key == "birthdays" and values:
            date = values[0].get("date") or {}
            value = f"{date.get('month')}/{date.get('day')}/{date.get('year')}"
        elif key in ("userDefined", "organizations", "biographies"):
            value = [{k: v for k, v in v_.items() if k != "metadata"} for v_ in values]
        if key in BY_TYPE:
            grouped = _by_type(key, values)
            if grouped:
                out[key] = grouped
            continue
        out[key] = value
    return out


def _output(person: dict[str, Any], raw: bool) -> dict[str, Any]:
    out = dict(person) if raw else simplified(person)
    out["contactId"] = str(person.get("resourceName", "")).split("/")[-1]
    return out


def run(config: Config, ctx: RunContext) -> Any:
    """The contact as n8n outputs it (with contactId); list_contacts: {contacts, count};
    delete_contact: {success: true}."""
    secret, _ = credential_for(ctx, config.operation, GoogleContactsOAuth2)
    book, op = AddressBook(secret), config.operation
    if op == "list_contacts":
        search = config.query if config.query.strip() else None
        people = book.people(search, _fields(config), config.max_results)
        contacts = [_output(p, config.raw) for p in people if isinstance(p, dict)]
        return {"contacts": contacts, "count": len(contacts)}
    if op == "create_contact":
        names = _names(config)
        if not names:
            raise NodeError("create_contact needs a given_name or a family_name.")
        body = {**_person(config), "names": [names]}
        params = {"personFields": _fields(config)}
        person = book.call("POST", "/people:createContact", op, json=body, params=params)
        return _output(person, config.raw)
    resource = _resource(config.contact_id)
    if op == "get_contact":
        params = {"personFields": _fields(config)}
        return _output(book.call("GET", f"/{resource}", op, params=params), config.raw)
    if op == "delete_contact":
        book.call("DELETE", f"/{resource}:deleteContact", op)
        return {"success": True}
    return _update(book, config, resource)


def _update(book: AddressBook, config: Config, resource: str) -> dict[str, Any]:
    body = _person(config)
    names = _names(config)
    if names:
        body["names"] = [names]
    if not body:
        raise NodeError(
            "update_contact changes nothing: set a name field or the person field's fields."
        )
    etag = config.etag.strip()
    if not etag:
        current = book.call("GET", f"/{resource}", "people.get", params={"personFields": "names"})
        etag = str(current.get("etag") or "")
    params = {"updatePersonFields": ",".join(body), "personFields": _fields(config)}
    body["etag"] = etag
    path = f"/{resource}:updateContact"
    person = book.call("PATCH", path, "update_contact", json=body, params=params)
    return _output(person, config.raw)


NODE = NodeType(
    type="app.google_contacts",
    label="Google Contacts",
    category="app",
    description="Creates, reads, lists, updates and deletes the contacts of a Google account.",
    Config=Config,
    run=run,
    credential_kinds=(GoogleContactsOAuth2.kind,),
    icon="☎",
    examples=(
        (
            "Add Ada Lovelace to my Google contacts with credential 4",
            {
                "credential": 4,
                "operation": "create_contact",
                "given_name": "Ada",
                "family_name": "Lovelace",
            },
        ),
        (
            "Read the organizations of Google contact c123",
            {"operation": "get_contact", "contact_id": "c123", "person_fields": "organizations"},
        ),
        (
            "Find my Google contacts named Ada",
            {"operation": "list_contacts", "query": "Ada"},
        ),
        (
            "Set the company of Google contact c123 to Acme",
            {
                "operation": "update_contact",
                "contact_id": "c123",
                "person": {"organizations": [{"name": "Acme"}]},
            },
        ),
        (
            "Delete Google contact c123",
            {"operation": "delete_contact", "contact_id": "c123"},
        ),
    ),
)
