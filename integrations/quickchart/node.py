"""app.quickchart: a chart (bar, line, pie, doughnut, polar area) of labels and one dataset drawn
by QuickChart as a PNG, SVG, WebP or PDF file, as n8n's QuickChart node draws it
(`GET /chart?chart=<Chart.js config>&width&height&…`)."""

from __future__ import annotations

import json
from typing import Any, Literal

from pydantic import Field, field_validator

from integrations import http
from integrations.operations import OperationConfig, used_by
from integrations.quickchart.credentials import PUBLIC_URL, Server
from integrations.service import read_fields
from workfuse.lib import files
from workfuse.lib.node_run import NodeError, RunContext, Secret
from workfuse.lib.node_types import NodeType

API = http.Api("QuickChart")
ANONYMOUS = Secret("quickchart", {}, {}, name="")
HORIZONTAL = ("bar",)
CHART_OPTIONS = ("backgroundColor", "devicePixelRatio", "format", "height", "width")
DATASET_OPTIONS = ("backgroundColor", "borderColor", "fill", "pointStyle")


def _list(value: Any, what: str) -> Any:
    """A JSON list, JSON text of one, or a template (checked again once rendered)."""
    if isinstance(value, str):
        if "{{" in value or "{%" in value or not value.strip():
            return value
        try:
            value = json.loads(value)
        except ValueError:
            raise ValueError(f"must be a JSON list of {what}") from None
    if not isinstance(value, list):
        raise ValueError(f"must be a JSON list of {what}")
    return value


class Config(OperationConfig):
    credential: int | None = Field(
        None,
        ge=1,
        description="Optional: a QuickChart API key or self-hosted server credential; "
        "without one, the public quickchart.io draws the chart.",
    )
    operation: Literal["chart"] = Field("chart", description="chart: draw a chart as a file.")
    chart_type: Literal["bar", "doughnut", "line", "pie", "polarArea"] = Field(
        "bar", description="The chart's type.", json_schema_extra=used_by("chart")
    )
    labels: Any = Field(
        default_factory=list,
        description='The labels, a JSON list: ["Berlin", "Paris"], or a template giving one.',
        json_schema_extra=used_by("chart"),
    )
    data: Any = Field(
        "",
        description="The dataset's values, a JSON list: [60, 10], or a template giving one.",
        json_schema_extra=used_by("chart", required=True),
    )
    label: str = Field(
        "Chart", description="The dataset's label.", json_schema_extra=used_by("chart")
    )
    horizontal: bool = Field(
        False, description="bar: draw the bars horizontally.", json_schema_extra=used_by("chart")
    )
    dataset_options: dict[str, Any] = Field(
        default_factory=dict,
        description='The dataset\'s look: {"backgroundColor": "#3f51b5", "borderColor": '
        '"#000", "fill": false, "pointStyle": "star"} (fill, pointStyle: line).',
        json_schema_extra=used_by("chart"),
    )
    chart_options: dict[str, Any] = Field(
        default_factory=dict,
        description='The image: {"format": "png" | "svg" | "webp" | "pdf", "width": 500, '
        '"height": 300, "backgroundColor": "#fff", "devicePixelRatio": 2}.',
        json_schema_extra=used_by("chart"),
    )

    @field_validator("labels", mode="before")
    @classmethod
    def _labels(cls, value: Any) -> Any:
        return _list(value, "labels")

    @field_validator("data", mode="before")
    @classmethod
    def _data(cls, value: Any) -> Any:
        return _list(value, "values")

    @field_validator("dataset_options")
    @classmethod
    def _dataset(cls, value: dict[str, Any]) -> dict[str, Any]:
        unknown = set(value) - set(DATASET_OPTIONS)
        if unknown:
            raise ValueError(f"has unknown options {sorted(unknown)}; known: {DATASET_OPTIONS}")
        return value

    @field_validator("chart_options")
    @classmethod
    def _chart(cls, value: dict[str, Any]) -> dict[str, Any]:
        unknown = set(value) - set(CHART_OPTIONS)
        if unknown:
            raise ValueError(f"has unknown options {sorted(unknown)}; known: {CHART_OPTIONS}")
        return value


def chart_of(config: Config) -> dict[str, Any]:
    """The Chart.js configuration n8n's node sends: one dataset, n8n's option names."""
    if not isinstance(config.data, list):
        raise NodeError("data must render to a JSON list of values.")
    if not isinstance(config.labels, list):
        raise NodeError("labels must render to a JSON list.")
    kind: str = config.chart_type
    if config.horizontal and kind in HORIZONTAL:
        kind = "horizontal" + kind[0].upper() + kind[1:]
    dataset = {"label": config.label or "Chart", "data": config.data, "type": kind}
    dataset |= {k: v for k, v in config.dataset_options.items() if v is not None}
    return {"type": kind, "data": {"labels": config.labels, "datasets": [dataset]}}


def _server(ctx_secret: Secret | None) -> tuple[Secret, str, dict[str, str]]:
    if ctx_secret is None:
        return ANONYMOUS, PUBLIC_URL, {}
    if ctx_secret.kind != Server.kind:
        raise NodeError(
            f"The chart operation takes a {Server.label} credential; “{ctx_secret.name}” is of "
            f"kind {ctx_secret.kind}: choose another one or none."
        )
    fields = read_fields(Server, ctx_secret)
    key = {"key": fields.api_key.get_secret_value()} if fields.api_key else {}
    return ctx_secret, (fields.base_url or PUBLIC_URL).rstrip("/"), key


def run(config: Config, ctx: RunContext) -> dict[str, Any]:
    """{chart, file}: the Chart.js configuration sent and the image QuickChart drew."""
    secret, base, key = _server(ctx.secret)
    chart = chart_of(config)
    params = {"chart": json.dumps(chart, separators=(",", ":")), **config.chart_options, **key}
    reply = http.send(API, secret, "GET", f"{base}/chart", what="chart", params=params, raw=True)
    kind = (reply.headers.get("content-type") or "").split(";")[0].strip() or None
    extension = {"image/svg+xml": "svg", "application/pdf": "pdf", "image/webp": "webp"}
    name = f"chart.{extension.get(kind or '', 'png')}"
    try:
        made = files.make(reply.body, name, kind, "The chart")
    except files.FileError as error:
        raise NodeError(str(error)) from None
    return {"chart": chart, "file": made.value()}


def check_server(secret: Secret) -> str:
    """GET /healthcheck: the server answers, changing nothing."""
    _, base, key = _server(secret)
    http.send(API, secret, "GET", f"{base}/healthcheck", what="healthcheck", params=key)
    return f"Connected to QuickChart at {base}."


NODE = NodeType(
    type="app.quickchart",
    label="QuickChart",
    category="app",
    description="Draws a bar, line, pie, doughnut or polar area chart of labels and values "
    "with QuickChart; outputs the image as a file.",
    Config=Config,
    run=run,
    credential_kinds=(Server.kind,),
    icon="📊",
    examples=(
        (
            "Draw a bar chart of the sales per city: Berlin 60, Paris 10, Rome 12",
            {
                "operation": "chart",
                "chart_type": "bar",
                "labels": ["Berlin", "Paris", "Rome"],
                "data": [60, 10, 12],
                "label": "Sales",
            },
        ),
        (
            "Draw the previous step's values as a line chart in SVG, without fill",
            {
                "operation": "chart",
                "chart_type": "line",
                "labels": "{{ nodes.stats.labels }}",
                "data": "{{ nodes.stats.values }}",
                "dataset_options": {"fill": False},
                "chart_options": {"format": "svg"},
            },
        ),
    ),
)
