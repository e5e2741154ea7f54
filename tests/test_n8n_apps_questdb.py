"""Importing n8n's QuestDB node (editor/n8n/apps_questdb.py) onto `app.questdb`: Execute Query
with its item-field parameters, Insert with its columns and return fields, 'Always Output Data',
the refusals, and the corpus's create-table → Set → insert workflow run in the engine against
the machine's PostgreSQL (QuestDB's wire protocol)."""

from __future__ import annotations

import pytest

from credentials import store
from editor.n8n import convert
from editor.validation import validate_graph
from executions import engine
from tests.engine_helpers import make_workflow
from tests.fakes.postgres import private_database
from tests.test_n8n_apps import converted, refusal


def node(name: str, kind: str, params: dict, **extra: object) -> dict:
    return {
        "name": name,
        "type": f"n8n-nodes-base.{kind}",
        "typeVersion": 1,
        "position": [0, 0],
        "parameters": params,
        **extra,
    }


def link(target: str) -> dict:
    return {"main": [[{"node": target, "type": "main", "index": 0}]]}


# The corpus's workflow (workflows_backup__Manual__0204_Manual_Questdb_Create_Triggered.json).
CORPUS = {
    "nodes": [
        node("On clicking 'execute'", "manualTrigger", {}),
        node(
            "Set",
            "set",
            {
                "values": {
                    "number": [{"name": "id"}],
                    "string": [{"name": "name", "value": "Tanay"}],
                },
                "options": {},
            },
        ),
        node(
            "QuestDB",
            "questDb",
            {"query": "CREATE TABLE test (id INT, name STRING);", "operation": "executeQuery"},
            alwaysOutputData=True,
        ),
        node("QuestDB1", "questDb", {"table": "test", "columns": "id, name"}),
    ],
    "connections": {
        "Set": link("QuestDB1"),
        "QuestDB": link("Set"),
        "On clicking 'execute'": link("QuestDB"),
    },
}


@pytest.mark.parametrize(
    ("params", "config"),
    [
        (
            {"operation": "executeQuery", "query": "CREATE TABLE test (id INT, name STRING);"},
            {"operation": "query", "sql": "CREATE TABLE test (id INT, name STRING);"},
        ),
        (
            {
                "operation": "executeQuery",
                "query": "SELECT * FROM t WHERE a > $1 AND b LIKE '5%' AND c = $2",
                "additionalFields": {"queryParams": "qty, name"},
            },
            {
                "operation": "query",
                "sql": "SELECT * FROM t WHERE a > %(p1)s AND b LIKE '5%%' AND c = %(p2)s",
                "parameters": {"p1": "{{ trigger.qty }}", "p2": "{{ trigger.name }}"},
            },
        ),
        (
            {"table": "test", "columns": "id, name"},
            {
                "operation": "insert",
                "table": "test",
                "columns": ["id", "name"],
                "row": "{{ trigger }}",
            },
        ),
        (
            {"table": "test", "columns": "ts:timestamp", "returnFields": "id, ts"},
            {
                "operation": "insert",
                "table": "test",
                "columns": ["ts:timestamp"],
                "row": "{{ trigger }}",
                "return_fields": "id, ts",
            },
        ),
    ],
)
def test_each_operation_becomes_its_questdb_config(params, config):
    node = converted("questDb", params)
    assert node["type"] == "app.questdb"
    assert node["config"] == config
    assert "choose a QuestDB credential (a connection)" in node["notes"]


@pytest.mark.parametrize(
    ("params", "said"),
    [
        ({"operation": "update", "table": "t"}, "does 'update'"),
        ({"operation": "executeQuery", "query": "=SELECT {{ $json.a }}"}, "builds its SQL"),
        ({"operation": "executeQuery", "query": "SELECT $2"}, "uses $2 but names 0"),
        ({"table": "t"}, "inserts no columns"),
        ({"columns": "id"}, "names no Table"),
    ],
)
def test_what_the_questdb_node_lacks_is_refused_naming_node_and_construct(params, said):
    message = refusal("questDb", params)
    assert "'App' (n8n-nodes-base.questDb)" in message
    assert said in message


@pytest.mark.django_db(transaction=True)
def test_the_corpus_s_create_table_then_insert_runs(alice, settings):
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    graph = convert(CORPUS)
    assert validate_graph(graph) == []
    with private_database() as db:
        credential = store.create(
            alice,
            "QuestDB",
            "questdb",
            {
                "host": db.host,
                "port": db.port,
                "database": db.database,
                "username": db.username,
                "password": "quest",
            },
        )
        for converted_node in graph["nodes"]:
            if converted_node["type"] == "app.questdb":
                converted_node["config"]["credential"] = credential.pk
        # QuestDB's STRING is PostgreSQL's text.
        with db.connect() as connection:
            connection.execute("CREATE DOMAIN string AS text")
        execution = engine.start_execution(make_workflow(alice, graph), {})
        execution.refresh_from_db()
        assert execution.status == "succeeded", execution.error
        with db.connect() as connection:
            rows = connection.execute("SELECT id, name FROM test").fetchall()
    assert rows == [(0, "Tanay")]
    inserted = execution.steps.get(key="questdb1[0]").output
    assert inserted["rows"] == [{"id": 0, "name": "Tanay"}]
