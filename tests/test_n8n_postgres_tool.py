"""n8n's Postgres tool writing `{{ $fromAI(...) }}` in its plain-text query
(editor/n8n/postgres_tool.py): n8n fills and pastes the values, WorkFuse's companion workflow
binds them as query parameters; SQL text the model writes (the "chat with your database"
shape) runs with app.postgres query_from_text, read-only; SQL text the run writes stays
refused. Imported through the API and run by the engine against the fake provider and a private
database on the machine's PostgreSQL."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from typing import Any

import pytest

from credentials import store
from editor.models import Workflow
from editor.n8n import SPECS, app_tools, convert, postgres_tool, sets
from executions import engine
from executions.models import Step
from tests.fake_ai_server import Reply, fake_ai_server
from tests.fakes.postgres import Server, private_database
from tests.test_n8n_ai import (
    LC,
    MODEL,
    agent_export,
    attach,
    by_label,
    export,
    n8n_node,
    refusals,
    to,
)

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
            "SELECT * FROM {{ $json.table }}",
            {},
            "it writes {{ $json.table }} into its query's SQL text, which n8n pastes into the "
            "statement",
        ),
        (
            "SELECT * FROM {{ $fromAI('table') + 's' }}",
            {},
            "it writes {{ $fromAI('table') + 's' }} into its query's SQL text",
        ),
        (
            "{{ $fromAI('sql') }} AND tenant = '{{ $json.tenant }}'",
            {},
            "it writes {{ $json.tenant }} into SQL its model writes; WorkFuse runs the model's "
            "SQL as it is, with nothing but the model's arguments in it",
        ),
        (
            "{{ $fromAI('sql') }}",
            {"queryReplacement": "={{ $json.id }}"},
            "it gives Query Parameters beside SQL its model writes",
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


# --- the model writes the SQL (query_from_text) --------------------------------------------------

EXECUTE = '{{ $fromAI("sql_query", "SQL Query") }}'
TABLES = (
    "SELECT table_schema, table_name\nFROM information_schema.tables\n"
    "WHERE table_type = 'BASE TABLE' AND table_schema = 'public';"
)


def sql_tool(name: str, query: str, description: str) -> dict[str, Any]:
    params = {"query": query, "options": {}, "operation": "executeQuery"}
    params |= {"descriptionType": "manual", "toolDescription": description}
    return n8n_node(name, "n8n-nodes-base.postgresTool", params, 2.5)


def chat_with_database(query: str = EXECUTE, *, memory: bool = True) -> dict[str, Any]:
    """The shape of the corpus's "Chat with Postgresql Database" (memory, an agent reading the
    chat's message by itself) and "AI Agent to chat with Supabase/PostgreSQL DB" (no memory,
    the prompt an expression reading the chat trigger): a chat agent with three Postgres tools,
    one of which runs the SQL the model writes."""
    chat = n8n_node("When chat message received", f"{LC}chatTrigger", {"options": {}}, 1.1)
    params: dict[str, Any] = {
        "agent": "openAiFunctionsAgent",
        "options": {"systemMessage": "You are DB assistant. Run SQL to answer."},
    }
    if not memory:
        params |= {
            "promptType": "define",
            "text": "={{ $('When chat message received').item.json.chatInput }}",
        }
    agent = n8n_node("AI Agent", f"{LC}agent", params, 1.7, 240)
    tools = [
        sql_tool("Execute SQL Query", query, "Get all the data from Postgres."),
        sql_tool("DB Schema", TABLES, "Get list of all tables in database"),
        sql_tool("Get Table Definition", DEFINITION, "Get table definition"),
    ]
    connections: dict[str, Any] = {chat["name"]: to("AI Agent")}
    attach(connections, MODEL["name"], "AI Agent", "ai_languageModel")
    for tool in tools:
        attach(connections, tool["name"], "AI Agent", "ai_tool")
    nodes = [chat, agent, MODEL, *tools]
    if memory:
        window = n8n_node("Chat History", f"{LC}memoryBufferWindow", {}, 1.3)
        attach(connections, window["name"], "AI Agent", "ai_memory")
        nodes.append(window)
    data = export(nodes, connections)
    data["name"] = "Chat with the shop"
    return data


@pytest.mark.parametrize(
    ("query", "statement", "arguments"),
    [
        (EXECUTE, "{{ trigger.sql_query }}", [("sql_query", "SQL Query")]),
        ("={{ $fromAI('sql', 'The SQL') }}", "{{ trigger.sql }}", [("sql", "The SQL")]),
        (  # n8n pastes quoted values too, once the model writes SQL text
            "SELECT * FROM {{ $fromAI('table') }} WHERE name = '{{ $fromAI('name') }}'",
            "SELECT * FROM {{ trigger.table | n8n_text }} WHERE name = '{{ trigger.name | n8n_text }}'",
            [("table", ""), ("name", "")],
        ),
    ],
)
def test_sql_the_model_writes_runs_as_the_sql_given_read_only(query, statement, arguments):
    node = sql_tool("Execute SQL Query", query, "Run SQL")
    assert postgres_tool.model_writes(node) and app_tools.problem(node, SPECS) is None
    [member] = sets.members([chat_with_database(query)])
    caller, *companions = app_tools.with_companions([member], SPECS)
    trigger, app = companions[0].data["nodes"]
    assert [(v["name"], v["type"]) for v in trigger["parameters"]["workflowInputs"]["values"]] == [
        (name, "string") for name, _ in arguments
    ]
    tool = next(n for n in caller.data["nodes"] if n["name"] == "Execute SQL Query")
    described = "; ".join(f"{n}: {d}" if d else n for n, d in arguments)
    assert tool["parameters"]["description"].endswith("\nArguments: " + described)
    assert app[postgres_tool.MODEL_SQL] is True

    graph = convert(companions[0].data)
    config = by_label(graph, "Execute SQL Query")["config"]
    assert config == {"operation": "query_from_text", "statement": statement, "read_only": True}


def test_both_corpus_shapes_import_every_node_with_the_read_only_caveat(alice, alice_api):
    for memory in (True, False):
        data = chat_with_database(memory=memory)
        data["name"] = f"Chat {memory}"
        response = alice_api.post("/api/workflows/import", data)
        assert response.status_code == 201, response.content
    for memory in (True, False):
        caller = Workflow.objects.get(name=f"Chat {memory}")
        agent = next(n for n in caller.graph["nodes"] if n["type"] == "action.agent")
        assert sorted(t["name"] for t in agent["config"]["tools"]) == [
            "DB_Schema",
            "Execute_SQL_Query",
            "Get_Table_Definition",
        ]
        assert all(t["type"] == "workflow" for t in agent["config"]["tools"])
        companion = Workflow.objects.get(name=f"Chat {memory}: Execute SQL Query tool")
        app = by_label(companion.graph, "Execute SQL Query")
        assert app["config"]["operation"] == "query_from_text"
        assert app["config"]["read_only"] is True
        assert postgres_tool.GIVEN_NOTE in app["notes"]
        definition = Workflow.objects.get(name=f"Chat {memory}: Get Table Definition tool")
        assert by_label(definition.graph, "Get Table Definition")["config"]["operation"] == "query"


def test_the_caveat_says_n8n_let_the_model_write_and_how_to_allow_it():
    note = postgres_tool.GIVEN_NOTE
    assert "n8n ran whatever SQL the model wrote, changes included" in note
    assert "read-only transaction" in note and "turn read_only off on this node" in note


def connection_of(shop: Server) -> dict[str, Any]:
    return {
        "password": "unused-by-trust-auth",
        "host": shop.host,
        "port": shop.port,
        "database": shop.database,
        "username": shop.username,
        "sslmode": "disable",
    }


@pytest.mark.django_db(transaction=True)
def test_an_imported_chat_agent_runs_the_sql_its_model_writes_read_only(alice, alice_api, ai, shop):
    with shop.connect() as connection:
        connection.execute("INSERT INTO orders VALUES (1, 'ann@x.org'), (2, 'bo@y.org')")
    response = alice_api.post("/api/workflows/import", chat_with_database())
    assert response.status_code == 201, response.content
    caller = Workflow.objects.get(name="Chat with the shop")
    companion = Workflow.objects.get(name="Chat with the shop: Execute SQL Query tool")
    credential = store.create(alice, "Shop DB", "postgres", connection_of(shop))
    graph = copy.deepcopy(companion.graph)
    by_label(graph, "Execute SQL Query")["config"]["credential"] = credential.pk
    companion.save_graph(graph, user=alice)
    ai.script(
        "openai",
        Reply(
            tool_calls=[
                (
                    "Execute_SQL_Query",
                    {"sql_query": "SELECT id, email FROM public.orders ORDER BY id"},
                ),
                ("Execute_SQL_Query", {"sql_query": "DELETE FROM public.orders"}),
                ("Execute_SQL_Query", {"sql_query": "SELECT 1; DELETE FROM public.orders"}),
            ]
        ),
        Reply(text="There are two orders: ann@x.org and bo@y.org."),
    )

    execution = engine.start_execution(caller, {"session_id": "s1", "message": "Which orders?"})

    execution.refresh_from_db()
    step = Step.objects.get(execution=execution, key="ai_agent")
    assert execution.status == "succeeded", step.error
    assert isinstance(step.output, dict)
    assert step.output["response"] == "There are two orders: ann@x.org and bo@y.org."
    rows, delete, several = step.output["tool_calls"]
    assert rows["error"] is None
    assert rows["result"]["rows"] == [
        {"id": 1, "email": "ann@x.org"},
        {"id": 2, "email": "bo@y.org"},
    ]
    assert "cannot execute DELETE in a read-only transaction" in delete["error"]
    assert "turn read_only off to let it change data" in delete["error"]
    assert "statement holds several SQL statements" in several["error"]
    with shop.connect() as connection:
        assert connection.execute("SELECT count(*) FROM orders").fetchone() == (2,)
    # the model saw the rows: they went back to it in the second turn
    assert "bo@y.org" in json.dumps(ai.requests_for("openai")[-1].body)
