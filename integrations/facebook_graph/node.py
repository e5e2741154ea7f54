"""app.facebook_graph: one Graph API call (GET, POST or DELETE on a node or one of its edges),
with fields and query parameters, as n8n's Facebook Graph API node makes it."""

from __future__ import annotations

import json
from typing import Any, Literal

from pydantic import Field, field_validator

from integrations.facebook_graph import graph_api
from integrations.facebook_graph.credentials import AccessToken
from integrations.operations import OperationConfig, json_object, used_by
from integrations.service import credential_for
from workfuse.lib.node_run import NodeError, RunContext
from workfuse.lib.node_types import NodeType

Operation = Literal["get", "post", "delete"]
ALL = ("get", "post", "delete")


class Config(OperationConfig):
    credential: int | None = Field(
        None, ge=1, description="Your Facebook Graph API access token credential. Needed to run."
    )
    operation: Operation = Field(
        "get",
        description="The HTTP method: get reads the node (or its edge), post creates or "
        "updates (an Instagram media container, a page post), delete removes.",
    )
    node_id: str = Field(
        "",
        description="The Graph API node: an object's id, or `me`.",
        json_schema_extra=used_by(*ALL, required=True),
    )
    edge: str = Field(
        "",
        description="The node's edge, if any: `media`, `media_publish`, `feed`, `accounts`.",
        json_schema_extra=used_by(*ALL),
    )
    version: str = Field(
        "",
        description="The Graph API version (`v20.0`); empty for the app's default version.",
        examples=["v20.0"],
        json_schema_extra=used_by(*ALL),
    )
    fields: list[str] = Field(
        default_factory=list,
        description="get: the fields to read (`id`, `status`, `status_code`).",
        json_schema_extra=used_by("get"),
    )
    query: Any = Field(
        None,
        description='More query parameters, as a JSON object: {"image_url": "https://…", '
        '"caption": "…"} for an Instagram media container.',
        json_schema_extra=used_by(*ALL),
    )
    video_host: bool = Field(
        False,
        description="Send the call to graph-video.facebook.com (video uploads) instead of "
        "graph.facebook.com.",
        json_schema_extra=used_by("post"),
    )

    @field_validator("query", mode="before")
    @classmethod
    def _query(cls, value: Any) -> Any:
        return json_object(value, "query parameters")

    @field_validator("version")
    @classmethod
    def _version(cls, value: str) -> str:
        value = value.strip()
        if value and not (value.startswith("v") and value[1:].replace(".", "").isdigit()):
            raise ValueError("must be a Graph API version such as v20.0, or empty")
        return value


def _parameter(value: Any) -> str | int | float | bool:
    if isinstance(value, str | int | float | bool):
        return value
    return json.dumps(value)


def run(config: Config, ctx: RunContext) -> Any:
    """The Graph API's answer, as n8n outputs it."""
    secret, _ = credential_for(ctx, config.operation, AccessToken)
    if config.query not in (None, "") and not isinstance(config.query, dict):
        raise NodeError("query must render to a JSON object of query parameters.")
    params = {str(k): _parameter(v) for k, v in (config.query or {}).items()}
    if config.operation == "get" and config.fields:
        params["fields"] = ",".join(f.strip() for f in config.fields if f.strip())
    parts = [config.version, config.node_id.strip().strip("/"), config.edge.strip().strip("/")]
    path = "/".join(p for p in parts if p)
    method = config.operation.upper()
    what = f"{method} {'/'.join(parts[1:]).strip('/')}"
    video = config.video_host and config.operation == "post"
    return graph_api.call(secret, method, path, what=what, params=params, video=video)


NODE = NodeType(
    type="app.facebook_graph",
    label="Facebook Graph API",
    category="app",
    description="Calls the Facebook Graph API (pages, Instagram business accounts, media): "
    "reads, creates or deletes on a node or its edge.",
    Config=Config,
    run=run,
    credential_kinds=(AccessToken.kind,),
    icon="ⓕ",
    examples=(
        (
            "Read the id, status and status_code of Instagram container 1789 with credential 3",
            {
                "credential": 3,
                "operation": "get",
                "node_id": "1789",
                "version": "v20.0",
                "fields": ["id", "status", "status_code"],
            },
        ),
        (
            "Create an Instagram media container on account 1784 for the image "
            "https://example.com/a.png captioned Hello",
            {
                "operation": "post",
                "node_id": "1784",
                "edge": "media",
                "query": {"image_url": "https://example.com/a.png", "caption": "Hello"},
            },
        ),
        (
            "Delete the Facebook post 123_456",
            {"operation": "delete", "node_id": "123_456"},
        ),
    ),
)
