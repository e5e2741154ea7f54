"""n8n's Wekan node (version 1) as WorkFuse's `app.wekan`: a board or list created, a card
created, got, updated (title, description, moved to another list) and deleted. Other
operations (get/getAll/delete of boards and lists, checklists, card comments) and card fields
WorkFuse does not set are refused by name."""

from __future__ import annotations

from typing import Any

from editor.n8n.apps_base import credential_note, operation, text, unsupported
from editor.n8n.converter import BASE, Converted, Converter, N8nNode, Refusal, Spec

SUPPORTED = "boards and lists: create; cards: create, get, update, delete"
OPERATIONS = {
    ("board", "create"): "create_board",
    ("list", "create"): "create_list",
    ("card", "create"): "create_card",
    ("card", "get"): "get_card",
    ("card", "update"): "update_card",
    ("card", "delete"): "delete_card",
}
# Each WorkFuse setting's n8n parameter, by operation.
PARAMS = {
    "create_board": {"title": "title", "owner": "owner"},
    "create_list": {"board_id": "boardId", "title": "title"},
    "create_card": {
        "board_id": "boardId",
        "list_id": "listId",
        "swimlane_id": "swimlaneId",
        "author_id": "authorId",
        "title": "title",
    },
    "get_card": {"board_id": "boardId", "list_id": "listId", "card_id": "cardId"},
    "update_card": {"board_id": "boardId", "list_id": "listId", "card_id": "cardId"},
    "delete_card": {"board_id": "boardId", "list_id": "listId", "card_id": "cardId"},
}
EXTRA = {
    "create_card": ("additionalFields", {"description": "description"}),
    "update_card": (
        "updateFields",
        {"title": "title", "description": "description", "listId": "move_to_list_id"},
    ),
}
OPTIONAL = {"owner", "author_id"}


def _wekan(node: N8nNode, cx: Converter) -> Converted:
    resource, op = operation(node, "card", {"card": "create", "board": "create", "list": "create"})
    name = OPERATIONS.get((resource, op))
    if name is None:
        raise unsupported("Wekan", resource, op, SUPPORTED)
    p = node.params
    config: dict[str, Any] = {"operation": name}
    for setting, param in PARAMS[name].items():
        value = text(cx, node, p.get(param))
        if value in ("", None):
            if setting in OPTIONAL:
                continue
            raise Refusal(f"names no {param}; set it in n8n and export again.")
        config[setting] = value
    if name in EXTRA:
        group, known = EXTRA[name]
        given = p.get(group) or {}
        extra = sorted(k for k, v in given.items() if k not in known and v not in ("", [], None))
        if extra:
            raise Refusal(
                f"sets {', '.join(extra)} ({group}), which WorkFuse's Wekan node does not; "
                "remove them in n8n (or call the API with an HTTP Request node) and export again."
            )
        for param, setting in known.items():
            if given.get(param) not in ("", None):
                config[setting] = text(cx, node, given[param])
        if name == "update_card" and len(config) == 4:
            raise Refusal("updates no field; choose one in n8n and export again.")
    if name == "create_board" and any(
        v not in ("", None, False) for v in (p.get("additionalFields") or {}).values()
    ):
        raise Refusal(
            "sets the board's additional fields (color, permission...), which WorkFuse's Wekan "
            "node does not; remove them in n8n and export again."
        )
    notes = [credential_note("Wekan", "the server's address, a user name and password")]
    return Converted("app.wekan", config, notes=notes)


SPECS: dict[str, Spec] = {f"{BASE}wekan": Spec(_wekan, "")}
