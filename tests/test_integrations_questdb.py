"""app.questdb over PostgreSQL's wire protocol, against the machine's PostgreSQL (a private
database, tests/fakes/postgres.py; QuestDB speaks the same protocol): a query and its
parameters, an insert read back as n8n's node outputs it, casts, 'Always Output Data', errors
naming QuestDB, a refused password (the wire-level fake), the credential test, and a run through
the engine with a stored credential."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from pydantic import ValidationError

from credentials import store
from executions import engine
from integrations.questdb import node
from integrations.questdb.node import Config
from tests.app_nodes import app_error, run_app
from tests.engine_helpers import chain, make_workflow
from tests.fakes.postgres import Server, fake_postgres, private_database
from workfuse.lib.node_run import NodeError, Secret

QDB = "app.questdb"
PASSWORD = "quest-Secret-8812"


@pytest.fixture(scope="module")
def server() -> Iterator[Server]:
    with private_database() as created:
        yield created


@pytest.fixture
def db(server: Server, settings: Any) -> Server:
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    with server.connect() as connection:
        connection.execute("DROP TABLE IF EXISTS test")
        connection.execute("CREATE TABLE test (id int, name text, ts timestamp)")
    return server


def conn(server: Server, password: str = PASSWORD) -> Secret:
    settings = {
        "host": server.host,
        "port": server.port,
        "database": server.database,
        "username": server.username,
        "sslmode": "disable",
    }
    return Secret("questdb", {"password": password}, settings, name="Ticks")


def test_a_query_takes_named_parameters_and_outputs_its_rows(db):
    run_app(QDB, {"sql": "INSERT INTO test (id, name) VALUES (1, 'a'), (2, 'b')"}, conn(db))
    output = run_app(
        QDB,
        {"sql": "SELECT id, name FROM test WHERE id > %(p1)s", "parameters": {"p1": 1}},
        conn(db),
    )
    assert output == {
        "rows": [{"id": 2, "name": "b"}],
        "row_count": 1,
        "columns": ["id", "name"],
        "truncated": False,
    }


def test_an_insert_fills_the_columns_from_the_row_and_reads_the_table_back(db):
    run_app(QDB, {"sql": "INSERT INTO test (id, name) VALUES (1, 'first')"}, conn(db))
    config = {
        "operation": "insert",
        "table": "test",
        "columns": "id, name, ts:timestamp",
        "row": {"id": 0, "name": "Tanay", "ts": "2024-05-01 10:00:00", "other": "unused"},
    }
    output = run_app(QDB, config, conn(db))
    assert output["rows"] == [
        {"id": 1, "name": "first", "ts": None},
        {"id": 0, "name": "Tanay", "ts": "2024-05-01T10:00:00"},
    ]
    narrow = config | {"row": {"name": "no id"}, "return_fields": "name"}
    assert run_app(QDB, narrow, conn(db))["rows"][-1] == {"name": "no id"}


def test_a_statement_without_rows_outputs_one_empty_row_when_asked(db):
    statement = {"sql": "CREATE TABLE other (id int)"}
    assert run_app(QDB, statement, conn(db))["rows"] == []
    again = {"sql": "DROP TABLE other", "always_output_data": True}
    assert run_app(QDB, again, conn(db))["rows"] == [{}]


@pytest.mark.parametrize(
    ("config", "field"),
    [
        ({"operation": "query"}, "sql"),
        ({"operation": "insert", "columns": ["id"], "row": {"id": 1}}, "table"),
        (
            {"operation": "insert", "table": "t", "columns": ["id:int; DROP"], "row": {"id": 1}},
            "columns",
        ),
    ],
)
def test_each_operation_names_the_fields_it_needs(config, field):
    with pytest.raises(ValidationError) as caught:
        Config.model_validate(config)
    assert caught.value.errors()[0]["loc"][0] == field


def test_errors_name_questdb_and_a_refused_password_the_credential(db, settings):
    missing = app_error(
        QDB, {"operation": "insert", "table": "nope", "columns": ["id"], "row": {"id": 1}}, conn(db)
    )
    assert missing.message.startswith("QuestDB refused the insert into nope:")
    with fake_postgres() as fake:
        server = Server("127.0.0.1", fake.port, "admin", "qdb")
        refused = app_error(QDB, {"sql": "SELECT 1"}, conn(server, password="wrong-1"))
    assert "QuestDB did not accept the credential “Ticks”" in refused.message
    assert fake.startups[0]["user"] == "admin" and not refused.retryable


def test_the_connection_test_runs_select_1(db):
    assert node.check_connection(conn(db)).startswith(f"Connected to QuestDB as {db.username}")
    with fake_postgres() as fake, pytest.raises(NodeError, match="did not accept"):
        node.check_connection(conn(Server("127.0.0.1", fake.port, "admin", "qdb")))


def test_the_credential_has_questdb_s_defaults():
    from integrations.questdb.credentials import Connection

    fields = Connection.model_validate({"password": "quest", "host": "qdb.example.com"})
    assert (fields.port, fields.database, fields.username, fields.sslmode) == (
        8812,
        "qdb",
        "admin",
        "disable",
    )


@pytest.mark.django_db(transaction=True)
def test_a_run_inserts_the_trigger_s_row(alice, db):
    settings = {
        "host": db.host,
        "port": db.port,
        "database": db.database,
        "username": db.username,
        "password": PASSWORD,
    }
    credential = store.create(alice, "Ticks", "questdb", settings)
    nodes = (
        {
            "id": "insert",
            "type": QDB,
            "config": {
                "credential": credential.pk,
                "operation": "insert",
                "table": "test",
                "columns": ["id", "name"],
                "row": "{{ trigger }}",
            },
        },
    )
    execution = engine.start_execution(make_workflow(alice, chain(*nodes)), {"id": 5, "name": "x"})
    execution.refresh_from_db()
    assert execution.status == "succeeded", execution.error
    output = execution.steps.get(key="insert").output
    assert output is not None and output["rows"] == [{"id": 5, "name": "x", "ts": None}]
    assert PASSWORD not in json.dumps([s.input for s in execution.steps.all()])
