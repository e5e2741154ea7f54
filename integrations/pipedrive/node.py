"""app.pipedrive: persons, organizations, deals, activities, notes and leads created, updated,
read, listed, searched and deleted, with custom fields optionally by name."""

from __future__ import annotations

from typing import Any, Literal, Self

from pydantic import ConfigDict, Field, field_validator, model_validator

from integrations.operations import OperationConfig, field_errors, json_object, used_by
from integrations.pipedrive import custom_fields, rest_api
from integrations.pipedrive.credentials import ApiToken
from integrations.service import credential_for
from workfuse.lib.node_run import NodeError, RunContext, Secret
from workfuse.lib.node_types import NodeType

Operation = Literal["create", "update", "get", "get_many", "search", "delete"]
Resource = Literal["person", "organization", "deal", "activity", "note", "lead"]
PATHS = {
    "person": "/persons",
    "organization": "/organizations",
    "deal": "/deals",
    "activity": "/activities",
    "note": "/notes",
    "lead": "/leads",
}
SEARCHABLE = ("person", "organization", "deal", "lead")
BY_ID = ("update", "get", "delete")
LISTS = ("get_many", "search")
MAX_LIST = 5000


class Config(OperationConfig):
    model_config = ConfigDict(coerce_numbers_to_str=True)

    credential: int | None = Field(
        None, ge=1, description="Your Pipedrive API token credential. Needed to run."
    )
    operation: Operation = Field(
        "create",
        description="create / update: write the record's fields. get / delete: one record by "
        "id. get_many: list records (filters narrow them). search: find records by a term.",
    )
    resource: Resource = Field(
        "person",
        description="What the operation acts on: person, organization, deal, activity, note or "
        "lead (search: person, organization, deal or lead).",
    )
    record_id: str = Field(
        "",
        description="The record's id (a lead's is a UUID).",
        json_schema_extra=used_by(*BY_ID, required=True),
    )
    fields: Any = Field(
        None,
        description="The record's fields as Pipedrive names them, as a JSON object, e.g. a "
        'person {"name": "Ada", "email": ["ada@example.com"], "org_id": 12}, a deal {"title": '
        '"Renewal", "value": 500, "person_id": 7}, a note {"content": "…", "deal_id": 3}, a '
        'lead {"title": "…", "organization_id": 12}. Custom fields by their key, or by their '
        "name with custom_field_names. May be a template.",
        json_schema_extra=used_by("create", "update", required=True),
    )
    custom_field_names: bool = Field(
        False,
        description="Write custom fields (and option values) by their names, and read them back "
        "by name; WorkFuse looks the keys up in Pipedrive's field list. Not for notes or leads.",
        json_schema_extra=used_by("create", "update", "get", *LISTS),
    )
    term: str = Field(
        "",
        description="search: the text to look for (at least 2 characters, or 1 with exact match).",
        json_schema_extra=used_by("search", required=True),
    )
    exact_match: bool = Field(
        False, description="search: only full, exact matches.", json_schema_extra=used_by("search")
    )
    search_fields: str = Field(
        "",
        description="search: the fields to search, comma-separated (e.g. email,name); empty: "
        "all of them.",
        json_schema_extra=used_by("search"),
    )
    filters: Any = Field(
        None,
        description="More query parameters as Pipedrive names them, as a JSON object: get_many "
        '{"filter_id": 4, "first_char": "a", "sort": "name ASC", "status": "open", "user_id": '
        '2}; search {"organization_id": 12, "include_fields": "person.picture", "status": '
        '"open"}.',
        json_schema_extra=used_by(*LISTS),
    )
    max_results: int = Field(
        100,
        ge=1,
        le=MAX_LIST,
        description="get_many / search: keep at most this many records.",
        json_schema_extra=used_by(*LISTS),
    )

    @field_validator("fields", "filters", mode="before")
    @classmethod
    def _objects(cls, value: Any) -> Any:
        return json_object(value, "Pipedrive fields")

    @model_validator(mode="after")
    def _fits_the_resource(self) -> Self:
        if self.operation == "search" and self.resource not in SEARCHABLE:
            message = f"Pipedrive searches {', '.join(SEARCHABLE)}, not {self.resource}s."
            raise field_errors(self, {"resource": message})
        if self.custom_field_names and self.resource not in custom_fields.ENDPOINTS:
            message = f"Pipedrive has no custom fields list for {self.resource}s."
            raise field_errors(self, {"custom_field_names": message})
        return self


def _object(value: Any, field: str) -> dict[str, Any]:
    value = value or {}
    if not isinstance(value, dict):
        raise NodeError(f"The {field} field must render to a JSON object of Pipedrive fields.")
    return value


def _search_query(config: Config) -> dict[str, Any]:
    query: dict[str, Any] = {"term": config.term, **_object(config.filters, "filters")}
    if config.exact_match:
        query["exact_match"] = "true"
    if config.search_fields:
        query["fields"] = config.search_fields
    return query


def _records(config: Config, secret: Secret, what: str) -> list[Any]:
    path = PATHS[config.resource]
    if config.operation == "get_many":
        query = _object(config.filters, "filters")
        return rest_api.pages(secret, path, query, what=what, most=config.max_results)
    found = rest_api.pages(
        secret, f"{path}/search", _search_query(config), what=what, most=config.max_results
    )
    # n8n's output: each match's record with its score beside it.
    return [
        {"result_score": hit.get("result_score"), **(hit.get("item") or {})}
        if isinstance(hit, dict)
        else hit
        for hit in found
    ]


def run(config: Config, ctx: RunContext) -> Any:
    """What Pipedrive answers, as n8n outputs it: the record written or read (its `data`;
    delete: `{"id": …}`); get_many and search {items, count}."""
    secret, _ = credential_for(ctx, config.operation, ApiToken)
    op, what = config.operation, f"{config.operation} {config.resource}"
    known: list[dict[str, Any]] = []
    if config.custom_field_names:
        endpoint = custom_fields.ENDPOINTS[config.resource]
        known = rest_api.call(secret, "GET", f"/{endpoint}", what=endpoint).get("data") or []
    if op in LISTS:
        items = _records(config, secret, what)
        if known:
            items = [custom_fields.resolve(known, i) if isinstance(i, dict) else i for i in items]
        return {"items": items, "count": len(items)}
    path = PATHS[config.resource]
    if op in BY_ID:
        path = f"{path}/{config.record_id.strip()}"
    method = {"create": "POST", "get": "GET", "delete": "DELETE"}.get(op)
    method = method or ("PATCH" if config.resource == "lead" else "PUT")
    body: dict[str, Any] = {}
    if op in ("create", "update"):
        body = {"json": custom_fields.encode(known, _object(config.fields, "fields"))}
    data = rest_api.call(secret, method, path, what=what, **body).get("data")
    if not isinstance(data, dict):
        return {"success": True}
    return custom_fields.resolve(known, data) if known else data


NODE = NodeType(
    type="app.pipedrive",
    label="Pipedrive",
    category="app",
    description="Creates, updates, reads, lists, searches and deletes Pipedrive persons, "
    "organizations, deals, activities, notes and leads; outputs what Pipedrive answers.",
    Config=Config,
    run=run,
    credential_kinds=(ApiToken.kind,),
    icon="◐",
    examples=(
        (
            "Add the form's sender as a Pipedrive person in organization 12, with credential 3",
            {
                "credential": 3,
                "operation": "create",
                "resource": "person",
                "fields": {
                    "name": "{{ trigger.body.name }}",
                    "email": ["{{ trigger.body.email }}"],
                    "org_id": 12,
                },
            },
        ),
        (
            "Add the organization Acme Ltd",
            {"operation": "create", "resource": "organization", "fields": {"name": "Acme Ltd"}},
        ),
        (
            "Mark deal 42 as won",
            {
                "operation": "update",
                "resource": "deal",
                "record_id": "42",
                "fields": {"status": "won"},
            },
        ),
        (
            "Read person 7 with custom fields by name",
            {
                "operation": "get",
                "resource": "person",
                "record_id": "7",
                "custom_field_names": True,
            },
        ),
        (
            "List the open deals, at most 50",
            {
                "operation": "get_many",
                "resource": "deal",
                "filters": {"status": "open"},
                "max_results": 50,
            },
        ),
        (
            "Find the person whose email the trigger received",
            {
                "operation": "search",
                "resource": "person",
                "term": "{{ trigger.body.email }}",
                "search_fields": "email",
                "max_results": 1,
            },
        ),
        ("Delete note 99", {"operation": "delete", "resource": "note", "record_id": "99"}),
    ),
)
