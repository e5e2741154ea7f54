"""app.redis: n8n's Redis node operations on a user's Redis server: get, set (with an
expiry), delete, incr, keys, push, pop and publish."""

from __future__ import annotations

from typing import Any, Literal

import redis
from pydantic import Field, field_validator

from integrations.operations import OperationConfig, used_by
from integrations.redis import store
from integrations.redis.credentials import Connection
from integrations.service import credential_for
from workfuse.lib.node_run import NodeError, RunContext
from workfuse.lib.node_types import NodeType

MAX_KEYS = 10_000
KeyType = Literal["automatic", "string", "hash", "list", "set"]


class Config(OperationConfig):
    credential: int | None = Field(
        None, ge=1, description="Your Redis connection credential. Needed to run."
    )
    operation: Literal["get", "set", "delete", "incr", "keys", "push", "pop", "publish"] = Field(
        "get",
        description="get: read a key's value; set: write one; delete: remove a key; incr: add "
        "1 to a counter; keys: list the keys matching a pattern; push / pop: add to or take "
        "from a list; publish: send a message to a channel.",
    )
    key: str = Field(
        "",
        description="The key, e.g. session:{{ trigger.body.user }}.",
        json_schema_extra=used_by("get", "set", "delete", "incr", required=True),
    )
    key_type: KeyType = Field(
        "automatic",
        description="get: read the key as this type (automatic: whatever it is); set: write "
        "as this type (automatic: a list as a list, an object as a hash, else a string).",
        json_schema_extra=used_by("get", "set"),
    )
    value: Any = Field(
        "",
        description="The value to write: text (anything else is stored as JSON), a list for a "
        "list or set, an object for a hash.",
        json_schema_extra=used_by("set"),
    )
    ttl_seconds: int | str | None = Field(
        None,
        description="Expire the key after this many seconds (empty: never), or a template "
        "giving them.",
        json_schema_extra=used_by("set", "incr"),
    )
    pattern: str = Field(
        "",
        description="The keys to list, with * and ? wildcards, e.g. session:*.",
        json_schema_extra=used_by("keys", required=True),
    )
    get_values: bool = Field(
        True, description="Read each key's value too.", json_schema_extra=used_by("keys")
    )
    max_keys: int = Field(
        1000,
        ge=1,
        le=MAX_KEYS,
        description="List at most this many keys (up to 10000); truncated says if there were more.",
        json_schema_extra=used_by("keys"),
    )
    list: str = Field(
        "",
        description="The list's key.",
        json_schema_extra=used_by("push", "pop", required=True),
    )
    tail: bool = Field(
        False,
        description="Push to or pop from the end of the list (the right) instead of its start.",
        json_schema_extra=used_by("push", "pop"),
    )
    channel: str = Field(
        "",
        description="The channel to publish to.",
        json_schema_extra=used_by("publish", required=True),
    )
    message: Any = Field(
        "",
        description="The message to push or publish: text (anything else is sent as JSON).",
        json_schema_extra=used_by("push", "publish"),
    )
    timeout_seconds: int = Field(
        10, ge=1, le=120, description="Wait at most this many seconds for Redis's answer."
    )

    @field_validator("ttl_seconds", mode="before")
    @classmethod
    def _ttl(cls, value: Any) -> Any:
        if value is None or value == "":
            return None
        if isinstance(value, str):
            if "{{" in value or "{%" in value:
                return value
            if not value.strip().isdigit():
                raise ValueError("must be a whole number of seconds or a template")
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int | float) or value < 1:
            raise ValueError("must be a whole number of seconds, 1 or more")
        return int(value)


def _ttl_of(config: Config) -> int | None:
    if isinstance(config.ttl_seconds, str):
        raise NodeError("ttl_seconds must be a whole number of seconds once rendered.")
    return config.ttl_seconds


def _get(config: Config, client: redis.Redis) -> dict[str, Any]:
    kind, value = store.get_value(client, config.key, config.key_type)
    return {"key": config.key, "type": kind, "value": value}


def _set(config: Config, client: redis.Redis) -> dict[str, Any]:
    ttl = _ttl_of(config)
    kind = store.set_value(client, config.key, config.value, config.key_type, ttl)
    return {"key": config.key, "type": kind, "ttl_seconds": ttl}


def _delete(config: Config, client: redis.Redis) -> dict[str, Any]:
    return {"key": config.key, "deleted": bool(client.delete(config.key))}


def _incr(config: Config, client: redis.Redis) -> dict[str, Any]:
    with client.pipeline(transaction=True) as pipe:
        pipe.incr(config.key)
        ttl = _ttl_of(config)
        if ttl:
            pipe.expire(config.key, ttl)
        value = pipe.execute()[0]
    return {"key": config.key, "value": value}


def _keys(config: Config, client: redis.Redis) -> dict[str, Any]:
    keys, truncated = store.scan_keys(client, config.pattern, config.max_keys)
    output: dict[str, Any] = {"keys": keys, "count": len(keys), "truncated": truncated}
    if config.get_values:
        output["values"] = {key: store.get_value(client, key)[1] for key in keys}
    return output


def _push(config: Config, client: redis.Redis) -> dict[str, Any]:
    push = client.rpush if config.tail else client.lpush
    return {"list": config.list, "length": push(config.list, store.text(config.message))}


def _pop(config: Config, client: redis.Redis) -> dict[str, Any]:
    pop = client.rpop if config.tail else client.lpop
    return {"list": config.list, "value": store.parsed(pop(config.list))}  # type: ignore[arg-type]


def _publish(config: Config, client: redis.Redis) -> dict[str, Any]:
    receivers = client.publish(config.channel, store.text(config.message))
    return {"channel": config.channel, "receivers": receivers}


OPERATIONS = {
    "get": _get,
    "set": _set,
    "delete": _delete,
    "incr": _incr,
    "keys": _keys,
    "push": _push,
    "pop": _pop,
    "publish": _publish,
}


def run(config: Config, ctx: RunContext) -> dict[str, Any]:
    """get: {key, type, value}; set: {key, type, ttl_seconds}; delete: {key, deleted};
    incr: {key, value}; keys: {keys, count, truncated, values?}; push: {list, length};
    pop: {list, value}; publish: {channel, receivers}."""
    secret, _ = credential_for(ctx, config.operation, Connection)
    operation = OPERATIONS[config.operation]
    return store.call(
        secret,
        f"the {config.operation} operation",
        config.timeout_seconds,
        lambda client: operation(config, client),
    )


NODE = NodeType(
    type="app.redis",
    label="Redis",
    category="app",
    description="Gets, sets (with an expiry), deletes and increments keys, lists keys, pushes "
    "to and pops from lists and publishes messages on your Redis server.",
    Config=Config,
    run=run,
    credential_kinds=(Connection.kind,),
    icon="◆",
    examples=(
        (
            "Remember the webhook's status for an hour under status:<order id>, credential 4",
            {
                "credential": 4,
                "operation": "set",
                "key": "status:{{ trigger.body.order_id }}",
                "value": "{{ trigger.body.status }}",
                "ttl_seconds": 3600,
            },
        ),
        (
            "Read the session stored under session:<id from the webhook>",
            {"operation": "get", "key": "session:{{ trigger.body.id }}"},
        ),
        ("Delete the key lock:report", {"operation": "delete", "key": "lock:report"}),
        (
            "List the keys starting with session: without their values",
            {"operation": "keys", "pattern": "session:*", "get_values": False},
        ),
        ("Take the next job from the start of the list jobs", {"operation": "pop", "list": "jobs"}),
        (
            "Publish the webhook body as JSON to the channel orders",
            {"operation": "publish", "channel": "orders", "message": "{{ trigger.body | tojson }}"},
        ),
        (
            "Count this visitor's requests, resetting after a minute",
            {
                "operation": "incr",
                "key": "hits:{{ trigger.body.ip }}",
                "ttl_seconds": 60,
            },
        ),
        (
            "Append the chat message to the buffer list of its sender",
            {
                "operation": "push",
                "list": "chat-buffer:{{ trigger.body.from }}",
                "message": "{{ trigger.body.text }}",
                "tail": True,
            },
        ),
    ),
)
