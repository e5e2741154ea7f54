"""app.google_bigquery: a SQL query run in a project (jobs.query, its rows as objects), or rows
streamed into a table (tabledata.insertAll, each row with an insertId fixed per step so a retry
does not insert it twice)."""

from __future__ import annotations

from typing import Any, Literal
from urllib.parse import quote

from pydantic import Field, field_validator

from integrations.google_bigquery.bigquery_api import Project
from integrations.google_sheets.credentials import ServiceAccountKey
from integrations.operations import OperationConfig, json_list, json_object, used_by
from integrations.service import credential_for
from workfuse.lib.node_run import NodeError, RunContext
from workfuse.lib.node_types import NodeType

Operation = Literal["run_query", "insert_rows"]
MAX_ROWS = 10000
QUERY_WAIT_MS = 10000
WAITS = 3  # jobs.getQueryResults calls for a query not done in jobs.query's wait
INTEGERS = {"INTEGER", "INT64"}
FLOATS = {"FLOAT", "FLOAT64", "NUMERIC", "BIGNUMERIC"}
BOOLEANS = {"BOOLEAN", "BOOL"}


class Config(OperationConfig):
    credential: int | None = Field(
        None, ge=1, description="Your Google service-account key credential. Needed to run."
    )
    operation: Operation = Field(
        "run_query",
        description="run_query: run a SQL query and output its rows. insert_rows: stream rows "
        "into a table.",
    )
    project_id: str = Field(
        "",
        description="The Google Cloud project's id.",
        json_schema_extra=used_by("run_query", "insert_rows", required=True),
    )
    query: str = Field(
        "",
        description="run_query: the SQL (GoogleSQL unless use_legacy_sql).",
        json_schema_extra=used_by("run_query", required=True),
    )
    use_legacy_sql: bool = Field(
        False,
        description="run_query: the query is legacy SQL.",
        json_schema_extra=used_by("run_query"),
    )
    max_results: int = Field(
        1000,
        ge=1,
        le=MAX_ROWS,
        description="run_query: at most this many rows.",
        json_schema_extra=used_by("run_query"),
    )
    dataset_id: str = Field(
        "",
        description="insert_rows: the table's dataset.",
        json_schema_extra=used_by("insert_rows", required=True),
    )
    table_id: str = Field(
        "",
        description="insert_rows: the table.",
        json_schema_extra=used_by("insert_rows", required=True),
    )
    rows: Any = Field(
        None,
        description='insert_rows: one row as a JSON object ({"name": "ISS", "latitude": 51.5}) '
        "or several as an array of objects, keyed by column.",
        json_schema_extra=used_by("insert_rows", required=True),
    )
    skip_invalid_rows: bool = Field(
        False,
        description="insert_rows: insert the valid rows even when some are invalid.",
        json_schema_extra=used_by("insert_rows"),
    )
    ignore_unknown_values: bool = Field(
        False,
        description="insert_rows: drop values of columns the table does not have.",
        json_schema_extra=used_by("insert_rows"),
    )

    @field_validator("rows", mode="before")
    @classmethod
    def _rows(cls, value: Any) -> Any:
        if isinstance(value, list) or (isinstance(value, str) and value.lstrip().startswith("[")):
            return json_list(value, "rows")
        return json_object(value, "a row")


def _value(field: dict[str, Any], value: Any) -> Any:
    if field.get("mode") == "REPEATED" and isinstance(value, list):
        return [_value({**field, "mode": "NULLABLE"}, v.get("v")) for v in value]
    if value is None:
        return None
    kind = str(field.get("type") or "STRING")
    if kind in ("RECORD", "STRUCT") and isinstance(value, dict):
        return _row(field.get("fields") or [], value)
    if kind in INTEGERS:
        return int(value)
    if kind in FLOATS:
        return float(value)
    if kind in BOOLEANS:
        return str(value).lower() == "true"
    return value


def _row(fields: list[dict[str, Any]], row: dict[str, Any]) -> dict[str, Any]:
    """A row of BigQuery's `{f: [{v}]}` as an object keyed by column, values typed by schema."""
    cells = row.get("f") or []
    return {f["name"]: _value(f, c.get("v")) for f, c in zip(fields, cells, strict=False)}


def _query(project: Project, config: Config) -> dict[str, Any]:
    body = {
        "query": config.query,
        "useLegacySql": config.use_legacy_sql,
        "maxResults": config.max_results,
        "timeoutMs": QUERY_WAIT_MS,
    }
    answer = project.call("POST", "/queries", "jobs.query", json=body)
    job = answer.get("jobReference") or {}
    for _ in range(WAITS):
        if answer.get("jobComplete", True):
            break
        params = {"timeoutMs": QUERY_WAIT_MS, "maxResults": config.max_results}
        if job.get("location"):
            params["location"] = job["location"]
        path = f"/queries/{quote(str(job.get('jobId', '')), safe='')}"
        answer = project.call("GET", path, "jobs.getQueryResults", params=params)
    if not answer.get("jobComplete", True):
        raise NodeError(
            f"The BigQuery job {job.get('jobId')} did not finish within "
            f"{QUERY_WAIT_MS * (WAITS + 1) // 1000} seconds; the step will try again.",
            retryable=True,
        )
    fields = (answer.get("schema") or {}).get("fields") or []
    rows = [_row(fields, r) for r in answer.get("rows") or [] if isinstance(r, dict)]
    return {
        "rows": rows,
        "count": len(rows),
        "total_rows": int(answer.get("totalRows") or len(rows)),
        "job_id": job.get("jobId"),
    }


def _insert(project: Project, config: Config, ctx: RunContext) -> dict[str, Any]:
    rows = config.rows if isinstance(config.rows, list) else [config.rows]
    if not rows or not all(isinstance(r, dict) for r in rows):
        raise NodeError("The rows field must render to a JSON object or an array of objects.")
    body = {
        "rows": [
            {"insertId": f"{ctx.execution_id}-{ctx.step_key}-{n}", "json": row}
            for n, row in enumerate(rows)
        ],
        "skipInvalidRows": config.skip_invalid_rows,
        "ignoreUnknownValues": config.ignore_unknown_values,
    }
    dataset, table = (quote(v.strip(), safe="") for v in (config.dataset_id, config.table_id))
    path = f"/datasets/{dataset}/tables/{table}/insertAll"
    answer = project.call("POST", path, "tabledata.insertAll", json=body)
    failed = answer.get("insertErrors") or []
    if failed and not config.skip_invalid_rows:
        first = failed[0]
        said = "; ".join(str(e.get("message")) for e in first.get("errors") or [])
        raise NodeError(
            f"BigQuery refused row {first.get('index')} of {len(rows)} (none was inserted): "
            f"{said}. Fix the row, or turn on skip_invalid_rows to insert the others."
        )
    return {"inserted": len(rows) - len(failed), "insertErrors": failed}


def run(config: Config, ctx: RunContext) -> Any:
    """run_query: {rows, count, total_rows, job_id}; insert_rows: {inserted, insertErrors}."""
    secret, _ = credential_for(ctx, config.operation, ServiceAccountKey)
    project = Project(secret, config.project_id)
    if config.operation == "run_query":
        return _query(project, config)
    return _insert(project, config, ctx)


NODE = NodeType(
    type="app.google_bigquery",
    label="Google BigQuery",
    category="app",
    description="Runs a SQL query in Google BigQuery, or streams rows into a BigQuery table.",
    Config=Config,
    run=run,
    credential_kinds=(ServiceAccountKey.kind,),
    icon="▦",
    examples=(
        (
            "Count the orders per country in BigQuery project acme-data with credential 3",
            {
                "credential": 3,
                "operation": "run_query",
                "project_id": "acme-data",
                "query": "SELECT country, COUNT(*) AS orders FROM shop.orders GROUP BY country",
            },
        ),
        (
            "Add the ISS position to BigQuery table iss.position of project acme-data",
            {
                "operation": "insert_rows",
                "project_id": "acme-data",
                "dataset_id": "iss",
                "table_id": "position",
                "rows": {
                    "name": "{{ item.name }}",
                    "latitude": "{{ item.latitude }}",
                    "longitude": "{{ item.longitude }}",
                },
            },
        ),
    ),
)
