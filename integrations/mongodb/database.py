"""Talking to a user's MongoDB with pymongo.

pymongo opens its own sockets (it has no hook to hand it one, as PyMySQL and redis-py have),
so the private-network guard judges the servers twice: every host of the connection string
(a mongodb+srv:// name's SRV records resolved first) before the client exists, and every
server the client may send an operation to, through its `server_selector`, so a replica set
member announced at a private address is never chosen. A DNS answer that changes between the
guard's lookup and pymongo's is the gap left.

Every operation is bounded by pymongo's client-side timeout (`timeoutMS`: the server is told
maxTimeMS and the socket waits no longer); reaching a server is bounded by CONNECT_TIMEOUT.
Errors never quote the connection string or its password: pymongo's messages are cleaned of
both before they leave this module.
"""

from __future__ import annotations

import base64
import datetime
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cache
from typing import Any, TypeVar

import bson
import pymongo
from pymongo import errors, uri_parser
from pymongo.database import Database
from pymongo.server_description import ServerDescription

from integrations import http
from integrations.mongodb.credentials import Connection, scrub
from integrations.service import read_fields
from workfuse.lib import netguard
from workfuse.lib.node_run import NodeError, Secret

API = http.Api("MongoDB")
CONNECT_TIMEOUT = 10
AUTH_CODES = {18}  # AuthenticationFailed
# Passing states of a server or a replica set: shutting down, stepping down, a write conflict.
PASSING_CODES = {11600, 11602, 91, 189, 10107, 13435, 112, 262}
T = TypeVar("T")


def _seeds(uri: str) -> list[tuple[str, int]]:
    """The hosts the connection string names (a mongodb+srv:// name's SRV records resolved);
    ConfigurationError or InvalidURI when it is not one."""
    parsed = uri_parser.parse_uri(uri, connect_timeout=CONNECT_TIMEOUT)
    return [(str(host), int(port)) for host, port in parsed["nodelist"]]


def _guard(host: str, port: int) -> None:
    if host.endswith(".sock"):
        raise NodeError("The connection string names a Unix socket; name a host and port.")
    try:
        netguard.checked_addresses(host, port)
    except netguard.PrivateTargetError as refused:
        raise NodeError(str(refused), detail={"host": refused.host}) from None
    except OSError:
        raise NodeError(
            f"Could not reach MongoDB: the host {host} does not resolve.", retryable=True
        ) from None


def _selector(refused: list[str]) -> Callable[[list[ServerDescription]], list[ServerDescription]]:
    """Keeps the servers the guard allows; remembers why it dropped the others."""

    @cache
    def allowed(host: str, port: int) -> bool:
        try:
            _guard(host, port)
        except NodeError as error:
            refused.append(error.message)
            return False
        return True

    def select(servers: list[ServerDescription]) -> list[ServerDescription]:
        return [s for s in servers if allowed(str(s.address[0]), int(s.address[1] or 27017))]

    return select


@contextmanager
def connect(secret: Secret, timeout: int) -> Iterator[Database[dict[str, Any]]]:
    """The credential's database, its operations bounded by `timeout` seconds."""
    fields = read_fields(Connection, secret)
    uri = fields.connection_string.get_secret_value()
    try:
        for host, port in _seeds(uri):
            _guard(host, port)
    except (errors.ConfigurationError, ValueError) as error:
        raise NodeError(
            f"The credential's connection string is not one MongoDB reads: {_clean(secret, error)}"
        ) from None
    refused: list[str] = []
    client: pymongo.MongoClient[dict[str, Any]] = pymongo.MongoClient(
        uri,
        appname="WorkFuse",
        connect=False,
        tz_aware=True,
        serverSelectionTimeoutMS=CONNECT_TIMEOUT * 1000,
        connectTimeoutMS=CONNECT_TIMEOUT * 1000,
        timeoutMS=timeout * 1000,
        server_selector=_selector(refused),
    )
    try:
        try:
            database = client[fields.database] if fields.database else client.get_default_database()
        except errors.ConfigurationError:
            raise NodeError(
                "Name the database on the credential or in the connection string "
                "(mongodb://host/<database>)."
            ) from None
        try:
            yield database
        except errors.ServerSelectionTimeoutError:
            if refused:
                raise NodeError(refused[0]) from None
            raise
    finally:
        client.close()


def call(secret: Secret, what: str, timeout: int, action: Callable[[Database[Any]], T]) -> T:
    """`action` on the credential's database; MongoDB's failures as NodeErrors naming `what`."""
    with connect(secret, timeout) as database:
        try:
            return action(database)
        except errors.PyMongoError as error:
            raise failure(secret, what, error, timeout) from None
        except (bson.errors.InvalidDocument, bson.errors.InvalidId) as error:
            raise NodeError(f"MongoDB cannot store the {what}'s values: {error}") from None


def failure(
    secret: Secret, what: str, error: errors.PyMongoError, timeout: int | None = None
) -> NodeError:
    said = _clean(secret, error)
    code = getattr(error, "code", None)
    if isinstance(error, errors.BulkWriteError):
        first = (error.details.get("writeErrors") or [{}])[0]
        code, said = first.get("code"), _clean(secret, first.get("errmsg") or said)
    detail = {"code": code, "error": said}
    if code in AUTH_CODES:
        return http.auth_error(API, secret, said)
    if isinstance(error, errors.ServerSelectionTimeoutError):
        return NodeError(f"Could not reach MongoDB: {said}", retryable=True, detail=detail)
    if error.timeout:  # the server's maxTimeMS, or the socket's wait for its answer
        return NodeError(
            f"The {what} ran longer than timeout_seconds ({timeout} s) and was stopped.",
            detail=detail,
        )
    if isinstance(error, errors.ConnectionFailure):
        return NodeError(f"Could not reach MongoDB: {said}", retryable=True, detail=detail)
    if code in PASSING_CODES:
        return NodeError(
            f"MongoDB failed the {what}: {said}; it may pass later.", retryable=True, detail=detail
        )
    return NodeError(f"MongoDB refused the {what}: {said}", detail=detail)


def _clean(secret: Secret, error: Exception | str) -> str:
    """pymongo's message without the connection string or its password in any spelling."""
    text = str(error).strip() or type(error).__name__
    value = secret.value if isinstance(secret.value, dict) else {}
    uri = str(value.get("connection_string") or "")
    return scrub(text, uri) if uri else text


def json_safe(value: Any) -> Any:
    """A value read from MongoDB as JSON can carry it: ObjectIds as their hex, dates in ISO
    8601, Decimal128 as exact text, binary as base64, 64-bit integers as numbers."""
    if isinstance(value, dict):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_safe(v) for v in value]
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    if isinstance(value, bytes):  # bson.Binary too (a bytes subclass)
        return base64.b64encode(value).decode("ascii")
    if isinstance(value, bson.Timestamp):
        return {"t": value.time, "i": value.inc}
    if isinstance(value, bson.Regex):
        return f"/{value.pattern}/{value.flags if isinstance(value.flags, str) else ''}"
    if isinstance(value, bson.ObjectId | bson.Decimal128 | uuid.UUID):
        return str(value)
    return str(value)


def check_connection(secret: Secret) -> str:
    """ping on the credential's database, and the server's version; changes nothing."""
    with connect(secret, CONNECT_TIMEOUT) as database:
        try:
            database.command("ping")
            version = database.client.server_info().get("version", "?")
        except errors.PyMongoError as error:
            raise failure(secret, "ping", error) from None
    return f"Connected to MongoDB {version}, database {database.name}."
