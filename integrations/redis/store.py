"""Talking to a user's Redis server with redis-py.

As for the SQL servers, the host is resolved once and judged by the private-network guard
(`netguard.checked_addresses`); the connection class below connects to that very address, so
no second lookup can lead elsewhere, while TLS still checks the certificate against the host
name. Every command waits at most `timeout` seconds for its answer.
"""

from __future__ import annotations

import json
import socket
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

import redis
from redis import exceptions
from redis.backoff import NoBackoff
from redis.retry import Retry

from integrations import http
from integrations.redis.credentials import Connection
from integrations.service import read_fields
from workfuse.lib import netguard
from workfuse.lib.node_run import NodeError, Secret

API = http.Api("Redis")
CONNECT_TIMEOUT = 10
T = TypeVar("T")


def _pinned(address: str, tls: bool) -> type[redis.Connection]:
    """A connection class that opens its socket to `address` (the guarded one) instead of
    resolving its host again; SSLConnection wraps that socket, naming the host."""

    class Pinned(redis.Connection):
        def _connect(self) -> socket.socket:
            sock = socket.create_connection((address, int(self.port)), self.socket_connect_timeout)
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            sock.settimeout(self.socket_timeout)
            return sock

    if not tls:
        return Pinned

    class PinnedTLS(redis.SSLConnection, Pinned):
        pass

    return PinnedTLS


@contextmanager
def connect(secret: Secret, timeout: int) -> Iterator[redis.Redis]:
    fields = read_fields(Connection, secret)
    try:
        address = netguard.checked_addresses(fields.host, fields.port)[0]
    except netguard.PrivateTargetError as refused:
        raise NodeError(str(refused), detail={"host": refused.host}) from None
    except (OSError, IndexError):
        raise NodeError(
            f"Could not reach Redis: the host {fields.host} does not resolve.", retryable=True
        ) from None
    tls: dict[str, Any] = {}
    if fields.tls:
        verify = fields.tls_verify
        tls = {"ssl_cert_reqs": "required" if verify else "none", "ssl_check_hostname": verify}
    pool = redis.ConnectionPool(
        connection_class=_pinned(str(address), fields.tls),
        host=fields.host,
        port=fields.port,
        db=fields.database,
        username=fields.username or None,
        password=fields.password.get_secret_value() if fields.password else None,
        socket_connect_timeout=CONNECT_TIMEOUT,
        socket_timeout=timeout,
        decode_responses=True,
        encoding_errors="replace",  # a binary value comes back readable, never as an error
        client_name="WorkFuse",
        protocol=2,  # RESP2, which every Redis speaks (HELLO needs Redis 6)
        retry=Retry(NoBackoff(), 0),  # the engine's retry policy decides, with its own backoff
        **tls,
    )
    client = redis.Redis(connection_pool=pool)
    try:
        yield client
    finally:
        client.close()
        pool.disconnect()


def call(secret: Secret, what: str, timeout: int, action: Callable[[redis.Redis], T]) -> T:
    """`action` on a connected client; Redis's failures as NodeErrors naming `what`."""
    with connect(secret, timeout) as client:
        try:
            return action(client)
        except exceptions.RedisError as error:
            raise failure(secret, what, error) from None


def failure(secret: Secret, what: str, error: exceptions.RedisError) -> NodeError:
    said = str(error).strip() or type(error).__name__
    detail = {"error": said}
    if isinstance(error, exceptions.AuthenticationError | exceptions.AuthorizationError):
        return http.auth_error(API, secret, said)
    if isinstance(error, exceptions.ResponseError) and said.startswith(("WRONGPASS", "NOAUTH")):
        return http.auth_error(API, secret, said)
    if isinstance(error, exceptions.TimeoutError):
        return NodeError(
            f"Redis did not answer {what} within timeout_seconds: {said}",
            retryable=True,
            detail=detail,
        )
    if isinstance(error, exceptions.ConnectionError | exceptions.BusyLoadingError):
        return NodeError(f"Could not reach Redis: {said}", retryable=True, detail=detail)
    return NodeError(f"Redis refused {what}: {said}", detail=detail)


# --- reading and writing values, as n8n's Redis node does -----------------------------------


def get_value(client: redis.Redis, key: str, key_type: str = "automatic") -> tuple[str, Any]:
    """(the key's type, its value): a string, a hash as an object, a list or a set as a list;
    (none, None) for a missing key."""
    if key_type == "automatic":
        key_type = str(client.type(key))
    if key_type == "string":
        return key_type, client.get(key)
    if key_type == "hash":
        return key_type, client.hgetall(key)
    if key_type == "list":
        return key_type, client.lrange(key, 0, -1)
    if key_type in ("set", "sets"):
        return "set", sorted(client.smembers(key))
    return key_type, None


def set_value(client: redis.Redis, key: str, value: Any, key_type: str, ttl: int | None) -> str:
    """Write `value` as `key_type` (automatic: a list is a list, an object a hash, anything
    else a string) in one transaction, with an expiry when `ttl` is given; the type written."""
    if key_type == "automatic":
        key_type = "list" if isinstance(value, list) else "hash" if isinstance(value, dict) else ""
        key_type = key_type or "string"
    with client.pipeline(transaction=True) as pipe:
        if key_type == "string":
            pipe.set(key, text(value))
        elif key_type == "hash":
            if not isinstance(value, dict) or not value:
                raise NodeError("value must be a non-empty object of fields for a hash.")
            pipe.hset(key, mapping={k: text(v) for k, v in value.items()})
        elif key_type in ("list", "set", "sets"):
            members = [text(v) for v in (value if isinstance(value, list) else [value])]
            if key_type == "list":
                pipe.delete(key)  # the list becomes exactly `value`
                if members:
                    pipe.rpush(key, *members)
            elif members:
                pipe.sadd(key, *members)
        if ttl:
            pipe.expire(key, ttl)
        pipe.execute()
    return "set" if key_type == "sets" else key_type


def text(value: Any) -> str:
    """A value as Redis stores it: text as it is, anything else as JSON."""
    return value if isinstance(value, str) else json.dumps(value)


def parsed(value: str | None) -> Any:
    """A popped message as n8n reads it: JSON when it is JSON, else the text."""
    if value is None:
        return None
    try:
        return json.loads(value)
    except ValueError:
        return value


def scan_keys(client: redis.Redis, pattern: str, limit: int) -> tuple[list[str], bool]:
    """Up to `limit` keys matching `pattern` (SCAN, which never blocks the server as KEYS
    does), sorted; and whether there were more."""
    found: list[str] = []
    for key in client.scan_iter(match=pattern, count=500):
        if len(found) == limit:
            return sorted(found), True
        found.append(str(key))
    return sorted(found), False


def check_connection(secret: Secret) -> str:
    """PING and the server's version, changing nothing."""
    fields = read_fields(Connection, secret)

    def ping(client: redis.Redis) -> str:
        client.ping()
        info = client.info("server")
        return str(info.get("redis_version", "?"))

    version = call(secret, "PING", CONNECT_TIMEOUT, ping)
    return f"Connected to Redis {version} on database {fields.database}."
