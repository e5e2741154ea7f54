"""app.humantic_ai: personality profiles created (from a LinkedIn URL or email, or a resume
file), read (for a sales or hiring persona) and updated (with a resume or the person's own
text), as n8n's Humantic AI node does them and outputs them."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from integrations.humantic_ai import rest_api
from integrations.humantic_ai.credentials import ApiKey
from integrations.operations import OperationConfig, used_by
from integrations.service import credential_for
from workfuse.lib import files
from workfuse.lib.node_run import NodeError, RunContext, Secret
from workfuse.lib.node_types import NodeType

Operation = Literal["create_profile", "get_profile", "update_profile"]
ALL = ("create_profile", "get_profile", "update_profile")


class Config(OperationConfig):
    credential: int | None = Field(
        None, ge=1, description="Your Humantic AI API key credential. Needed to run."
    )
    operation: Operation = Field(
        "create_profile",
        description="create_profile: analyse a person. get_profile: read the analysis. "
        "update_profile: add a resume or text to it.",
    )
    user_id: str = Field(
        "",
        description="The person: a LinkedIn profile URL or an email (any unique text when a "
        "resume is sent).",
        json_schema_extra=used_by(*ALL, required=True),
    )
    resume: Any = Field(
        None,
        description="create_profile / update_profile: a resume (PDF or DOCX), a file from an "
        "earlier step, e.g. '{{ nodes.download.file }}'.",
        json_schema_extra=used_by("create_profile", "update_profile"),
    )
    text: str = Field(
        "",
        description="update_profile: text the person wrote (when no resume is sent).",
        json_schema_extra=used_by("update_profile"),
    )
    persona: list[Literal["sales", "hiring"]] = Field(
        [],
        description="get_profile: the personas to read the profile for (sales, hiring).",
        json_schema_extra=used_by("get_profile") | {"examples": [["hiring"]]},
    )


def _send_resume(secret: Secret, config: Config, query: dict[str, Any]) -> dict[str, Any]:
    try:
        resume = files.read(config.resume, "The resume field")
    except files.FileError as exc:
        raise NodeError(str(exc)) from None
    upload = {"resume": (resume.filename, resume.data, resume.content_type)}
    return rest_api.call(
        secret, "POST", "/user-profile/create", query, what=config.operation, files=upload
    )


def run(config: Config, ctx: RunContext) -> Any:
    """As n8n outputs it: create, its `data` (or the answer without usage_stats); get, its
    `results`; update, its `data`."""
    secret, _ = credential_for(ctx, config.operation, ApiKey)
    op, query = config.operation, {"userid": config.user_id.strip()}
    has_resume = config.resume not in (None, "")
    if op == "get_profile":
        if config.persona:
            query["persona"] = ",".join(config.persona)
        return rest_api.call(secret, "GET", "/user-profile", query, what=op).get("results")
    if op == "create_profile":
        if has_resume:
            answer = _send_resume(secret, config, query)
        else:
            answer = rest_api.call(secret, "GET", "/user-profile/create", query, what=op)
        if "data" in answer:
            return answer["data"]
        return {k: v for k, v in answer.items() if k != "usage_stats"}
    if has_resume:
        return _send_resume(secret, config, query).get("data")
    body = {"text": config.text}
    return rest_api.call(secret, "POST", "/user-profile/create", query, what=op, json=body).get(
        "data"
    )


NODE = NodeType(
    type="app.humantic_ai",
    label="Humantic AI",
    category="app",
    description="Creates, reads and updates Humantic AI personality profiles.",
    Config=Config,
    run=run,
    credential_kinds=(ApiKey.kind,),
    icon="🧠",
    examples=(
        (
            "Create a Humantic AI profile for https://www.linkedin.com/in/ada with credential 4",
            {
                "credential": 4,
                "operation": "create_profile",
                "user_id": "https://www.linkedin.com/in/ada",
            },
        ),
        (
            "Get the hiring persona of the Humantic AI profile ada@example.com",
            {"operation": "get_profile", "user_id": "ada@example.com", "persona": ["hiring"]},
        ),
        (
            "Update the Humantic AI profile ada@example.com with the downloaded resume",
            {
                "operation": "update_profile",
                "user_id": "ada@example.com",
                "resume": "{{ nodes.download.file }}",
            },
        ),
    ),
)
