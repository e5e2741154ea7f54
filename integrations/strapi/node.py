"""app.strapi: a Strapi content type's entries created, updated, read, listed (filtered,
sorted, published or drafts) and deleted, on Strapi's REST API v4 (and later) or v3."""

from __future__ import annotations

from typing import Any, Literal
from urllib.parse import quote

from pydantic import Field, field_validator

from integrations.operations import OperationConfig, json_object, used_by
from integrations.service import credential_for
from integrations.strapi import rest_api
from integrations.strapi.credentials import ApiToken
from workfuse.lib.node_run import NodeError, RunContext, Secret
from workfuse.lib.node_types import NodeType

Operation = Literal["create_entry", "update_entry", "get_entry", "list_entries", "delete_entry"]
BY_ID = ("update_entry", "get_entry", "delete_entry")
WRITES = ("create_entry", "update_entry")
PAGE = 100  # Strapi's default maximum page size
MAX_RESULTS = 5000


class Config(OperationConfig):
    credential: int | None = Field(
        None, ge=1, description="Your Strapi API token credential. Needed to run."
    )
    operation: Operation = Field(
        "create_entry",
        description="create_entry: a new entry from data. update_entry: change the fields in "
        "data. get_entry / delete_entry: one by id. list_entries: the entries matching "
        "filters, sorted.",
    )
    content_type: str = Field(
        "",
        description="The content type's plural API ID as in its URL, e.g. posts or testimonials.",
        json_schema_extra=used_by(*WRITES, *BY_ID, "list_entries", required=True),
    )
    entry_id: str = Field(
        "",
        description="The entry's id (v5: its documentId).",
        json_schema_extra=used_by(*BY_ID, required=True),
    )
    data: Any = Field(
        None,
        description='The entry\'s fields, e.g. {"title": "Hello", "author": "Ada"}. May be a '
        "template.",
        json_schema_extra=used_by(*WRITES, required=True),
    )
    filters: Any = Field(
        None,
        description='list_entries: Strapi\'s filters, e.g. {"title": {"$contains": "n8n"}} '
        '(v4) or {"title_contains": "n8n"} (v3). May be a template.',
        json_schema_extra=used_by("list_entries"),
    )
    sort: list[str] = Field(
        default_factory=list,
        description="list_entries: fields to sort by, each field:asc or field:desc.",
        json_schema_extra=used_by("list_entries"),
    )
    publication_state: Literal["", "live", "preview"] = Field(
        "",
        description="list_entries: live (published only, Strapi's default) or preview "
        "(drafts too).",
        json_schema_extra=used_by("list_entries"),
    )
    max_results: int = Field(
        100,
        ge=1,
        le=MAX_RESULTS,
        description="list_entries: keep at most this many (1 to 5000), page after page.",
        json_schema_extra=used_by("list_entries"),
    )

    @field_validator("data", mode="before")
    @classmethod
    def _data(cls, value: Any) -> Any:
        return json_object(value, "Strapi fields")

    @field_validator("filters", mode="before")
    @classmethod
    def _filters(cls, value: Any) -> Any:
        return json_object(value, "Strapi filters")


def _object(value: Any, name: str) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise NodeError(f"The {name} field must render to a JSON object.")
    return value


def brackets(root: str, value: Any) -> dict[str, str]:
    """A nested value as Strapi's query parameters: filters[title][$eq]=x, lists indexed."""
    items: list[tuple[Any, Any]]
    if isinstance(value, dict):
        items = list(value.items())
    elif isinstance(value, list):
        items = list(enumerate(value))
    else:
        text = "true" if value is True else "false" if value is False else str(value)
        return {root: text}
    query: dict[str, str] = {}
    for key, inner in items:
        query |= brackets(f"{root}[{key}]", inner)
    return query


def _list(secret: Secret, config: Config, path: str, v4: bool) -> list[Any]:
    filters = _object(config.filters, "filters")
    query: dict[str, str] = {}
    if filters:
        query |= brackets("filters" if v4 else "_where", filters)
    sort = [s.strip() for s in config.sort if s.strip()]
    if v4:
        query |= {f"sort[{i}]": s for i, s in enumerate(sort)}
    elif sort:
        query["_sort"] = ",".join(sort)
    if config.publication_state:
        query["publicationState" if v4 else "_publicationState"] = config.publication_state
    found: list[Any] = []
    page = 1
    while len(found) < config.max_results:
        size = min(PAGE, config.max_results - len(found))
        if v4:
            paging = {"pagination[page]": str(page), "pagination[pageSize]": str(size)}
        else:
            paging = {"_start": str(len(found)), "_limit": str(size)}
        answer = rest_api.call(secret, "GET", path, what=config.operation, params=query | paging)
        batch = answer.get("data") if v4 and isinstance(answer, dict) else answer
        batch = batch if isinstance(batch, list) else []
        found.extend(batch)
        pagination = (
            (answer.get("meta") or {}).get("pagination")
            if v4 and isinstance(answer, dict)
            else None
        )
        last = isinstance(pagination, dict) and page >= int(pagination.get("pageCount") or 0)
        if not batch or len(batch) < size or last:
            break
        page += 1
    return found[: config.max_results]


def run(config: Config, ctx: RunContext) -> Any:
    """As n8n outputs them: on v4, get_entry and update_entry give the answer's `data` (the
    entry, {id, attributes} or v5's flat entry) and create_entry and delete_entry the whole
    answer ({data, meta}); on v3 each gives the entry. list_entries: {entries, count}."""
    secret, fields = credential_for(ctx, config.operation, ApiToken)
    v4 = fields.api_version == "v4"
    path = f"/{quote(config.content_type.strip().strip('/'), safe='')}"
    one = f"{path}/{quote(config.entry_id.strip(), safe='')}"
    op = config.operation
    if op == "list_entries":
        entries = _list(secret, config, path, v4)
        return {"entries": entries, "count": len(entries)}
    if op in WRITES:
        data = _object(config.data, "data")
        body = {"data": data} if v4 else data
        method, target = ("POST", path) if op == "create_entry" else ("PUT", one)
        answer = rest_api.call(secret, method, target, what=op, json=body)
    elif op == "get_entry":
        answer = rest_api.call(secret, "GET", one, what=op)
    else:
        answer = rest_api.call(secret, "DELETE", one, what=op)
    if v4 and op in ("get_entry", "update_entry") and isinstance(answer, dict):
        return answer.get("data", answer)
    return answer


NODE = NodeType(
    type="app.strapi",
    label="Strapi",
    category="app",
    description="Creates, updates, reads, lists and deletes the entries of a Strapi content "
    "type; outputs them as Strapi answers.",
    Config=Config,
    run=run,
    credential_kinds=(ApiToken.kind,),
    icon="◧",
    examples=(
        (
            "Add a Strapi post 'Great tool' by Ada, with credential 3",
            {
                "credential": 3,
                "operation": "create_entry",
                "content_type": "posts",
                "data": {"Content": "Great tool", "Author": "Ada"},
            },
        ),
        (
            "Publish the title 'Hello' on post 12",
            {
                "operation": "update_entry",
                "content_type": "posts",
                "entry_id": "12",
                "data": {"title": "Hello"},
            },
        ),
        ("Read post 12", {"operation": "get_entry", "content_type": "posts", "entry_id": "12"}),
        (
            "List the newest 20 testimonials, drafts included",
            {
                "operation": "list_entries",
                "content_type": "testimonials",
                "sort": ["createdAt:desc"],
                "publication_state": "preview",
                "max_results": 20,
            },
        ),
        (
            "Delete post 12",
            {"operation": "delete_entry", "content_type": "posts", "entry_id": "12"},
        ),
    ),
)
