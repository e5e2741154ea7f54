"""app.profitwell: a company's financial metrics (monthly, or day by day for the current or
previous month) and its settings, read as n8n's ProfitWell node reads them."""

from __future__ import annotations

import re
from typing import Any, Literal

from pydantic import Field, field_validator

from integrations.operations import OperationConfig, used_by
from integrations.profitwell import rest_api
from integrations.profitwell.credentials import ApiToken
from integrations.service import credential_for
from workfuse.lib.node_run import NodeError, RunContext
from workfuse.lib.node_types import NodeType

MONTH = re.compile(r"^\d{4}-\d{2}$")
METRICS = ("get_monthly_metrics", "get_daily_metrics")


class Config(OperationConfig):
    credential: int | None = Field(
        None, ge=1, description="Your ProfitWell API token credential. Needed to run."
    )
    operation: Literal["get_monthly_metrics", "get_daily_metrics", "get_company_settings"] = Field(
        "get_monthly_metrics",
        description="get_monthly_metrics: every month's metrics (MRR, customers, churn…). "
        "get_daily_metrics: one month's metrics day by day. get_company_settings: the "
        "company's settings (currency…).",
    )
    month: str = Field(
        "",
        description="get_daily_metrics: the month, YYYY-MM (the current or the previous one).",
        json_schema_extra=used_by("get_daily_metrics", required=True),
    )
    plan_id: str = Field(
        "",
        description="Only this plan's metrics (empty: the whole company's).",
        json_schema_extra=used_by(*METRICS),
    )
    metrics: list[str] = Field(
        default_factory=list,
        description="Only these metrics (recurring_revenue, active_customers, "
        "new_customers, growth_rate…); empty: all of them.",
        json_schema_extra=used_by(*METRICS),
    )
    simple: bool = Field(
        True,
        description="Monthly: the latest month's value of each metric and its date, in one "
        "object. Daily: one object per day. Off: ProfitWell's series as they are.",
        json_schema_extra=used_by(*METRICS),
    )

    @field_validator("metrics", mode="before")
    @classmethod
    def _metrics(cls, value: Any) -> Any:
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
        return value


Series = dict[str, list[dict[str, Any]]]


def _latest(data: Series) -> dict[str, Any]:
    """n8n's simplified monthly metrics: each metric's last value, and the last date."""
    latest: dict[str, Any] = {}
    for key, points in data.items():
        for point in points:
            latest[key] = point.get("value")
            latest["date"] = point.get("date")
    return latest


def _days(data: Series) -> list[dict[str, Any]]:
    """n8n's simplified daily metrics: one object per date of the first metric's series."""
    keys = list(data)
    if not keys:
        return []
    days = []
    for index, point in enumerate(data[keys[0]]):
        day = {"date": point.get("date")}
        for key in keys:
            series = data[key]
            day[key] = series[index].get("value") if index < len(series) else None
        days.append(day)
    return days


def run(config: Config, ctx: RunContext) -> Any:
    """As n8n outputs it: monthly, the latest values and their date (simple) or the series;
    daily, {days, count} (simple) or the series; the company's settings."""
    secret, _ = credential_for(ctx, config.operation, ApiToken)
    if config.operation == "get_company_settings":
        return rest_api.call(secret, "/company/settings/", what="get_company_settings")
    daily = config.operation == "get_daily_metrics"
    params: dict[str, Any] = {}
    if daily:
        if not MONTH.match(config.month.strip()):
            raise NodeError(f"The month must look like 2024-05, not “{config.month}”.")
        params["month"] = config.month.strip()
    if config.plan_id.strip():
        params["plan_id"] = config.plan_id.strip()
    if config.metrics:
        params["metrics"] = ",".join(config.metrics)
    path = "/metrics/daily" if daily else "/metrics/monthly"
    answer = rest_api.call(secret, path, what=config.operation, params=params)
    data = answer.get("data") if isinstance(answer, dict) else None
    if not isinstance(data, dict):
        raise NodeError(f"ProfitWell answered {config.operation} without its data.")
    if not config.simple:
        return data
    if daily:
        days = _days(data)
        return {"days": days, "count": len(days)}
    return _latest(data)


NODE = NodeType(
    type="app.profitwell",
    label="ProfitWell",
    category="app",
    description="Reads a company's subscription metrics (MRR, customers, churn…) from ProfitWell.",
    Config=Config,
    run=run,
    credential_kinds=(ApiToken.kind,),
    icon="▲",
    examples=(
        (
            "Get this month's ProfitWell metrics with credential 3",
            {"credential": 3, "operation": "get_monthly_metrics"},
        ),
        (
            "ProfitWell's recurring revenue and active customers day by day in May 2024",
            {
                "operation": "get_daily_metrics",
                "month": "2024-05",
                "metrics": ["recurring_revenue", "active_customers"],
            },
        ),
        ("Read the ProfitWell company settings", {"operation": "get_company_settings"}),
    ),
)
