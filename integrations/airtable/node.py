"""app.airtable: create, list and update records in an Airtable table."""

from __future__ import annotations

from typing import Any, Literal, Self

from pydantic import Field, field_validator, model_validator

from integrations.airtable import web_api
from integrations.airtable.credentials import AccessToken
from integrations.operations import OperationConfig, field_errors, json_list, used_by
from integrations.service import credential_for
from workfuse.lib.node_run import NodeError, RunContext, Secret
from workfuse.lib.node_types import NodeType

Operation = Literal["create_records", "list_records", "update_records"]
ALL: tuple[str, ...] = ("create_records", "list_records", "update_records")
MAX_WRITE = 10  # Airtable's limit per request; one request per step, so a retry is all or none
PAGE_SIZE = 100  # Airtable's largest page
MAX_LIST = 1000  # records one list_records step reads at most (10 pages)


class Config(OperationConfig):
    credential: int | None = Field(
        None, ge=1, description="Your Airtable access token credential. Needed to run."
    )
    operation: Operation = Field(
        "create_records",
        description="create_records: add up to 10 records. list_records: read records "
        "(filtered, from a view, page after page up to max_records). update_records: change "
        "fields of up to 10 records by id.",
    )
    base_id: str = Field(
        "",
        description="The base's id (app…), from its URL or its API page.",
        json_schema_extra=used_by(*ALL, required=True),
    )
    table: str = Field(
        "",
        description="The table's name (e.g. Orders) or id (tbl…).",
        json_schema_extra=used_by(*ALL, required=True),
    )
    records: Any = Field(
        None,
        description="create_records: a JSON list of up to 10 records' fields, e.g. "
        '[{"Name": "Ada", "Total": 42}]. update_records: a JSON list of up to 10 {"id": '
        '"rec…", "fields": {...}}. May be a template.',
        json_schema_extra=used_by("create_records", "update_records", required=True),
    )
    typecast: bool = Field(
        False,
        description="Let Airtable convert values to the fields' types (text to a date, a new "
        "select option…).",
        json_schema_extra=used_by("create_records", "update_records"),
    )
    filter_by_formula: str = Field(
        "",
        description="Optional Airtable formula a record must make true, e.g. "
        "{Status} = 'Open' or AND({Total} > 100, NOT({Paid})).",
        json_schema_extra=used_by("list_records"),
    )
    view: str = Field(
        "",
        description="Optional view name or id: its filters and order apply.",
        json_schema_extra=used_by("list_records"),
    )
    max_records: int = Field(
        100,
        ge=1,
        le=MAX_LIST,
        description="Read at most this many records (1 to 1000), following Airtable's pages.",
        json_schema_extra=used_by("list_records"),
    )

    @field_validator("records", mode="before")
    @classmethod
    def _records(cls, value: Any) -> Any:
        value = json_list(value, "records")
        if isinstance(value, list) and len(value) > MAX_WRITE:
            raise ValueError(
                f"Airtable takes at most {MAX_WRITE} records per request; split them with a loop"
            )
        return value

    @model_validator(mode="after")
    def _update_ids(self) -> Self:
        records = self.records if isinstance(self.records, list) else []
        if self.operation == "update_records" and not all(
            isinstance(r.get("id"), str) and r["id"] for r in records
        ):
            raise field_errors(self, {"records": 'Each record to update needs its "id" (rec…).'})
        return self


def _fields(record: dict[str, Any]) -> dict[str, Any]:
    """A record to create: its fields, given bare or as {"fields": {...}}."""
    if set(record) == {"fields"} and isinstance(record["fields"], dict):
        return record["fields"]
    return record


def _write(secret: Secret, config: Config, method: str) -> dict[str, Any]:
    records = config.records
    if not isinstance(records, list) or not records:
        raise NodeError(f"{config.operation} needs records: a JSON list of objects.")
    if method == "POST":
        sent = [{"fields": _fields(r)} for r in records]
    else:
        sent = [{"id": r["id"], "fields": r.get("fields") or {}} for r in records]
    payload: dict[str, Any] = {"records": sent}
    if config.typecast:
        payload["typecast"] = True
    path = web_api.table_path(config.base_id, config.table)
    answer = web_api.call(secret, method, path, what=config.operation, json=payload)
    done = answer.get("records") or []
    return {"records": done, "count": len(done)}


def _list(secret: Secret, config: Config) -> dict[str, Any]:
    """Airtable's pages followed (each answer's `offset` asks for the next) until
    `max_records`; `offset` in the output when more remain."""
    path = web_api.table_path(config.base_id, config.table)
    records: list[Any] = []
    offset = ""
    while True:
        params: dict[str, str | int] = {
            "pageSize": min(PAGE_SIZE, config.max_records - len(records)),
            "maxRecords": config.max_records,
        }
        if config.filter_by_formula:
            params["filterByFormula"] = config.filter_by_formula
        if config.view:
            params["view"] = config.view
        if offset:
            params["offset"] = offset
        page = web_api.call(secret, "GET", path, what="list_records", params=params)
        records.extend(page.get("records") or [])
        offset = str(page.get("offset") or "")
        if not offset or len(records) >= config.max_records:
            break
    records = records[: config.max_records]
    output: dict[str, Any] = {"records": records, "count": len(records)}
    if offset:
        output["offset"] = offset
    return output


def run(config: Config, ctx: RunContext) -> dict[str, Any]:
    """{records, count}: the records created, read or updated as Airtable answers them
    ({id, createdTime, fields}); list_records adds `offset` when more records remain."""
    secret, _ = credential_for(ctx, config.operation, AccessToken)
    if config.operation == "list_records":
        return _list(secret, config)
    return _write(secret, config, "POST" if config.operation == "create_records" else "PATCH")


NODE = NodeType(
    type="app.airtable",
    label="Airtable",
    category="app",
    description="Creates, lists or updates records in an Airtable table; outputs the records "
    "Airtable answers ({records, count}).",
    Config=Config,
    run=run,
    credential_kinds=(AccessToken.kind,),
    icon="⊞",
    examples=(
        (
            "Add the sign-up from the webhook (name and email) to the Leads table of base "
            "appX1y2Z3, with credential 6",
            {
                "credential": 6,
                "operation": "create_records",
                "base_id": "appX1y2Z3",
                "table": "Leads",
                "records": [
                    {"Name": "{{ trigger.body.name }}", "Email": "{{ trigger.body.email }}"}
                ],
            },
        ),
        (
            "Get up to 50 open orders over 100 from the Orders table of base appX1y2Z3",
            {
                "operation": "list_records",
                "base_id": "appX1y2Z3",
                "table": "Orders",
                "filter_by_formula": "AND({Status} = 'Open', {Total} > 100)",
                "max_records": 50,
            },
        ),
        (
            "Mark record recA1b2C3d4E5f6G7 as Done in the Tasks table of base appX1y2Z3",
            {
                "operation": "update_records",
                "base_id": "appX1y2Z3",
                "table": "Tasks",
                "records": [{"id": "recA1b2C3d4E5f6G7", "fields": {"Status": "Done"}}],
            },
        ),
    ),
)
