"""app.mysql against the machine's MariaDB (a private database, tests/fakes/mysql.py; MYSQL_URL
names the server): n8n's MySQL v2 operations (query, select, insert, update, upsert, delete),
values as parameters, JSON-safe rows, the bounds (rows, time), errors mapped to what the engine
retries or not, a refused password (a wire-level fake), the private-network guard, the
credential test, and a run through the engine with a stored credential."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from pydantic import ValidationError

from credentials import store
from executions import engine
from executions.models import Step
from integrations.mysql import database
from integrations.mysql.credentials import Connection
from integrations.mysql.node import Config
from tests.app_nodes import app_error, run_app
from tests.engine_helpers import chain, make_workflow
from tests.fakes.mysql import Server, fake_mysql, private_database
from workfuse.lib.node_run import NodeError, Secret

pytestmark = pytest.mark.integration

MY = "app.mysql"


@pytest.fixture(scope="module")
def server() -> Iterator[Server]:
    with private_database() as created:
        with created.connect() as connection, connection.cursor() as cursor:
            cursor.execute(
                "CREATE TABLE orders (id int PRIMARY KEY, email varchar(200), total "
                "decimal(10,2), placed datetime, at_time time, data json, raw varbinary(10), "
                "status varchar(20))"
            )
            cursor.execute("CREATE TABLE `odd``name` (id int AUTO_INCREMENT PRIMARY KEY, v text)")
        yield created


@pytest.fixture
def db(server: Server, settings: Any) -> Server:
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    with server.connect() as connection, connection.cursor() as cursor:
        cursor.execute("TRUNCATE orders")
        cursor.execute("TRUNCATE `odd``name`")
    return server


def conn(server: Server, password: str | None = None, **changes: Any) -> Secret:
    settings = {
        "host": server.host,
        "port": server.port,
        "database": server.database,
        "username": server.username,
        "ssl_mode": "disabled",
        **changes,
    }
    secret = password if password is not None else server.password
    return Secret("mysql", {"password": secret} if secret else {}, settings, name="Shop DB")


def run(server: Server, **config: Any) -> Any:
    return run_app(MY, config, conn(server))


def rows(server: Server, sql: str) -> list[tuple[Any, ...]]:
    with server.connect() as connection, connection.cursor() as cursor:
        cursor.execute(sql)
        return list(cursor.fetchall())


def seed(server: Server) -> None:
    with server.connect() as connection, connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO orders (id, email, total, status) VALUES (1, 'a@x', 5, 'open'), "
            "(2, 'b@x', 50, 'open'), (3, 'c@x', 500, 'paid'), (4, NULL, 7, 'open')"
        )


# --- query ---------------------------------------------------------------------------------


def test_a_query_takes_named_parameters_as_values(db):
    evil = "ada'); DROP TABLE orders; --"
    output = run(
        db,
        sql="INSERT INTO orders (id, email, data) VALUES (%(id)s, %(email)s, %(data)s)",
        parameters={"id": 7, "email": evil, "data": {"source": "web"}},
    )
    assert output == {
        "rows": [],
        "row_count": 1,
        "columns": [],
        "truncated": False,
        "insert_id": None,
    }
    [(email, data)] = rows(db, "SELECT email, data FROM orders")
    assert email == evil and json.loads(data) == {"source": "web"}


def test_values_come_back_json_safe(db):
    with db.connect() as connection, connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO orders (id, email, total, placed, at_time, raw) VALUES "
            "(1, 'a@x', 19.99, '2026-03-01 10:30:00', '-01:02:03', x'ff00')"
        )
    output = run(db, sql="SELECT id, total, placed, at_time, raw, 1 = 1 AS yes FROM orders")
    assert output["rows"] == [
        {
            "id": 1,
            "total": "19.99",
            "placed": "2026-03-01T10:30:00",
            "at_time": "-01:02:03",
            "raw": "/wA=",
            "yes": 1,
        }
    ]
    assert output["columns"] == ["id", "total", "placed", "at_time", "raw", "yes"]
    json.dumps(output)


def test_at_most_max_rows_are_kept(db):
    output = run(db, sql="SELECT seq AS n FROM seq_1_to_50", max_rows=5)
    assert [r["n"] for r in output["rows"]] == [1, 2, 3, 4, 5]
    assert output["truncated"] is True and output["row_count"] == 5


def test_a_statement_over_its_timeout_is_cancelled(db):
    error = app_error(MY, {"sql": "SELECT SLEEP(3)", "timeout_seconds": 1}, conn(db))
    assert error.message == "The statement ran longer than timeout_seconds (1 s) and was cancelled."


def test_a_literal_percent_needs_no_doubling_without_parameters_and_a_missing_one_is_named(db):
    assert run(db, sql="SELECT 'a%' LIKE 'a%' AS ok")["rows"] == [{"ok": 1}]
    error = app_error(MY, {"sql": "SELECT %(id)s", "parameters": {"other": 1}}, conn(db))
    assert error.message == "The SQL uses the parameter %(id)s, which parameters does not give."
    error = app_error(MY, {"sql": "SELECT '5%' , %(a)s", "parameters": {"a": 1}}, conn(db))
    assert "write a literal % as %%" in error.message


def test_an_sql_error_is_not_retried_and_quotes_mysql(db):
    error = app_error(MY, {"sql": "SELECT * FROM no_such_table"}, conn(db))
    assert error.message.startswith("MySQL refused the query: Table ")
    assert "(error 1146)" in error.message and not error.retryable


def test_a_failed_statement_rolls_back(db):
    error = app_error(MY, {"sql": "INSERT INTO orders (id) VALUES (1), (1)"}, conn(db))
    assert "(error 1062)" in error.message
    assert rows(db, "SELECT count(*) FROM orders") == [(0,)]


def test_parameters_must_be_an_object():
    with pytest.raises(ValidationError, match="must be a JSON object of parameter values"):
        Config.model_validate({"sql": "SELECT 1", "parameters": "[1, 2]"})
    with pytest.raises(ValidationError) as caught:
        Config.model_validate({"parameters": {}})
    assert caught.value.errors()[0]["loc"] == ("sql",)


# --- table operations ----------------------------------------------------------------------------


def test_select_filters_sorts_and_limits_as_n8n_does(db):
    seed(db)
    output = run(
        db,
        operation="select",
        table="orders",
        columns=["id", "email"],
        where=[
            {"column": "status", "condition": "equal", "value": "open"},
            {"column": "total", "condition": ">=", "value": "6"},
        ],
        sort=[{"column": "id", "direction": "desc"}],
        limit=1,
    )
    assert output["rows"] == [{"id": 4, "email": None}]
    assert output["truncated"] is True  # id 2 also matched

    nulls = run(
        db,
        operation="select",
        table="orders",
        where=[
            {"column": "email", "condition": "IS NULL"},
            {"column": "status", "condition": "equal", "value": "paid"},
        ],
        combine="OR",
        return_all=True,
    )
    assert [r["id"] for r in nulls["rows"]] == [3, 4] and nulls["truncated"] is False


def test_a_comparison_with_a_word_names_the_condition(db):
    config = {"operation": "select", "table": "orders"}
    config["where"] = [{"column": "total", "condition": ">", "value": "many"}]
    error = app_error(MY, config, conn(db))
    assert error.message == (
        "where: condition 1 compares with >, <, >= or <=, which needs a number; 'many' is not one."
    )


def test_insert_writes_every_row_with_the_union_of_their_columns(db):
    output = run(
        db,
        operation="insert",
        table="orders",
        data=[{"id": 1, "email": "a@x"}, {"id": 2, "status": "new"}],
    )
    assert output["row_count"] == 2
    assert rows(db, "SELECT id, email, status FROM orders ORDER BY id") == [
        (1, "a@x", None),
        (2, None, "new"),
    ]
    ignored = run(db, operation="insert", table="orders", data={"id": 1}, ignore=True)
    assert ignored["row_count"] == 0  # INSERT IGNORE skipped the duplicate


def test_insert_reports_the_auto_increment_id_and_quotes_odd_names(db):
    output = run(db, operation="insert", table="odd`name", data='{"v": "x"}')
    assert output["insert_id"] == 1 and output["row_count"] == 1
    assert rows(db, "SELECT id, v FROM `odd``name`") == [(1, "x")]


def test_update_changes_the_matching_rows_but_not_the_match_column(db):
    seed(db)
    output = run(
        db,
        operation="update",
        table="orders",
        match_column="status",
        data={"status": "open", "email": "z@x"},
    )
    assert output["row_count"] == 3
    explicit = run(
        db, operation="update", table="orders", match_column="id", match_value=3, data={"total": 1}
    )
    assert explicit["row_count"] == 1
    assert rows(db, "SELECT id, email, total FROM orders WHERE id IN (1, 3) ORDER BY id") == [
        (1, "z@x", 5),
        (3, "c@x", 1),
    ]


def test_upsert_inserts_then_updates_the_same_key(db):
    run(db, operation="upsert", table="orders", match_column="id", data={"id": 9, "email": "a"})
    run(db, operation="upsert", table="orders", match_column="id", data={"id": 9, "email": "b"})
    run(db, operation="upsert", table="orders", match_column="id", data={"id": 9})
    assert rows(db, "SELECT id, email FROM orders") == [(9, "b")]
    error = app_error(
        MY,
        {"operation": "upsert", "table": "orders", "match_column": "id", "data": {"email": "c"}},
        conn(db),
    )
    assert error.message == "data must give match_column id for upsert."


def test_delete_truncate_and_drop(db, server):
    seed(db)
    deleted = run(
        db,
        operation="delete",
        table="orders",
        where=[{"column": "total", "condition": "<", "value": 10}],
    )
    assert deleted["row_count"] == 2
    assert rows(db, "SELECT id FROM orders ORDER BY id") == [(2,), (3,)]
    run(db, operation="delete", table="orders", command="truncate")
    assert rows(db, "SELECT count(*) FROM orders") == [(0,)]
    with server.connect() as connection, connection.cursor() as cursor:
        cursor.execute("CREATE TABLE scratch (id int)")
    run(db, operation="delete", table=f"{server.database}.scratch", command="drop")
    assert rows(db, "SHOW TABLES LIKE 'scratch'") == []


def test_table_operations_need_their_fields():
    with pytest.raises(ValidationError) as caught:
        Config.model_validate({"operation": "update", "table": "t"})
    assert {e["loc"] for e in caught.value.errors()} == {("data",), ("match_column",)}
    with pytest.raises(ValidationError, match="must be an object of column values"):
        Config.model_validate({"operation": "insert", "table": "t", "data": "[1]"})
    with pytest.raises(ValidationError, match="condition 2: condition: Input should be"):
        Config.model_validate(
            {
                "operation": "select",
                "table": "t",
                "where": [{"column": "a", "value": 1}, {"column": "b", "condition": "~"}],
            }
        )


# --- connecting ------------------------------------------------------------------------------------


def test_a_refused_password_names_the_credential_and_is_not_retried(settings):
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    with fake_mysql() as fake:
        server = Server("127.0.0.1", fake.port, "shop", "", "shopdb")
        error = app_error(MY, {"sql": "SELECT 1"}, conn(server, password="wrong-pass-1"))
    assert fake.passwords == ["wrong-pass-1"]
    assert fake.logins == [{"user": "shop", "database": "shopdb"}]
    assert "MySQL did not accept the credential “Shop DB”" in error.message
    assert "Access denied for user 'shop'" in error.message and not error.retryable


def test_a_server_that_does_not_answer_is_retried(settings):
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    with fake_mysql() as fake:
        port = fake.port
    error = app_error(MY, {"sql": "SELECT 1"}, conn(Server("127.0.0.1", port, "u", "", "d")))
    assert error.retryable and error.message.startswith("Could not reach MySQL")


def test_required_tls_with_a_server_without_it_is_refused(db):
    error = app_error(MY, {"sql": "SELECT 1"}, conn(db, ssl_mode="required"))
    assert "SSL is required but the server doesn't support it" in error.message


def test_a_private_host_is_refused_unless_allowed(settings):
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = False
    with fake_mysql() as fake:
        server = Server("localhost", fake.port, "u", "", "d")
        error = app_error(MY, {"sql": "SELECT 1"}, conn(server))
    assert "Refused to connect to" in error.message and "loopback address" in error.message
    assert not error.retryable and fake.logins == []


def test_the_credential_checks_host_and_certificate():
    base = {"host": "db.example.com", "database": "d", "username": "u"}
    with pytest.raises(ValidationError, match="must be a host name or an IP address"):
        Connection.model_validate({**base, "host": "/var/run/mysqld.sock"})
    with pytest.raises(ValidationError, match="must be a PEM certificate"):
        Connection.model_validate({**base, "ca_certificate": "not a certificate"})
    assert Connection.model_validate(base).password is None  # a user without a password


# --- Test connection ----------------------------------------------------------------------------


def test_the_test_selects_1(db):
    message = database.check_connection(conn(db))
    assert message.startswith("Connected to MySQL 1")  # MariaDB 10/11, without its 5.5.5- prefix
    assert f"as {db.username} on the database {db.database}" in message


def test_the_test_fails_on_a_refused_password(settings):
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    with (
        fake_mysql() as fake,
        pytest.raises(NodeError, match="did not accept the credential “Shop DB”"),
    ):
        database.check_connection(conn(Server("127.0.0.1", fake.port, "u", "", "d"), "p"))


# --- through the engine -------------------------------------------------------------------------


@pytest.fixture
def eager_tasks() -> Iterator[None]:
    """Integration-marked tests get no eager Celery (conftest); this one runs its steps
    in-process, as the other tests of an integration do."""
    from workfuse.celery import app

    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = False


@pytest.mark.django_db(transaction=True)
def test_a_run_inserts_the_rendered_row_with_the_stored_credential(
    alice, db, alice_api, eager_tasks
):
    value = {
        "host": db.host,
        "port": db.port,
        "database": db.database,
        "username": db.username,
        "ssl_mode": "disabled",
    }
    credential = store.create(alice, "Shop DB", "mysql", value)
    node = {
        "id": "save",
        "type": MY,
        "config": {
            "credential": credential.pk,
            "operation": "insert",
            "table": "orders",
            "data": {"id": "{{ trigger.id }}", "email": "{{ trigger.email }}"},
        },
    }

    execution = engine.start_execution(make_workflow(alice, chain(node)), {"id": 9, "email": "z@x"})

    execution.refresh_from_db()
    assert execution.status == "succeeded", execution.error
    step = Step.objects.get(execution=execution, key="save")
    assert step.output["row_count"] == 1
    assert rows(db, "SELECT id, email FROM orders") == [(9, "z@x")]
    answer = alice_api.post(f"/api/credentials/{credential.pk}/test").json()
    assert answer["ok"] is True and answer["message"].startswith("Connected to MySQL")
