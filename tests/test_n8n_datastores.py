"""n8n's MySQL (v1, v2) and Redis nodes imported as app.mysql and app.redis (editor/n8n/
apps_datastores.py): each operation's WorkFuse config, SQL expressions turned into parameters,
and what has no faithful form refused by name."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from editor.n8n import convert
from editor.nodes import NODE_TYPES
from editor.templating import render
from editor.validation import validate_graph
from tests.test_n8n_apps import refusal, single

TABLE = {"__rl": True, "mode": "list", "value": "orders"}

CASES: list[tuple[str, str, float, dict[str, Any], str, dict[str, Any]]] = [
    (
        "mysql query: quoted and bare expressions and $1 become parameters",
        "mySql",
        2.4,
        {
            "operation": "executeQuery",
            "query": "SELECT * FROM p WHERE city = '{{ $json.city }}' AND n > {{ $json.n }} "
            "AND x LIKE 'a%' AND id = $1",
            "options": {"queryReplacement": "={{ $json.id }}"},
        },
        "app.mysql",
        {
            "operation": "query",
            "sql": "SELECT * FROM p WHERE city = %(e1)s AND n > %(e2)s AND x LIKE 'a%%' "
            "AND id = %(p1)s",
            "parameters": {
                "e1": "{{ trigger.city }}",
                "e2": "{{ trigger.n }}",
                "p1": "{{ trigger.id }}",
            },
        },
    ),
    (
        "mysql query without parameters keeps its %",
        "mySql",
        1,
        {"operation": "executeQuery", "query": "SELECT * FROM t WHERE a LIKE 'x%';"},
        "app.mysql",
        {"operation": "query", "sql": "SELECT * FROM t WHERE a LIKE 'x%';"},
    ),
    (
        "mysql v1 insert of named columns",
        "mySql",
        1,
        {"table": "books", "columns": "title, price", "options": {"ignore": True}},
        "app.mysql",
        {
            "table": "books",
            "operation": "insert",
            "data": {"title": '{{ trigger["title"] }}', "price": "{{ trigger.price }}"},
            "ignore": True,
        },
    ),
    (
        "mysql v2 select",
        "mySql",
        2.4,
        {
            "operation": "select",
            "table": TABLE,
            "limit": 10,
            "where": {"values": [{"column": "status", "value": "open"}]},
            "sort": {"values": [{"column": "id", "direction": "DESC"}]},
        },
        "app.mysql",
        {
            "table": "orders",
            "operation": "select",
            "where": [{"column": "status", "condition": "equal", "value": "open"}],
            "combine": "AND",
            "sort": [{"column": "id", "direction": "DESC"}],
            "limit": 10,
        },
    ),
    (
        "mysql v2 insert maps the input item",
        "mySql",
        2.4,
        {"table": TABLE},
        "app.mysql",
        {"table": "orders", "operation": "insert", "data": "{{ trigger }}", "ignore": False},
    ),
    (
        "mysql v2 upsert of columns given below",
        "mySql",
        2.4,
        {
            "operation": "upsert",
            "table": TABLE,
            "columnToMatchOn": "id",
            "dataMode": "defineBelow",
            "valueToMatchOn": "={{ $json.id }}",
            "valuesToSend": {"values": [{"column": "email", "value": "={{ $json.email }}"}]},
        },
        "app.mysql",
        {
            "table": "orders",
            "operation": "upsert",
            "data": {"email": "{{ trigger.email }}", "id": "{{ trigger.id }}"},
            "match_column": "id",
        },
    ),
    (
        "mysql v2 delete rows",
        "mySql",
        2.4,
        {
            "operation": "deleteTable",
            "table": TABLE,
            "deleteCommand": "delete",
            "where": {"values": [{"column": "id", "condition": "<", "value": "5"}]},
        },
        "app.mysql",
        {
            "table": "orders",
            "operation": "delete",
            "command": "delete",
            "where": [{"column": "id", "condition": "<", "value": "5"}],
            "combine": "AND",
        },
    ),
    (
        "redis get of a list",
        "redis",
        1,
        {"operation": "get", "key": "=chat:{{ $json.from }}", "keyType": "list"},
        "app.redis",
        {"operation": "get", "key": "chat:{{ trigger.from | n8n_text }}", "key_type": "list"},
    ),
    (
        "redis push to the tail",
        "redis",
        1,
        {"operation": "push", "list": "jobs", "tail": True, "messageData": "={{ $json.body }}"},
        "app.redis",
        {"operation": "push", "list": "jobs", "tail": True, "message": "{{ trigger.body }}"},
    ),
    (
        "redis incr with an expiry",
        "redis",
        1,
        {"operation": "incr", "key": "hits", "expire": True, "ttl": 60},
        "app.redis",
        {"operation": "incr", "key": "hits", "ttl_seconds": 60},
    ),
    (
        "redis set with an expiry",
        "redis",
        1,
        {
            "operation": "set",
            "key": "status",
            "value": "idle",
            "expire": True,
            "ttl": "={{ $json.t }}",
        },
        "app.redis",
        {
            "operation": "set",
            "key": "status",
            "key_type": "automatic",
            "value": "idle",
            "ttl_seconds": "{{ trigger.t }}",
        },
    ),
]


@pytest.mark.parametrize(
    ("kind", "version", "params", "node_type", "config"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_each_operation_becomes_its_workfuse_config(kind, version, params, node_type, config):
    graph = convert(single(kind, copy.deepcopy(params), version))
    node = next(n for n in graph["nodes"] if n["label"] == "App")
    assert (node["type"], node["config"]) == (node_type, config)
    assert "Credentials are not imported: choose a" in node["notes"]
    NODE_TYPES[node_type].Config.model_validate(config)
    assert validate_graph(graph) == []


@pytest.mark.parametrize(
    ("kind", "params", "said"),
    [
        ("mySql", {"operation": "executeQuery", "query": "DESCRIBE {{ $json.t }}"}, "wants a name"),
        ("mySql", {"operation": "executeQuery", "query": "{{ $json.query }}"}, "makes whole"),
        ("mySql", {"operation": "executeQuery", "query": "SELECT * FROM $1:name"}, "$1:name"),
        (
            "mySql",
            {"operation": "executeQuery", "query": "SELECT * FROM t WHERE a = '{{ $json.a }}x'"},
            "where SQL wants a name or text around it",
        ),
        (
            "mySql",
            {
                "operation": "executeQuery",
                "query": "SELECT * FROM t WHERE a LIKE '%{{ $json.a }}%'",
            },
            "where SQL wants a name or text around it",
        ),
        ("mySql", {"operation": "insert"}, "has no table"),
        ("redis", {}, "does 'info', which WorkFuse's Redis node does not"),
    ],
)
def test_what_has_no_faithful_form_is_refused_naming_the_node(kind, params, said):
    message = refusal(kind, params, 2.4 if kind == "mySql" else 1)
    assert message.startswith(f"n8n node 'App' (n8n-nodes-base.{kind}): ")
    assert said in message


def test_version_1_sends_braces_outside_an_expression_as_sql_text():
    text = single("mySql", {"operation": "executeQuery", "query": "SELECT '{{ a }}'"}, 1)
    node = next(n for n in convert(text)["nodes"] if n["label"] == "App")
    assert render(node["config"]["sql"], {}) == "SELECT '{{ a }}'"  # as n8n sent it
    plain = single("mySql", {"operation": "executeQuery", "query": "=SELECT {{ $json.a }}"}, 1)
    node = next(n for n in convert(plain)["nodes"] if n["label"] == "App")
    assert node["config"]["sql"] == "SELECT %(e1)s"


def test_a_later_node_reads_the_redis_value_under_n8ns_property_name():
    data = single("redis", {"operation": "get", "key": "k", "propertyName": "status"})
    data["nodes"].append(
        {
            "parameters": {"mode": "raw", "jsonOutput": '={{ { "s": $json.status } }}'},
            "name": "Use",
            "type": "n8n-nodes-base.set",
            "typeVersion": 3.4,
            "position": [480, 0],
        }
    )
    data["connections"]["App"] = {"main": [[{"node": "Use", "type": "main", "index": 0}]]}
    graph = convert(data)
    # $json.status reads the get's value: n8n's property name is an alias of WorkFuse's value
    expression = graph["nodes"][-1]["config"]["expression"]
    assert "json=nodes.app, aliases={'': [['status', 'value']]}" in expression


def test_a_mysql_tool_becomes_a_companion_whose_model_arguments_are_parameters():
    from editor.n8n import SPECS, app_tools, sets
    from tests.test_n8n_ai import agent_export, n8n_node

    tool = n8n_node(
        "Products",
        "n8n-nodes-base.mySqlTool",
        {
            "operation": "executeQuery",
            "query": "=SELECT * FROM products WHERE city = '{{ $fromAI(\"city\") }}' "
            'AND {{ $fromAI("age", "", "number") }} BETWEEN min_age AND max_age',
            "options": {},
        },
        2.4,
    )
    data = agent_export({"promptType": "define", "text": "Plans?"}, (tool, "ai_tool"))
    [member] = sets.members([data])
    _, companion = app_tools.with_companions([member], SPECS)
    graph = convert(companion.data)
    app = next(n for n in graph["nodes"] if n["type"] == "app.mysql")
    assert app["config"]["sql"] == (
        "SELECT * FROM products WHERE city = %(e1)s AND %(e2)s BETWEEN min_age AND max_age"
    )
    assert app["config"]["parameters"] == {"e1": "{{ trigger.city }}", "e2": "{{ trigger.age }}"}
    assert validate_graph(graph) == []
