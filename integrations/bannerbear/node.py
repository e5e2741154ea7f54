"""app.bannerbear: an image made from a Bannerbear template with modifications (text, colours,
image URLs per layer), waited for when asked, and an image read, as n8n's Bannerbear node does
them: Bannerbear's image object is the output."""

from __future__ import annotations

import time
from typing import Any, Literal

from pydantic import Field, field_validator

from integrations.bannerbear import rest_api
from integrations.bannerbear.credentials import ApiKey
from integrations.operations import OperationConfig, used_by
from integrations.service import credential_for
from workfuse.lib.node_run import NodeError, RunContext
from workfuse.lib.node_types import NodeType

POLL_SECONDS = 2.0  # n8n's node asks again every 2 s
MAX_TRIES = 30


LAYER_FIELDS = ("name", "text", "color", "background", "image_url")


class Config(OperationConfig):
    credential: int | None = Field(None, ge=1, description="Your Bannerbear API key credential.")
    operation: Literal["create_image", "get_image"] = Field(
        "create_image",
        description="create_image: an image from a template. get_image: an image by its uid.",
    )
    template_id: str = Field(
        "",
        description="create_image: the template's uid.",
        json_schema_extra=used_by("create_image", required=True),
    )
    modifications: list[dict[str, Any]] = Field(
        [],
        description="create_image: per layer (name) the text, color, background or image_url "
        "to put in; empty values are left out.",
        json_schema_extra=used_by("create_image")
        | {"examples": [[{"name": "title", "text": "Hello"}]]},
    )
    webhook_url: str = Field(
        "",
        description="create_image: Bannerbear posts the finished image here.",
        json_schema_extra=used_by("create_image"),
    )
    metadata: str = Field(
        "",
        description="create_image: text kept with the image.",
        json_schema_extra=used_by("create_image"),
    )
    wait: bool = Field(
        False,
        description="create_image: wait until the image is rendered (asking every 2 s).",
        json_schema_extra=used_by("create_image"),
    )
    max_tries: int = Field(
        3,
        ge=1,
        le=MAX_TRIES,
        description=f"create_image with wait: ask at most this many times (1 to {MAX_TRIES}).",
        json_schema_extra=used_by("create_image"),
    )
    image_id: str = Field(
        "",
        description="get_image: the image's uid.",
        json_schema_extra=used_by("get_image", required=True),
    )

    @field_validator("modifications")
    @classmethod
    def _layers(cls, value: list[dict[str, Any]]) -> list[dict[str, Any]]:
        for layer in value:
            unknown = sorted(set(layer) - set(LAYER_FIELDS))
            if unknown or not layer.get("name"):
                raise ValueError(
                    "each modification is {name, text, color, background, image_url} with a name"
                )
        return value


def _create(secret: Any, config: Config) -> Any:
    body: dict[str, Any] = {"template": config.template_id.strip()}
    if config.webhook_url:
        body["webhook_url"] = config.webhook_url
    if config.metadata:
        body["metadata"] = config.metadata
    if config.modifications:
        body["modifications"] = [
            {k: v for k, v in m.items() if v not in ("", None)} for m in config.modifications
        ]
    image = rest_api.call(secret, "POST", "/images", what="create_image", json=body)
    if not config.wait or image.get("status") == "completed":
        return image
    for _ in range(config.max_tries):
        time.sleep(POLL_SECONDS)
        image = rest_api.call(secret, "GET", f"/images/{image.get('uid')}", what="create_image")
        if image.get("status") == "completed":
            return image
    raise NodeError("Image did not finish processing after multiple tries.")


def run(config: Config, ctx: RunContext) -> Any:
    """Bannerbear's image object (uid, status, image_url, …)."""
    secret, _ = credential_for(ctx, config.operation, ApiKey)
    if config.operation == "create_image":
        return _create(secret, config)
    return rest_api.call(secret, "GET", f"/images/{config.image_id.strip()}", what="get_image")


NODE = NodeType(
    type="app.bannerbear",
    label="Bannerbear",
    category="app",
    description="Makes images from Bannerbear templates and reads them.",
    Config=Config,
    run=run,
    credential_kinds=(ApiKey.kind,),
    icon="🐻",
    examples=(
        (
            "Make a Bannerbear image from template A89wavQyY3Bebk3djP with the title layer "
            "saying Hello, and wait for it",
            {
                "operation": "create_image",
                "template_id": "A89wavQyY3Bebk3djP",
                "modifications": [{"name": "title", "text": "Hello"}],
                "wait": True,
            },
        ),
        (
            "Read Bannerbear image kG39R5XbvPQpLENKBWJj",
            {"operation": "get_image", "image_id": "kG39R5XbvPQpLENKBWJj"},
        ),
    ),
)
