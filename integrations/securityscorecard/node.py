"""app.securityscorecard: SecurityScorecard reports generated, listed and downloaded, and a
company's scorecard read, as n8n's SecurityScorecard node does."""

from __future__ import annotations

from typing import Any, Literal
from urllib.parse import quote, urlsplit

from pydantic import Field, field_validator

from integrations.operations import OperationConfig, json_object, used_by
from integrations.securityscorecard import rest_api
from integrations.securityscorecard.credentials import ApiKey
from integrations.service import credential_for
from workfuse.lib import files
from workfuse.lib.node_run import NodeError, RunContext, Secret
from workfuse.lib.node_types import NodeType

Operation = Literal["generate_report", "list_reports", "download_report", "get_scorecard"]
Report = Literal[
    "detailed",
    "events-json",
    "full-scorecard-json",
    "issues",
    "partnership",
    "portfolio",
    "scorecard-footprint",
    "summary",
]
JSON_REPORTS = ("events-json", "full-scorecard-json")  # their settings go under `params`
MAX_RESULTS = 1000


class Config(OperationConfig):
    credential: int | None = Field(
        None, ge=1, description="Your SecurityScorecard API key credential. Needed to run."
    )
    operation: Operation = Field(
        "list_reports",
        description="generate_report: ask for a report. list_reports: the recently generated "
        "reports. download_report: a generated report's file. get_scorecard: a company's "
        "scorecard.",
    )
    report: Report = Field(
        "detailed",
        description="generate_report: the report: detailed, summary, issues, partnership, "
        "events-json, full-scorecard-json, scorecard-footprint (by company) or portfolio.",
        json_schema_extra=used_by("generate_report"),
    )
    scorecard_identifier: str = Field(
        "",
        description="The company's scorecard identifier, its domain (n8n.io).",
        json_schema_extra=used_by("generate_report", "get_scorecard", required=["get_scorecard"]),
    )
    portfolio_id: str = Field(
        "",
        description="generate_report (portfolio): the portfolio's id.",
        json_schema_extra=used_by("generate_report"),
    )
    date: str = Field(
        "",
        description="generate_report (events-json): the day of the events, e.g. 2024-05-01.",
        json_schema_extra=used_by("generate_report"),
    )
    branding: Literal["securityscorecard", "company_and_securityscorecard", "company"] = Field(
        "securityscorecard",
        description="generate_report (detailed, summary): whose branding the report carries.",
        json_schema_extra=used_by("generate_report"),
    )
    options: Any = Field(
        None,
        description='generate_report: more settings, as a JSON object: {"format": "csv"} '
        '(issues, portfolio, scorecard-footprint), {"ips": [...], "subdomains": [...], '
        '"countries": [...]} (scorecard-footprint).',
        json_schema_extra=used_by("generate_report"),
    )
    url: str = Field(
        "",
        description="download_report: the report's URL, as list_reports gives it "
        "(download_url); it must be on the SecurityScorecard API, which gets the key.",
        json_schema_extra=used_by("download_report", required=True),
    )
    max_results: int = Field(
        50,
        ge=1,
        le=MAX_RESULTS,
        description=f"list_reports: keep at most this many (1 to {MAX_RESULTS}).",
        json_schema_extra=used_by("list_reports"),
    )

    @field_validator("options", mode="before")
    @classmethod
    def _options(cls, value: Any) -> Any:
        return json_object(value, "report settings")


def _options(config: Config) -> dict[str, Any]:
    if config.options in (None, ""):
        return {}
    if not isinstance(config.options, dict):
        raise NodeError("options must render to a JSON object.")
    return config.options


def _generate(secret: Secret, config: Config) -> Any:
    kind = config.report
    body: dict[str, Any] = {}
    if kind == "portfolio":
        if not config.portfolio_id.strip():
            raise NodeError("The portfolio report needs portfolio_id.")
        body["portfolio_id"] = config.portfolio_id.strip()
    else:
        if not config.scorecard_identifier.strip():
            raise NodeError(f"The {kind} report needs scorecard_identifier (the company's domain).")
        body["scorecard_identifier"] = config.scorecard_identifier.strip()
    if kind == "events-json":
        body["date"] = config.date
    if kind in ("issues", "portfolio"):
        body["format"] = _options(config).get("format") or "pdf"
    if kind in ("detailed", "summary"):
        body["branding"] = config.branding
    if kind in JSON_REPORTS:
        body = {"params": body}
    if kind == "scorecard-footprint":
        body |= _options(config)
    return rest_api.call(secret, "POST", f"reports/{kind}", what="generate_report", json=body)


def _download(secret: Secret, config: Config) -> dict[str, Any]:
    url = config.url.strip()
    api = urlsplit(rest_api.base(secret))
    given = urlsplit(url)
    if (given.scheme, given.netloc) != (api.scheme, api.netloc):
        raise NodeError(
            f"The report URL must be on the SecurityScorecard API ({api.scheme}://{api.netloc}), "
            "which the key is sent to; use a download_url from list_reports."
        )
    reply = rest_api.download(secret, url, what="download_report")
    name = given.path.rstrip("/").rpartition("/")[2] or "report"
    try:
        made = files.make(reply.body, name, reply.headers.get("content-type"), "The report")
    except files.FileError as error:
        raise NodeError(str(error)) from None
    return {"file": made.value()}


def run(config: Config, ctx: RunContext) -> Any:
    """generate_report: SecurityScorecard's answer ({id, status, …}). list_reports: {reports,
    count}. download_report: {file}. get_scorecard: the scorecard."""
    secret, _ = credential_for(ctx, config.operation, ApiKey)
    op = config.operation
    if op == "generate_report":
        return _generate(secret, config)
    if op == "list_reports":
        answer = rest_api.call(secret, "GET", "reports/recent", what=op)
        found = list(answer.get("entries") or [])[: config.max_results]
        return {"reports": found, "count": len(found)}
    if op == "download_report":
        return _download(secret, config)
    company = quote(config.scorecard_identifier.strip(), safe="")
    return rest_api.call(secret, "GET", f"companies/{company}", what=op)


NODE = NodeType(
    type="app.securityscorecard",
    label="SecurityScorecard",
    category="app",
    description="Generates, lists and downloads SecurityScorecard reports and reads a "
    "company's scorecard.",
    Config=Config,
    run=run,
    credential_kinds=(ApiKey.kind,),
    icon="🛡",
    examples=(
        (
            "Generate the full scorecard JSON report for n8n.io with credential 6",
            {
                "credential": 6,
                "operation": "generate_report",
                "report": "full-scorecard-json",
                "scorecard_identifier": "n8n.io",
            },
        ),
        (
            "List the most recent SecurityScorecard report",
            {"operation": "list_reports", "max_results": 1},
        ),
        (
            "Download the SecurityScorecard report at the URL the previous step listed",
            {
                "operation": "download_report",
                "url": "{{ nodes.list.reports[0].download_url }}",
            },
        ),
        (
            "Read the SecurityScorecard scorecard of example.com",
            {"operation": "get_scorecard", "scorecard_identifier": "example.com"},
        ),
    ),
)
