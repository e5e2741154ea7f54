"""Talking to a user's MySQL or MariaDB server with PyMySQL.

The server is an outbound target like any HTTP API: its host is resolved once and judged by
the private-network guard (`netguard.checked_addresses`), and PyMySQL is handed a socket
already connected to that very address, so no second lookup can lead elsewhere; the host name
still names the server for TLS certificate checks. No option file is read: every setting is
given.

PyMySQL puts values into the SQL itself, escaped for the connection's character set (as n8n's
mysql2 does); they never become SQL. Each statement runs under the server's statement time
limit (MariaDB's max_statement_time; MySQL's max_execution_time, which bounds SELECTs only)
with the socket's read timeout a little longer as a backstop, and at most `max_rows` rows are
kept: the rest are read off the wire and dropped, never held in memory.
"""

from __future__ import annotations

import datetime
import json
import socket
import ssl
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import pymysql
from pymysql import converters
from pymysql.constants import FIELD_TYPE
from pymysql.cursors import SSDictCursor

from integrations import http
from integrations.mysql.credentials import Connection
from integrations.postgres.database import json_safe
from integrations.service import read_fields
from workfuse.lib import netguard
from workfuse.lib.node_run import NodeError, Secret

API = http.Api("MySQL")
CONNECT_TIMEOUT = 10
BACKSTOP_SECONDS = 5  # the socket waits this much longer than the server's own time limit
AUTH_CODES = {1044, 1045, 1698}  # no access to the database, wrong password, no such login
UNREACHABLE_CODES = {2003, 2006, 2013}  # cannot connect, server gone, connection lost
PASSING_CODES = {1040, 1053, 1205, 1213}  # too many connections, shutdown, lock wait, deadlock
TIMEOUT_CODES = {1969, 3024}  # MariaDB's max_statement_time, MySQL's max_execution_time
CONVERSIONS = {**converters.conversions, FIELD_TYPE.JSON: json.loads}


@dataclass(frozen=True)
class Result:
    columns: list[str]
    rows: list[dict[str, Any]]
    row_count: int
    truncated: bool
    insert_id: int | None


def _tls(fields: Connection) -> dict[str, Any]:
    """PyMySQL's TLS arguments for the credential's ssl_mode; PyMySQL's own default (no
    argument) is MySQL's PREFERRED."""
    if fields.ssl_mode == "disabled":
        return {"ssl_disabled": True}
    if fields.ssl_mode == "preferred":
        return {}
    context = ssl.create_default_context(cadata=fields.ca_certificate)
    context.check_hostname = fields.ssl_mode == "verify_identity"
    if fields.ssl_mode == "required":
        context.verify_mode = ssl.CERT_NONE
    return {"ssl": context}


@contextmanager
def connect(secret: Secret, timeout: int) -> Iterator[pymysql.Connection[Any]]:
    """A connection whose statements are bounded by `timeout` seconds, closed afterwards."""
    fields = read_fields(Connection, secret)
    try:
        address = netguard.checked_addresses(fields.host, fields.port)[0]
    except netguard.PrivateTargetError as refused:
        raise NodeError(str(refused), detail={"host": refused.host}) from None
    except (OSError, IndexError):
        raise NodeError(
            f"Could not reach MySQL: the host {fields.host} does not resolve.", retryable=True
        ) from None
    password = fields.password.get_secret_value() if fields.password else ""
    connection = pymysql.Connection(
        host=fields.host,
        port=fields.port,
        user=fields.username,
        password=password,
        database=fields.database,
        charset="utf8mb4",
        conv=CONVERSIONS,
        connect_timeout=CONNECT_TIMEOUT,
        read_timeout=timeout + BACKSTOP_SECONDS,
        write_timeout=timeout + BACKSTOP_SECONDS,
        program_name="WorkFuse",
        defer_connect=True,
        **_tls(fields),
    )
    try:
        sock = socket.create_connection((str(address), fields.port), CONNECT_TIMEOUT)
        connection.connect(sock)
        _limit_statements(connection, timeout)
    except ssl.SSLError as error:
        raise NodeError(
            f"MySQL's TLS failed ({error.reason or error}): check ssl_mode and ca_certificate "
            "on the credential.",
            detail={"error": str(error)},
        ) from None
    except OSError as error:
        raise NodeError(f"Could not reach MySQL: {error}", retryable=True) from None
    except pymysql.MySQLError as error:
        raise failure(secret, "the connection", error) from None
    try:
        yield connection
    finally:
        if connection.open:
            connection.close()


def _limit_statements(connection: pymysql.Connection[Any], timeout: int) -> None:
    with connection.cursor() as cursor:
        if "MariaDB" in connection.get_server_info():
            cursor.execute("SET SESSION max_statement_time = %s", [timeout])
        else:
            cursor.execute("SET SESSION max_execution_time = %s", [timeout * 1000])


def query(
    secret: Secret,
    statement: str,
    parameters: Mapping[str, Any] | Sequence[Any] | None,
    max_rows: int,
    timeout: int,
) -> Result:
    """Run one statement (named `%(name)s` or positional `%s` parameters) in a transaction that
    commits when it succeeds."""
    values = _adapt(parameters)
    with connect(secret, timeout) as connection:
        try:
            with connection.cursor(SSDictCursor) as cursor:
                cursor.execute(statement, values)
                if not cursor.description:
                    result = Result([], [], cursor.rowcount, False, cursor.lastrowid or None)
                else:
                    rows = cursor.fetchmany(max_rows + 1)
                    columns = [column[0] for column in cursor.description]
                    kept = [_row(row) for row in rows[:max_rows]]
                    result = Result(columns, kept, len(kept), len(rows) > max_rows, None)
            connection.commit()
        except (KeyError, TypeError, ValueError) as error:
            raise _format_failure(error) from None
        except pymysql.MySQLError as error:
            raise failure(secret, "the query", error, timeout) from None
    return result


def _adapt(parameters: Mapping[str, Any] | Sequence[Any] | None) -> Any:
    # A JSON object or list goes in as JSON text, as n8n sends it.
    def one(value: Any) -> Any:
        return json.dumps(value) if isinstance(value, dict | list) else value

    if isinstance(parameters, Mapping):
        # No parameters at all: the SQL is sent as written, a literal % needs no doubling.
        return {name: one(value) for name, value in parameters.items()} or None
    return None if parameters is None else [one(value) for value in parameters]


def _row(row: dict[str, Any]) -> dict[str, Any]:
    # MySQL's TIME comes back as a timedelta: keep it as the server shows it (n8n does too).
    return {
        name: _time_text(value) if isinstance(value, datetime.timedelta) else json_safe(value)
        for name, value in row.items()
    }


def _time_text(value: datetime.timedelta) -> str:
    seconds = int(value.total_seconds())
    sign, seconds = ("-" if seconds < 0 else ""), abs(seconds)
    return f"{sign}{seconds // 3600:02d}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"


def _format_failure(error: Exception) -> NodeError:
    """PyMySQL fills the SQL's %(name)s and %s in with Python's % operator."""
    if isinstance(error, KeyError):
        return NodeError(
            f"The SQL uses the parameter %({error.args[0]})s, which parameters does not give."
        )
    return NodeError(
        f"The SQL's parameters do not fit its placeholders ({error}): use %(name)s with an "
        "object of parameters, and write a literal % as %% when there are parameters."
    )


def failure(
    secret: Secret, what: str, error: pymysql.MySQLError, timeout: int | None = None
) -> NodeError:
    code = error.args[0] if error.args and isinstance(error.args[0], int) else 0
    said = str(error.args[1] if len(error.args) > 1 else error).strip()
    text = f"{said} (error {code})" if code else said
    detail = {"code": code or None, "error": said}
    if code in AUTH_CODES:
        return http.auth_error(API, secret, text)
    if code in TIMEOUT_CODES or (timeout and code == 2013 and "timed out" in said):
        return NodeError(
            f"The statement ran longer than timeout_seconds ({timeout} s) and was cancelled.",
            detail=detail,
        )
    if code in UNREACHABLE_CODES:
        return NodeError(f"Could not reach MySQL: {text}", retryable=True, detail=detail)
    if code in PASSING_CODES:
        return NodeError(
            f"MySQL failed {what}: {text}; it may pass later.", retryable=True, detail=detail
        )
    return NodeError(f"MySQL refused {what}: {text}", detail=detail)


def check_connection(secret: Secret) -> str:
    """SELECT 1 (and the server's version), changing nothing."""
    fields = read_fields(Connection, secret)
    with connect(secret, CONNECT_TIMEOUT) as connection:
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")
        except pymysql.MySQLError as error:
            raise failure(secret, "SELECT 1", error) from None
        # MariaDB's handshake puts 5.5.5- before its own version for old clients' sake.
        version = connection.get_server_info().removeprefix("5.5.5-")
    return f"Connected to MySQL {version} as {fields.username} on the database {fields.database}."
