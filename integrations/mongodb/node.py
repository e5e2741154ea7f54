"""app.mongodb: n8n's MongoDB node operations on a user's MongoDB: find, aggregate, insert,
update (by a key field, optionally upserting), find and update, find and replace, delete."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, field_validator
from pymongo import ReturnDocument
from pymongo.collection import Collection
from pymongo.database import Database

from integrations.mongodb import database
from integrations.mongodb.credentials import Connection
from integrations.mongodb.documents import (
    an_object,
    extended,
    key_filter,
    nested,
    objects,
    with_dates,
    with_object_id,
)
from integrations.operations import OperationConfig, json_list, json_object, used_by
from integrations.service import credential_for
from workfuse.lib.node_run import NodeError, RunContext
from workfuse.lib.node_types import NodeType

MAX_DOCUMENTS = 10_000
READS = ("find", "aggregate")
KEYED = ("update", "find_one_and_update", "find_one_and_replace")
WRITES = ("insert", *KEYED)
Operation = Literal[
    "find", "aggregate", "insert", "update", "find_one_and_update", "find_one_and_replace", "delete"
]


def _documents(value: Any) -> Any:
    """`documents`: an object (one document), a list of them, JSON text of either, or a
    template (checked again once rendered)."""
    if isinstance(value, dict):
        return value
    if isinstance(value, str) and value.strip().startswith("{"):
        return json_object(value, "fields")
    return json_list(value, "documents")


class Config(OperationConfig):
    credential: int | None = Field(
        None, ge=1, description="Your MongoDB connection credential. Needed to run."
    )
    operation: Operation = Field(
        "find",
        description="find: read the documents matching query; aggregate: run a pipeline; "
        "insert: add documents; update: set fields of the document whose update_key field "
        "has document's value; find_one_and_update / find_one_and_replace: the same, "
        "outputting the document; delete: delete every document matching query.",
    )
    collection: str = Field(
        "",
        max_length=255,
        description="The collection.",
        json_schema_extra=used_by(*READS, *WRITES, "delete", required=True),
    )
    query: Any = Field(
        None,
        description='The filter as a JSON object, e.g. {"status": "open", "total": {"$gt": 10}}; '
        'templates go in as values: {"email": "{{ trigger.body.email }}"}. Extended JSON '
        'reads {"$oid": "..."} as an ObjectId and {"$date": "..."} as a date; a top-level _id '
        "of 24 hex digits is an ObjectId. Empty: every document.",
        json_schema_extra=used_by("find", "delete"),
    )
    pipeline: Any = Field(
        None,
        description='The aggregation pipeline as a JSON list of stages, e.g. [{"$match": '
        '{"status": "open"}}, {"$group": {"_id": "$customer", "total": {"$sum": "$total"}}}].',
        examples=[[{"$match": {"status": "open"}}, {"$limit": 5}]],
        json_schema_extra=used_by("aggregate", required=True),
    )
    projection: Any = Field(
        None,
        description='The fields to output, e.g. {"name": 1, "_id": 0} (empty: all of them).',
        json_schema_extra=used_by("find"),
    )
    sort: Any = Field(
        None,
        description='The order, e.g. {"created_at": -1} (1 ascending, -1 descending).',
        json_schema_extra=used_by("find"),
    )
    limit: int = Field(
        0,
        ge=0,
        le=MAX_DOCUMENTS,
        description="Read at most this many documents (0: up to max_documents).",
        json_schema_extra=used_by("find"),
    )
    skip: int = Field(
        0, ge=0, description="Skip this many documents first.", json_schema_extra=used_by("find")
    )
    documents: Any = Field(
        None,
        description='The document to add as an object of fields, e.g. {"name": '
        '"{{ trigger.body.name }}"}, or a list of documents.',
        examples=[{"name": "Ada", "born": 1815}],
        json_schema_extra=used_by("insert", required=True),
    )
    document: Any = Field(
        None,
        description="The fields to set (update, find_one_and_update) or the new document "
        "(find_one_and_replace), with the update_key field whose value finds the document, "
        'e.g. {"sku": "{{ trigger.body.sku }}", "stock": 4}.',
        examples=[{"sku": "A-1", "stock": 4}],
        json_schema_extra=used_by(*KEYED, required=True),
    )
    update_key: str = Field(
        "",
        max_length=255,
        description="The field of document whose value finds the document to change (_id: "
        "24 hex digits are read as an ObjectId).",
        json_schema_extra=used_by(*KEYED, required=True),
    )
    upsert: bool = Field(
        False,
        description="Insert document when none has its update_key value.",
        json_schema_extra=used_by(*KEYED),
    )
    return_document: Literal["after", "before"] = Field(
        "after",
        description="Output the document as it is after the change, or as it was before.",
        json_schema_extra=used_by("find_one_and_update", "find_one_and_replace"),
    )
    date_fields: list[str] = Field(
        default_factory=list,
        description="Fields written as dates (from ISO 8601 text or milliseconds since 1970).",
        json_schema_extra=used_by(*WRITES),
    )
    dot_notation: bool = Field(
        False,
        description='Read dotted field names as nested fields ({"address.city": "Oslo"} writes '
        "address: {city: Oslo}) in a new document; updates always do.",
        json_schema_extra=used_by("insert", "find_one_and_replace"),
    )
    max_documents: int = Field(
        1000,
        ge=1,
        le=MAX_DOCUMENTS,
        description="Read at most this many documents (up to 10000); truncated says if there "
        "were more.",
        json_schema_extra=used_by(*READS),
    )
    timeout_seconds: int = Field(
        30, ge=1, le=300, description="Stop the operation after this many seconds (up to 300)."
    )

    @field_validator("query", "projection", "sort", "document", mode="before")
    @classmethod
    def _object(cls, value: Any) -> Any:
        return json_object(value, "fields")

    @field_validator("pipeline", mode="before")
    @classmethod
    def _pipeline(cls, value: Any) -> Any:
        return json_list(value, "stages")

    @field_validator("documents", mode="before")
    @classmethod
    def _documents(cls, value: Any) -> Any:
        return _documents(value)


def _find(config: Config, items: Collection[Any]) -> dict[str, Any]:
    keep = min(config.limit or config.max_documents, config.max_documents)
    cursor = items.find(
        with_object_id(an_object(config.query, "query")),
        projection=an_object(config.projection, "projection") or None,
        sort=list(an_object(config.sort, "sort").items()) or None,
        skip=config.skip,
        limit=keep if 0 < config.limit <= keep else keep + 1,
    )
    return _read(list(cursor), keep)


def _aggregate(config: Config, items: Collection[Any]) -> dict[str, Any]:
    pipeline = extended(config.pipeline, "pipeline")
    pipeline = [pipeline] if isinstance(pipeline, dict) else pipeline
    if not isinstance(pipeline, list) or not all(isinstance(s, dict) for s in pipeline):
        raise NodeError("pipeline must be a JSON list of stages once rendered.")
    found = []
    with items.aggregate(pipeline) as cursor:  # closing it ends the rest on the server
        for document in cursor:
            found.append(document)
            if len(found) > config.max_documents:
                break
    return _read(found, config.max_documents)


def _read(found: list[dict[str, Any]], keep: int) -> dict[str, Any]:
    kept = [database.json_safe(d) for d in found[:keep]]
    return {"documents": kept, "count": len(kept), "truncated": len(found) > keep}


def _prepared(config: Config, document: dict[str, Any]) -> dict[str, Any]:
    if config.dot_notation and config.operation in ("insert", "find_one_and_replace"):
        document = nested(document)
    return with_dates(document, config.date_fields)


def _insert(config: Config, items: Collection[Any]) -> dict[str, Any]:
    documents = [_prepared(config, d) for d in objects(config.documents, "documents")]
    if not documents:
        raise NodeError("documents is empty once rendered: give at least one document.")
    result = items.insert_many(documents)  # pymongo gives each document its _id
    ids = [str(i) for i in result.inserted_ids]
    written = [{**database.json_safe(d), "id": i} for d, i in zip(documents, ids, strict=True)]
    return {"documents": written, "inserted_ids": ids, "inserted_count": len(ids)}


def _keyed(config: Config, items: Collection[Any]) -> dict[str, Any]:
    document = _prepared(config, an_object(config.document, "document"))
    found = key_filter(document, config.update_key)
    fields = {k: v for k, v in document.items() if k != "_id"}  # an _id is never changed
    if not fields:
        raise NodeError(f"document: give at least one field besides {config.update_key}.")
    after = config.return_document == "after"
    if config.operation == "update":
        result = items.update_one(found, {"$set": fields}, upsert=config.upsert)
        upserted = result.upserted_id
        return {
            "document": database.json_safe(document),
            "matched_count": result.matched_count,
            "modified_count": result.modified_count,
            "upserted_id": None if upserted is None else str(upserted),
        }
    returned = ReturnDocument.AFTER if after else ReturnDocument.BEFORE
    if config.operation == "find_one_and_update":
        value = items.find_one_and_update(
            found, {"$set": fields}, upsert=config.upsert, return_document=returned
        )
    else:
        value = items.find_one_and_replace(
            found, fields, upsert=config.upsert, return_document=returned
        )
    return {"document": database.json_safe(value), "found": value is not None}


def _delete(config: Config, items: Collection[Any]) -> dict[str, Any]:
    result = items.delete_many(with_object_id(an_object(config.query, "query")))
    return {"deleted_count": result.deleted_count}


ACTIONS = {
    "find": _find,
    "aggregate": _aggregate,
    "insert": _insert,
    "update": _keyed,
    "find_one_and_update": _keyed,
    "find_one_and_replace": _keyed,
    "delete": _delete,
}


def run(config: Config, ctx: RunContext) -> dict[str, Any]:
    """find, aggregate: {documents, count, truncated}; insert: {documents (each with its _id
    and, as n8n outputs it, id), inserted_ids, inserted_count}; update: {document,
    matched_count, modified_count, upserted_id}; find_one_and_*: {document (null when none
    matched), found}; delete: {deleted_count}. ObjectIds are text, dates ISO 8601."""
    secret, _ = credential_for(ctx, config.operation, Connection)
    action = ACTIONS[config.operation]

    def act(db: Database[Any]) -> dict[str, Any]:
        return action(config, db[config.collection])

    what = config.operation.replace("_", " ")
    return database.call(secret, what, config.timeout_seconds, act)


NODE = NodeType(
    type="app.mongodb",
    label="MongoDB",
    category="app",
    description="Finds, aggregates, inserts, updates, replaces and deletes documents in a "
    "collection of your MongoDB database; outputs the documents as JSON (ObjectIds as text, "
    "dates in ISO 8601).",
    Config=Config,
    run=run,
    credential_kinds=(Connection.kind,),
    icon="🍃",
    examples=(
        (
            "Find the open orders of the customer whose email is in the webhook body, newest "
            "first, credential 3",
            {
                "credential": 3,
                "operation": "find",
                "collection": "orders",
                "query": {"email": "{{ trigger.body.email }}", "status": "open"},
                "sort": {"created_at": -1},
            },
        ),
        (
            "Total the paid orders per customer",
            {
                "operation": "aggregate",
                "collection": "orders",
                "pipeline": [
                    {"$match": {"status": "paid"}},
                    {"$group": {"_id": "$customer", "total": {"$sum": "$total"}}},
                ],
            },
        ),
        (
            "Save the signup from the webhook (email and name) in the users collection",
            {
                "operation": "insert",
                "collection": "users",
                "documents": {
                    "email": "{{ trigger.body.email }}",
                    "name": "{{ trigger.body.name }}",
                },
            },
        ),
        (
            "Set the stock of the product with the webhook's sku, adding it if missing",
            {
                "operation": "update",
                "collection": "products",
                "update_key": "sku",
                "document": {"sku": "{{ trigger.body.sku }}", "stock": "{{ trigger.body.stock }}"},
                "upsert": True,
            },
        ),
        (
            "Mark the ticket with the webhook's id as closed and output the ticket",
            {
                "operation": "find_one_and_update",
                "collection": "tickets",
                "update_key": "_id",
                "document": {"_id": "{{ trigger.body.id }}", "status": "closed"},
            },
        ),
        (
            "Replace the profile of the user with the webhook's username by the webhook body's "
            "profile",
            {
                "operation": "find_one_and_replace",
                "collection": "profiles",
                "update_key": "username",
                "document": "{{ trigger.body.profile }}",
            },
        ),
        (
            "Delete the sessions of the user id in the webhook body",
            {
                "operation": "delete",
                "collection": "sessions",
                "query": {"user_id": "{{ trigger.body.user_id }}"},
            },
        ),
    ),
)
