"""app.salesforce: records of any object (Lead, Contact, Opportunity, Account, Note, custom
objects) created, updated, upserted by an external id, read and deleted, and SOQL queries,
through Salesforce's REST API."""

from __future__ import annotations

from typing import Any, Literal
from urllib.parse import quote

from pydantic import Field, field_validator

from integrations.operations import OperationConfig, json_object, used_by
from integrations.salesforce.credentials import SalesforceOAuth2
from integrations.salesforce.rest_api import Salesforce
from integrations.service import credential_for
from workfuse.lib.node_run import NodeError, RunContext
from workfuse.lib.node_types import NodeType

Operation = Literal[
    "create_record", "update_record", "upsert_record", "get_record", "delete_record", "query"
]
BY_ID = ("update_record", "get_record", "delete_record")
RECORDS = ("create_record", *BY_ID, "upsert_record")
WRITES = ("create_record", "update_record", "upsert_record")
MAX_RESULTS = 10000


class Config(OperationConfig):
    credential: int | None = Field(
        None, ge=1, description="Your Salesforce OAuth2 credential. Needed to run."
    )
    operation: Operation = Field(
        "create_record",
        description="create_record: a new record of the object from the fields. "
        "update_record: change the fields given. upsert_record: update the record whose "
        "external id field has the value, or create it. get_record / delete_record: one by "
        "id. query: the records a SOQL query selects.",
    )
    sobject: str = Field(
        "",
        description="The object's API name: Lead, Contact, Opportunity, Account, Case, Task, "
        "Note, or a custom object such as Invoice__c.",
        json_schema_extra=used_by(*RECORDS, required=True),
    )
    record_id: str = Field(
        "",
        description="The record's id (15 or 18 characters, e.g. 00Q5g00000AbCdE).",
        json_schema_extra=used_by(*BY_ID, required=True),
    )
    fields: Any = Field(
        None,
        description='The fields to write by API name, e.g. {"LastName": "Lovelace", '
        '"Company": "Acme", "Email": "ada@example.com"}. May be a template.',
        json_schema_extra=used_by(*WRITES, required=["create_record", "update_record"]),
    )
    external_id_field: str = Field(
        "",
        description="upsert_record: the field that identifies the record (an external id "
        "field, or Id), e.g. Email or Customer_Number__c.",
        json_schema_extra=used_by("upsert_record", required=True),
    )
    external_id_value: str = Field(
        "",
        description="upsert_record: that field's value for this record.",
        json_schema_extra=used_by("upsert_record", required=True),
    )
    soql: str = Field(
        "",
        description="query: the SOQL query, e.g. SELECT Id, Name FROM Account WHERE Name = "
        "'Acme'. Quote text values with single quotes.",
        json_schema_extra=used_by("query", required=True),
    )
    max_results: int = Field(
        MAX_RESULTS,
        ge=1,
        le=MAX_RESULTS,
        description="query: keep at most this many records, batch after batch.",
        json_schema_extra=used_by("query"),
    )

    @field_validator("fields", mode="before")
    @classmethod
    def _fields(cls, value: Any) -> Any:
        return json_object(value, "Salesforce fields")


def _body(config: Config) -> dict[str, Any]:
    if config.fields is None:
        return {}
    if not isinstance(config.fields, dict):
        raise NodeError("The fields field must render to a JSON object.")
    return config.fields


def _query(org: Salesforce, config: Config) -> dict[str, Any]:
    records: list[Any] = []
    page: Any = org.call("GET", "/query", what="query", params={"q": config.soql})
    while isinstance(page, dict):
        records.extend(page.get("records") or [])
        following = page.get("nextRecordsUrl")
        if page.get("done", True) or not following or len(records) >= config.max_results:
            break
        page = org.call("GET", str(following), what="query")
    records = records[: config.max_results]
    return {"records": records, "count": len(records)}


def run(config: Config, ctx: RunContext) -> Any:
    """As Salesforce answers: {id, success, errors} for create_record (and upsert_record,
    with created), the record for get_record, {id, success: true} for update_record and
    delete_record (Salesforce answers them with no body), {records, count} for query."""
    secret, _ = credential_for(ctx, config.operation, SalesforceOAuth2)
    org, op = Salesforce(secret), config.operation
    if op == "query":
        return _query(org, config)
    path = f"/sobjects/{quote(config.sobject.strip(), safe='')}"
    one = f"{path}/{quote(config.record_id.strip(), safe='')}"
    if op == "create_record":
        return org.call("POST", path, what=op, json=_body(config))
    if op == "get_record":
        return org.call("GET", one, what=op)
    if op == "upsert_record":
        key = quote(config.external_id_field.strip(), safe="")
        value = quote(config.external_id_value.strip(), safe="")
        answer = org.call("PATCH", f"{path}/{key}/{value}", what=op, json=_body(config))
        return answer if answer is not None else {"success": True, "created": False}
    if op == "update_record":
        org.call("PATCH", one, what=op, json=_body(config))
    else:
        org.call("DELETE", one, what=op)
    return {"id": config.record_id.strip(), "success": True}


NODE = NodeType(
    type="app.salesforce",
    label="Salesforce",
    category="app",
    description="Creates, updates, upserts, reads and deletes Salesforce records (leads, "
    "contacts, opportunities, accounts, notes, custom objects) and runs SOQL queries.",
    Config=Config,
    run=run,
    credential_kinds=(SalesforceOAuth2.kind,),
    icon="☁",
    examples=(
        (
            "Create a Salesforce lead Ada Lovelace at Acme with credential 6",
            {
                "credential": 6,
                "operation": "create_record",
                "sobject": "Lead",
                "fields": {"FirstName": "Ada", "LastName": "Lovelace", "Company": "Acme"},
            },
        ),
        (
            "Set the city of lead 00Q5g00000AbCdE to Berlin",
            {
                "operation": "update_record",
                "sobject": "Lead",
                "record_id": "00Q5g00000AbCdE",
                "fields": {"City": "Berlin"},
            },
        ),
        (
            "Create or update the contact whose email is ada@example.com, last name Lovelace",
            {
                "operation": "upsert_record",
                "sobject": "Contact",
                "external_id_field": "Email",
                "external_id_value": "ada@example.com",
                "fields": {"LastName": "Lovelace"},
            },
        ),
        (
            "Read opportunity 0065g00000XyZaB",
            {"operation": "get_record", "sobject": "Opportunity", "record_id": "0065g00000XyZaB"},
        ),
        (
            "Delete account 0015g00000QwErT",
            {"operation": "delete_record", "sobject": "Account", "record_id": "0015g00000QwErT"},
        ),
        (
            "Find the accounts named Acme",
            {"operation": "query", "soql": "SELECT Id, Name FROM Account WHERE Name = 'Acme'"},
        ),
    ),
)
