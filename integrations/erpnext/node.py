"""app.erpnext: documents of any DocType created, read, updated, deleted and listed, as n8n's
ERPNext node does."""

from __future__ import annotations

import json
from typing import Any, Literal

from pydantic import Field, field_validator

from integrations.erpnext import frappe_api
from integrations.erpnext.credentials import ApiKey
from integrations.operations import OperationConfig, json_object, used_by
from integrations.service import credential_for
from workfuse.lib.node_run import NodeError, RunContext, Secret
from workfuse.lib.node_types import NodeType

Operation = Literal[
    "create_document", "get_document", "update_document", "delete_document", "list_documents"
]
ALL = ("create_document", "get_document", "update_document", "delete_document", "list_documents")
BY_NAME = ("get_document", "update_document", "delete_document")
OPERATORS = ("=", "!=", ">", "<", ">=", "<=", "like", "not like", "in", "not in")
PAGE = 500
MAX_RESULTS = 5000


class Config(OperationConfig):
    credential: int | None = Field(
        None, ge=1, description="Your ERPNext API key credential. Needed to run."
    )
    operation: Operation = Field(
        "get_document",
        description="create_document: a new document. get_document / update_document / "
        "delete_document: one document by name. list_documents: the documents matching filters.",
    )
    doc_type: str = Field(
        "",
        description="The DocType, as ERPNext names it: Customer, Job Applicant, Sales Invoice.",
        json_schema_extra=used_by(*ALL, required=True),
    )
    document_name: str = Field(
        "",
        description="The document's name (its id): HR-APP-2025-00001, a customer's name.",
        json_schema_extra=used_by(*BY_NAME, required=True),
    )
    properties: Any = Field(
        None,
        description='The fields to set, as a JSON object: {"status": "Rejected"}.',
        json_schema_extra=used_by("create_document", "update_document", required=True),
    )
    fields: list[str] = Field(
        default_factory=list,
        description="list_documents: the fields to read (`*` for all); ERPNext's default is "
        "the name only.",
        json_schema_extra=used_by("list_documents"),
    )
    filters: Any = Field(
        None,
        description="list_documents: conditions, as a JSON list of [field, operator, value]: "
        '[["status", "=", "Open"]]. Operators: =, !=, >, <, >=, <=, like, not like, in, not in.',
        json_schema_extra=used_by("list_documents"),
    )
    max_results: int = Field(
        100,
        ge=1,
        le=MAX_RESULTS,
        description=f"list_documents: keep at most this many (1 to {MAX_RESULTS}).",
        json_schema_extra=used_by("list_documents"),
    )

    @field_validator("properties", mode="before")
    @classmethod
    def _properties(cls, value: Any) -> Any:
        return json_object(value, "ERPNext fields")

    @field_validator("filters", mode="before")
    @classmethod
    def _filters(cls, value: Any) -> Any:
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        if isinstance(value, str):
            if "{{" in value or "{%" in value:
                return value
            try:
                value = json.loads(value)
            except ValueError:
                raise ValueError("must be a JSON list of [field, operator, value]") from None
        if not isinstance(value, list) or not all(isinstance(f, list) for f in value):
            raise ValueError("must be a JSON list of [field, operator, value]")
        return value or None


def _filters(config: Config) -> list[list[Any]]:
    filters = config.filters
    if filters in (None, ""):
        return []
    if not isinstance(filters, list):
        raise NodeError("filters must render to a JSON list of [field, operator, value].")
    kept = []
    for f in filters:
        if not (isinstance(f, list) and len(f) == 3 and str(f[1]).lower() in OPERATORS):
            raise NodeError(
                f"The filter {f!r} is not [field, operator, value] with an operator among "
                f"{', '.join(OPERATORS)}."
            )
        kept.append([config.doc_type.strip(), str(f[0]), str(f[1]).lower(), f[2]])
    return kept


def _list(secret: Secret, config: Config) -> list[Any]:
    params: dict[str, Any] = {}
    if config.fields:
        params["fields"] = json.dumps(["*"] if "*" in config.fields else config.fields)
    filters = _filters(config)
    if filters:
        params["filters"] = json.dumps(filters)
    found: list[Any] = []
    path = frappe_api.resource(config.doc_type)
    while len(found) < config.max_results:
        size = min(PAGE, config.max_results - len(found))
        page = {**params, "limit_start": len(found), "limit_page_length": size}
        answer = frappe_api.call(secret, "GET", path, what="list_documents", params=page)
        data = answer.get("data") if isinstance(answer, dict) else None
        if not isinstance(data, list):
            break
        found += data
        if len(data) < size:
            break
    return found[: config.max_results]


def _properties(config: Config) -> dict[str, Any]:
    if not isinstance(config.properties, dict) or not config.properties:
        raise NodeError(f"{config.operation} needs properties rendering to a JSON object.")
    return config.properties


def run(config: Config, ctx: RunContext) -> Any:
    """As n8n outputs it: the document (create, get, update), ERPNext's `{message: "ok"}`
    (delete), and for list_documents {documents, count}."""
    secret, _ = credential_for(ctx, config.operation, ApiKey)
    op = config.operation
    if op == "list_documents":
        documents = _list(secret, config)
        return {"documents": documents, "count": len(documents)}
    if op == "create_document":
        path = frappe_api.resource(config.doc_type)
        return frappe_api.call(secret, "POST", path, what=op, json=_properties(config))["data"]
    path = frappe_api.resource(config.doc_type, config.document_name)
    if op == "get_document":
        return frappe_api.call(secret, "GET", path, what=op)["data"]
    if op == "update_document":
        return frappe_api.call(secret, "PUT", path, what=op, json=_properties(config))["data"]
    return frappe_api.call(secret, "DELETE", path, what=op)


NODE = NodeType(
    type="app.erpnext",
    label="ERPNext",
    category="app",
    description="Creates, reads, updates, deletes and lists ERPNext documents of any DocType "
    "(customers, job applicants, invoices).",
    Config=Config,
    run=run,
    credential_kinds=(ApiKey.kind,),
    icon="Ⓔ",
    examples=(
        (
            "Create the ERPNext Customer Acme Ltd with credential 4",
            {
                "credential": 4,
                "operation": "create_document",
                "doc_type": "Customer",
                "properties": {"customer_name": "Acme Ltd"},
            },
        ),
        (
            "Read the ERPNext Job Opening software-engineer",
            {
                "operation": "get_document",
                "doc_type": "Job Opening",
                "document_name": "software-engineer",
            },
        ),
        (
            "Set the status of ERPNext Job Applicant HR-APP-0001 to Rejected",
            {
                "operation": "update_document",
                "doc_type": "Job Applicant",
                "document_name": "HR-APP-0001",
                "properties": {"status": "Rejected"},
            },
        ),
        (
            "Delete the ERPNext Customer Acme Ltd",
            {"operation": "delete_document", "doc_type": "Customer", "document_name": "Acme Ltd"},
        ),
        (
            "List the names and statuses of open ERPNext Job Applicants",
            {
                "operation": "list_documents",
                "doc_type": "Job Applicant",
                "fields": ["name", "status"],
                "filters": [["status", "=", "Open"]],
            },
        ),
    ),
)
