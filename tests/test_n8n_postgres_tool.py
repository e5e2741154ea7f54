"""n8n's Postgres tool writing `{{ $fromAI(...) }}` in its plain-text query
(editor/n8n/postgres_tool.py): n8n fills and pastes the values, WorkFuse's companion workflow
binds them as query parameters; SQL text the model would write stays refused. Imported through
the API and run by the engine against the fake provider and a private database on the
machine's PostgreSQL."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

import pytest

from credentials import store
from editor.models import Workflow
from editor.n8n import SPECS, app_tools, postgres_tool, sets
from executions import engine
from executions.models import Step
from tests.fake_ai_server import Reply, fake_ai_server
from tests.fakes.postgres import Server, private_database
from tests.test_n8n_ai import agent_export, by_label, n8n_node, refusals

DEFINITION = (
    "select c.column_name, c.data_type\nfrom information_schema.columns c\n"
    "where c.table_name = '{{ $fromAI(\"table_name\") }}' -- the table\n"
    '  AND c.table_schema = \'{{ $fromAI("schema_name", "Its schema") }}\'\n'
    "order by c.ordinal_position"
)


def postgres_tool_node(query: str, **options: Any) -> dict[str, Any]:
    return n8n_node(
        "Get Table Definition",
        "n8n-nodes-base.postgresTool",
        {
            "query": query,
            "options": options,
            "operation": "executeQuery",
            "descriptionType": "manual",
            "toolDescription": "Get table definition to find all columns and types",
        },
        2.5,
    )


def tool_agent(query: str, **options: Any) -> dict[str, Any]:
    data = agent_export(
        {"promptType": "define", "text": "Describe the orders table"},
        (postgres_tool_node(query, **options), "ai_tool"),
    )
    data["name"] = "Schema desk"
    return data


@pytest.mark.parametrize(
    ("query", "sql", "values"),
    [
        (
            DEFINITION,
            DEFINITION.replace("'{{ $fromAI(\"table_name\") }}'", "$1").replace(
                '\'{{ $fromAI("schema_name", "Its schema") }}\'', "$2"
            ),
            ['={{ $fromAI("table_name") }}', '={{ $fromAI("schema_name", "Its schema") }}'],
        ),
        (  # the text around the value in its quotes goes with it; '' is one quote
            "SELECT * FROM t WHERE name ILIKE '%{{ $fromAI('q') }}%' AND note <> 'it''s'",
            "SELECT * FROM t WHERE name ILIKE $1 AND note <> 'it''s'",
            ["=%{{ $fromAI('q') }}%"],
        ),
        (  # an apostrophe in a comment opens no literal
            "SELECT * -- it's all\nFROM t WHERE a = '{{ $fromAI('a') }}' /* don't */",
            "SELECT * -- it's all\nFROM t WHERE a = $1 /* don't */",
            ["={{ $fromAI('a') }}"],
        ),
        (
            "SELECT * FROM t LIMIT {{ $fromAI('n', 'How many', 'number') }}",
            "SELECT * FROM t LIMIT $1",
            ["={{ $fromAI('n', 'How many', 'number') }}"],
        ),
    ],
)
def test_the_values_n8n_pastes_become_query_parameters(query, sql, values):
    node = postgres_tool_node(query)
    assert postgres_tool.applies(node) and postgres_tool.problem(node) is None
    params = app_tools.params_of(node)
    assert params["query"] == sql
    assert params["options"]["queryReplacement"] == values


def test_an_expression_query_is_left_to_the_expression_rules():
    node = postgres_tool_node("=SELECT {{ $fromAI('x') }}")
    assert not postgres_tool.applies(node)


@pytest.mark.parametrize(
    ("query", "options", "said"),
    [
        (
            '{{ $fromAI("sql_query", "SQL Query") }}',
            {},
            'it writes {{ $fromAI("sql_query", "SQL Query") }} into its query\'s SQL text, '
            "which n8n pastes into the statement",
        ),
        (
            "SELECT * FROM {{ $fromAI('table') }}",
            {},
            "it writes {{ $fromAI('table') }} into its query's SQL text",
        ),
        (
            "SELECT * FROM t WHERE a = $1 AND b = '{{ $fromAI('b') }}'",
            {"queryReplacement": "={{ $fromAI('a') }}"},
            "it fills values into its query's text beside Query Parameters ($1, $2, ...)",
        ),
    ],
)
def test_sql_text_from_the_model_is_refused_naming_the_tool(query, options, said):
    [message] = refusals(tool_agent(query, **options))
    assert "its tool 'Get Table Definition' (n8n-nodes-base.postgresTool)" in message
    assert said in message
    assert message.endswith("Replace it in n8n with a Call n8n Workflow tool and export again.")


def test_the_companion_takes_the_model_arguments_as_inputs():
    [member] = sets.members([tool_agent(DEFINITION)])
    caller, companion = app_tools.with_companions([member], SPECS)
    tool = next(n for n in caller.data["nodes"] if n["name"] == "Get Table Definition")
    assert tool["parameters"]["description"] == (
        "Get table definition to find all columns and types\n"
        "Arguments: table_name; schema_name: Its schema"
    )
    trigger, app = companion.data["nodes"]
    assert trigger["parameters"]["workflowInputs"]["values"] == [
        {"name": "table_name", "type": "string"},
        {"name": "schema_name", "type": "string"},
    ]
    assert app["parameters"]["options"]["queryReplacement"] == [
        "={{ $json.table_name }}",
        "={{ $json.schema_name }}",
    ]
    assert "WorkFuse binds each as a query parameter" in app["notes"]


@pytest.fixture
def ai(settings):
    with fake_ai_server() as server:
        settings.OPENAI_BASE_URL = server.openai_url
        settings.OPENAI_API_KEY = "sk-env-openai-0123456789abcdef"
        yield server


@pytest.fixture
def shop(settings) -> Iterator[Server]:
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    with private_database() as created:
        with created.connect() as connection:
            connection.execute("CREATE TABLE orders (id int PRIMARY KEY, email text)")
        yield created


@pytest.mark.django_db(transaction=True)
def test_an_imported_postgres_tool_runs_the_query_with_the_models_values_bound(
    alice, alice_api, ai, shop
):
    response = alice_api.post("/api/workflows/import", tool_agent(DEFINITION))
    assert response.status_code == 201, response.content
    caller = Workflow.objects.get(name="Schema desk")
    companion = Workflow.objects.get(name="Schema desk: Get Table Definition tool")
    app = by_label(companion.graph, "Get Table Definition")
    assert "{{" not in app["config"]["sql"] and "%(p1)s" in app["config"]["sql"]
    credential = store.create(
        alice,
        "Shop DB",
        "postgres",
        {
            "password": "unused-by-trust-auth",
            "host": shop.host,
            "port": shop.port,
            "database": shop.database,
            "username": shop.username,
            "sslmode": "disable",
        },
    )
    graph = copy.deepcopy(companion.graph)
    by_label(graph, "Get Table Definition")["config"]["credential"] = credential.pk
    companion.save_graph(graph, user=alice)
    ai.script(
        "openai",
        Reply(
            tool_calls=[
                ("Get_Table_Definition", {"table_name": "orders", "schema_name": "public"}),
                # n8n would paste this into the SQL and break it; bound, it matches no table
                ("Get_Table_Definition", {"table_name": "x' OR '1'='1", "schema_name": "public"}),
            ]
        ),
        Reply(text="orders has id and email"),
    )
    execution = engine.start_execution(caller, {})
    execution.refresh_from_db()
    step = Step.objects.get(execution=execution, key="ai_agent")
    assert execution.status == "succeeded", step.error
    assert isinstance(step.output, dict)
    orders, injected = step.output["tool_calls"]
    assert orders["error"] is None and injected["error"] is None
    assert [(r["column_name"], r["data_type"]) for r in orders["result"]["rows"]] == [
        ("id", "integer"),
        ("email", "text"),
    ]
    assert injected["result"]["rows"] == []
