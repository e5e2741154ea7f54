"""Importing what n8n's chains, OpenAI nodes and agents used to be refused for (editor/n8n/ai.py,
ai_tools.py, ai_tools_extra.py): example answers before the prompt, nested JSON bodies and
expression-free placeholders of HTTP Request tools, SerpApi, workflows carried inside a Call n8n
Workflow tool, models chosen by expression; and what stays refused says what to do."""

from __future__ import annotations

import copy
import itertools
import json
from typing import Any

import pytest
from pydantic import ValidationError

from credentials import store
from editor.models import Workflow
from editor.n8n import convert, embedded_tools, sets
from editor.nodes.action_agent import HttpTool
from editor.validation import validate_graph
from executions import engine
from executions.models import Step
from tests.engine_helpers import make_workflow, recorder
from tests.fake_ai_server import Reply, fake_ai_server
from tests.test_n8n_ai import (
    LC,
    TRIGGER,
    agent_export,
    by_label,
    chain_export,
    export,
    n8n_node,
    refusals,
    to,
)


@pytest.fixture
def ai(settings):
    with fake_ai_server() as server:
        settings.OPENAI_BASE_URL = server.openai_url
        settings.OPENAI_API_KEY = "sk-env-openai-0123456789abcdef"
        settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True  # the HTTP tools call local recorders
        yield server


def chain_with(messages: list[dict[str, Any]], text: str = "=Title for {{ $json.item }}") -> dict:
    return n8n_node(
        "Basic LLM Chain",
        f"{LC}chainLlm",
        {"promptType": "define", "text": text, "messages": {"messageValues": messages}},
        1.5,
    )


# --- earlier turns before the prompt -------------------------------------------------------


def test_a_chains_human_and_ai_messages_become_earlier_turns_in_order():
    chain = chain_with(
        [
            {"message": "You write titles."},
            {"type": "HumanMessagePromptTemplate", "message": "Title for red mug"},
            {"type": "AIMessagePromptTemplate", "message": "=Crimson {{ $json.kind }}"},
        ]
    )
    graph = convert(chain_export(chain))
    assert validate_graph(graph) == []
    node = by_label(graph, "Basic LLM Chain")
    assert node["config"]["system_prompt"] == "You write titles."
    assert node["config"]["messages"] == [
        {"role": "user", "content": "Title for red mug"},
        {"role": "assistant", "content": "Crimson {{ trigger.kind | n8n_text }}"},
    ]
    assert node["config"]["prompt"] == "Title for {{ trigger.item | n8n_text }}"
    assert "system message after" not in node.get("notes", "")


def test_a_system_message_after_the_turns_is_sent_first_with_a_note():
    chain = chain_with(
        [
            {"type": "AIMessagePromptTemplate", "message": "Crimson Mug"},
            {"message": "Be brief."},
        ]
    )
    node = by_label(convert(chain_export(chain)), "Basic LLM Chain")
    assert node["config"]["system_prompt"] == "Be brief."
    assert node["config"]["messages"] == [{"role": "assistant", "content": "Crimson Mug"}]
    assert "WorkFuse sends all system messages first" in node["notes"]


def test_an_unknown_chain_message_type_is_refused_by_name():
    [refused] = refusals(chain_export(chain_with([{"type": "ToolMessage", "message": "x"}])))
    assert "has a message of type 'ToolMessage'" in refused


def openai_node(messages: list[dict[str, Any]]) -> dict:
    return n8n_node(
        "Ask",
        f"{LC}openAi",
        {
            "modelId": {"__rl": True, "value": "gpt-4o", "mode": "list"},
            "messages": {"values": messages},
        },
        1.8,
    )


def test_an_openai_conversation_keeps_its_turns_and_sends_the_last_user_message_as_prompt():
    node = openai_node(
        [
            {"content": "Title for red mug"},
            {"role": "assistant", "content": "Crimson Mug"},
            {"role": "system", "content": "Be brief."},
            {"content": "=Title for {{ $json.item }}"},
        ]
    )
    graph = convert(export([TRIGGER, node], {"Start": to("Ask")}))
    assert validate_graph(graph) == []
    ask = by_label(graph, "Ask")
    assert ask["config"]["messages"] == [
        {"role": "user", "content": "Title for red mug"},
        {"role": "assistant", "content": "Crimson Mug"},
    ]
    assert ask["config"]["prompt"] == "Title for {{ trigger.item | n8n_text }}"
    assert ask["config"]["system_prompt"] == "Be brief."
    assert "WorkFuse sends all system messages first" in ask["notes"]


def test_an_openai_conversation_ending_with_the_assistant_is_refused_with_what_to_do():
    node = openai_node([{"content": "Write a title"}, {"role": "assistant", "content": "Title:"}])
    [refused] = refusals(export([TRIGGER, node], {"Start": to("Ask")}))
    assert "ends its conversation with an assistant message" in refused
    assert "Put the user message last in n8n" in refused


# --- HTTP Request tool: JSON bodies of any shape -------------------------------------------

BOOKING_TOOL = n8n_node(
    "Create a Booking",
    f"{LC}toolHttpRequest",
    {
        "url": "https://api.cal.example/v2/bookings",
        "method": "POST",
        "sendBody": True,
        "specifyBody": "json",
        "jsonBody": '{\n "eventTypeId": 648297,\n "start": "{start}",\n "guests": {guests},\n'
        ' "attendee": {"name": "{name}", "note": "Booked for {name} ({email})"}\n}',
        "placeholderDefinitions": {
            "values": [
                {"name": "start", "type": "string", "description": "ISO start time"},
                {"name": "guests", "type": "number", "description": "How many come"},
                {"name": "name", "type": "string"},
            ]
        },
        "toolDescription": "Book a meeting",
    },
    1,
)


def test_a_nested_json_body_becomes_the_tools_body_template_with_its_placeholders():
    graph = convert(
        agent_export({"promptType": "define", "text": "Book"}, (BOOKING_TOOL, "ai_tool"))
    )
    assert validate_graph(graph) == []
    agent = by_label(graph, "AI Agent")
    [tool] = agent["config"]["tools"]
    assert tool["body"] == {
        "eventTypeId": 648297,
        "start": "{start}",
        "guests": "{guests}",
        "attendee": {"name": "{name}", "note": "Booked for {name} ({email})"},
    }
    assert tool["body_schema"] == {
        "type": "object",
        "properties": {
            "start": {"type": "string", "description": "ISO start time"},
            "guests": {"type": "number", "description": "How many come"},
            "name": {"type": "string"},
            "email": {"type": "string"},
        },
        "required": ["start", "guests", "name", "email"],
    }
    assert "fills the {placeholders} of its JSON body as values" in agent["notes"]


def test_a_json_body_that_is_not_json_is_refused_naming_the_tool():
    broken = copy.deepcopy(BOOKING_TOOL)
    broken["parameters"]["jsonBody"] = '{"start": "{start}",'
    [refused] = refusals(agent_export({"promptType": "define", "text": "x"}, (broken, "ai_tool")))
    assert "'Create a Booking' (@n8n/n8n-nodes-langchain.toolHttpRequest) gives a JSON body" in (
        refused
    )


@pytest.mark.django_db(transaction=True)
def test_an_imported_tool_sends_its_body_template_filled_with_the_models_arguments(ai, alice):
    with recorder() as api:
        api.script = [(201, {}, {"uid": "bk-1"})]
        tool = copy.deepcopy(BOOKING_TOOL)
        tool["parameters"]["url"] = f"{api.url}/bookings"
        data = agent_export({"promptType": "define", "text": "Book"}, (tool, "ai_tool"))
        arguments = {"start": "2025-01-02T10:00", "guests": 3, "name": 'Ada "AL"', "email": "a@x"}
        ai.script(
            "openai",
            Reply(tool_calls=[("Create_a_Booking", arguments)]),
            Reply(text="Booked"),
        )
        execution = engine.start_execution(make_workflow(alice, convert(data)), {})
    execution.refresh_from_db()
    assert execution.status == "succeeded", execution.error
    [request] = api.requests
    assert json.loads(request["body"]) == {
        "eventTypeId": 648297,
        "start": "2025-01-02T10:00",
        "guests": 3,
        "attendee": {"name": 'Ada "AL"', "note": 'Booked for Ada "AL" (a@x)'},
    }
    output = Step.objects.get(execution=execution, key="ai_agent").output
    assert output["tool_calls"][0]["result"] == {"status": 201, "body": {"uid": "bk-1"}}


@pytest.mark.django_db(transaction=True)
def test_a_missing_body_argument_goes_back_to_the_model_as_its_error(ai, alice):
    with recorder() as api:
        tool = copy.deepcopy(BOOKING_TOOL)
        tool["parameters"]["url"] = f"{api.url}/bookings"
        graph = convert(agent_export({"promptType": "define", "text": "Book"}, (tool, "ai_tool")))
        # A hand-edited schema that no longer asks for a placeholder the body reads.
        by_label(graph, "AI Agent")["config"]["tools"][0]["body_schema"]["required"].remove("email")
        ai.script(
            "openai",
            Reply(tool_calls=[("Create_a_Booking", {"start": "x", "guests": 1, "name": "A"})]),
            Reply(text="I need the email"),
        )
        execution = engine.start_execution(make_workflow(alice, graph), {})
    execution.refresh_from_db()
    assert execution.status == "succeeded", execution.error
    assert api.requests == []
    output = Step.objects.get(execution=execution, key="ai_agent").output
    assert output["tool_calls"][0]["error"] == "the argument 'email' the body needs is missing"


def test_a_body_on_a_get_tool_is_refused_by_field():
    with pytest.raises(ValidationError, match="body: a GET request sends no body"):
        HttpTool.model_validate(
            {"type": "http", "name": "t", "url": "https://e.com", "body": {"a": "{a}"}}
        )


# --- SerpApi -------------------------------------------------------------------------------

SERPAPI = n8n_node("SerpAPI", f"{LC}toolSerpApi", {"options": {"gl": "de", "hl": "de"}})


def test_serpapi_becomes_an_http_tool_searching_serpapi_with_a_key_slot_and_caveats():
    graph = convert(agent_export({"promptType": "define", "text": "News?"}, (SERPAPI, "ai_tool")))
    assert validate_graph(graph) == []
    agent = by_label(graph, "AI Agent")
    [tool] = agent["config"]["tools"]
    assert tool == {
        "type": "http",
        "name": "search",
        "description": "a search engine. useful for when you need to answer questions about "
        "current events. input should be a search query.",
        "method": "GET",
        "url": "https://serpapi.com/search?gl=de&hl=de&q={input}",
        "body_schema": {
            "type": "object",
            "properties": {"input": {"type": "string"}},
            "required": ["input"],
        },
        "auth": "query",
    }
    assert "choose an API key credential holding your SerpApi key" in agent["notes"]
    assert "n8n's gave one distilled answer" in agent["notes"]


@pytest.mark.django_db(transaction=True)
def test_an_imported_serpapi_tool_sends_the_query_and_the_key_as_serpapi_expects(
    ai, alice, settings
):
    with recorder() as api:
        api.script = [(200, {}, {"answer_box": {"answer": "42"}})]
        graph = convert(agent_export({"promptType": "define", "text": "Q?"}, (SERPAPI, "ai_tool")))
        [tool] = by_label(graph, "AI Agent")["config"]["tools"]
        tool["url"] = tool["url"].replace("https://serpapi.com", api.url)  # the fake SerpApi
        tool["credential"] = store.create(alice, "SerpApi", "api_key", "serp-key-1").pk
        ai.script("openai", Reply(tool_calls=[("search", {"input": "life & more"})]), Reply())
        execution = engine.start_execution(make_workflow(alice, graph), {})
    execution.refresh_from_db()
    assert execution.status == "succeeded", execution.error
    [request] = api.requests
    assert request["path"] == "/search?gl=de&hl=de&q=life+%26+more&api_key=serp-key-1"
    step = Step.objects.get(execution=execution, key="ai_agent")
    assert step.output["tool_calls"][0]["result"]["body"] == {"answer_box": {"answer": "42"}}
    assert "serp-key-1" not in json.dumps(step.output)


# --- Call n8n Workflow tool carrying its workflow ------------------------------------------


def embedded_tool(
    label: str, inner: list[dict], start: str, kind: str = "executeWorkflowTrigger", **params: Any
) -> dict:
    """A version 1.1 Call n8n Workflow tool whose workflow is `start` (an n8n-nodes-base
    `kind`) -> each of `inner`."""
    chain_ = [start, *(n["name"] for n in inner)]
    workflow = {
        "nodes": [
            n8n_node(start, f"n8n-nodes-base.{kind}", {}, 1),
            *inner,
        ],
        "connections": {
            a: {"main": [[{"node": b, "type": "main", "index": 0}]]}
            for a, b in itertools.pairwise(chain_)
        },
    }
    return n8n_node(
        label,
        f"{LC}toolWorkflow",
        {"source": "parameter", "workflowJson": json.dumps(workflow), **params},
        1.1,
    )


def set_node(name: str, field: str, value: str) -> dict:
    return n8n_node(
        name,
        "n8n-nodes-base.set",
        {"assignments": {"assignments": [{"name": field, "value": value, "type": "string"}]}},
        3.4,
    )


CITY_TOOL = embedded_tool(
    "Weather",
    [set_node("Forecast", "forecast", "=Sunny in {{ $json.query.city }}")],
    "Execute Workflow Trigger",
    name="weather",
    description="The weather in a city",
    specifyInputSchema=True,
    jsonSchemaExample='{"city": "Paris"}',
)


def test_an_embedded_workflow_alone_is_refused_saying_to_use_the_saving_import():
    [refused] = refusals(
        agent_export({"promptType": "define", "text": "x"}, (CITY_TOOL, "ai_tool"))
    )
    assert "carries the workflow it runs inside its settings, which WorkFuse saves" in refused
    assert "POST /api/workflows/import" in refused


def test_an_embedded_workflow_that_cannot_be_one_is_refused_with_the_reason():
    broken = copy.deepcopy(CITY_TOOL)
    broken["parameters"]["workflowJson"] = "{not json"
    [refused] = refusals(agent_export({"promptType": "define", "text": "x"}, (broken, "ai_tool")))
    assert "but the workflow in its settings is not an n8n workflow's JSON" in refused
    newer = copy.deepcopy(CITY_TOOL)
    newer["typeVersion"] = 2.2
    [refused] = refusals(agent_export({"promptType": "define", "text": "x"}, (newer, "ai_tool")))
    assert "call it from the database and export both" in refused


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("tool", "arguments", "expected"),
    [
        (CITY_TOOL, {"city": "Oslo"}, {"forecast": "Sunny in Oslo"}),
        (
            embedded_tool(
                "Shout",
                [set_node("Loud", "loud", "={{ $json.query.toUpperCase() }}")],
                "Execute workflow",
                "manualTrigger",  # older exports start there
                name="shout",
                description="Shouts",
            ),
            {"query": "hi"},
            {"loud": "HI"},
        ),
    ],
)
def test_an_embedded_workflow_becomes_a_companion_the_agent_calls(
    alice_api, ai, tool, arguments, expected
):
    data = agent_export({"promptType": "define", "text": "Go"}, (tool, "ai_tool"))
    data["name"] = "Desk"
    response = alice_api.post("/api/workflows/import", data)
    assert response.status_code == 201, response.content
    caller = Workflow.objects.get(name="Desk")
    companion = Workflow.objects.get(name=f"Desk: {tool['name']} tool")
    [imported] = by_label(caller.graph, "AI Agent")["config"]["tools"]
    assert imported["type"] == "workflow" and imported["workflow"] == companion.pk
    assert imported["name"] == tool["parameters"]["name"]
    trigger = by_label(companion.graph, "When called by the agent")
    assert [i["name"] for i in trigger["config"]["inputs"]] == list(arguments)
    ai.script("openai", Reply(tool_calls=[(imported["name"], arguments)]), Reply(text="Done"))
    execution = engine.start_execution(caller, {})
    execution.refresh_from_db()
    step = Step.objects.get(execution=execution, key="ai_agent")
    assert execution.status == "succeeded", step.error
    [call] = step.output["tool_calls"]
    assert call["result"] == {"result": expected}


# --- a model chosen by expression ----------------------------------------------------------


def chain_with_model_expression() -> dict[str, Any]:
    chain = chain_with([], text="=Hello {{ $json.name }}")
    data = copy.deepcopy(chain_export(chain))  # MODEL is shared with other tests
    model = next(n for n in data["nodes"] if n["name"] == "OpenAI Chat Model")
    model["parameters"]["model"] = {"__rl": True, "value": "={{ $json.model }}", "mode": "id"}
    return data


def test_a_model_chosen_by_expression_becomes_a_template_with_a_note():
    graph = convert(chain_with_model_expression())
    assert validate_graph(graph) == []
    node = by_label(graph, "Basic LLM Chain")
    assert node["config"]["model"] == "{{ trigger.model }}"
    assert "The model is chosen by the run's data" in node["notes"]


@pytest.mark.django_db(transaction=True)
def test_the_model_is_filled_when_the_step_runs_and_an_empty_one_fails_naming_the_field(ai, alice):
    workflow = make_workflow(alice, convert(chain_with_model_expression()))
    execution = engine.start_execution(workflow, {"model": "gpt-4.1-mini", "name": "Ada"})
    execution.refresh_from_db()
    assert execution.status == "succeeded", execution.error
    assert ai.requests[0].body["model"] == "gpt-4.1-mini"
    failed = engine.start_execution(workflow, {"model": "", "name": "Ada"})
    failed.refresh_from_db()
    assert failed.status == "failed"
    step = Step.objects.get(execution=failed, key="basic_llm_chain")
    assert "config.model: String should have at least 1 character" in step.error
    assert len(ai.requests) == 1


# --- SQL agents stay refused, saying what to do ----------------------------------------------


@pytest.mark.parametrize(
    ("params", "said"),
    [
        ({"agent": "sqlAgent"}, "a SQLite file, which WorkFuse cannot query: load the data into"),
        ({"agent": "sqlAgent", "dataSource": "postgres"}, "against its postgres database; switch"),
    ],
)
def test_a_sql_agent_is_refused_with_the_tools_agent_to_build_instead(params, said):
    [refused] = refusals(agent_export(params, version=1.7))
    assert refused.startswith(
        "n8n node 'AI Agent' (@n8n/n8n-nodes-langchain.agent): is a SQL Agent"
    )
    assert said in refused
    assert "Tools Agent with a Postgres tool (operation Execute Query" in refused


# --- HTTP Request tool: a URL read from the run's data -------------------------------------

NOTION_TOOL = n8n_node(
    "Search notion",
    f"{LC}toolHttpRequest",
    {
        "url": "=https://api.notion.example/v1/databases/{{ $json.notionID }}/query",
        "method": "POST",
        "sendBody": True,
        "specifyBody": "json",
        "jsonBody": '{"filter": {"property": "question", "rich_text": {"contains": "{keyword}"}}}',
        "toolDescription": "Search the knowledge base",
    },
    1.1,
)


def test_a_url_expression_becomes_a_template_of_the_agents_data():
    graph = convert(agent_export({"promptType": "define", "text": "x"}, (NOTION_TOOL, "ai_tool")))
    assert validate_graph(graph) == []
    [tool] = by_label(graph, "AI Agent")["config"]["tools"]
    assert tool["url"] == (
        "https://api.notion.example/v1/databases/{{ trigger.notionID | n8n_text }}/query"
    )
    assert tool["body_schema"]["required"] == ["keyword"]


@pytest.mark.django_db(transaction=True)
def test_the_tool_fills_its_url_from_the_run_and_its_placeholders_from_the_model(ai, alice):
    with recorder() as api:
        tool = copy.deepcopy(NOTION_TOOL)
        tool["parameters"]["url"] = "={{ $json.base }}/databases/{{ $json.notionID }}/query"
        graph = convert(agent_export({"promptType": "define", "text": "x"}, (tool, "ai_tool")))
        ai.script(
            "openai",
            Reply(tool_calls=[("Search_notion", {"keyword": "{{ 7 * 7 }}"})]),
            Reply(tool_calls=[("Search_notion", {"keyword": "refunds"})]),
            Reply(text="Found"),
            Reply(tool_calls=[("Search_notion", {"keyword": "x"})]),  # the second run's
            Reply(text="The address is wrong"),
        )
        workflow = make_workflow(alice, graph)
        execution = engine.start_execution(workflow, {"base": api.url, "notionID": "db 1"})
        bad = engine.start_execution(workflow, {"base": "ftp://files", "notionID": "db"})
    execution.refresh_from_db()
    assert execution.status == "succeeded", execution.error
    paths = [r["path"] for r in api.requests]
    assert paths == ["/databases/db%201/query", "/databases/db%201/query"]
    # The model's text is never template text.
    assert json.loads(api.requests[0]["body"])["filter"]["rich_text"]["contains"] == "{{ 7 * 7 }}"
    calls = Step.objects.get(execution=bad, key="ai_agent").output["tool_calls"]
    assert calls[0]["error"] == (
        "tools.Search_notion.url: the filled-in address must be an http:// or https:// address"
    )


def test_a_tool_url_template_that_does_not_parse_is_refused_by_field():
    with pytest.raises(ValidationError, match="url"):
        HttpTool.model_validate({"type": "http", "name": "t", "url": "{{ trigger.url "})


def test_a_manual_input_schema_declares_the_companions_inputs_by_its_fields():
    tool = copy.deepcopy(CITY_TOOL)
    tool["parameters"].update(
        schemaType="manual",
        inputSchema='{"type": "object", "properties": {"city": {"type": "string"}, '
        '"days": {"type": "number"}, "when": {"format": "date"}}}',
    )
    data = agent_export({"promptType": "define", "text": "x"}, (tool, "ai_tool"))
    caller, companion = embedded_tools.with_companions(sets.members([data]))
    trigger = next(n for n in companion.data["nodes"] if n["name"] == "When called by the agent")
    assert trigger["parameters"]["workflowInputs"]["values"] == [
        {"name": "city", "type": "string"},
        {"name": "days", "type": "number"},
        {"name": "when", "type": "any"},
    ]
    [called] = [n for n in caller.data["nodes"] if n["name"] == "Weather"]
    assert called["parameters"]["source"] == "database"
    assert "workflowJson" not in called["parameters"]
