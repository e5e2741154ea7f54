"""app.google_books: Google Books volumes got and searched, bookshelves got and listed (the
credential's own library, or a user's public shelves), and a shelf's volumes listed, added,
removed, moved and cleared (the credential's own library only, as Google allows)."""

from __future__ import annotations

from typing import Any, Literal
from urllib.parse import quote

from pydantic import ConfigDict, Field

from integrations.google_books.books_api import Library
from integrations.google_books.credentials import GoogleBooksOAuth2
from integrations.operations import OperationConfig, used_by
from integrations.service import credential_for
from workfuse.lib.node_run import RunContext
from workfuse.lib.node_types import NodeType

Operation = Literal[
    "get_volume",
    "search_volumes",
    "get_bookshelf",
    "list_bookshelves",
    "list_shelf_volumes",
    "add_volume",
    "remove_volume",
    "move_volume",
    "clear_shelf",
]
SHELF = ("get_bookshelf", "list_shelf_volumes", "add_volume", "remove_volume", "move_volume")
SHELF_ALL = (*SHELF, "clear_shelf")
VOLUME = ("get_volume", "add_volume", "remove_volume", "move_volume")
BY_USER = ("get_bookshelf", "list_bookshelves", "list_shelf_volumes")
LISTS = ("search_volumes", "list_bookshelves", "list_shelf_volumes")
CHANGES = {
    "add_volume": "addVolume",
    "remove_volume": "removeVolume",
    "move_volume": "moveVolume",
    "clear_shelf": "clearVolumes",
}
MAX_LIST = 1000


class Config(OperationConfig):
    model_config = ConfigDict(coerce_numbers_to_str=True)

    credential: int | None = Field(
        None, ge=1, description="Your Google Books OAuth2 credential. Needed to run."
    )
    operation: Operation = Field(
        "get_volume",
        description="get_volume / search_volumes: books. get_bookshelf / list_bookshelves: "
        "shelves. list_shelf_volumes: a shelf's books. add_volume / remove_volume / "
        "move_volume / clear_shelf: change a shelf of your library.",
    )
    volume_id: str = Field(
        "",
        description="The volume's id (the id= of a books.google.com link).",
        json_schema_extra=used_by(*VOLUME, required=True),
    )
    query: str = Field(
        "",
        description="search_volumes: the search, as on Google Books (intitle:, inauthor:, isbn:…).",
        json_schema_extra=used_by("search_volumes", required=True),
    )
    shelf_id: str = Field(
        "",
        description="The shelf's id (0 Favorites, 2 To read, 3 Reading now, 4 Have read, or one "
        "of your own shelves).",
        json_schema_extra=used_by(*SHELF_ALL, required=True),
    )
    user_id: str = Field(
        "",
        description="Read this user's public shelves instead of your library (empty: yours).",
        json_schema_extra=used_by(*BY_USER),
    )
    volume_position: int = Field(
        0,
        ge=0,
        description="move_volume: the volume's new position on the shelf (0: first).",
        json_schema_extra=used_by("move_volume"),
    )
    max_results: int = Field(
        40,
        ge=1,
        le=MAX_LIST,
        description="At most this many results.",
        json_schema_extra=used_by(*LISTS),
    )


def _shelves(config: Config) -> str:
    user = config.user_id.strip()
    return f"/users/{quote(user, safe='')}/bookshelves" if user else "/mylibrary/bookshelves"


def run(config: Config, ctx: RunContext) -> Any:
    """Google's volume or bookshelf as it is; the lists as {volumes | bookshelves, count};
    a shelf changed: {success: true}."""
    secret, _ = credential_for(ctx, config.operation, GoogleBooksOAuth2)
    library, op = Library(secret), config.operation
    shelf = quote(config.shelf_id.strip(), safe="")
    volume = config.volume_id.strip()
    if op == "get_volume":
        return library.call("GET", f"/volumes/{quote(volume, safe='')}", "volumes.get")
    if op == "search_volumes":
        query = {"q": config.query}
        found = library.items("/volumes", "volumes.list", query, config.max_results)
        return {"volumes": found, "count": len(found)}
    if op == "get_bookshelf":
        return library.call("GET", f"{_shelves(config)}/{shelf}", "bookshelves.get")
    if op == "list_bookshelves":
        shelves = library.call("GET", _shelves(config), "bookshelves.list").get("items") or []
        shelves = shelves[: config.max_results]
        return {"bookshelves": shelves, "count": len(shelves)}
    if op == "list_shelf_volumes":
        path = f"{_shelves(config)}/{shelf}/volumes"
        found = library.items(path, "bookshelves.volumes.list", {}, config.max_results)
        return {"volumes": found, "count": len(found)}
    params: dict[str, Any] = {"volumeId": volume} if op != "clear_shelf" else {}
    if op == "move_volume":
        params["volumePosition"] = config.volume_position
    path = f"/mylibrary/bookshelves/{shelf}/{CHANGES[op]}"
    library.call("POST", path, f"mylibrary.bookshelves.{CHANGES[op]}", params=params)
    return {"success": True}


NODE = NodeType(
    type="app.google_books",
    label="Google Books",
    category="app",
    description="Finds Google Books volumes and keeps the shelves of your Google Books library.",
    Config=Config,
    run=run,
    credential_kinds=(GoogleBooksOAuth2.kind,),
    icon="📚",
    examples=(
        (
            "Read Google Books volume XxUJ2U2FXtYC with credential 5",
            {"credential": 5, "operation": "get_volume", "volume_id": "XxUJ2U2FXtYC"},
        ),
        (
            "Search Google Books for books by Ursula K. Le Guin",
            {"operation": "search_volumes", "query": "inauthor:Ursula K. Le Guin"},
        ),
        (
            "Read my Google Books shelf 2",
            {"operation": "get_bookshelf", "shelf_id": "2"},
        ),
        ("List my Google Books bookshelves", {"operation": "list_bookshelves"}),
        (
            "List the books on my Google Books shelf 4",
            {"operation": "list_shelf_volumes", "shelf_id": "4"},
        ),
        (
            "Add volume XxUJ2U2FXtYC to my Google Books shelf 2",
            {"operation": "add_volume", "shelf_id": "2", "volume_id": "XxUJ2U2FXtYC"},
        ),
        (
            "Remove volume XxUJ2U2FXtYC from my Google Books shelf 2",
            {"operation": "remove_volume", "shelf_id": "2", "volume_id": "XxUJ2U2FXtYC"},
        ),
        (
            "Move volume XxUJ2U2FXtYC to the top of my Google Books shelf 2",
            {
                "operation": "move_volume",
                "shelf_id": "2",
                "volume_id": "XxUJ2U2FXtYC",
                "volume_position": 0,
            },
        ),
        (
            "Empty my Google Books shelf 2",
            {"operation": "clear_shelf", "shelf_id": "2"},
        ),
    ),
)
