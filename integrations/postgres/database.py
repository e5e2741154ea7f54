"""Talking to a user's PostgreSQL server with psycopg.

The server is an outbound target like any HTTP API: its host is resolved once and judged by
the private-network guard (`netguard.checked_addresses`), then libpq connects to that very
address (`hostaddr`), so no second lookup can lead elsewhere; `host` is still given for TLS
certificate checks. libpq's other sources of settings (PG* variables, ~/.pgpass, service
files) could hand a user's step the operator's own credentials, so the password file is
pinned to nothing and every parameter is given.

Values go to the server as parameters, never formatted into the SQL; each statement runs
under a `statement_timeout` and at most `max_rows` rows are read. `query_given` is the one
deliberate exception, for SQL text written elsewhere (an agent's argument): it runs exactly one
statement, and PostgreSQL itself keeps it from changing anything unless the node says it may.
"""

from __future__ import annotations

import base64
import datetime
import decimal
import ipaddress
import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import psycopg
from psycopg import errors, pq
from psycopg.rows import dict_row
from psycopg.types.json import Jsonb

from integrations import http
from integrations.postgres.credentials import Connection
from integrations.service import read_fields
from workfuse.lib import netguard
from workfuse.lib.node_run import NodeError, Secret

API = http.Api("PostgreSQL")
CONNECT_TIMEOUT = 10
# SQLSTATE classes and codes after which a later attempt may succeed.
PASSING_CLASSES = ("08", "53", "57P")  # connection, resources, operator intervention
PASSING_CODES = {"40001", "40P01"}  # serialization failure, deadlock
AUTH_CODES = {"28P01", "28000"}  # invalid password, no access for this user/database
AUTH_SIGNS = ("authentication failed", "pg_hba.conf", "no password supplied")


@dataclass(frozen=True)
class Result:
    columns: list[str]
    rows: list[dict[str, Any]]
    row_count: int
    truncated: bool


@contextmanager
def connect(secret: Secret, api: http.Api = API) -> Iterator[psycopg.Connection[dict[str, Any]]]:
    """`api` names the server in messages: QuestDB speaks PostgreSQL's wire protocol too."""
    fields = read_fields(Connection, secret)
    try:
        address = netguard.checked_addresses(fields.host, fields.port)[0]
    except netguard.PrivateTargetError as refused:
        raise NodeError(str(refused), detail={"host": refused.host}) from None
    except (OSError, IndexError):
        raise NodeError(
            f"Could not reach {api.service}: the host {fields.host} does not resolve.",
            retryable=True,
        ) from None
    try:
        connection = psycopg.connect(
            host=fields.host,
            hostaddr=str(address),
            port=fields.port,
            dbname=fields.database,
            user=fields.username,
            password=fields.password.get_secret_value(),
            sslmode=fields.sslmode,
            passfile=os.devnull,
            connect_timeout=CONNECT_TIMEOUT,
            application_name="WorkFuse",
            row_factory=dict_row,
        )
    except psycopg.Error as error:
        raise _connect_failure(secret, error, api) from None
    try:
        yield connection
    finally:
        connection.close()


def query(
    secret: Secret, statement: str, parameters: dict[str, Any] | None, max_rows: int, timeout: int
) -> Result:
    """Run one statement (named `%(name)s` parameters) in a transaction that commits when it
    succeeds."""
    values = {name: _adapt(value) for name, value in (parameters or {}).items()}
    with connect(secret) as connection:
        try:
            with connection.transaction(), connection.cursor() as cursor:
                cursor.execute("SELECT set_config('statement_timeout', %s, true)", [f"{timeout}s"])
                cursor.execute(statement, values or None)
                return _result(cursor, max_rows)
        except KeyError as missing:
            raise NodeError(
                f"The SQL uses the parameter %({missing.args[0]})s, which parameters does not give."
            ) from None
        except errors.QueryCanceled:
            raise NodeError(
                f"The statement ran longer than timeout_seconds ({timeout} s) and was cancelled."
            ) from None
        except psycopg.Error as error:
            raise failure(secret, "the query", error) from None


def query_given(
    secret: Secret, statement: str, read_only: bool, max_rows: int, timeout: int
) -> Result:
    """Run the SQL text `statement` as it is: one statement, no parameters (a `%` is a percent
    sign). With `read_only` the transaction is READ ONLY and rolled back afterwards, so
    PostgreSQL refuses any write; without, it commits when the statement succeeds."""
    with connect(secret) as connection:
        connection.read_only = read_only  # psycopg opens the transaction with BEGIN READ ONLY
        try:
            with (
                connection.transaction(force_rollback=read_only),
                connection.cursor() as cursor,
            ):
                # This first query takes the transaction's snapshot; from then on PostgreSQL
                # refuses to switch it to read-write (SET TRANSACTION READ WRITE in the text).
                cursor.execute("SELECT set_config('statement_timeout', %s, true)", [f"{timeout}s"])
                _one_statement(connection, statement)
                cursor.execute(statement)  # no parameters: psycopg sends the text untouched
                if (
                    cursor.pgresult is not None
                    and cursor.pgresult.status == pq.ExecStatus.EMPTY_QUERY
                ):
                    raise NodeError("statement holds no SQL statement, only comments or nothing.")
                return _result(cursor, max_rows)
        except errors.QueryCanceled:
            raise NodeError(
                f"The statement ran longer than timeout_seconds ({timeout} s) and was cancelled."
            ) from None
        except errors.ReadOnlySqlTransaction as error:
            said = (error.diag.message_primary or str(error)).strip()
            raise NodeError(
                f"PostgreSQL refused the statement: {said} (SQLSTATE 25006). read_only is on, so "
                "the statement may only read; turn read_only off to let it change data.",
                detail={"sqlstate": "25006", "error": said},
            ) from None
        except psycopg.Error as error:
            raise failure(secret, "the statement", error) from None


def _one_statement(connection: psycopg.Connection[Any], statement: str) -> None:
    """Let PostgreSQL's own parser count the statements: the simple query protocol (which
    psycopg uses without parameters) would run `SELECT 1; DELETE ...` whole, but a prepared
    statement holds one command only. The unnamed statement leaves nothing behind on a
    pooled server connection."""
    encoding = connection.info.encoding
    try:
        text = statement.encode(encoding)
    except UnicodeEncodeError:
        raise NodeError(
            f"statement holds characters the database's encoding ({encoding}) cannot carry."
        ) from None
    prepared = connection.pgconn.prepare(b"", text)
    if prepared.status == pq.ExecStatus.FATAL_ERROR:
        error = errors.error_from_result(prepared, encoding=encoding)
        if error.sqlstate == "42601" and "multiple commands" in str(error):
            raise NodeError(
                "statement holds several SQL statements; the query_from_text operation runs "
                "exactly one (a trailing ; is fine)."
            )
        raise error


def _result(cursor: psycopg.Cursor[dict[str, Any]], max_rows: int) -> Result:
    if cursor.description is None:
        return Result([], [], cursor.rowcount, False)
    rows = cursor.fetchmany(max_rows + 1)
    columns = [column.name for column in cursor.description]
    truncated = len(rows) > max_rows
    return Result(columns, [json_safe(r) for r in rows[:max_rows]], cursor.rowcount, truncated)


def _adapt(value: Any) -> Any:
    # A JSON object goes in as jsonb; lists become arrays, the rest as they are.
    return Jsonb(value) if isinstance(value, dict) else value


def json_safe(value: Any) -> Any:
    """A value read from PostgreSQL as JSON can carry it: dates and times in ISO 8601,
    numerics as exact strings, UUIDs and addresses as text, bytes as base64."""
    if isinstance(value, dict):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_safe(v) for v in value]
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, datetime.timedelta):
        return value.total_seconds()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, bytes | bytearray | memoryview):
        return base64.b64encode(bytes(value)).decode("ascii")
    if isinstance(value, uuid.UUID | ipaddress.IPv4Address | ipaddress.IPv6Address):
        return str(value)
    return str(value)


def failure(secret: Secret, what: str, error: psycopg.Error, api: http.Api = API) -> NodeError:
    code = error.sqlstate or ""
    said = (error.diag.message_primary if error.diag else None) or str(error).strip()
    text = f"{said} (SQLSTATE {code})" if code else said
    detail = {"sqlstate": code or None, "error": said}
    if code in AUTH_CODES:
        return http.auth_error(api, secret, text)
    if code in PASSING_CODES or code.startswith(PASSING_CLASSES):
        return NodeError(
            f"{api.service} failed {what}: {text}; it may pass later.",
            retryable=True,
            detail=detail,
        )
    if isinstance(error, psycopg.OperationalError) and not code:
        # No answer from a server: refused, timed out, lost. libpq says which.
        return NodeError(f"Could not reach {api.service}: {said}", retryable=True, detail=detail)
    return NodeError(f"{api.service} refused {what}: {text}", detail=detail)


def _connect_failure(secret: Secret, error: psycopg.Error, api: http.Api) -> NodeError:
    """libpq reports a refused login as text without its SQLSTATE, so the text decides: a
    server's FATAL refusal of the user or password names the credential; no answer is retried."""
    said = str(error).strip()
    reason = said.rpartition("FATAL:")[2].strip() if "FATAL:" in said else said
    lowered = said.lower()
    if any(sign in lowered for sign in AUTH_SIGNS) or (
        'role "' in said and "does not exist" in said
    ):
        return http.auth_error(api, secret, reason)
    if "FATAL:" in said:
        return NodeError(
            f"{api.service} refused the connection: {reason}", detail={"error": reason}
        )
    return NodeError(
        f"Could not reach {api.service}: {said}", retryable=True, detail={"error": said}
    )


def check_connection(secret: Secret) -> str:
    """SELECT 1 (and the server's version), changing nothing."""
    fields = read_fields(Connection, secret)
    with connect(secret) as connection:
        try:
            row = connection.execute("SELECT 1 AS ok, current_setting('server_version') AS v")
            answer = row.fetchone() or {}
        except psycopg.Error as error:
            raise failure(secret, "SELECT 1", error) from None
    return (
        f"Connected to PostgreSQL {answer.get('v', '?')} as {fields.username} on the database "
        f"{fields.database}."
    )
