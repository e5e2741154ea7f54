"""Importing n8n's AI nodes (editor/n8n/ai.py, ai_parts.py, ai_tools.py, ai_refused.py): the
agent with its chat model, memory, output parser and tools, chains, the extractor and the OpenAI
nodes; refusals that name the node and the construct; and an imported agent run against the fake
provider server calling its tools."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from editor.graph import ImportRefused
from editor.n8n import SPECS, SUB_NODES, convert
from editor.n8n.ai_parts import schema_from_example
from editor.n8n.converter import Converted, Converter, Spec
from editor.validation import validate_graph
from executions import engine
from executions.models import Step
from tests.engine_helpers import make_workflow, recorder
from tests.fake_ai_server import Reply, fake_ai_server

LC = "@n8n/n8n-nodes-langchain."


def n8n_node(name: str, kind: str, params: dict[str, Any], version: float = 1, x: int = 0) -> dict:
    return {
        "parameters": params,
        "id": f"id-{name}",
        "name": name,
        "type": kind,
        "typeVersion": version,
        "position": [x, 0],
    }


def export(nodes: list[dict], connections: dict[str, Any]) -> dict[str, Any]:
    return {"name": "AI flow", "nodes": nodes, "connections": connections, "settings": {}}


def to(target: str, kind: str = "main") -> dict[str, Any]:
    return {kind: [[{"node": target, "type": kind, "index": 0}]]}


def attach(connections: dict[str, Any], source: str, target: str, kind: str) -> None:
    connections[source] = to(target, kind)


TRIGGER = n8n_node("Start", "n8n-nodes-base.manualTrigger", {})
MODEL = n8n_node(
    "OpenAI Chat Model",
    f"{LC}lmChatOpenAi",
    {"model": {"__rl": True, "value": "gpt-4o-mini", "mode": "list"}, "options": {}},
    1.2,
)


def agent_export(
    agent_params: dict[str, Any], *subs: tuple[dict, str], version: float = 2.2
) -> dict[str, Any]:
    """Start -> AI Agent, with the OpenAI chat model and `subs` (node, connection kind)
    attached."""
    agent = n8n_node("AI Agent", f"{LC}agent", agent_params, version, 240)
    connections: dict[str, Any] = {"Start": to("AI Agent")}
    attach(connections, MODEL["name"], "AI Agent", "ai_languageModel")
    for sub, kind in subs:
        attach(connections, sub["name"], "AI Agent", kind)
    return export([TRIGGER, agent, MODEL, *(s for s, _ in subs)], connections)


def by_label(graph: dict[str, Any], label: str) -> dict[str, Any]:
    return next(n for n in graph["nodes"] if n["label"] == label)


def refusals(data: dict[str, Any]) -> list[str]:
    with pytest.raises(ImportRefused) as refused:
        convert(data)
    return [issue.message for issue in refused.value.issues]


HTTP_TOOL = n8n_node(
    "Lookup order",
    f"{LC}toolHttpRequest",
    {
        "toolDescription": "Find an order by its id",
        "url": "https://shop.example.com/orders/{order_id}",
        "placeholderDefinitions": {
            "values": [{"name": "order_id", "description": "The order's id", "type": "string"}]
        },
    },
    1.1,
)
CODE_TOOL = n8n_node(
    "Shout",
    f"{LC}toolCode",
    {"description": "Upper-cases text", "jsCode": "return query.toUpperCase();"},
    1.1,
)
MEMORY = n8n_node(
    "Simple Memory",
    f"{LC}memoryBufferWindow",
    {"sessionIdType": "customKey", "sessionKey": "={{ $json.user }}", "contextWindowLength": 7},
    1.3,
)
PARSER = n8n_node(
    "Structured Output Parser",
    f"{LC}outputParserStructured",
    {"jsonSchemaExample": '{"state": "Utah", "cities": ["Provo"]}'},
    1.3,
)


# --- the agent and its sub-nodes -----------------------------------------------------------


def test_tools_agent_takes_model_prompt_system_message_tools_memory_and_iterations():
    data = agent_export(
        {
            "promptType": "define",
            "text": "=Handle this: {{ $json.request }}",
            "options": {"systemMessage": "You run the shop.", "maxIterations": 4},
        },
        (HTTP_TOOL, "ai_tool"),
        (CODE_TOOL, "ai_tool"),
        (MEMORY, "ai_memory"),
    )
    graph = convert(data)
    assert validate_graph(graph) == []
    assert [n["label"] for n in graph["nodes"]] == ["Start", "AI Agent"]
    agent = by_label(graph, "AI Agent")
    assert agent["type"] == "action.agent"
    assert agent["config"] == {
        "provider": "openai",
        "model": "gpt-4o-mini",
        "prompt": "Handle this: {{ trigger.request | n8n_text }}",
        "system_prompt": "You run the shop.",
        "tools": [
            {
                "type": "http",
                "name": "Lookup_order",
                "description": "Find an order by its id",
                "method": "GET",
                "url": "https://shop.example.com/orders/{order_id}",
                "body_schema": {
                    "type": "object",
                    "properties": {"order_id": {"type": "string", "description": "The order's id"}},
                    "required": ["order_id"],
                },
            },
            {
                "type": "code",
                "name": "Shout",
                "description": "Upper-cases text",
                "code": "const query = input.input;\nreturn query.toUpperCase();",
                "input_schema": {
                    "type": "object",
                    "properties": {"input": {"type": "string"}},
                    "required": ["input"],
                },
            },
        ],
        # Simple Memory is per workflow in n8n; 7 interactions are 14 messages.
        "memory": {"session_key": "{{ workflow.id }}__{{ trigger.user }}", "max_messages": 14},
        "max_iterations": 4,
    }
    assert "choose an AI provider credential" in agent["notes"]


@pytest.mark.parametrize(
    ("version", "params", "prompt"),
    [
        (1, {}, "{{ trigger.input }}"),
        (1.1, {}, "{{ trigger.chat_input }}"),
        (1.2, {}, "{{ trigger.chatInput }}"),
        (1.7, {}, "{{ trigger.chatInput }}"),  # promptType "auto" reads the chat input
        (3, {"promptType": "define", "text": "Say hi"}, "Say hi"),
    ],
)
def test_the_prompt_is_read_where_each_agent_version_reads_it(version, params, prompt):
    graph = convert(agent_export(params, version=version))
    assert by_label(graph, "AI Agent")["config"]["prompt"] == prompt


def test_the_tools_agent_default_system_message_is_kept_and_the_conversational_one_noted():
    tools_agent = by_label(convert(agent_export({}, version=1.7)), "AI Agent")
    assert tools_agent["config"]["system_prompt"] == "You are a helpful assistant"
    conversational = by_label(convert(agent_export({}, version=1.5)), "AI Agent")
    assert "system_prompt" not in conversational["config"]
    assert "LangChain's default system message" in conversational["notes"]
    assert "native tool calls" in conversational["notes"]


def test_an_output_parser_becomes_the_output_schema_and_output_fields_read_json():
    data = agent_export({"hasOutputParser": True}, (PARSER, "ai_outputParser"))
    data["nodes"].append(
        n8n_node(
            "Use it",
            "n8n-nodes-base.set",
            {
                "assignments": {
                    "assignments": [
                        {"name": "state", "value": "={{ $json.output.state }}", "type": "string"}
                    ]
                }
            },
            3.4,
            480,
        )
    )
    data["connections"]["AI Agent"] = to("Use it")
    graph = convert(data)
    assert validate_graph(graph) == []
    assert by_label(graph, "AI Agent")["config"]["output_schema"] == {
        "type": "object",
        "properties": {
            "state": {"type": "string"},
            "cities": {"type": "array", "items": {"type": "string"}},
        },
        "required": ["state", "cities"],
    }
    # n8n's agent answers the parsed object in `output`; WorkFuse's in `json`.
    assert "nodes.ai_agent.json.state" in by_label(graph, "Use it")["config"]["expression"]


def test_without_its_switch_a_newer_agent_ignores_an_attached_parser_and_answers_text():
    data = agent_export({}, (PARSER, "ai_outputParser"))
    data["nodes"].append(
        n8n_node(
            "Use it",
            "n8n-nodes-base.set",
            {
                "assignments": {
                    "assignments": [{"name": "a", "value": "={{ $json.output }}", "type": "string"}]
                }
            },
            3.4,
        )
    )
    data["connections"]["AI Agent"] = to("Use it")
    graph = convert(data)
    assert "output_schema" not in by_label(graph, "AI Agent")["config"]
    assert "nodes.ai_agent.response" in by_label(graph, "Use it")["config"]["expression"]


def test_schemas_from_examples_follow_n8n_rules():
    example = {"n": 1, "ok": True, "tags": ["a"], "items": [{"id": 1}, {"id": 2, "x": None}]}
    assert schema_from_example(example, required=False) == {
        "type": "object",
        "properties": {
            "n": {"type": "number"},
            "ok": {"type": "boolean"},
            "tags": {"type": "array", "items": {"type": "string"}},
            "items": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {"id": {"type": "number"}, "x": {"type": "null"}},
                },
            },
        },
    }
    assert schema_from_example({"a": {"b": 1}}, required=True)["properties"]["a"]["required"] == [
        "b"
    ]


def test_an_autofixing_parser_wraps_the_structured_one_with_a_note():
    fixer = n8n_node("Auto-fixing Output Parser", f"{LC}outputParserAutofixing", {})
    data = agent_export({"hasOutputParser": True}, (fixer, "ai_outputParser"))
    data["nodes"].append(PARSER)
    data["connections"][PARSER["name"]] = to(fixer["name"], "ai_outputParser")
    agent = by_label(convert(data), "AI Agent")
    assert agent["config"]["output_schema"]["required"] == ["state", "cities"]
    assert "asks the agent again" in agent["notes"]


def test_memory_from_the_chat_trigger_reads_its_session_id():
    """With a chat trigger n8n reads `$json.sessionId`, else the chat trigger's session id."""
    chat = n8n_node("When chat message received", f"{LC}chatTrigger", {}, 1.1)
    memory = n8n_node("Memory", f"{LC}memoryPostgresChat", {"contextWindowLength": 3}, 1.3)
    data = agent_export({}, (memory, "ai_memory"), version=1.7)
    data["nodes"][0] = chat
    data["connections"] = {
        chat["name"]: to("AI Agent"),
        **{k: v for k, v in data["connections"].items() if k != "Start"},
    }
    # The chat trigger's own conversion belongs to another family; a stand-in spec here.
    specs = {
        **SPECS,
        chat["type"]: Spec(
            lambda node, cx: Converted("trigger.chat", {}),
            "trigger",
            (("chatInput", "message"), ("sessionId", "session_id")),
        ),
    }
    graph = Converter(data, specs, SUB_NODES).run()
    agent = by_label(graph, "AI Agent")
    assert agent["config"]["memory"] == {
        "session_key": "{{ trigger.session_id }}",
        "max_messages": 6,
    }
    assert agent["config"]["prompt"] == "{{ trigger.message }}"
    assert "kept this conversation in a PostgreSQL table" in agent["notes"]
    assert validate_graph(graph) == []


@pytest.mark.parametrize(
    ("model", "expected"),
    [
        (
            n8n_node("Groq", f"{LC}lmChatGroq", {"model": "llama-3.3-70b-versatile"}),
            {
                "provider": "openai_compatible",
                "model": "llama-3.3-70b-versatile",
                "base_url": "https://api.groq.com/openai/v1",
            },
        ),
        (
            n8n_node("Claude", f"{LC}lmChatAnthropic", {}, 1.1),
            {"provider": "anthropic", "model": "claude-3-sonnet-20240229"},
        ),
        (
            n8n_node(
                "Gemini",
                f"{LC}lmChatGoogleGemini",
                {"modelName": "models/gemini-2.0-flash", "options": {"temperature": 0.3}},
            ),
            {"provider": "gemini", "model": "gemini-2.0-flash", "temperature": 0.3},
        ),
        (
            n8n_node("Ollama", f"{LC}lmChatOllama", {"model": "qwen2.5"}),
            {
                "provider": "openai_compatible",
                "model": "qwen2.5",
                "base_url": "http://localhost:11434/v1",
            },
        ),
    ],
)
def test_chat_models_become_provider_model_and_address(model, expected):
    data = agent_export({"promptType": "define", "text": "hi"})
    data["nodes"][2] = model
    data["connections"] = {
        "Start": to("AI Agent"),
        model["name"]: to("AI Agent", "ai_languageModel"),
    }
    agent = by_label(convert(data), "AI Agent")
    assert {k: agent["config"][k] for k in expected} == expected
    assert "credential" in agent["notes"]


# --- tools ---------------------------------------------------------------------------------


def test_mcp_think_and_query_tools_convert():
    mcp = n8n_node(
        "Docs",
        f"{LC}mcpClientTool",
        {
            "endpointUrl": "https://mcp.example.com/mcp",
            "include": "selected",
            "includeTools": ["search"],
            "authentication": "bearerAuth",
        },
        1.2,
    )
    think = n8n_node("Think", f"{LC}toolThink", {}, 1.1)
    search = n8n_node(
        "Search",
        f"{LC}toolHttpRequest",
        {
            "url": "https://api.example.com/search?lang=en",
            "sendQuery": True,
            "parametersQuery": {
                "values": [{"name": "q"}, {"name": "page", "valueProvider": "modelOptional"}]
            },
            "sendHeaders": True,
            "parametersHeaders": {
                "values": [{"name": "X-Client", "valueProvider": "fieldValue", "value": "wf"}]
            },
            "authentication": "genericCredentialType",
            "genericAuthType": "httpHeaderAuth",
        },
        1.1,
    )
    graph = convert(agent_export({}, (mcp, "ai_tool"), (think, "ai_tool"), (search, "ai_tool")))
    assert validate_graph(graph) == []
    agent = by_label(graph, "AI Agent")
    tools = agent["config"]["tools"]
    assert tools[0] == {
        "type": "mcp",
        "name": "Docs",
        "url": "https://mcp.example.com/mcp",
        "allow": ["search"],
    }
    assert tools[1]["type"] == "code" and tools[1]["code"] == "return input.input;"
    assert tools[2] == {
        "type": "http",
        "name": "Search",
        "description": "",
        "method": "GET",
        "url": "https://api.example.com/search?lang=en",
        "headers": {"X-Client": "wf"},
        "body_schema": {
            "type": "object",
            "properties": {"q": {"type": "string"}, "page": {"type": "string"}},
            "required": ["q"],
        },
    }
    assert "choose a bearer credential for the MCP server 'Docs'" in agent["notes"]
    assert "choose a credential for the tool 'Search'" in agent["notes"]


@pytest.mark.parametrize(
    ("tool", "said"),
    [
        (
            n8n_node("Wolfram", f"{LC}toolWolframAlpha", {}),
            "its tool 'Wolfram' (@n8n/n8n-nodes-langchain.toolWolframAlpha) asks Wolfram|Alpha",
        ),
        (
            n8n_node("Sheets", "n8n-nodes-base.googleSheetsTool", {}, 4.5),
            "is the n8n googleSheets node used as a tool, which WorkFuse runs as a workflow of "
            "its own that the agent calls: import with POST /api/workflows/import",
        ),
        (
            n8n_node("Old MCP", f"{LC}mcpClientTool", {"sseEndpoint": "https://m.example/sse"}),
            "connects to its MCP server over SSE",
        ),
        (
            n8n_node(
                "Sub",
                f"{LC}toolWorkflow",
                {"workflowId": {"__rl": True, "value": "Ab12", "cachedResultName": "Refunds"}},
                2,
            ),
            "calls the n8n workflow Ab12 ('Refunds'), which is not imported with it",
        ),
        (
            n8n_node(
                "Py",
                f"{LC}toolCode",
                {"language": "python", "pythonCode": "import numpy\nreturn 1"},
                1.1,
            ),
            "its tool 'Py' (@n8n/n8n-nodes-langchain.toolCode) imports numpy",
        ),
        (
            n8n_node(
                "Db",
                f"{LC}toolCode",
                {"language": "python", "pythonCode": "import sqlite3\nc = sqlite3.connect('x.db')"},
                1.1,
            ),
            "opens files (open(), or an SQLite database file) in Python",
        ),
        (
            n8n_node(
                "Dyn",
                f"{LC}toolHttpRequest",
                {"url": "={{ $fromAI('base') }}/x"},
                1.1,
            ),
            "reads $fromAI in its URL",
        ),
    ],
)
def test_tools_without_a_faithful_form_refuse_the_agent_naming_the_tool(tool, said):
    [message] = refusals(agent_export({}, (tool, "ai_tool")))
    assert message.startswith("n8n node 'AI Agent' (@n8n/n8n-nodes-langchain.agent): ")
    assert said in message


def test_vector_store_nodes_are_refused_one_by_one_with_the_reason():
    data = agent_export({})
    store = n8n_node("PGVector", f"{LC}vectorStorePGVector", {"mode": "retrieve-as-tool"}, 1.1)
    embeddings = n8n_node("Embeddings", f"{LC}embeddingsOpenAi", {})
    data["nodes"] += [store, embeddings]
    data["connections"][store["name"]] = to("AI Agent", "ai_tool")
    data["connections"][embeddings["name"]] = to("PGVector", "ai_embedding")
    messages = refusals(data)
    assert len(messages) == 2
    assert messages[0].startswith(
        "n8n node 'PGVector' (@n8n/n8n-nodes-langchain.vectorStorePGVector): is a vector store "
        "WorkFuse cannot reach"
    )
    assert messages[1].startswith(
        "n8n node 'Embeddings' (@n8n/n8n-nodes-langchain.embeddingsOpenAi): feeds 'PGVector' "
        "(@n8n/n8n-nodes-langchain.vectorStorePGVector), which WorkFuse does not import (see "
        "its reason)"
    )


def test_a_part_feeding_nothing_is_refused_saying_so():
    data = agent_export({})
    data["nodes"].append(n8n_node("Embeddings", f"{LC}embeddingsOpenAi", {}))
    [message] = refusals(data)
    assert message == (
        "n8n node 'Embeddings' (@n8n/n8n-nodes-langchain.embeddingsOpenAi): feeds no vector "
        "store WorkFuse can import (WorkFuse's own, Qdrant, Pinecone, Supabase), so there is "
        "nothing for it to configure."
    )


def test_an_unsupported_chat_model_and_a_missing_one_are_refused_by_name():
    data = agent_export({})
    data["nodes"][2] = n8n_node("Azure", f"{LC}lmChatAzureOpenAi", {"model": "gpt-4o"})
    data["connections"] = {"Start": to("AI Agent"), "Azure": to("AI Agent", "ai_languageModel")}
    [message] = refusals(data)
    assert "uses the chat model 'Azure' (@n8n/n8n-nodes-langchain.lmChatAzureOpenAi)" in message
    del data["connections"]["Azure"]
    [message] = refusals(data)
    assert "has no chat model attached" in message


def test_sql_agents_and_classifiers_are_refused_with_what_to_do():
    [sql] = refusals(agent_export({"agent": "sqlAgent"}, version=1.6))
    assert "is a SQL Agent" in sql
    # Sentiment Analysis now imports as the AI classifier: tests/test_n8n_sentiment.py


# --- chains, extractor, OpenAI -------------------------------------------------------------


def chain_export(node: dict, *subs: tuple[dict, str]) -> dict[str, Any]:
    connections: dict[str, Any] = {"Start": to(node["name"])}
    attach(connections, MODEL["name"], node["name"], "ai_languageModel")
    for sub, kind in subs:
        attach(connections, sub["name"], node["name"], kind)
    return export([TRIGGER, node, MODEL, *(s for s, _ in subs)], connections)


def test_a_chain_with_messages_and_a_parser_becomes_a_json_ai_node():
    chain = n8n_node(
        "Basic LLM Chain",
        f"{LC}chainLlm",
        {
            "promptType": "define",
            "text": "=Where is {{ $json.city }}?",
            "hasOutputParser": True,
            "messages": {"messageValues": [{"message": "Answer in JSON."}]},
        },
        1.5,
    )
    data = chain_export(chain, (PARSER, "ai_outputParser"))
    data["nodes"].append(
        n8n_node(
            "Reply",
            "n8n-nodes-base.set",
            {"assignments": {"assignments": [{"name": "s", "value": "={{ $json.output.state }}"}]}},
            3.4,
        )
    )
    data["connections"]["Basic LLM Chain"] = to("Reply")
    graph = convert(data)
    assert validate_graph(graph) == []
    config = by_label(graph, "Basic LLM Chain")["config"]
    assert by_label(graph, "Basic LLM Chain")["type"] == "action.ai"
    assert config["prompt"] == "Where is {{ trigger.city | n8n_text }}?"
    assert config["system_prompt"] == "Answer in JSON."
    assert config["json_output"] is True
    assert config["json_schema"]["required"] == ["state", "cities"]
    assert "nodes.basic_llm_chain.json.state" in by_label(graph, "Reply")["config"]["expression"]


def test_the_information_extractor_builds_its_schema_from_attributes():
    extractor = n8n_node(
        "Extract",
        f"{LC}informationExtractor",
        {
            "text": "={{ $json.email }}",
            "attributes": {
                "attributes": [
                    {"name": "name", "description": "Who wrote", "required": True},
                    {"name": "amount", "type": "number"},
                ]
            },
        },
        1.1,
    )
    graph = convert(chain_export(extractor))
    assert validate_graph(graph) == []
    config = by_label(graph, "Extract")["config"]
    assert config["prompt"] == "{{ trigger.email }}"
    assert config["system_prompt"].startswith("You are an expert extraction algorithm.")
    assert config["json_schema"] == {
        "type": "object",
        "properties": {
            "name": {"type": "string", "description": "Who wrote"},
            "amount": {"type": "number"},
        },
        "required": ["name"],
    }


# --- vector ---
DESCRIBED_BY_EXPRESSION = n8n_node(
    "Extract department",
    f"{LC}informationExtractor",
    {
        "text": "={{ $json.text }}",
        "attributes": {
            "attributes": [
                {"name": "department", "description": "=One of: {{ $json.departments }}"},
                {"name": "urgent", "type": "boolean", "description": "Needs an answer today"},
            ]
        },
    },
    1,
)


def test_an_attribute_described_by_an_expression_gets_its_description_each_run():
    graph = convert(chain_export(DESCRIBED_BY_EXPRESSION))
    assert validate_graph(graph) == []
    step = by_label(graph, "Extract department")
    config = step["config"]
    assert config["schema_descriptions"] == {
        "department": "One of: {{ trigger.departments | n8n_text }}"
    }
    assert config["json_schema"]["properties"] == {
        "department": {"type": "string"},
        "urgent": {"type": "boolean", "description": "Needs an answer today"},
    }
    assert "reads the attributes' descriptions with its first item" not in step["notes"]


def test_a_description_that_is_one_expression_is_rendered_as_text():
    extractor = copy.deepcopy(DESCRIBED_BY_EXPRESSION)
    rows = extractor["parameters"]["attributes"]["attributes"]
    rows[0]["description"] = "={{ $json.departments }}"
    config = by_label(convert(chain_export(extractor)), "Extract department")["config"]
    assert config["schema_descriptions"] == {"department": "{{ trigger.departments | n8n_text }}"}


def test_an_extractor_run_per_item_says_n8n_read_its_descriptions_with_the_first():
    split = n8n_node("Tickets", "n8n-nodes-base.splitOut", {"fieldToSplitOut": "tickets"}, 1)
    data = chain_export(DESCRIBED_BY_EXPRESSION)
    data["nodes"].append(split)
    data["connections"]["Start"] = to("Tickets")
    data["connections"]["Tickets"] = to("Extract department")
    step = by_label(convert(data), "Extract department")
    assert step["config"]["schema_descriptions"]["department"].startswith("One of: {{ item.")
    assert "reads the attributes' descriptions with its first item" in step["notes"]


@pytest.mark.django_db(transaction=True)
def test_an_imported_extractor_sends_the_description_its_run_reads(ai, alice):
    ai.script("openai", Reply(json={"department": "Finance", "urgent": False}))
    workflow = make_workflow(alice, convert(chain_export(DESCRIBED_BY_EXPRESSION)))
    execution = engine.start_execution(
        workflow, {"text": "My payslip is wrong", "departments": ["HR", "Finance"]}
    )
    execution.refresh_from_db()
    assert execution.status == "succeeded", execution.error
    [request] = ai.requests_for("openai")
    sent = request.body["response_format"]["json_schema"]["schema"]["properties"]
    assert sent["department"]["description"] == "One of: HR,Finance"
    assert sent["urgent"]["description"] == "Needs an answer today"
    step = Step.objects.get(execution=execution, key="extract_department")
    assert step.output["json"] == {"department": "Finance", "urgent": False}
    assert "schema_descriptions" not in json.dumps(step.output)


# --- end vector ---


def test_openai_nodes_message_a_model_and_refuse_other_resources():
    message = n8n_node(
        "Ask",
        f"{LC}openAi",
        {
            "modelId": {"__rl": True, "value": "gpt-4o", "mode": "list"},
            "messages": {"values": [{"content": "=Summarise {{ $json.text }}"}]},
            "options": {"temperature": 0.1},
        },
        1.8,
    )
    graph = convert(export([TRIGGER, message], {"Start": to("Ask")}))
    assert by_label(graph, "Ask")["config"] == {
        "provider": "openai",
        "model": "gpt-4o",
        "prompt": "Summarise {{ trigger.text | n8n_text }}",
        "temperature": 0.1,
    }
    assistant = n8n_node("Look", f"{LC}openAi", {"resource": "assistant"}, 1.8)
    [refused] = refusals(export([TRIGGER, assistant], {"Start": to("Look")}))
    assert "does 'assistant / message'; WorkFuse's AI node messages a model" in refused
    old = n8n_node(
        "Old",
        "n8n-nodes-base.openAi",
        {"resource": "chat", "prompt": {"messages": [{"content": "Hi"}]}},
        1.1,
    )
    graph = convert(export([TRIGGER, old], {"Start": to("Old")}))
    assert by_label(graph, "Old")["config"]["model"] == "gpt-3.5-turbo"


# --- running an imported agent -------------------------------------------------------------


@pytest.fixture
def ai(settings):
    with fake_ai_server() as server:
        settings.OPENAI_BASE_URL = server.openai_url
        settings.OPENAI_API_KEY = "sk-env-openai-0123456789abcdef"
        settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True  # the HTTP tool calls a local recorder
        yield server


@pytest.mark.django_db(transaction=True)
def test_an_imported_agent_calls_its_http_and_code_tools(ai, alice):
    with recorder() as api:
        api.script = [(200, {}, {"id": "7", "status": "shipped"})]
        lookup = copy.deepcopy(HTTP_TOOL)
        lookup["parameters"]["url"] = f"{api.url}/orders/{{order_id}}"
        data = agent_export(
            {"promptType": "define", "text": "=Where is order {{ $json.order }}?"},
            (lookup, "ai_tool"),
            (CODE_TOOL, "ai_tool"),
        )
        ai.script(
            "openai",
            Reply(tool_calls=[("Lookup_order", {"order_id": "7"}), ("Shout", {"input": "ok"})]),
            Reply(text="Order 7 has shipped"),
        )
        workflow = make_workflow(alice, convert(data))
        execution = engine.start_execution(workflow, {"order": "7"})
    execution.refresh_from_db()
    step = Step.objects.get(execution=execution, key="ai_agent")
    assert execution.status == "succeeded", step.error
    output = step.output
    assert isinstance(output, dict)
    assert output["response"] == "Order 7 has shipped"
    calls = [(c["name"], c["arguments"], c["result"]) for c in output["tool_calls"]]
    assert calls == [
        (
            "Lookup_order",
            {"order_id": "7"},
            {"status": 200, "body": {"id": "7", "status": "shipped"}},
        ),
        ("Shout", {"input": "ok"}, "OK"),
    ]
    assert [r["path"] for r in api.requests] == ["/orders/7"]
    first = ai.requests[0].body
    assert first["model"] == "gpt-4o-mini"
    assert {t["function"]["name"] for t in first["tools"]} == {"Lookup_order", "Shout"}
    assert "Where is order 7?" in str(first["messages"])


@pytest.mark.django_db(transaction=True)
def test_an_imported_agent_calls_its_python_code_tool(ai, alice):
    """n8n's Code tool in Python: its code reads the model's text as `query`."""
    tool = n8n_node(
        "Count words",
        f"{LC}toolCode",
        {
            "description": "Counts the words of a text",
            "language": "python",
            "pythonCode": "from collections import Counter\nreturn len(query.split())",
        },
        1.1,
    )
    data = agent_export({"promptType": "define", "text": "How long is it?"}, (tool, "ai_tool"))
    graph = convert(data)
    [made] = next(n for n in graph["nodes"] if n["label"] == "AI Agent")["config"]["tools"]
    assert made["language"] == "python" and made["code"].startswith("query = input['input']\n")
    ai.script(
        "openai",
        Reply(tool_calls=[("Count_words", {"input": "one two three"})]),
        Reply(text="Three words"),
    )
    execution = engine.start_execution(make_workflow(alice, graph), {})
    execution.refresh_from_db()
    step = Step.objects.get(execution=execution, key="ai_agent")
    assert execution.status == "succeeded", step.error
    assert isinstance(step.output, dict)
    [call] = step.output["tool_calls"]
    assert (call["name"], call["result"]) == ("Count_words", 3)


@pytest.mark.django_db
def test_a_workflow_tool_imported_with_its_workflow_calls_it(alice_api):
    from editor.models import Workflow
    from tests.test_n8n_flow import CALLEE

    tool = n8n_node(
        "Greeter tool",
        f"{LC}toolWorkflow",
        {
            "name": "greet",
            "description": "Greets a visitor",
            "workflowId": {"__rl": True, "value": "calleeN8nId01", "cachedResultName": "Greeter"},
        },
        2,
    )
    caller = agent_export({"text": "Greet Ada", "promptType": "define"}, (tool, "ai_tool"))
    caller["name"] = "Agent front desk"
    response = alice_api.post("/api/workflows/import", [CALLEE, caller])
    assert response.status_code == 201, response.content
    greeter = Workflow.objects.get(name="Greeter")
    agent = next(
        n
        for n in Workflow.objects.get(name="Agent front desk").graph["nodes"]
        if n["type"] == "action.agent"
    )
    [imported] = agent["config"]["tools"]
    assert imported["type"] == "workflow" and imported["workflow"] == greeter.pk


# --- agentio ---
SLOTS_TOOL = n8n_node(
    "Slots",
    f"{LC}toolHttpRequest",
    {
        "url": "https://api.cal.example/v2/slots/available",
        "sendQuery": True,
        "parametersQuery": {
            "values": [
                {"name": "eventTypeId", "value": "={{ 648297 }}", "valueProvider": "fieldValue"},
                {"name": "start", "value": "{day}T09:00", "valueProvider": "fieldValue"},
                {"name": "end", "value": "{day}T19:00", "valueProvider": "fieldValue"},
            ]
        },
        "toolDescription": "Free slots on a day",
    },
    1,
)


def test_http_tool_fixed_query_values_keep_constants_and_placeholders():
    graph = convert(
        agent_export({"promptType": "define", "text": "Slots?"}, (SLOTS_TOOL, "ai_tool"))
    )
    assert validate_graph(graph) == []
    [tool] = by_label(graph, "AI Agent")["config"]["tools"]
    assert tool["url"] == (
        "https://api.cal.example/v2/slots/available?eventTypeId=648297"
        "&start={day}T09%3A00&end={day}T19%3A00"
    )
    assert "body_schema" not in tool  # the URL's placeholders are the arguments


@pytest.mark.django_db(transaction=True)
def test_an_imported_http_tool_fills_placeholders_in_its_fixed_query(ai, alice):
    with recorder() as api:
        tool = copy.deepcopy(SLOTS_TOOL)
        tool["parameters"]["url"] = f"{api.url}/slots"
        data = agent_export({"promptType": "define", "text": "Slots?"}, (tool, "ai_tool"))
        ai.script(
            "openai", Reply(tool_calls=[("Slots", {"day": "2025-01-02"})]), Reply(text="Free")
        )
        execution = engine.start_execution(make_workflow(alice, convert(data)), {})
    execution.refresh_from_db()
    assert execution.status == "succeeded", execution.error
    assert [r["path"] for r in api.requests] == [
        "/slots?eventTypeId=648297&start=2025-01-02T09%3A00&end=2025-01-02T19%3A00"
    ]


RESCHEDULE_TOOL = n8n_node(
    "Reschedule",
    f"{LC}toolHttpRequest",
    {
        "url": "https://api.cal.example/v2/bookings/{bookingUid}/reschedule",
        "method": "POST",
        "sendBody": True,
        "specifyBody": "json",
        "jsonBody": '{\n "start": "{start}",\n "reason": "{reason}"\n}',
        "sendQuery": True,
        "specifyQuery": "json",
        "jsonQuery": '{"notify": true, "by": "{who}"}',
        "toolDescription": "Move a booking",
    },
    1,
)


def test_http_tool_json_query_and_a_body_of_its_own_placeholders_are_named_arguments():
    data = agent_export({"promptType": "define", "text": "Move it"}, (RESCHEDULE_TOOL, "ai_tool"))
    graph = convert(data)
    assert validate_graph(graph) == []
    [tool] = by_label(graph, "AI Agent")["config"]["tools"]
    assert tool["url"] == (
        "https://api.cal.example/v2/bookings/{bookingUid}/reschedule?notify=true&by={who}"
    )
    assert tool["body_schema"]["required"] == ["bookingUid", "who", "start", "reason"]
    fixed = copy.deepcopy(RESCHEDULE_TOOL)
    fixed["parameters"]["jsonBody"] = '{"start": "{start}", "timeZone": "Europe/Berlin"}'
    graph = convert(agent_export({"promptType": "define", "text": "x"}, (fixed, "ai_tool")))
    [tool] = by_label(graph, "AI Agent")["config"]["tools"]  # agenttools: a body template
    assert tool["body"] == {"start": "{start}", "timeZone": "Europe/Berlin"}


@pytest.mark.django_db(transaction=True)
def test_an_imported_http_tool_sends_its_placeholders_as_the_json_body(ai, alice):
    with recorder() as api:
        tool = copy.deepcopy(RESCHEDULE_TOOL)
        tool["parameters"]["url"] = f"{api.url}/bookings/{{bookingUid}}/reschedule"
        data = agent_export({"promptType": "define", "text": "Move it"}, (tool, "ai_tool"))
        arguments = {
            "bookingUid": "b 1",
            "who": "ada",
            "start": "2025-01-02T10:00",
            "reason": "ill",
        }
        ai.script("openai", Reply(tool_calls=[("Reschedule", arguments)]), Reply(text="Moved"))
        execution = engine.start_execution(make_workflow(alice, convert(data)), {})
    execution.refresh_from_db()
    assert execution.status == "succeeded", execution.error
    [request] = api.requests
    assert request["path"] == "/bookings/b%201/reschedule?notify=true&by=ada"
    assert json.loads(request["body"]) == {"start": "2025-01-02T10:00", "reason": "ill"}


# --- end agentio ---
