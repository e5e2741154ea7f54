"""app.mattermost: messages posted to a channel (with attachments, or as a thread reply),
ephemeral messages shown to one user, channels created and users added to channels."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, field_validator

from integrations.mattermost import rest_api
from integrations.mattermost.credentials import AccessToken
from integrations.operations import OperationConfig, json_list, used_by
from integrations.service import credential_for
from workfuse.lib.node_run import NodeError, RunContext
from workfuse.lib.node_types import NodeType

Operation = Literal["post_message", "post_ephemeral", "create_channel", "add_user"]
POSTS = ("post_message", "post_ephemeral")


class Config(OperationConfig):
    credential: int | None = Field(
        None, ge=1, description="Your Mattermost access token credential. Needed to run."
    )
    operation: Operation = Field(
        "post_message",
        description="post_message: post into a channel (optionally as a reply in a thread). "
        "post_ephemeral: a message only one user sees, until they reload. create_channel: a "
        "new public or private channel in a team. add_user: add a user to a channel.",
    )
    channel_id: str = Field(
        "",
        description="The channel's id (26 characters; channel menu → View Info), not its name.",
        json_schema_extra=used_by(*POSTS, "add_user", required=True),
    )
    message: str = Field(
        "",
        description="The message (Markdown).",
        json_schema_extra=used_by(*POSTS, required=["post_ephemeral"]),
    )
    attachments: Any = Field(
        None,
        description="post_message: message attachments as a JSON list, Slack's format, e.g. "
        '[{"fallback": "Order 42", "color": "#36a64f", "title": "Order 42", "text": "Paid", '
        '"fields": [{"title": "Total", "value": "12 €", "short": true}]}]. May be a template.',
        json_schema_extra=used_by("post_message"),
    )
    root_id: str = Field(
        "",
        description="post_message: the id of the post to reply to, in its thread.",
        json_schema_extra=used_by("post_message"),
    )
    user_id: str = Field(
        "",
        description="The user's id (26 characters), not their @name.",
        json_schema_extra=used_by("post_ephemeral", "add_user", required=True),
    )
    team_id: str = Field(
        "",
        description="create_channel: the team's id.",
        json_schema_extra=used_by("create_channel", required=True),
    )
    display_name: str = Field(
        "",
        description="create_channel: the name people see, e.g. Announcements.",
        json_schema_extra=used_by("create_channel", required=True),
    )
    name: str = Field(
        "",
        description="create_channel: the channel's handle in its URL, e.g. announcements "
        "(lower-case letters, digits, - and _).",
        json_schema_extra=used_by("create_channel", required=True),
    )
    channel_type: Literal["public", "private"] = Field(
        "public",
        description="create_channel: public (anyone in the team may join) or private.",
        json_schema_extra=used_by("create_channel"),
    )

    @field_validator("attachments", mode="before")
    @classmethod
    def _attachments(cls, value: Any) -> Any:
        return json_list(value, "Mattermost message attachments")


def _post(config: Config) -> dict[str, Any]:
    attachments = config.attachments or []
    if not isinstance(attachments, list) or not all(isinstance(a, dict) for a in attachments):
        raise NodeError(
            "The attachments field must render to a JSON list of Mattermost attachments (objects)."
        )
    body: dict[str, Any] = {
        "channel_id": config.channel_id.strip(),
        "message": config.message,
        "props": {"attachments": attachments},
    }
    if config.root_id.strip():
        body["root_id"] = config.root_id.strip()
    return body


def run(config: Config, ctx: RunContext) -> Any:
    """What Mattermost answers: the post (post_message, post_ephemeral), the channel
    (create_channel) or the channel membership (add_user), as n8n outputs them."""
    secret, _ = credential_for(ctx, config.operation, AccessToken)
    op = config.operation
    if op == "post_message":
        return rest_api.call(secret, "POST", "/posts", what=op, json=_post(config))
    if op == "post_ephemeral":
        body = {
            "user_id": config.user_id.strip(),
            "post": {"channel_id": config.channel_id.strip(), "message": config.message},
        }
        return rest_api.call(secret, "POST", "/posts/ephemeral", what=op, json=body)
    if op == "create_channel":
        body = {
            "team_id": config.team_id.strip(),
            "display_name": config.display_name,
            "name": config.name.strip(),
            "type": "O" if config.channel_type == "public" else "P",
        }
        return rest_api.call(secret, "POST", "/channels", what=op, json=body)
    path = f"/channels/{config.channel_id.strip()}/members"
    return rest_api.call(secret, "POST", path, what=op, json={"user_id": config.user_id.strip()})


NODE = NodeType(
    type="app.mattermost",
    label="Mattermost",
    category="app",
    description="Posts messages (with attachments, in threads, or ephemeral to one user) to "
    "Mattermost channels, creates channels and adds users to them; outputs what Mattermost "
    "answers.",
    Config=Config,
    run=run,
    credential_kinds=(AccessToken.kind,),
    icon="◈",
    examples=(
        (
            "Post the new order to channel w6rsxrqds3bt9pguxzduowqucy with credential 3",
            {
                "credential": 3,
                "operation": "post_message",
                "channel_id": "w6rsxrqds3bt9pguxzduowqucy",
                "message": "New order {{ trigger.body.id }}",
            },
        ),
        (
            "Tell user 5xy8ptwbgpgnd8kzb1yxgmnd7a only, in channel w6rsxrqds3bt9pguxzduowqucy, "
            "that the export is ready",
            {
                "operation": "post_ephemeral",
                "channel_id": "w6rsxrqds3bt9pguxzduowqucy",
                "user_id": "5xy8ptwbgpgnd8kzb1yxgmnd7a",
                "message": "The export is ready.",
            },
        ),
        (
            "Create a private channel incident-42 named Incident 42 in team "
            "qjzb5f6kgjn6tb7xq8w8dd7jyw",
            {
                "operation": "create_channel",
                "team_id": "qjzb5f6kgjn6tb7xq8w8dd7jyw",
                "display_name": "Incident 42",
                "name": "incident-42",
                "channel_type": "private",
            },
        ),
        (
            "Add the on-call user to the channel created before",
            {
                "operation": "add_user",
                "channel_id": "{{ nodes.channel.id }}",
                "user_id": "{{ trigger.body.user_id }}",
            },
        ),
    ),
)
