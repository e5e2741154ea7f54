"""app.trello: cards created, updated, read and deleted; a list's cards read; comments added to
a card."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import ConfigDict, Field, field_validator

from integrations.operations import OperationConfig, json_object, used_by
from integrations.service import credential_for
from integrations.trello import rest_api
from integrations.trello.credentials import ApiKeyToken
from workfuse.lib.node_run import NodeError, RunContext
from workfuse.lib.node_types import NodeType

Operation = Literal[
    "create_card", "update_card", "get_card", "delete_card", "list_cards", "add_comment"
]
BY_CARD = ("update_card", "get_card", "delete_card", "add_comment")
WRITES = ("create_card", "update_card")
MAX_LIST = 1000  # Trello answers a list's open cards in one page


class Config(OperationConfig):
    model_config = ConfigDict(coerce_numbers_to_str=True)

    credential: int | None = Field(
        None, ge=1, description="Your Trello API key and token credential. Needed to run."
    )
    operation: Operation = Field(
        "create_card",
        description="create_card: add a card to a list. update_card: change the fields given. "
        "get_card / delete_card: read or delete one card. list_cards: read a list's cards. "
        "add_comment: comment on a card.",
    )
    list_id: str = Field(
        "",
        description="The list's id (open a card, add .json to its URL, read idList).",
        json_schema_extra=used_by("create_card", "list_cards", required=True),
    )
    card_id: str = Field(
        "",
        description="The card's id or short link (the part after /c/ in its URL).",
        json_schema_extra=used_by(*BY_CARD, required=True),
    )
    name: str = Field(
        "",
        description="The card's title.",
        json_schema_extra=used_by(*WRITES, required=["create_card"]),
    )
    description: str = Field(
        "", description="The card's description (Markdown).", json_schema_extra=used_by(*WRITES)
    )
    fields: Any = Field(
        None,
        description='More card fields as Trello names them, as a JSON object, e.g. {"due": '
        '"2026-12-24T17:00:00Z", "pos": "top", "idLabels": "5f1…", "idMembers": "5a2…", '
        '"urlSource": "https://…", "closed": true, "idList": "…"}. May be a template.',
        json_schema_extra=used_by(*WRITES),
    )
    return_fields: str = Field(
        "",
        description="get_card / list_cards: the card fields to return, comma-separated "
        "(Trello's default: all).",
        json_schema_extra=used_by("get_card", "list_cards"),
    )
    text: str = Field(
        "",
        description="The comment's text (Markdown).",
        json_schema_extra=used_by("add_comment", required=True),
    )
    max_results: int = Field(
        MAX_LIST,
        ge=1,
        le=MAX_LIST,
        description="list_cards: keep at most this many cards.",
        json_schema_extra=used_by("list_cards"),
    )

    @field_validator("fields", mode="before")
    @classmethod
    def _fields(cls, value: Any) -> Any:
        return json_object(value, "Trello card fields")


def _card_body(config: Config) -> dict[str, Any]:
    body: dict[str, Any] = {}
    extra = config.fields or {}
    if not isinstance(extra, dict):
        raise NodeError("The fields field must render to a JSON object of Trello card fields.")
    if config.operation == "create_card":
        body["idList"] = config.list_id.strip()
    if config.name:
        body["name"] = config.name
    if config.description:
        body["desc"] = config.description
    body.update({k: v for k, v in extra.items() if v is not None})
    return body


def run(config: Config, ctx: RunContext) -> Any:
    """What Trello answers: the card written or read (delete: Trello's `{"limits": {}}`, as
    n8n gives it); list_cards {cards, count}; add_comment the comment action."""
    secret, _ = credential_for(ctx, config.operation, ApiKeyToken)
    op = config.operation
    card = f"/cards/{config.card_id.strip()}"
    query = {"fields": config.return_fields} if config.return_fields else {}
    if op == "create_card":
        return rest_api.call(secret, "POST", "/cards", what=op, json=_card_body(config))
    if op == "update_card":
        return rest_api.call(secret, "PUT", card, what=op, json=_card_body(config))
    if op == "get_card":
        return rest_api.call(secret, "GET", card, what=op, params=query)
    if op == "delete_card":
        return rest_api.call(secret, "DELETE", card, what=op)
    if op == "add_comment":
        body = {"text": config.text}
        return rest_api.call(secret, "POST", f"{card}/actions/comments", what=op, json=body)
    path = f"/lists/{config.list_id.strip()}/cards"
    cards = rest_api.call(secret, "GET", path, what=op, params=query)
    cards = cards[: config.max_results] if isinstance(cards, list) else []
    return {"cards": cards, "count": len(cards)}


NODE = NodeType(
    type="app.trello",
    label="Trello",
    category="app",
    description="Creates, updates, reads and deletes Trello cards, reads a list's cards and "
    "comments on cards; outputs what Trello answers.",
    Config=Config,
    run=run,
    credential_kinds=(ApiKeyToken.kind,),
    icon="▥",
    examples=(
        (
            "Add a card for the order to list 5fbb9e2eb1d5cc0a8a7ab8ac, due on the date sent, "
            "with credential 7",
            {
                "credential": 7,
                "operation": "create_card",
                "list_id": "5fbb9e2eb1d5cc0a8a7ab8ac",
                "name": "Order {{ trigger.body.number }}",
                "description": "{{ trigger.body.note }}",
                "fields": {"due": "{{ trigger.body.due }}", "pos": "top"},
            },
        ),
        (
            "Archive card dFtYLRXv",
            {"operation": "update_card", "card_id": "dFtYLRXv", "fields": {"closed": True}},
        ),
        (
            "Read card dFtYLRXv's name and due date",
            {"operation": "get_card", "card_id": "dFtYLRXv", "return_fields": "name,due"},
        ),
        ("Delete card dFtYLRXv", {"operation": "delete_card", "card_id": "dFtYLRXv"}),
        (
            "Read the first 20 cards of list 5fbb9e2eb1d5cc0a8a7ab8ac",
            {"operation": "list_cards", "list_id": "5fbb9e2eb1d5cc0a8a7ab8ac", "max_results": 20},
        ),
        (
            "Comment the summary on card dFtYLRXv",
            {
                "operation": "add_comment",
                "card_id": "dFtYLRXv",
                "text": "{{ nodes.summary.response }}",
            },
        ),
    ),
)
