"""app.notion: create, get and update pages (database rows or sub-pages), query and read
databases, list a page's content blocks, and list the databases shared with the integration."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any, Literal, Self
from urllib.parse import quote

from pydantic import Field, field_validator, model_validator

from integrations.notion import rest_api, simple
from integrations.notion.credentials import IntegrationToken
from integrations.operations import OperationConfig, field_errors, json_list, used_by
from integrations.service import credential_for
from workfuse.lib.node_run import NodeError, RunContext, Secret
from workfuse.lib.node_types import NodeType

Operation = Literal[
    "create_page",
    "get_page",
    "update_page",
    "query_database",
    "get_database",
    "list_blocks",
    "list_databases",
]
MAX_PAGE_SIZE = 100  # Notion's limit
MAX_BLOCKS = 1000  # blocks one list_blocks step reads at most, nested ones included
SIMPLIFY_DROPS = frozenset({"created_time", "last_edited_time", "created_by"})
NOTION_ID = re.compile(r"([0-9a-f]{32})(?:[?#].*)?$", re.IGNORECASE)


def _is_template(value: Any) -> bool:
    return isinstance(value, str) and ("{{" in value or "{%" in value)


def _json_object(value: Any, what: str) -> Any:
    """A JSON object (or JSON text of one, or a template that renders to one). Empty: None."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if _is_template(value):
        return value
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            raise ValueError(f"must be a JSON object of {what}") from None
    if not isinstance(value, dict):
        raise ValueError(f"must be a JSON object of {what}")
    return value


def _notion_id(value: Any) -> Any:
    """An id as given, or the id at the end of a page's or database's Notion URL."""
    if not isinstance(value, str) or _is_template(value):
        return value
    value = value.strip()
    if "/" in value:
        found = NOTION_ID.search(value.replace("-", ""))
        if found:
            return found.group(1)
    return value


class Config(OperationConfig):
    credential: int | None = Field(
        None, ge=1, description="Your Notion integration token credential. Needed to run."
    )
    operation: Operation = Field(
        "create_page",
        description="create_page: add a page to a database (a row) or under a page. "
        "get_page: read a page and its properties. update_page: change a page's properties "
        "(or archive it). query_database: a database's pages, filtered and sorted, one page of "
        "results. get_database: a database's title and properties. list_blocks: the content "
        "blocks of a page (or of a block). list_databases: the databases shared with the "
        "integration, one page of results.",
    )
    page_id: str = Field(
        "",
        description="get_page, update_page: the page's id (32 hex characters) or Notion URL.",
        json_schema_extra=used_by("get_page", "update_page", required=True),
    )
    block_id: str = Field(
        "",
        description="list_blocks: the page's (or block's) id or Notion URL.",
        json_schema_extra=used_by("list_blocks", required=True),
    )
    nested: bool = Field(
        False,
        description="list_blocks: also read the blocks inside blocks (toggles, columns, "
        "lists; not sub-pages), each listed after its parent with the parent's id in "
        "parent_id.",
        json_schema_extra=used_by("list_blocks"),
    )
    limit: int = Field(
        0,
        ge=0,
        le=MAX_BLOCKS,
        description="list_blocks: the first this many blocks, in the page's order (nested ones "
        "counted); 0 for all of them (more than 1000 fails rather than cutting the page).",
        json_schema_extra=used_by("list_blocks"),
    )
    simplify: bool = Field(
        False,
        description="Give plain values, as n8n's Notion node does: a page as {id, name, url, "
        "property_<name>: value} (a select's option name, a text's text, ...), a database as "
        "{id, name, url}, a block with its text as content (and root_id, the block listed).",
        json_schema_extra=used_by(
            "create_page",
            "get_page",
            "update_page",
            "query_database",
            "get_database",
            "list_blocks",
            "list_databases",
        ),
    )
    archived: bool = Field(
        False,
        description="update_page: move the page to the trash (archive it).",
        json_schema_extra=used_by("update_page"),
    )
    parent_type: Literal["database", "page"] = Field(
        "database",
        description="create_page: where the new page goes: a row in a database, or a "
        "sub-page under a page.",
        json_schema_extra=used_by("create_page"),
    )
    parent_id: str = Field(
        "",
        description="create_page: the id (32 hex characters) or Notion URL of that database "
        "or page.",
        json_schema_extra=used_by("create_page", required=True),
    )
    database_id: str = Field(
        "",
        description="The database's id (32 hex characters) or its Notion URL.",
        json_schema_extra=used_by("query_database", "get_database", required=True),
    )
    title: str = Field(
        "",
        description="The page's title, a shortcut for its title property; may use templates, "
        "e.g. 'Order {{ trigger.body.id }}'.",
        json_schema_extra=used_by("create_page"),
    )
    title_property: str = Field(
        "Name",
        description="For a database row: the name of the database's title column (Name "
        "unless renamed).",
        json_schema_extra=used_by("create_page"),
    )
    properties: Any = Field(
        None,
        description="The page's property values as Notion's JSON, e.g. {\"Status\": "
        '{"select": {"name": "Open"}}, "Total": {"number": 42}}. update_page changes only the '
        "properties given.",
        json_schema_extra=used_by("create_page", "update_page"),
    )
    children: Any = Field(
        None,
        description='Optional content blocks: a JSON list, e.g. [{"object": "block", "type": '
        '"paragraph", "paragraph": {"rich_text": [{"text": {"content": "Hi"}}]}}].',
        json_schema_extra=used_by("create_page"),
    )
    filter: Any = Field(
        None,
        description='Optional Notion filter object, e.g. {"property": "Status", "select": '
        '{"equals": "Open"}}.',
        json_schema_extra=used_by("query_database"),
    )
    sorts: Any = Field(
        None,
        description='Optional JSON list of sorts, e.g. [{"property": "Due", "direction": '
        '"ascending"}].',
        json_schema_extra=used_by("query_database"),
    )
    page_size: int = Field(
        100,
        ge=1,
        le=MAX_PAGE_SIZE,
        description="How many pages (or databases) to return, 1 to 100.",
        json_schema_extra=used_by("query_database", "list_databases"),
    )
    start_cursor: str = Field(
        "",
        description="Optional: the next_cursor of an earlier query, to read the next results.",
        json_schema_extra=used_by("query_database", "list_databases"),
    )

    @field_validator("database_id", "parent_id", "page_id", "block_id", mode="before")
    @classmethod
    def _ids(cls, value: Any) -> Any:
        return _notion_id(value)

    @field_validator("properties", mode="before")
    @classmethod
    def _properties(cls, value: Any) -> Any:
        return _json_object(value, "properties")

    @field_validator("filter", mode="before")
    @classmethod
    def _filter(cls, value: Any) -> Any:
        return _json_object(value, "filter conditions")

    @field_validator("children", mode="before")
    @classmethod
    def _children(cls, value: Any) -> Any:
        return json_list(value, "blocks")

    @field_validator("sorts", mode="before")
    @classmethod
    def _sorts(cls, value: Any) -> Any:
        return json_list(value, "sorts")

    @model_validator(mode="after")
    def _one_parent(self) -> Self:
        if self.operation == "update_page" and not self.properties and not self.archived:
            raise field_errors(
                self, {"properties": "Needed for update_page, unless the page is archived."}
            )
        if self.operation != "create_page":
            return self
        if not self.title and not self.properties:
            raise field_errors(
                self, {"title": "Needed for create_page, unless properties are given."}
            )
        return self


def _rich_text(text: str) -> list[dict[str, Any]]:
    return [{"type": "text", "text": {"content": text}}]


def _create_page(secret: Secret, config: Config) -> dict[str, Any]:
    properties = dict(config.properties or {})
    if config.parent_type == "database":
        parent = {"database_id": config.parent_id}
        title_name = config.title_property or "Name"
    else:
        parent = {"page_id": config.parent_id}
        title_name = "title"  # a page under a page has only its title
    if config.title:
        properties[title_name] = {"title": _rich_text(config.title)}
    payload: dict[str, Any] = {"parent": parent, "properties": properties}
    if config.children:
        payload["children"] = config.children
    return rest_api.call(secret, "POST", "/pages", what="create_page", json=payload)


def _query(secret: Secret, config: Config) -> dict[str, Any]:
    payload: dict[str, Any] = {"page_size": config.page_size}
    if config.filter:
        payload["filter"] = config.filter
    if config.sorts:
        payload["sorts"] = config.sorts
    if config.start_cursor:
        payload["start_cursor"] = config.start_cursor
    path = f"/databases/{quote(config.database_id, safe='')}/query"
    answer = rest_api.call(secret, "POST", path, what="query_database", json=payload)
    results = answer.get("results") or []
    return {
        "results": results,
        "count": len(results),
        "has_more": bool(answer.get("has_more")),
        "next_cursor": answer.get("next_cursor"),
    }


def _databases(secret: Secret, config: Config) -> dict[str, Any]:
    """One page of the databases shared with the integration (Notion's search, as n8n's
    database getAll asks it)."""
    payload: dict[str, Any] = {
        "filter": {"property": "object", "value": "database"},
        "page_size": config.page_size,
    }
    if config.start_cursor:
        payload["start_cursor"] = config.start_cursor
    answer = rest_api.call(secret, "POST", "/search", what="list_databases", json=payload)
    results = [r for r in answer.get("results") or [] if isinstance(r, dict)]
    if config.simplify:
        results = [simple.simplified(r) or r for r in results]
    return {
        "results": results,
        "count": len(results),
        "has_more": bool(answer.get("has_more")),
        "next_cursor": answer.get("next_cursor"),
    }


def _page_path(config: Config) -> str:
    return f"/pages/{quote(config.page_id, safe='')}"


def _update_page(secret: Secret, config: Config) -> dict[str, Any]:
    payload: dict[str, Any] = {"properties": dict(config.properties or {})}
    if config.archived:
        payload["archived"] = True
    return rest_api.call(secret, "PATCH", _page_path(config), what="update_page", json=payload)


def _child_pages(secret: Secret, block_id: str, want: int) -> Iterator[dict[str, Any]]:
    """A block's children, Notion's pages followed until `want` are read."""
    cursor = ""
    path = f"/blocks/{quote(block_id, safe='')}/children"
    read = 0
    while read < want:
        params: dict[str, Any] = {"page_size": min(MAX_PAGE_SIZE, want - read)}
        if cursor:
            params["start_cursor"] = cursor
        page = rest_api.call(secret, "GET", path, what="list_blocks", params=params)
        for block in page.get("results") or []:
            if isinstance(block, dict):
                read += 1
                yield block
        cursor = str(page.get("next_cursor") or "") if page.get("has_more") else ""
        if not cursor:
            return


def _blocks(secret: Secret, config: Config) -> list[dict[str, Any]]:
    """The blocks in the page's order, nested ones (with `nested`) right after their parent;
    each with parent_id (the block listed, or the nested block's parent), as n8n lists them."""
    want = config.limit or MAX_BLOCKS + 1  # one more than the limit tells "too many"
    found: list[dict[str, Any]] = []

    def walk(parent: str) -> None:
        for block in _child_pages(secret, parent, want - len(found)):
            found.append({"object": block.get("object"), "parent_id": parent, **block})
            if len(found) >= want:
                return
            if (
                config.nested
                and block.get("has_children")
                and block.get("type") not in ("child_page", "unsupported")
                and block.get("id")
            ):
                walk(str(block["id"]))
                if len(found) >= want:
                    return

    walk(config.block_id)
    if not config.limit and len(found) > MAX_BLOCKS:
        raise NodeError(
            f"The page has more than {MAX_BLOCKS} blocks; list_blocks reads at most that many "
            "(set a limit, or list a part of the page by its block id)."
        )
    return [_simplified(b, config.block_id) for b in found] if config.simplify else found


def _simplified(block: dict[str, Any], root: str) -> dict[str, Any]:
    """n8n's simplified block: the text of its type's object as content."""
    block = {k: v for k, v in block.items() if k not in SIMPLIFY_DROPS}
    block["root_id"] = root
    kind = str(block.get("type") or "")
    inner = block.get(kind)
    if not isinstance(inner, dict):
        return block
    if kind in ("child_page", "child_database"):
        block["content"] = inner.get("title")
        del block[kind]
        return block
    text = inner.get("rich_text")
    if isinstance(text, list):
        block["content"] = "".join(
            str(t.get("plain_text") or "") for t in text if isinstance(t, dict)
        )
        del block[kind]
    return block


def run(config: Config, ctx: RunContext) -> dict[str, Any]:
    """create_page, get_page, update_page: the page ({id, url, properties, ...});
    query_database, list_databases: {results, count, has_more, next_cursor}; get_database: the database
    ({id, title, properties, ...}); list_blocks: {results, count}, the blocks in the page's
    order. With simplify, pages, databases and blocks as n8n simplifies them."""
    secret, _ = credential_for(ctx, config.operation, IntegrationToken)
    op = config.operation
    if op == "list_blocks":
        blocks = _blocks(secret, config)
        return {"results": blocks, "count": len(blocks)}
    if op == "list_databases":
        return _databases(secret, config)
    if op == "query_database":
        found = _query(secret, config)
        if config.simplify:
            pages = [simple.simplified(p) for p in found["results"] if isinstance(p, dict)]
            found["results"] = [p for p in pages if p is not None]
            found["count"] = len(found["results"])
        return found
    if op == "create_page":
        answer = _create_page(secret, config)
    elif op == "get_page":
        answer = rest_api.call(secret, "GET", _page_path(config), what="get_page")
    elif op == "update_page":
        answer = _update_page(secret, config)
    else:
        path = f"/databases/{quote(config.database_id, safe='')}"
        answer = rest_api.call(secret, "GET", path, what="get_database")
    return (simple.simplified(answer) or answer) if config.simplify else answer


NODE = NodeType(
    type="app.notion",
    label="Notion",
    category="app",
    description="Creates, reads or updates a Notion page (a database row or a sub-page), "
    "queries or reads a database, lists a page's blocks or the databases shared with it; "
    "outputs what Notion answers.",
    Config=Config,
    run=run,
    credential_kinds=(IntegrationToken.kind,),
    icon="❏",
    examples=(
        (
            "Add a row titled with the ticket subject from the webhook to Notion database "
            "0123456789abcdef0123456789abcdef, Status Open, with credential 8",
            {
                "credential": 8,
                "operation": "create_page",
                "parent_type": "database",
                "parent_id": "0123456789abcdef0123456789abcdef",
                "title": "{{ trigger.body.subject }}",
                "properties": {"Status": {"select": {"name": "Open"}}},
            },
        ),
        (
            "Find the open tasks in Notion database 0123456789abcdef0123456789abcdef, soonest "
            "due first",
            {
                "operation": "query_database",
                "database_id": "0123456789abcdef0123456789abcdef",
                "filter": {"property": "Status", "select": {"equals": "Open"}},
                "sorts": [{"property": "Due", "direction": "ascending"}],
            },
        ),
        (
            "Read the Notion page whose URL the webhook sent",
            {"operation": "get_page", "page_id": "{{ trigger.body.url }}"},
        ),
        (
            "Mark the page the query found as Done",
            {
                "operation": "update_page",
                "page_id": "{{ nodes.query.results[0].id }}",
                "properties": {"Status": {"status": {"name": "Done"}}},
            },
        ),
        (
            "Read the columns of Notion database 0123456789abcdef0123456789abcdef",
            {"operation": "get_database", "database_id": "0123456789abcdef0123456789abcdef"},
        ),
        (
            "Read the text blocks of the page the webhook names, nested ones too",
            {"operation": "list_blocks", "block_id": "{{ trigger.body.page_id }}", "nested": True},
        ),
        (
            "List the Notion databases the integration can see, 20 at a time",
            {"operation": "list_databases", "page_size": 20},
        ),
    ),
)
