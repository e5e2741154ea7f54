"""app.wekan: boards, lists and cards of a Wekan server: a board or list created, a card
created, read, updated (moved to another list) and deleted."""

from __future__ import annotations

from typing import Any, Literal
from urllib.parse import quote

from pydantic import Field

from integrations.operations import OperationConfig, used_by
from integrations.service import credential_for
from integrations.wekan.credentials import Login
from integrations.wekan.rest_api import Server
from workfuse.lib.node_run import NodeError, RunContext
from workfuse.lib.node_types import NodeType

Operation = Literal[
    "create_board", "create_list", "create_card", "get_card", "update_card", "delete_card"
]
CARD = ("get_card", "update_card", "delete_card")
IN_BOARD = ("create_list", "create_card", *CARD)
IN_LIST = ("create_card", *CARD)


class Config(OperationConfig):
    credential: int | None = Field(
        None, ge=1, description="Your Wekan login credential. Needed to run."
    )
    operation: Operation = Field(
        "create_card",
        description="create_board / create_list: a new board or list. create_card: a card in a "
        "list. get_card / delete_card: one card. update_card: change a card's title or "
        "description, or move it to another list.",
    )
    title: str = Field(
        "",
        description="The new board's, list's or card's title (update_card: the new title).",
        json_schema_extra=used_by(
            "create_board",
            "create_list",
            "create_card",
            "update_card",
            required=("create_board", "create_list", "create_card"),
        ),
    )
    owner: str = Field(
        "",
        description="create_board: the owner's user id (empty: the logged-in user).",
        json_schema_extra=used_by("create_board"),
    )
    board_id: str = Field(
        "", description="The board's id.", json_schema_extra=used_by(*IN_BOARD, required=True)
    )
    list_id: str = Field(
        "", description="The list's id.", json_schema_extra=used_by(*IN_LIST, required=True)
    )
    card_id: str = Field(
        "", description="The card's id.", json_schema_extra=used_by(*CARD, required=True)
    )
    swimlane_id: str = Field(
        "",
        description="create_card: the swimlane's id.",
        json_schema_extra=used_by("create_card", required=True),
    )
    author_id: str = Field(
        "",
        description="create_card: the author's user id (empty: the logged-in user).",
        json_schema_extra=used_by("create_card"),
    )
    description: str = Field(
        "",
        description="The card's description.",
        json_schema_extra=used_by("create_card", "update_card"),
    )
    move_to_list_id: str = Field(
        "",
        description="update_card: move the card to this list.",
        json_schema_extra=used_by("update_card"),
    )


def _id(value: str) -> str:
    return quote(value.strip(), safe="")


def run(config: Config, ctx: RunContext) -> Any:
    """As n8n outputs it, Wekan's answer: {_id, defaultSwimlaneId} for create_board, {_id}
    for the other writes, the card for get_card."""
    secret, _ = credential_for(ctx, config.operation, Login)
    server = Server(secret)
    op = config.operation
    board = f"/boards/{_id(config.board_id)}"
    card = f"{board}/lists/{_id(config.list_id)}/cards"
    if op == "create_board":
        body = {"title": config.title, "owner": config.owner.strip() or server.user()}
        return server.call("POST", "/boards", op, json=body)
    if op == "create_list":
        return server.call("POST", f"{board}/lists", op, json={"title": config.title})
    if op == "create_card":
        body = {
            "title": config.title,
            "swimlaneId": config.swimlane_id.strip(),
            "authorId": config.author_id.strip() or server.user(),
        }
        if config.description:
            body["description"] = config.description
        return server.call("POST", card, op, json=body)
    path = f"{card}/{_id(config.card_id)}"
    if op == "get_card":
        return server.call("GET", path, op)
    if op == "update_card":
        values = {
            "title": config.title,
            "description": config.description,
            "listId": config.move_to_list_id.strip(),
        }
        body = {k: v for k, v in values.items() if v}
        if not body:
            raise NodeError("update_card needs something to change: title, description or a list.")
        return server.call("PUT", path, op, json=body)
    return server.call("DELETE", path, op)


NODE = NodeType(
    type="app.wekan",
    label="Wekan",
    category="app",
    description="Creates Wekan boards and lists, and creates, reads, updates (moves) and "
    "deletes cards.",
    Config=Config,
    run=run,
    credential_kinds=(Login.kind,),
    icon="▤",
    examples=(
        (
            "Create a Wekan board called Documentation with credential 3",
            {"credential": 3, "operation": "create_board", "title": "Documentation"},
        ),
        (
            "Add a list To Do to the board the previous step created",
            {"operation": "create_list", "board_id": "{{ nodes.board._id }}", "title": "To Do"},
        ),
        (
            "Add a card Write the docs to list L1 of board B1 in swimlane S1",
            {
                "operation": "create_card",
                "board_id": "B1",
                "list_id": "L1",
                "swimlane_id": "S1",
                "title": "Write the docs",
            },
        ),
        (
            "Read card C1 of list L1 on board B1",
            {"operation": "get_card", "board_id": "B1", "list_id": "L1", "card_id": "C1"},
        ),
        (
            "Move card C1 of list L1 on board B1 to list L2",
            {
                "operation": "update_card",
                "board_id": "B1",
                "list_id": "L1",
                "card_id": "C1",
                "move_to_list_id": "L2",
            },
        ),
        (
            "Delete card C1 of list L1 on board B1",
            {"operation": "delete_card", "board_id": "B1", "list_id": "L1", "card_id": "C1"},
        ),
    ),
)
