"""app.zoom: the meetings of the app's user (`/users/me`) created, read, listed, updated and
deleted, as n8n's Zoom node does."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import ConfigDict, Field, field_validator

from integrations.operations import OperationConfig, json_object, used_by
from integrations.service import credential_for
from integrations.zoom.credentials import ServerToServerApp
from integrations.zoom.rest_api import Account
from workfuse.lib.node_run import NodeError, RunContext
from workfuse.lib.node_types import NodeType

Operation = Literal[
    "create_meeting", "get_meeting", "list_meetings", "update_meeting", "delete_meeting"
]
BY_ID = ("get_meeting", "update_meeting", "delete_meeting")
PAGE = 300  # the most a Zoom page holds
MAX_RESULTS = 3000
ListType = Literal["", "scheduled", "live", "upcoming", "upcoming_meetings", "previous_meetings"]


class Config(OperationConfig):
    model_config = ConfigDict(coerce_numbers_to_str=True)

    credential: int | None = Field(
        None, ge=1, description="Your Zoom Server-to-Server OAuth app credential. Needed to run."
    )
    operation: Operation = Field(
        "create_meeting",
        description="create_meeting: a new meeting. get_meeting / update_meeting / "
        "delete_meeting: one meeting by id. list_meetings: your meetings, by type.",
    )
    topic: str = Field(
        "",
        description="create_meeting: the meeting's topic.",
        json_schema_extra=used_by("create_meeting", required=True),
    )
    meeting_id: str = Field(
        "", description="The meeting's id.", json_schema_extra=used_by(*BY_ID, required=True)
    )
    fields: Any = Field(
        None,
        description="create_meeting / update_meeting: more of Zoom's meeting fields, as a JSON "
        'object: {"type": 2, "start_time": "2026-12-24T10:00:00", "timezone": "Europe/Paris", '
        '"duration": 30, "agenda": "…", "password": "…", "settings": {"join_before_host": '
        "true}}.",
        json_schema_extra=used_by("create_meeting", "update_meeting"),
    )
    list_type: ListType = Field(
        "",
        description="list_meetings: scheduled, live, upcoming, upcoming_meetings or "
        "previous_meetings (Zoom's default: scheduled).",
        json_schema_extra=used_by("list_meetings"),
    )
    occurrence_id: str = Field(
        "",
        description="get_meeting / delete_meeting: one occurrence of a recurring meeting.",
        json_schema_extra=used_by("get_meeting", "delete_meeting"),
    )
    max_results: int = Field(
        30,
        ge=1,
        le=MAX_RESULTS,
        description=f"list_meetings: keep at most this many (1 to {MAX_RESULTS}).",
        json_schema_extra=used_by("list_meetings"),
    )

    @field_validator("fields", mode="before")
    @classmethod
    def _fields(cls, value: Any) -> Any:
        return json_object(value, "Zoom meeting fields")


def _fields(config: Config) -> dict[str, Any]:
    if config.fields in (None, ""):
        return {}
    if not isinstance(config.fields, dict):
        raise NodeError("The meeting fields must render to a JSON object.")
    return config.fields


def _list(account: Account, config: Config) -> list[Any]:
    query = {"type": config.list_type} if config.list_type else {}
    found: list[Any] = []
    token = ""
    while len(found) < config.max_results:
        size = min(PAGE, config.max_results - len(found))
        params = {**query, "page_size": size, **({"next_page_token": token} if token else {})}
        page = account.call("GET", "/users/me/meetings", what="list_meetings", params=params)
        found += page.get("meetings") or []
        token = str(page.get("next_page_token") or "")
        if not token or not page.get("meetings"):
            break
    return found[: config.max_results]


def run(config: Config, ctx: RunContext) -> Any:
    """As n8n outputs it: the meeting (create, get); update and delete: {success: true};
    list_meetings: {meetings, count}."""
    secret, _ = credential_for(ctx, config.operation, ServerToServerApp)
    account, op = Account(secret), config.operation
    if op == "list_meetings":
        found = _list(account, config)
        return {"meetings": found, "count": len(found)}
    if op == "create_meeting":
        body = {**_fields(config), "topic": config.topic}
        return account.call("POST", "/users/me/meetings", what=op, json=body)
    path = f"/meetings/{config.meeting_id.strip()}"
    query = {"occurrence_id": config.occurrence_id} if config.occurrence_id else {}
    if op == "get_meeting":
        return account.call("GET", path, what=op, params=query)
    if op == "update_meeting":
        account.call("PATCH", path, what=op, json=_fields(config))
    else:
        account.call("DELETE", path, what=op, params=query)
    return {"success": True}


NODE = NodeType(
    type="app.zoom",
    label="Zoom",
    category="app",
    description="Creates, reads, lists, updates and deletes Zoom meetings.",
    Config=Config,
    run=run,
    credential_kinds=(ServerToServerApp.kind,),
    icon="Ⓩ",
    examples=(
        (
            "Create a recurring Zoom meeting New Meeting with no fixed time in New York time, "
            "everyone muted on entry, with credential 6",
            {
                "credential": 6,
                "operation": "create_meeting",
                "topic": "New Meeting",
                "fields": {
                    "type": 3,
                    "timezone": "America/New_York",
                    "settings": {"mute_upon_entry": True},
                },
            },
        ),
        (
            "Read Zoom meeting 85746065432",
            {"operation": "get_meeting", "meeting_id": "85746065432"},
        ),
        (
            "List my 10 previous Zoom meetings",
            {"operation": "list_meetings", "list_type": "previous_meetings", "max_results": 10},
        ),
        (
            "Move Zoom meeting 85746065432 to an hour long",
            {
                "operation": "update_meeting",
                "meeting_id": "85746065432",
                "fields": {"duration": 60},
            },
        ),
        (
            "Delete Zoom meeting 85746065432",
            {"operation": "delete_meeting", "meeting_id": "85746065432"},
        ),
    ),
)
