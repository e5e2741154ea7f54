"""app.uproc: one uProc tool run (`POST /api/v2/process`): a tool by its name (n8n's
getUrlScreenshot or uProc's get-url-screenshot) and its parameters."""

from __future__ import annotations

import re
from typing import Any, Literal

from pydantic import Field, field_validator

from integrations.operations import OperationConfig, json_object, used_by
from integrations.service import credential_for
from integrations.uproc import process_api
from integrations.uproc.credentials import UprocKey
from workfuse.lib.node_run import NodeError, RunContext
from workfuse.lib.node_types import NodeType

TOOL = re.compile(r"^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$")


class Config(OperationConfig):
    credential: int | None = Field(
        None, ge=1, description="Your uProc email and API key credential. Needed to run."
    )
    operation: Literal["run_tool"] = Field(
        "run_tool", description="run_tool: run one uProc tool with its parameters."
    )
    tool: str = Field(
        "",
        description="The tool, as uProc names it (get-url-screenshot, get-company-by-name, "
        "check-email-exists, …) or as n8n does (getUrlScreenshot).",
        json_schema_extra=used_by("run_tool", required=True),
    )
    params: Any = Field(
        None,
        description='The tool\'s parameters as a JSON object, e.g. {"url": "https://…", '
        '"width": "1024", "fullpage": "yes"}; values may be templates.',
        json_schema_extra=used_by("run_tool"),
    )
    data_webhook: str = Field(
        "",
        description="Optional: a URL uProc also sends the result to when the tool has run.",
        json_schema_extra=used_by("run_tool"),
    )

    @field_validator("params")
    @classmethod
    def _params(cls, value: Any) -> Any:
        return json_object(value, "tool parameters")


def processor(tool: str) -> str:
    """uProc's processor key: getUrlScreenshot → get-url-screenshot (as n8n turns it)."""
    key = re.sub(r"([A-Z]+)", r"-\1", tool.strip()).lower().lstrip("-")
    if not TOOL.match(key):
        raise NodeError(f"“{tool}” is not a uProc tool name (like get-url-screenshot).")
    return key


def run(config: Config, ctx: RunContext) -> Any:
    """uProc's answer as n8n outputs it: {processor, params, result, …}."""
    secret, _ = credential_for(ctx, config.operation, UprocKey)
    params = config.params or {}
    if not isinstance(params, dict):
        raise NodeError("The params field must be a JSON object once rendered.")
    body: dict[str, Any] = {
        "processor": processor(config.tool),
        "params": {str(k): "" if v is None else str(v) for k, v in params.items()},
    }
    if config.data_webhook.strip():
        body["callback"] = {"data": config.data_webhook.strip()}
    return process_api.call(secret, "POST", "/process", what=body["processor"], json=body)


NODE = NodeType(
    type="app.uproc",
    label="uProc",
    category="app",
    description="Runs a uProc data tool (screenshots, company and person lookups, email, phone "
    "and address checks, …) and outputs its answer.",
    Config=Config,
    run=run,
    credential_kinds=(UprocKey.kind,),
    icon="µ",
    examples=(
        (
            "Take a full-page screenshot 1024 pixels wide of the page in the webhook, with "
            "credential 5",
            {
                "credential": 5,
                "operation": "run_tool",
                "tool": "get-url-screenshot",
                "params": {"url": "{{ trigger.body.url }}", "width": "1024", "fullpage": "yes"},
            },
        ),
        (
            "Look up the company Acme in Spain",
            {
                "operation": "run_tool",
                "tool": "get-company-by-name",
                "params": {"name": "Acme", "country": "Spain"},
            },
        ),
    ),
)
