"""app.google_analytics: a GA4 property's report (the Analytics Data API's runReport) as a
service account: metrics by dimensions over a date range.

Simplified (as n8n's "simplify"), each row is an object of the dimensions' and metrics' values
by their names, the values as GA4 gives them (text: "42", "0.53"); otherwise the API's answer
whole (`dimensionHeaders`, `metricHeaders`, `rows`, `rowCount`, `metadata`), its rows from every
page read. The service account must be added to the property (Admin → Property access
management, Viewer) and the Analytics Data API enabled in its project. Universal Analytics
properties stopped answering in 2024 and are not offered.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any, Literal

from pydantic import Field, field_validator

from integrations import http
from integrations.google_sheets import sheets_api
from integrations.google_sheets.credentials import ServiceAccountKey
from integrations.operations import OperationConfig, used_by
from integrations.service import credential_for, read_fields
from workfuse.lib.node_run import NodeError, RunContext, Secret
from workfuse.lib.node_types import NodeType

SCOPE = "https://www.googleapis.com/auth/analytics.readonly"
BASE_URL = "https://analyticsdata.googleapis.com"
MAX_ROWS = 10000  # rows one step reads (a row is a few hundred bytes)
MAX_NAMES = 10  # GA4 takes at most 9 dimensions and 10 metrics in a report
RELATIVE = re.compile(r"^(today|yesterday|\d+daysAgo)$")
NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_:]*$")
API = http.Api("Google Analytics", error_text=sheets_api.error_text)


class Config(OperationConfig):
    credential: int | None = Field(
        None, ge=1, description="Your Google service account key credential. Needed to run."
    )
    operation: Literal["report"] = Field(
        "report", description="report: metrics by dimensions over a date range (GA4)."
    )
    property_id: str = Field(
        "",
        description="The GA4 property's id (a number: Admin → Property details), or "
        "properties/<id>.",
        json_schema_extra=used_by("report", required=True),
    )
    metrics: list[str] = Field(
        default_factory=lambda: ["totalUsers"],
        description="The metrics, by their API names (activeUsers, sessions, screenPageViews, "
        "eventCount, engagementRate …), up to 10.",
        json_schema_extra=used_by("report", required=True),
    )
    dimensions: list[str] = Field(
        default_factory=lambda: ["date"],
        description="The dimensions the metrics are broken down by (date, country, "
        "pagePath, sessionSource …), up to 9. Empty: totals.",
        json_schema_extra=used_by("report"),
    )
    start_date: str = Field(
        "7daysAgo",
        description="The first day: YYYY-MM-DD, NdaysAgo, yesterday or today (a date and time "
        "counts by its date). Relative dates count in the property's time zone.",
        json_schema_extra=used_by("report", required=True),
    )
    end_date: str = Field(
        "today",
        description="The last day (included), as start_date.",
        json_schema_extra=used_by("report", required=True),
    )
    simple: bool = Field(
        True,
        description="On: each row an object by dimension and metric names, under rows. Off: "
        "the API's whole answer (headers, rows, rowCount, metadata).",
        json_schema_extra=used_by("report"),
    )
    limit: int = Field(
        50,
        ge=1,
        le=MAX_ROWS,
        description=f"At most this many rows (up to {MAX_ROWS}).",
        json_schema_extra=used_by("report"),
    )
    keep_empty_rows: bool = Field(
        False,
        description="Also rows whose metrics are all 0.",
        json_schema_extra=used_by("report"),
    )
    currency_code: str = Field(
        "",
        description="Revenue metrics in this currency (ISO 4217: EUR). Empty: the property's.",
        json_schema_extra=used_by("report"),
    )

    @field_validator("metrics", "dimensions")
    @classmethod
    def _names(cls, value: list[str]) -> list[str]:
        names = [str(v).strip() for v in value if str(v).strip()]
        if len(names) > MAX_NAMES:
            raise ValueError(f"at most {MAX_NAMES}")
        return names


def property_path(value: str) -> str:
    found = value.strip().removeprefix("properties/")
    if not found.isdigit():
        raise NodeError(
            f"'{value}' is not a GA4 property id (a number); Universal Analytics ids (UA-…) "
            "no longer answer."
        )
    return f"/v1beta/properties/{found}:runReport"


def day(value: str, field: str) -> str:
    """A GA4 date: YYYY-MM-DD, NdaysAgo, yesterday, today (a date and time by its date)."""
    text = value.strip()
    if RELATIVE.match(text):
        return text
    try:
        return datetime.fromisoformat(text).date().isoformat()
    except ValueError:
        raise NodeError(
            f"{field} '{value}' is not a date (YYYY-MM-DD, NdaysAgo, yesterday or today)."
        ) from None


def _call(secret: Secret, path: str, body: dict[str, Any]) -> dict[str, Any]:
    token = sheets_api.access_token(secret, SCOPE)
    url = (read_fields(ServiceAccountKey, secret).base_url or BASE_URL) + path
    headers = {"Authorization": f"Bearer {token}"}
    reply = http.send(API, secret, "POST", url, what="runReport", headers=headers, json=body)
    if not isinstance(reply.body, dict):
        raise NodeError("Google Analytics answered runReport with something that is not JSON.")
    return reply.body


def simplify(answer: dict[str, Any]) -> list[dict[str, Any]]:
    """n8n's simplifyGA4: each row as {dimension: value, metric: value}."""
    dimensions = [str(h.get("name")) for h in answer.get("dimensionHeaders") or []]
    metrics = [str(h.get("name")) for h in answer.get("metricHeaders") or []]
    rows: list[dict[str, Any]] = []
    for row in answer.get("rows") or []:
        values = [v.get("value") for v in row.get("dimensionValues") or []]
        numbers = [v.get("value") for v in row.get("metricValues") or []]
        rows.append(
            {
                **dict(zip(dimensions, values, strict=False)),
                **dict(zip(metrics, numbers, strict=False)),
            }
        )
    return rows


def report(secret: Secret, config: Config) -> dict[str, Any]:
    for name in (*config.metrics, *config.dimensions):
        if not NAME.match(name):
            raise NodeError(f"'{name}' is not a GA4 metric or dimension name.")
    if not config.metrics:
        raise NodeError("A report needs at least one metric.")
    body: dict[str, Any] = {
        "dateRanges": [
            {
                "startDate": day(config.start_date, "start_date"),
                "endDate": day(config.end_date, "end_date"),
            }
        ],
        "metrics": [{"name": m} for m in config.metrics],
        "dimensions": [{"name": d} for d in config.dimensions],
    }
    if config.keep_empty_rows:
        body["keepEmptyRows"] = True
    if config.currency_code.strip():
        body["currencyCode"] = config.currency_code.strip().upper()
    path = property_path(config.property_id)
    answer: dict[str, Any] = {}
    rows: list[Any] = []
    while True:
        page = _call(secret, path, {**body, "offset": len(rows), "limit": config.limit - len(rows)})
        answer = answer or page
        found = [r for r in page.get("rows") or [] if isinstance(r, dict)]
        rows += found
        total = int(page.get("rowCount") or 0)
        if not found or len(rows) >= min(total, config.limit):
            break
    total = int(answer.get("rowCount") or len(rows))
    whole = {**answer, "rows": rows[: config.limit]}
    if not config.simple:
        return whole
    simple = simplify(whole)
    return {"rows": simple, "count": len(simple), "truncated": total > len(simple)}


def run(config: Config, ctx: RunContext) -> dict[str, Any]:
    """Simplified: {rows, count, truncated}; otherwise the runReport answer with every row."""
    secret, _ = credential_for(ctx, config.operation, ServiceAccountKey)
    return report(secret, config)


NODE = NodeType(
    type="app.google_analytics",
    label="Google Analytics",
    category="app",
    description="Reads a GA4 property's report (metrics by dimensions over a date range) "
    "through the Analytics Data API, as a service account.",
    Config=Config,
    run=run,
    credential_kinds=(ServiceAccountKey.kind,),
    icon="▤",
    examples=(
        (
            "Active users and sessions per day over the last 7 days in property 123456789, "
            "credential 3",
            {
                "credential": 3,
                "property_id": "123456789",
                "metrics": ["activeUsers", "sessions"],
                "dimensions": ["date"],
                "start_date": "7daysAgo",
                "end_date": "today",
            },
        ),
        (
            "The 20 most viewed pages last month",
            {
                "property_id": "123456789",
                "metrics": ["screenPageViews"],
                "dimensions": ["pagePath"],
                "start_date": "30daysAgo",
                "end_date": "yesterday",
                "limit": 20,
            },
        ),
        (
            "Users per country between the dates the webhook sent, the API's whole answer",
            {
                "property_id": "123456789",
                "metrics": ["activeUsers", "newUsers"],
                "dimensions": ["country"],
                "start_date": "{{ trigger.body.from }}",
                "end_date": "{{ trigger.body.to }}",
                "simple": False,
            },
        ),
    ),
)
