"""Importing n8n's Postgres node v2 select and insert (editor/n8n/postgres_tables.py) as
`app.postgres` queries: the SQL n8n builds with its names quoted and every value a parameter,
the refusals naming node and construct, and the corpus's "insert unless found" (select with
Always Output Data -> IF `!$json.isEmpty()` -> insert) run twice in the engine against the
machine's PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from credentials import store
from editor.n8n import convert
from editor.validation import validate_graph
from executions import engine
from tests.engine_helpers import make_workflow
from tests.fakes.postgres import Server, private_database
from tests.test_n8n_apps import RL, converted, refusal

TABLE = {**RL, "value": "top_trends"}
SCHEMA = {**RL, "value": "public"}


def columns(value: dict[str, Any], mode: str = "defineBelow") -> dict[str, Any]:
    return {"value": value, "schema": [], "mappingMode": mode, "matchingColumns": ["id"]}


@pytest.mark.parametrize(
    ("params", "config"),
    [
        (
            {
                "operation": "select",
                "schema": SCHEMA,
                "table": TABLE,
                "where": {"values": [{"column": "code", "value": "={{ $json.code }}"}]},
            },
            {
                "operation": "query",
                "sql": 'SELECT * FROM "public"."top_trends" WHERE "code" = %(w1)s LIMIT 50',
                "parameters": {"w1": "{{ trigger.code }}"},
                "max_rows": 50,
            },
        ),
        (
            {
                "operation": "select",
                "table": {**RL, "value": 'we"ird%'},
                "returnAll": True,
                "combineConditions": "OR",
                "where": {
                    "values": [
                        {"column": "n", "condition": ">=", "value": "3"},
                        {"column": "gone", "condition": "IS NULL"},
                    ]
                },
                "sort": {"values": [{"column": "n", "direction": "DESC"}]},
                "options": {"outputColumns": ["n", "code"]},
            },
            {
                "operation": "query",
                "sql": 'SELECT "n", "code" FROM "public"."we""ird%%" WHERE "n" >= '
                'CAST(%(w1)s AS numeric) OR "gone" IS NULL ORDER BY "n" DESC',
                "parameters": {"w1": "3"},
                "max_rows": 10000,
            },
        ),
        (
            {
                "schema": SCHEMA,
                "table": TABLE,
                "columns": columns({"code": "={{ $json.code }}", "isposted": False}),
                "options": {},
            },
            {
                "operation": "query",
                "sql": 'INSERT INTO "public"."top_trends" ("code", "isposted") VALUES '
                "(%(v1)s, %(v2)s) RETURNING *",
                "parameters": {"v1": "{{ trigger.code }}", "v2": False},
            },
        ),
    ],
)
def test_select_and_insert_become_parameterised_sql(params, config):
    node = converted("postgres", params, 2.5)
    assert node["type"] == "app.postgres"
    assert node["config"] == config
    assert "choose a PostgreSQL credential (a connection)" in node["notes"]


@pytest.mark.parametrize(
    ("params", "version", "said"),
    [
        ({"operation": "select", "table": "=t{{ 1 }}"}, 2.5, "names its table with an expression"),
        ({"table": TABLE, "columns": columns({}, "autoMapInputData")}, 2.5, "automatically"),
        (
            {"table": TABLE, "columns": columns({"a": "1"}), "options": {"skipOnConflict": True}},
            2.5,
            "sets the option skipOnConflict",
        ),
        ({"operation": "select", "table": "t"}, 1, "version 1 of n8n's Postgres node"),
        ({"table": "t", "columns": "a:int"}, 1, "casts a column (name:type)"),
        ({"table": "t", "columns": "a,,b"}, 1, "names no column (or an empty one)"),
        (
            {"table": "t", "columns": "a", "additionalFields": {"mode": "transaction"}},
            1,
            "inserts in mode 'transaction'",
        ),
        ({"table": "t", "columns": "={{ $json.cols }}"}, 1, "names its columns with an expression"),
        ({"operation": "update", "table": TABLE}, 2.5, "does 'update'"),
        # n8n fills the {{ }} of a query that is not an expression too.
        (
            {"operation": "executeQuery", "query": "SELECT * FROM t WHERE a = '{{ $json.a }}'"},
            2.6,
            "builds its SQL with expressions",
        ),
        (
            {"operation": "select", "table": TABLE, "options": {"queryBatching": "transaction"}},
            2.5,
            "in one transaction",
        ),
    ],
)
def test_what_the_import_does_not_follow_is_refused_by_name(params, version, said):
    message = refusal("postgres", params, version)
    assert message.startswith("n8n node 'App' (n8n-nodes-base.postgres): ")
    assert said in message


def test_version_1_insert_writes_the_items_fields_named_by_its_columns():
    # n8n source (PostgresV1 pgInsert): each column's value is the item's field of that name;
    # returnFields "=*" is the RETURNING list; schema public by default.
    node = converted(
        "postgres", {"table": "tweets", "columns": "text, score", "returnFields": "=*"}, 1
    )
    assert node["config"] == {
        "operation": "query",
        "sql": 'INSERT INTO "public"."tweets" ("text", "score") VALUES (%(v1)s, %(v2)s) '
        "RETURNING *",
        "parameters": {"v1": "{{ trigger.text }}", "v2": "{{ trigger.score }}"},
    }
    assert "in one statement" in node["notes"]


@pytest.mark.django_db(transaction=True)
def test_an_imported_version_1_insert_returns_the_row_it_wrote(alice, server):
    data = {
        "name": "Insert v1",
        "nodes": [
            {
                "parameters": {},
                "name": "Start",
                "type": "n8n-nodes-base.manualTrigger",
                "typeVersion": 1,
                "position": [0, 0],
            },
            {
                "parameters": {"table": "top_trends", "columns": "code,tag"},
                "name": "Insert Rows1",
                "type": "n8n-nodes-base.postgres",
                "typeVersion": 1,
                "position": [240, 0],
            },
        ],
        "connections": {
            "Start": {"main": [[{"node": "Insert Rows1", "type": "main", "index": 0}]]}
        },
    }
    graph = convert(data)
    assert validate_graph(graph) == []
    credential = store.create(
        alice,
        "Trends DB",
        "postgres",
        {
            "password": "pg-Trends-Pass-1",
            "host": server.host,
            "port": server.port,
            "database": server.database,
            "username": server.username,
            "sslmode": "disable",
        },
    )
    [insert] = [n for n in graph["nodes"] if n["type"] == "app.postgres"]
    insert["config"]["credential"] = credential.pk
    execution = engine.start_execution(make_workflow(alice, graph), {"code": "C7", "tag": "50%"})
    execution.refresh_from_db()
    assert execution.status == "succeeded", execution.error
    with server.connect() as connection:
        rows = connection.execute("SELECT code, tag, isposted FROM top_trends").fetchall()
    assert rows == [("C7", "50%", True)]
    step = execution.steps.get(node_id=insert["id"])
    assert [(r["code"], r["tag"], r["isposted"]) for r in step.output["rows"]] == [
        ("C7", "50%", True)
    ]


def insert_unless_found() -> dict[str, Any]:
    def node(name: str, kind: str, params: dict[str, Any], version: float, x: int) -> dict:
        return {
            "parameters": params,
            "name": name,
            "type": f"n8n-nodes-base.{kind}",
            "typeVersion": version,
            "position": [x, 0],
        }

    find = node(
        "Find",
        "postgres",
        {
            "operation": "select",
            "schema": SCHEMA,
            "table": TABLE,
            "where": {"values": [{"column": "code", "value": "={{$json.code}}"}]},
            "options": {},
        },
        2.5,
        200,
    )
    find["alwaysOutputData"] = True
    exists = node(
        "Exists",
        "if",
        {
            "conditions": {
                "options": {"version": 2, "caseSensitive": True, "typeValidation": "loose"},
                "combinator": "and",
                "conditions": [
                    {
                        "operator": {"type": "boolean", "operation": "true", "singleValue": True},
                        "leftValue": "={{ !$json.isEmpty() }}",
                        "rightValue": "",
                    }
                ],
            },
            "looseTypeValidation": True,
            "options": {},
        },
        2.2,
        400,
    )
    insert = node(
        "Insert",
        "postgres",
        {
            "schema": SCHEMA,
            "table": TABLE,
            "columns": columns(
                {"code": "={{ $('Start').item.json.code }}", "isposted": False, "tag": "x%y"}
            ),
            "options": {},
        },
        2.5,
        600,
    )
    return {
        "name": "Insert unless found",
        "nodes": [node("Start", "manualTrigger", {}, 1, 0), find, exists, insert],
        "connections": {
            "Start": {"main": [[{"node": "Find", "type": "main", "index": 0}]]},
            "Find": {"main": [[{"node": "Exists", "type": "main", "index": 0}]]},
            "Exists": {"main": [[], [{"node": "Insert", "type": "main", "index": 0}]]},
        },
    }


@pytest.fixture
def server(settings: Any) -> Iterator[Server]:
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    with private_database() as created:
        with created.connect() as connection:
            connection.execute(
                "CREATE TABLE top_trends (id serial PRIMARY KEY, code text, tag text, "
                "isposted boolean DEFAULT true)"
            )
        yield created


@pytest.mark.django_db(transaction=True)
def test_the_corpus_s_insert_unless_found_runs_twice(alice, server):
    graph = convert(insert_unless_found())
    assert validate_graph(graph) == []
    credential = store.create(
        alice,
        "Trends DB",
        "postgres",
        {
            "password": "pg-Trends-Pass-1",
            "host": server.host,
            "port": server.port,
            "database": server.database,
            "username": server.username,
            "sslmode": "disable",
        },
    )
    for node in graph["nodes"]:
        if node["type"] == "app.postgres":
            node["config"]["credential"] = credential.pk
    workflow = make_workflow(alice, graph)
    for _ in range(2):  # the second run finds the row and inserts nothing
        execution = engine.start_execution(workflow, {"code": "C1"})
        execution.refresh_from_db()
        assert execution.status == "succeeded", execution.error
    with server.connect() as connection:
        rows = connection.execute("SELECT code, tag, isposted FROM top_trends").fetchall()
    assert rows == [("C1", "x%y", False)]


# --- loopitem ---
@pytest.mark.django_db(transaction=True)
def test_the_loop_s_item_read_inside_a_loop_the_import_adds_inserts_each_loop_item(alice, server):
    # The corpus's Instagram trends shape: n8n's loop over codes, a select per code, the
    # insert inside the loop the import adds over the select's rows reading `$('Loop').item`
    # (editor/n8n/outer_item.py): each code of the loop is inserted once.
    data = insert_unless_found()
    codes = {
        "parameters": {"jsCode": 'return [{json: {code: "C1"}}, {json: {code: "C2"}}];'},
        "name": "Codes",
        "type": "n8n-nodes-base.code",
        "typeVersion": 2,
        "position": [50, 0],
    }
    loop = {
        "parameters": {"options": {}},
        "name": "Loop",
        "type": "n8n-nodes-base.splitInBatches",
        "typeVersion": 3,
        "position": [100, 0],
    }
    data["nodes"] += [codes, loop]
    data["connections"]["Start"] = {"main": [[{"node": "Codes", "type": "main", "index": 0}]]}
    data["connections"]["Codes"] = {"main": [[{"node": "Loop", "type": "main", "index": 0}]]}
    data["connections"]["Loop"] = {"main": [[], [{"node": "Find", "type": "main", "index": 0}]]}
    data["connections"]["Exists"]["main"][0] = [{"node": "Loop", "type": "main", "index": 0}]
    data["connections"]["Insert"] = {"main": [[{"node": "Loop", "type": "main", "index": 0}]]}
    insert = next(n for n in data["nodes"] if n["name"] == "Insert")
    insert["parameters"]["columns"]["value"]["code"] = "={{ $('Loop').item.json.code }}"
    graph = convert(data)
    assert validate_graph(graph) == []
    [kept] = [n["id"] for n in graph["nodes"] if n["label"] == "Loop: current item"]
    [sql] = [n["config"] for n in graph["nodes"] if n["label"] == "Insert"]
    assert sql["parameters"]["v1"] == f"{{{{ nodes.{kept}.code }}}}"
    credential = store.create(
        alice,
        "Trends DB",
        "postgres",
        {
            "password": "pg-Trends-Pass-1",
            "host": server.host,
            "port": server.port,
            "database": server.database,
            "username": server.username,
            "sslmode": "disable",
        },
    )
    for node in graph["nodes"]:
        if node["type"] == "app.postgres":
            node["config"]["credential"] = credential.pk
    execution = engine.start_execution(make_workflow(alice, graph), {})
    execution.refresh_from_db()
    assert execution.status == "succeeded", execution.error
    with server.connect() as connection:
        rows = connection.execute("SELECT code FROM top_trends ORDER BY code").fetchall()
    assert rows == [("C1",), ("C2",)]


# --- end loopitem ---
