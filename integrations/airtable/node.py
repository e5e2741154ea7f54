"""app.airtable: create, list, get, update, upsert and delete records in an Airtable table; list
the bases a token reaches and read a base's schema."""

from __future__ import annotations

import json
from typing import Any, Literal, Self
from urllib.parse import quote

from pydantic import Field, field_validator, model_validator

from integrations.airtable import web_api
from integrations.airtable.credentials import AccessToken
from integrations.operations import OperationConfig, field_errors, json_list, used_by
from integrations.service import credential_for
from workfuse.lib.node_run import NodeError, RunContext, Secret
from workfuse.lib.node_types import NodeType

Operation = Literal[
    "create_records",
    "list_records",
    "get_record",
    "update_records",
    "upsert_records",
    "list_bases",
    "get_base_schema",
    "delete_records",
]
TABLES: tuple[str, ...] = (
    "create_records",
    "list_records",
    "get_record",
    "update_records",
    "upsert_records",
    "delete_records",
)
WRITES = ("create_records", "update_records", "upsert_records")
MAX_WRITE = 10  # Airtable's limit per request; one request per step, so a retry is all or none
PAGE_SIZE = 100  # Airtable's largest page
MAX_LIST = 1000  # records one list_records step reads at most (10 pages)
MAX_MERGE_ON = 3  # Airtable's limit of performUpsert.fieldsToMergeOn
MAX_MATCHED = 100  # records one update by matching fields changes at most
MAX_BASE_PAGES = 10  # pages of bases list_bases follows


class Config(OperationConfig):
    credential: int | None = Field(
        None, ge=1, description="Your Airtable access token credential. Needed to run."
    )
    operation: Operation = Field(
        "create_records",
        description="create_records: add up to 10 records. list_records: read records "
        "(filtered, from a view, page after page up to max_records). get_record: read one "
        "record by id. update_records: change fields of up to 10 records by id, or of the "
        "records whose match_fields equal the given values. upsert_records: update the record "
        "whose fields_to_merge_on equal the given values, or create it. list_bases: the bases "
        "the token reaches. get_base_schema: a base's tables and their fields. "
        "delete_records: delete up to 10 records by id.",
    )
    base_id: str = Field(
        "",
        description="The base's id (app…), from its URL or its API page.",
        json_schema_extra=used_by(*TABLES, "get_base_schema", required=True),
    )
    table: str = Field(
        "",
        description="The table's name (e.g. Orders) or id (tbl…).",
        json_schema_extra=used_by(*TABLES, required=True),
    )
    records: Any = Field(
        None,
        description="create_records and upsert_records: a JSON list of up to 10 records' "
        'fields, e.g. [{"Name": "Ada", "Total": 42}]. update_records: a JSON list of up to 10 '
        '{"id": "rec…", "fields": {...}} (or the fields with the id beside them: {"id": '
        '"rec…", "Name": …}), or with match_fields the fields alone (the match fields\' '
        "values find the records). May be a template.",
        json_schema_extra=used_by(*WRITES, required=True),
    )
    match_fields: list[str] = Field(
        default_factory=list,
        description="update_records: find the records to change by these fields instead of "
        "by id: the record whose values of these fields equal the record's given values is "
        "updated (all of them with all_matches; none matching: nothing changes).",
        json_schema_extra=used_by("update_records"),
    )
    all_matches: bool = Field(
        False,
        description="update_records with match_fields, and upsert_records when several "
        "records match: update every matching record (else only the first one, in the table's "
        "order).",
        json_schema_extra=used_by("update_records", "upsert_records"),
    )
    fields_to_merge_on: list[str] = Field(
        default_factory=list,
        description="upsert_records: 1 to 3 fields whose values identify a record (e.g. "
        "Email): a record with the same values is updated, else one is created. Or id alone: "
        'each record is {"id": "rec…", "fields": {...}}, updated by id, or created when '
        "Airtable refuses the id (e.g. empty).",
        json_schema_extra=used_by("upsert_records", required=True),
    )
    record_id: str = Field(
        "",
        description="get_record: the record's id (rec…).",
        json_schema_extra=used_by("get_record", required=True),
    )
    # --- airtable2: delete, fields kept or left out, output fields, sort ---
    record_ids: Any = Field(
        None,
        description="delete_records: the ids (rec…) of up to 10 records, as a JSON list or one "
        "id. May be a template.",
        json_schema_extra=used_by("delete_records", required=True),
    )
    keep_fields: list[str] = Field(
        default_factory=list,
        description="create_records, update_records, upsert_records: send only these fields of "
        "each record (a field a record lacks is left out). Empty: every field. Names may be "
        "templates.",
        json_schema_extra=used_by(*WRITES),
    )
    ignore_fields: list[str] = Field(
        default_factory=list,
        description="create_records, update_records, upsert_records: leave these fields out of "
        "each record (e.g. fields of the input item the table does not have).",
        json_schema_extra=used_by(*WRITES),
    )
    fields: list[str] = Field(
        default_factory=list,
        description="list_records: give only these fields of each record. Empty: every field.",
        json_schema_extra=used_by("list_records"),
    )
    sort: Any = Field(
        None,
        description='list_records: sort keys as a JSON list, e.g. [{"field": "Created", '
        '"direction": "desc"}] (direction asc or desc; it overrides the view\'s order).',
        json_schema_extra=used_by("list_records"),
    )
    # --- end airtable2 ---
    flatten: bool = Field(
        False,
        description="list_records and get_record: give each record's fields beside its id "
        "({id, createdTime, Name: …}) instead of under fields, as n8n does.",
        json_schema_extra=used_by("list_records", "get_record"),
    )
    typecast: bool = Field(
        False,
        description="Let Airtable convert values to the fields' types (text to a date, a new "
        "select option…).",
        json_schema_extra=used_by(*WRITES),
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

    @field_validator("keep_fields", "ignore_fields", mode="before")
    @classmethod
    def _names(cls, value: Any) -> Any:
        """Field names; a template giving a number (n8n's field named by an expression) names
        the field of that text."""
        if isinstance(value, list):
            return [
                str(v) if isinstance(v, int | float) and not isinstance(v, bool) else v
                for v in value
            ]
        return value

    @field_validator("sort", mode="before")
    @classmethod
    def _sort(cls, value: Any) -> Any:
        return json_list(value, "sort keys")

    @field_validator("record_ids", mode="before")
    @classmethod
    def _record_ids(cls, value: Any) -> Any:
        """A list of ids, JSON text of one, one id, or a template (checked once rendered)."""
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        if isinstance(value, str) and ("{{" in value or "{%" in value):
            return value
        if isinstance(value, str):
            text = value.strip()
            try:
                value = json.loads(text) if text.startswith("[") else [text]
            except ValueError:
                raise ValueError("must be a record id or a JSON list of them") from None
        if isinstance(value, str | int):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(i, str) for i in value):
            raise ValueError("must be a record id (rec…) or a list of them")
        if len(value) > MAX_WRITE:
            raise ValueError(
                f"Airtable deletes at most {MAX_WRITE} records per request; split them with a loop"
            )
        return value

    @model_validator(mode="after")
    def _update_ids(self) -> Self:
        records = self.records if isinstance(self.records, list) else []
        if (
            self.operation == "update_records"
            and not self.match_fields
            and not all(
                isinstance(r, dict) and isinstance(r.get("id"), str) and r["id"] for r in records
            )
        ):
            raise field_errors(
                self,
                {"records": 'Each record to update needs its "id" (rec…), or set match_fields.'},
            )
        if self.operation == "upsert_records" and len(self.fields_to_merge_on) > MAX_MERGE_ON:
            raise field_errors(self, {"fields_to_merge_on": "Airtable merges on at most 3 fields."})
        return self


def _fields(record: dict[str, Any]) -> dict[str, Any]:
    """A record to create: its fields, given bare or as {"fields": {...}}."""
    if set(record) == {"fields"} and isinstance(record["fields"], dict):
        return record["fields"]
    return record


# --- airtable2 ---
def _by_id(record: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """A record to change by id: {"id", "fields": {...}}, or its fields with the id beside
    them (n8n's "map automatically": the input item, its id taken out)."""
    found = record.get("fields")
    if isinstance(found, dict) and set(record) <= {"id", "fields", "createdTime"}:
        return str(record.get("id") or ""), found
    return str(record.get("id") or ""), {k: v for k, v in record.items() if k != "id"}


def _shaped(config: Config, fields: dict[str, Any]) -> dict[str, Any]:
    """The fields sent: only keep_fields (those the record has), without ignore_fields."""
    if config.keep_fields:
        wanted = [str(name) for name in config.keep_fields]
        fields = {name: fields[name] for name in wanted if name in fields}
    ignored = {str(name) for name in config.ignore_fields}
    return {k: v for k, v in fields.items() if k not in ignored}


def _delete(secret: Secret, config: Config) -> dict[str, Any]:
    """DELETE with records[]: up to 10 records in one request, all or none."""
    ids = config.record_ids if isinstance(config.record_ids, list) else []
    ids = [str(i).strip() for i in ids if str(i).strip()]
    if not ids:
        raise NodeError("delete_records needs record_ids: the ids (rec…) of the records.")
    path = web_api.table_path(config.base_id, config.table)
    answer = web_api.call(secret, "DELETE", path, what="delete_records", params={"records[]": ids})
    done = answer.get("records") or []
    return {"records": done, "count": len(done)}


def _list_shape(config: Config) -> dict[str, Any]:
    """list_records' output fields and sort as Airtable's query parameters."""
    params: dict[str, Any] = {}
    if config.fields:
        params["fields[]"] = [str(name) for name in config.fields]
    rules = config.sort or []
    if not isinstance(rules, list) or not all(
        isinstance(r, dict) and str(r.get("field") or "").strip() for r in rules
    ):
        raise NodeError("The sort field must render to a JSON list of objects with a field.")
    for index, rule in enumerate(rules):
        direction = str(rule.get("direction") or "asc").lower()
        if direction not in ("asc", "desc"):
            raise NodeError(f"The sort field's direction is asc or desc, not “{direction}”.")
        params[f"sort[{index}][field]"] = str(rule["field"])
        params[f"sort[{index}][direction]"] = direction
    return params


# --- end airtable2 ---


def _write(secret: Secret, config: Config, method: str) -> dict[str, Any]:
    records = _records(config)
    sent: list[dict[str, Any]]
    if method == "POST":
        sent = [{"fields": _shaped(config, _fields(r))} for r in records]
    else:
        pairs = [_by_id(r) for r in records]
        sent = [{"id": i, "fields": _shaped(config, fields)} for i, fields in pairs]
    payload: dict[str, Any] = {"records": sent}
    if config.typecast:
        payload["typecast"] = True
    path = web_api.table_path(config.base_id, config.table)
    answer = web_api.call(secret, method, path, what=config.operation, json=payload)
    done = answer.get("records") or []
    return {"records": done, "count": len(done)}


def _upsert(secret: Secret, config: Config) -> dict[str, Any]:
    """PATCH with performUpsert: Airtable updates the record whose merge fields match, or
    creates one, and says which it did. When several records match, Airtable refuses; then
    the first matching record is updated (all of them with all_matches), as n8n does. Merging
    on "id": the record with that id is updated, or created when Airtable refuses the id."""
    records = _records(config)
    path = web_api.table_path(config.base_id, config.table)
    if config.fields_to_merge_on == ["id"]:
        return _upsert_by_id(secret, config, records, path)
    payload: dict[str, Any] = {
        "performUpsert": {"fieldsToMergeOn": config.fields_to_merge_on},
        "records": [{"fields": _shaped(config, _fields(r))} for r in records],
    }
    if config.typecast:
        payload["typecast"] = True
    try:
        answer = web_api.call(secret, "PATCH", path, what="upsert_records", json=payload)
    except NodeError as error:
        if "Cannot update more than one record" not in str(error.detail.get("error")):
            raise
        updated = _update_matching(secret, config, config.fields_to_merge_on)
        ids = [str(r.get("id")) for r in updated["records"]]
        return {**updated, "created_records": [], "updated_records": ids}
    done = answer.get("records") or []
    return {
        "records": done,
        "count": len(done),
        "created_records": answer.get("createdRecords") or [],
        "updated_records": answer.get("updatedRecords") or [],
    }


def _upsert_by_id(
    secret: Secret, config: Config, records: list[dict[str, Any]], path: str
) -> dict[str, Any]:
    pairs = [_by_id(r) for r in records]
    sent = [{"id": i, "fields": _shaped(config, fields)} for i, fields in pairs]
    payload: dict[str, Any] = {"records": sent}
    if config.typecast:
        payload["typecast"] = True
    try:
        answer = web_api.call(secret, "PATCH", path, what="upsert_records", json=payload)
        key = "updated_records"
    except NodeError as error:
        if error.detail.get("status") != 422:
            raise
        payload["records"] = [{"fields": r["fields"]} for r in sent]
        answer = web_api.call(secret, "POST", path, what="upsert_records", json=payload)
        key = "created_records"
    done = answer.get("records") or []
    ids = [str(r.get("id")) for r in done if isinstance(r, dict)]
    result = {"records": done, "count": len(done), "created_records": [], "updated_records": []}
    return {**result, key: ids}


def _formula_value(value: Any) -> str:
    """A value in an Airtable formula: a number or boolean as it is, else a quoted string."""
    if isinstance(value, bool):
        return "TRUE()" if value else "FALSE()"
    if isinstance(value, int | float):
        return repr(value)
    text = "" if value is None else str(value)
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _matching(
    secret: Secret, config: Config, names: list[str], fields: dict[str, Any]
) -> list[str]:
    """The ids of the records whose fields `names` equal `fields`' values (the first one,
    unless all_matches: then every page is read)."""
    missing = [name for name in names if name not in fields]
    if missing:
        raise NodeError(
            f"{config.operation} matches on {', '.join(missing)}, but a record does not "
            "give that field's value."
        )
    tests = [f"{{{name.replace('}', '')}}} = {_formula_value(fields[name])}" for name in names]
    formula = tests[0] if len(tests) == 1 else f"AND({', '.join(tests)})"
    path = web_api.table_path(config.base_id, config.table)
    ids: list[str] = []
    offset = ""
    while True:
        params: dict[str, Any] = {"filterByFormula": formula, "pageSize": PAGE_SIZE}
        params["fields[]"] = names
        if offset:
            params["offset"] = offset
        page = web_api.call(secret, "GET", path, what="update_records", params=params)
        ids.extend(str(r["id"]) for r in page.get("records") or [] if r.get("id"))
        if ids and not config.all_matches:
            return ids[:1]
        offset = str(page.get("offset") or "")
        if len(ids) > MAX_MATCHED:
            raise NodeError(
                f"More than {MAX_MATCHED} records match {', '.join(names)}; "
                f"{config.operation} changes at most that many: match on more fields."
            )
        if not offset:
            return ids


def _update_matching(secret: Secret, config: Config, names: list[str]) -> dict[str, Any]:
    """n8n's update by other fields than the id: the matching records found by a formula,
    then changed by id, 10 per request (setting the same fields again is harmless, so a
    retry after a partial update ends in the same state)."""
    sent: list[dict[str, Any]] = []
    for record in _records(config):
        fields = _fields(record)
        changes = _shaped(config, dict(fields))  # n8n sends the match fields too: the same values
        found = _matching(secret, config, names, fields)
        sent.extend({"id": i, "fields": changes} for i in found)
    done: list[Any] = []
    path = web_api.table_path(config.base_id, config.table)
    for start in range(0, len(sent), MAX_WRITE):
        payload: dict[str, Any] = {"records": sent[start : start + MAX_WRITE]}
        if config.typecast:
            payload["typecast"] = True
        answer = web_api.call(secret, "PATCH", path, what="update_records", json=payload)
        done.extend(answer.get("records") or [])
    return {"records": done, "count": len(done)}


def _records(config: Config) -> list[dict[str, Any]]:
    records = config.records
    if not isinstance(records, list) or not records:
        raise NodeError(f"{config.operation} needs records: a JSON list of objects.")
    return records


def _flat(record: Any) -> Any:
    """A record with its fields beside its id (n8n's flattenOutput)."""
    if not isinstance(record, dict):
        return record
    rest = {k: v for k, v in record.items() if k != "fields"}
    fields = record.get("fields")
    return {**rest, **(fields if isinstance(fields, dict) else {})}


def _get(secret: Secret, config: Config) -> dict[str, Any]:
    path = web_api.table_path(config.base_id, config.table) + "/" + quote(config.record_id, "")
    record = web_api.call(secret, "GET", path, what="get_record")
    return _flat(record) if config.flatten else record


def _bases(secret: Secret) -> dict[str, Any]:
    bases: list[Any] = []
    offset = ""
    for _ in range(MAX_BASE_PAGES):
        params = {"offset": offset} if offset else {}
        page = web_api.call(secret, "GET", "/meta/bases", what="list_bases", params=params)
        bases.extend(page.get("bases") or [])
        offset = str(page.get("offset") or "")
        if not offset:
            break
    return {"bases": bases, "count": len(bases)}


def _schema(secret: Secret, config: Config) -> dict[str, Any]:
    path = f"/meta/bases/{quote(config.base_id.strip(), safe='')}/tables"
    answer = web_api.call(secret, "GET", path, what="get_base_schema")
    tables = answer.get("tables") or []
    return {"tables": tables, "count": len(tables)}


def _list(secret: Secret, config: Config) -> dict[str, Any]:
    """Airtable's pages followed (each answer's `offset` asks for the next) until
    `max_records`; `offset` in the output when more remain."""
    path = web_api.table_path(config.base_id, config.table)
    records: list[Any] = []
    offset = ""
    while True:
        params: dict[str, Any] = {
            "pageSize": min(PAGE_SIZE, config.max_records - len(records)),
            "maxRecords": config.max_records,
        }
        if config.filter_by_formula:
            params["filterByFormula"] = config.filter_by_formula
        if config.view:
            params["view"] = config.view
        params.update(_list_shape(config))  # airtable2
        if offset:
            params["offset"] = offset
        page = web_api.call(secret, "GET", path, what="list_records", params=params)
        records.extend(page.get("records") or [])
        offset = str(page.get("offset") or "")
        if not offset or len(records) >= config.max_records:
            break
    records = records[: config.max_records]
    if config.flatten:
        records = [_flat(r) for r in records]
    output: dict[str, Any] = {"records": records, "count": len(records)}
    if offset:
        output["offset"] = offset
    return output


def run(config: Config, ctx: RunContext) -> dict[str, Any]:
    """{records, count}: the records created, read or updated as Airtable answers them
    ({id, createdTime, fields}); list_records adds `offset` when more records remain,
    upsert_records the ids in created_records and updated_records, delete_records {id, deleted}
    per record. get_record: the record.
    list_bases: {bases, count}. get_base_schema: {tables, count}."""
    secret, _ = credential_for(ctx, config.operation, AccessToken)
    op = config.operation
    if op == "list_records":
        return _list(secret, config)
    if op == "get_record":
        return _get(secret, config)
    if op == "upsert_records":
        return _upsert(secret, config)
    if op == "list_bases":
        return _bases(secret)
    if op == "get_base_schema":
        return _schema(secret, config)
    if op == "delete_records":  # airtable2
        return _delete(secret, config)
    if op == "update_records" and config.match_fields:
        return _update_matching(secret, config, config.match_fields)
    return _write(secret, config, "POST" if op == "create_records" else "PATCH")


NODE = NodeType(
    type="app.airtable",
    label="Airtable",
    category="app",
    description="Creates, lists, gets, updates, upserts or deletes records in an Airtable table, "
    "lists bases or reads a base's schema; outputs what Airtable answers ({records, count} for "
    "records).",
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
        (
            "Add or update the contact by email from the form in the Contacts table of base "
            "appX1y2Z3",
            {
                "operation": "upsert_records",
                "base_id": "appX1y2Z3",
                "table": "Contacts",
                "fields_to_merge_on": ["Email"],
                "records": [
                    {"Email": "{{ trigger.body.email }}", "Name": "{{ trigger.body.name }}"}
                ],
            },
        ),
        (
            "Read record recA1b2C3d4E5f6G7 of the Tasks table of base appX1y2Z3",
            {
                "operation": "get_record",
                "base_id": "appX1y2Z3",
                "table": "Tasks",
                "record_id": "recA1b2C3d4E5f6G7",
            },
        ),
        (
            "List the Airtable bases the token can see",
            {"operation": "list_bases"},
        ),
        (
            "Read the tables and fields of base appX1y2Z3",
            {"operation": "get_base_schema", "base_id": "appX1y2Z3"},
        ),
        # --- airtable2 ---
        (
            "Delete record recA1b2C3d4E5f6G7 from the Tasks table of base appX1y2Z3",
            {
                "operation": "delete_records",
                "base_id": "appX1y2Z3",
                "table": "Tasks",
                "record_ids": ["recA1b2C3d4E5f6G7"],
            },
        ),
        # --- end airtable2 ---
    ),
)
