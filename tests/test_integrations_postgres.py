"""app.postgres against the machine's PostgreSQL (a private database, tests/fakes/postgres.py):
the query's parameters, rows and JSON-safe values, the bounds (rows, time), errors mapped to
what the engine retries or not, a refused password (a wire-level fake), the private-network
guard, the credential test, and a run through the engine with a stored credential."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from credentials import store
from executions import engine
from executions.models import Step
from integrations.postgres import database
from tests.app_nodes import app_error, run_app
from tests.engine_helpers import chain, make_workflow
from tests.fakes.postgres import Server, fake_postgres, private_database
from workfuse.lib.node_run import NodeError, Secret

PG = "app.postgres"
PASSWORD = "pg-Secret-Pass-8812"


@pytest.fixture(scope="module")
def server() -> Iterator[Server]:
    with private_database() as created:
        with created.connect() as connection:
            connection.execute(
                "CREATE TABLE orders (id int PRIMARY KEY, email text, total numeric(10,2), "
                "placed timestamptz, ref uuid, tags text[], data jsonb, raw bytea)"
            )
        yield created


@pytest.fixture
def db(server: Server, settings: Any) -> Server:
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    with server.connect() as connection:
        connection.execute("TRUNCATE orders")
    return server


def conn(server: Server, password: str = PASSWORD, **changes: Any) -> Secret:
    settings = {
        "host": server.host,
        "port": server.port,
        "database": server.database,
        "username": server.username,
        "sslmode": "disable",
        **changes,
    }
    return Secret("postgres", {"password": password}, settings, name="Shop DB")


def query(server: Server, sql: str, **config: Any) -> Any:
    return run_app(PG, {"sql": sql, **config}, conn(server))


# --- the query -----------------------------------------------------------------------------------


def test_an_insert_takes_named_parameters_and_commits(db):
    output = query(
        db,
        "INSERT INTO orders (id, email, total, tags, data) "
        "VALUES (%(id)s, %(email)s, %(total)s, %(tags)s, %(data)s) RETURNING id, email",
        parameters={
            "id": 7,
            "email": "ada'); DROP TABLE orders; --",
            "total": "12.50",
            "tags": ["new", "vip"],
            "data": {"source": "web"},
        },
    )

    assert output == {
        "rows": [{"id": 7, "email": "ada'); DROP TABLE orders; --"}],
        "row_count": 1,
        "columns": ["id", "email"],
        "truncated": False,
    }
    with db.connect() as connection:
        row = connection.execute("SELECT email, total, tags, data FROM orders").fetchone()
    assert row is not None and row[0] == "ada'); DROP TABLE orders; --"  # a value, not SQL
    assert (str(row[1]), row[2], row[3]) == ("12.50", ["new", "vip"], {"source": "web"})


def test_values_come_back_json_safe(db):
    with db.connect() as connection:
        connection.execute(
            "INSERT INTO orders VALUES (1, 'a@x.org', 19.99, '2026-03-01 10:30:00+00', "
            "'0b5d5e0e-4b8a-4c0e-9d1a-2f7b2b9c1a11', '{a}', '{\"n\": 1}', '\\xff00')"
        )
    output = query(db, "SELECT *, now() - placed > interval '0' AS past FROM orders")

    [row] = output["rows"]
    assert row["total"] == "19.99"
    assert row["placed"] == "2026-03-01T10:30:00+00:00"
    assert row["ref"] == "0b5d5e0e-4b8a-4c0e-9d1a-2f7b2b9c1a11"
    assert (row["tags"], row["data"], row["raw"], row["past"]) == (["a"], {"n": 1}, "/wA=", True)
    json.dumps(output)  # storable as a step's output


def test_an_update_without_rows_answers_the_row_count(db):
    with db.connect() as connection:
        connection.execute("INSERT INTO orders (id, email) VALUES (1, 'a'), (2, 'b'), (3, 'c')")
    output = query(
        db, "UPDATE orders SET email = %(e)s WHERE id > %(id)s", parameters={"e": "z", "id": 1}
    )
    assert output == {"rows": [], "row_count": 2, "columns": [], "truncated": False}


def test_at_most_max_rows_are_read(db):
    output = query(db, "SELECT g AS n FROM generate_series(1, 50) g", max_rows=5)
    assert [r["n"] for r in output["rows"]] == [1, 2, 3, 4, 5]
    assert output["truncated"] is True


# --- ops ---
def test_always_output_row_gives_one_empty_row_when_none_came(db):
    sql = "SELECT * FROM orders WHERE email = %(e)s"
    output = query(db, sql, parameters={"e": "nobody"}, always_output_row=True)
    assert (output["rows"], output["row_count"]) == ([{}], 0)
    with db.connect() as connection:
        connection.execute("INSERT INTO orders (id, email) VALUES (1, 'a')")
    found = query(db, sql, parameters={"e": "a"}, always_output_row=True)
    assert [r["id"] for r in found["rows"]] == [1]


# --- end ops ---
def test_a_statement_over_its_timeout_is_cancelled(db):
    error = app_error(PG, {"sql": "SELECT pg_sleep(3)", "timeout_seconds": 1}, conn(db))
    assert "ran longer than timeout_seconds (1 s) and was cancelled" in error.message


def test_a_literal_percent_works_without_parameters_and_a_missing_parameter_is_named(db):
    assert query(db, "SELECT 'a%' LIKE 'a%' AS ok")["rows"] == [{"ok": True}]
    error = app_error(PG, {"sql": "SELECT %(id)s", "parameters": {"other": 1}}, conn(db))
    assert error.message == "PostgreSQL refused the query: query parameter missing: id"
    assert not error.retryable


def test_an_sql_error_is_not_retried_and_quotes_postgres(db):
    error = app_error(PG, {"sql": "SELECT * FROM no_such_table"}, conn(db))
    assert error.message.startswith('PostgreSQL refused the query: relation "no_such_table"')
    assert "(SQLSTATE 42P01)" in error.message and not error.retryable


def test_a_failed_statement_rolls_back(db):
    error = app_error(PG, {"sql": "INSERT INTO orders (id) VALUES (1), (1)"}, conn(db))
    assert "23505" in error.message
    with db.connect() as connection:
        assert connection.execute("SELECT count(*) FROM orders").fetchone() == (0,)


def test_parameters_must_be_an_object():
    from pydantic import ValidationError

    from integrations.postgres.node import Config

    with pytest.raises(ValidationError, match="must be a JSON object of parameter values"):
        Config.model_validate({"sql": "SELECT 1", "parameters": "[1, 2]"})
    assert Config.model_validate({"sql": "SELECT 1", "parameters": '{"a": 1}'}).parameters == {
        "a": 1
    }
    with pytest.raises(ValidationError) as caught:
        Config.model_validate({"parameters": {}})
    assert caught.value.errors()[0]["loc"] == ("sql",)


# --- the SQL given (query_from_text) ------------------------------------------------------------


def given(server: Server, statement: str, **config: Any) -> Any:
    return run_app(
        PG, {"operation": "query_from_text", "statement": statement, **config}, conn(server)
    )


def given_error(server: Server, statement: str, **config: Any) -> NodeError:
    config = {"operation": "query_from_text", "statement": statement, **config}
    return app_error(PG, config, conn(server))


def count_orders(server: Server) -> Any:
    with server.connect() as connection:
        return connection.execute("SELECT count(*) FROM orders").fetchone()


def test_the_sql_given_runs_as_written_a_percent_included(db):
    with db.connect() as connection:
        connection.execute("INSERT INTO orders (id, email) VALUES (1, 'ann@x.org'), (2, 'bo@y')")
    output = given(db, "SELECT id, email FROM orders WHERE email LIKE '%@x.org' ORDER BY id;")
    assert output == {
        "rows": [{"id": 1, "email": "ann@x.org"}],
        "row_count": 1,
        "columns": ["id", "email"],
        "truncated": False,
    }
    assert given(db, "SELECT g FROM generate_series(1, 9) g", max_rows=2)["truncated"] is True


@pytest.mark.parametrize(
    "statement",
    [
        "INSERT INTO orders (id, email) VALUES (5, 'x')",
        "DELETE FROM orders",
        "CREATE TABLE stolen (a int)",
        "WITH gone AS (DELETE FROM orders RETURNING id) SELECT * FROM gone",
    ],
)
def test_a_write_is_refused_while_read_only_is_on(db, statement):
    with db.connect() as connection:
        connection.execute("INSERT INTO orders (id, email) VALUES (1, 'a')")
    error = given_error(db, statement)
    assert error.message.startswith("PostgreSQL refused the statement: cannot execute ")
    assert "in a read-only transaction (SQLSTATE 25006)" in error.message
    assert "turn read_only off to let it change data" in error.message
    assert not error.retryable
    assert count_orders(db) == (1,)


@pytest.mark.parametrize(
    "statement",
    [
        "SET TRANSACTION READ WRITE",
        "START TRANSACTION READ WRITE",
        "SELECT set_config('transaction_read_only', 'off', true)",
    ],
)
def test_the_statement_cannot_switch_its_transaction_to_read_write(db, statement):
    error = given_error(db, statement)
    assert "read-write mode must be set before any query" in error.message
    assert not error.retryable


def test_with_read_only_off_the_statement_writes_and_commits(db):
    output = given(
        db, "INSERT INTO orders (id, email) VALUES (5, 'x') RETURNING id", read_only=False
    )
    assert (output["rows"], output["row_count"]) == ([{"id": 5}], 1)
    assert count_orders(db) == (1,)


@pytest.mark.parametrize("read_only", [True, False])
def test_several_statements_are_refused_before_any_runs(db, read_only):
    statement = "INSERT INTO orders (id) VALUES (7); SELECT 1"
    error = given_error(db, statement, read_only=read_only)
    assert error.message == (
        "statement holds several SQL statements; the query_from_text operation runs exactly "
        "one (a trailing ; is fine)."
    )
    assert count_orders(db) == (0,)


def test_a_statement_of_only_comments_is_refused(db):
    error = given_error(db, "-- nothing to see")
    assert error.message == "statement holds no SQL statement, only comments or nothing."
    assert "statement rendered empty" in given_error(db, "   ").message
    error = given_error(db, "SELECT 1\x00; DELETE FROM orders")
    assert error.message == "statement holds a NUL character, which SQL text cannot."


def test_a_statement_the_databases_encoding_cannot_carry_is_refused_by_name(db):
    latin = f"{db.database}_latin1"
    with db.connect() as connection:
        connection.execute(
            f"CREATE DATABASE \"{latin}\" ENCODING 'LATIN1' LC_COLLATE 'C' LC_CTYPE 'C' "
            "TEMPLATE template0"
        )
    try:
        server = Server(db.host, db.port, db.username, latin)
        assert given(server, "SELECT 'café' AS word")["rows"] == [{"word": "café"}]
        error = given_error(server, "SELECT '☃' AS snowman")
        assert error.message == (
            "statement holds characters the database's encoding (iso8859-1) cannot carry."
        )
    finally:
        with db.connect() as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{latin}" WITH (FORCE)')


def test_the_sql_given_keeps_the_timeout_and_quotes_postgres_errors(db):
    error = given_error(db, "SELECT pg_sleep(3)", timeout_seconds=1)
    assert "ran longer than timeout_seconds (1 s) and was cancelled" in error.message
    error = given_error(db, "SELECT * FROM no_such_table")
    assert error.message.startswith('PostgreSQL refused the statement: relation "no_such_table"')


def test_the_statement_is_needed_for_its_operation_and_sql_is_not():
    from pydantic import ValidationError

    from integrations.postgres.node import Config

    with pytest.raises(ValidationError) as caught:
        Config.model_validate({"operation": "query_from_text"})
    assert [e["loc"] for e in caught.value.errors()] == [("statement",)]
    config = Config.model_validate({"operation": "query_from_text", "statement": "SELECT 1"})
    assert config.read_only is True


# --- connecting ------------------------------------------------------------------------------------


def test_a_refused_password_names_the_credential_and_is_not_retried(settings):
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    with fake_postgres() as fake:
        server = Server("127.0.0.1", fake.port, "shop", "shopdb")
        error = app_error(PG, {"sql": "SELECT 1"}, conn(server, password="wrong-pass-1"))
    assert fake.passwords == ["wrong-pass-1"]
    assert fake.startups[0]["user"] == "shop" and fake.startups[0]["database"] == "shopdb"
    assert "PostgreSQL did not accept the credential “Shop DB”" in error.message
    assert 'password authentication failed for user "shop"' in error.message
    assert not error.retryable


def test_a_server_that_does_not_answer_is_retried(settings):
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    with fake_postgres() as fake:
        port = fake.port
    error = app_error(PG, {"sql": "SELECT 1"}, conn(Server("127.0.0.1", port, "u", "d")))
    assert error.retryable and error.message.startswith("Could not reach PostgreSQL")


def test_a_private_host_is_refused_unless_allowed(db, settings):
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = False
    with fake_postgres() as fake:
        error = app_error(PG, {"sql": "SELECT 1"}, conn(Server("localhost", fake.port, "u", "d")))
    assert "Refused to connect to" in error.message and "loopback address" in error.message
    assert not error.retryable and fake.startups == []


def test_the_host_must_be_a_name_or_address():
    from pydantic import ValidationError

    from integrations.postgres.credentials import Connection

    with pytest.raises(ValidationError, match="must be a host name or an IP address"):
        Connection.model_validate(
            {"password": "p", "host": "/var/run/postgresql", "database": "d", "username": "u"}
        )


# --- Test connection ----------------------------------------------------------------------------


def test_the_test_selects_1(db):
    message = database.check_connection(conn(db))
    assert message.startswith("Connected to PostgreSQL 1")
    assert f"as {db.username} on the database {db.database}" in message


def test_the_test_fails_on_a_refused_password(settings):
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    with (
        fake_postgres() as fake,
        pytest.raises(NodeError, match="did not accept the credential “Shop DB”"),
    ):
        database.check_connection(conn(Server("127.0.0.1", fake.port, "u", "d")))


# --- through the engine -------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_run_inserts_the_rendered_values_with_the_stored_credential(alice, db, alice_api):
    credential = store.create(
        alice,
        "Shop DB",
        "postgres",
        {
            "password": PASSWORD,
            "host": db.host,
            "port": db.port,
            "database": db.database,
            "username": db.username,
            "sslmode": "disable",
        },
    )
    node = {
        "id": "save",
        "type": PG,
        "config": {
            "credential": credential.pk,
            "sql": "INSERT INTO orders (id, email) VALUES (%(id)s, %(email)s) RETURNING *",
            "parameters": {"id": "{{ trigger.id }}", "email": "{{ trigger.email }}"},
        },
    }

    execution = engine.start_execution(make_workflow(alice, chain(node)), {"id": 9, "email": "z@x"})

    execution.refresh_from_db()
    assert execution.status == "succeeded", execution.error
    step = Step.objects.get(execution=execution, key="save")
    assert step.output["rows"][0]["email"] == "z@x" and step.output["row_count"] == 1
    assert PASSWORD not in json.dumps([step.input, step.output])
    answer = alice_api.post(f"/api/credentials/{credential.pk}/test").json()
    assert answer["ok"] is True and answer["message"].startswith("Connected to PostgreSQL")
