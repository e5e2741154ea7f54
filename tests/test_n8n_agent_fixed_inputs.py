"""Agent tools whose settings read the run's data, imported from n8n: n8n evaluates those
expressions in the agent's run, for the item it works on. An app node used as a tool reads them
as inputs of its companion workflow, which the workflow tool fills (editor/n8n/app_tools.py);
a Call n8n Workflow tool's extra inputs become the WorkFuse tool's fixed `inputs`
(editor/n8n/workflow_tool_inputs.py), filled at the agent step (executions/engine/agent_tools.py)
and left out of what the model is offered. Run by the engine against the fake provider."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from credentials import store
from editor.graph import ImportRefused
from editor.models import Workflow
from editor.n8n import SPECS, app_tools, convert, js_constant, sets
from editor.n8n.calls import Callee, CallTargets
from executions import engine
from executions.models import Execution, Step
from tests.engine_helpers import make_workflow, recorder
from tests.fake_ai_server import Reply, fake_ai_server
from tests.fakes import running
from tests.fakes.airtable import TOKEN, FakeAirtable
from tests.test_n8n_agent_workflow_tools import AIRTABLE_TOOL
from tests.test_n8n_ai import (
    LC,
    MODEL,
    TRIGGER,
    agent_export,
    attach,
    by_label,
    n8n_node,
    refusals,
    to,
)
from tests.test_n8n_flow import set_fields


@pytest.fixture
def ai(settings):
    with fake_ai_server() as server:
        settings.OPENAI_BASE_URL = server.openai_url
        settings.OPENAI_API_KEY = "sk-env-openai-0123456789abcdef"
        yield server


def with_lead(agent_params: dict[str, Any], *tools: dict[str, Any]) -> dict[str, Any]:
    """Start -> Lead (sets email and name) -> AI Agent, with `tools` attached."""
    lead = set_fields("Lead", email="ada@example.com", name="Ada")
    agent = n8n_node("AI Agent", f"{LC}agent", agent_params, 2.2, 480)
    connections: dict[str, Any] = {"Start": to("Lead"), "Lead": to("AI Agent")}
    attach(connections, MODEL["name"], "AI Agent", "ai_languageModel")
    for tool in tools:
        attach(connections, tool["name"], "AI Agent", "ai_tool")
    return {
        "name": "Lead desk",
        "nodes": [TRIGGER, lead, agent, MODEL, *tools],
        "connections": connections,
        "settings": {},
    }


def lead_tool() -> dict[str, Any]:
    """The Airtable tool finding the lead the run is about, by its email from 'Lead'."""
    tool = copy.deepcopy(AIRTABLE_TOOL)
    tool["parameters"]["filterByFormula"] = "={Email} = '{{ $('Lead').item.json.email }}'"
    tool["parameters"]["table"]["value"] = '={{ $fromAI("table", "The table", "string") }}'
    return tool


# --- app nodes used as tools -----------------------------------------------------------------


def test_the_run_data_an_app_tool_reads_becomes_an_input_the_tool_fills():
    [member] = sets.members([with_lead({"promptType": "define", "text": "Hi"}, lead_tool())])
    caller, companion = app_tools.with_companions([member], SPECS)
    tool = next(n for n in caller.data["nodes"] if n["name"] == "Find lead")
    assert tool["parameters"]["workflowInputs"] == {
        "mappingMode": "defineBelow",
        "value": {"run_email": "={{ $('Lead').item.json.email }}"},
    }
    trigger, app = companion.data["nodes"]
    assert trigger["parameters"]["workflowInputs"]["values"] == [
        {"name": "table", "type": "string"},
        {"name": "run_email", "type": "any"},
    ]
    assert app["parameters"]["filterByFormula"] == "={Email} = '{{ $json.run_email }}'"
    assert app["parameters"]["table"]["value"] == "={{ $json.table }}"
    assert "inputs run_email" in app["notes"]


def test_one_expression_is_one_input_and_names_stay_apart():
    params = {
        "a": "={{ $json.id }}-{{ $('X').item.json.id }}",
        "b": "={{ $json.id }}",
        "c": "plain {{ $json.id }}",
    }
    lifted_params, lifted = app_tools.lift_run_data(params, {"run_id"})
    assert lifted == {"run_id_2": "$json.id", "run_id_3": "$('X').item.json.id"}
    assert lifted_params == {
        "a": "={{ $json.run_id_2 }}-{{ $json.run_id_3 }}",
        "b": "={{ $json.run_id_2 }}",
        "c": "plain {{ $json.id }}",  # not an expression: n8n keeps the text
    }


def test_an_expression_reading_both_the_model_and_the_run_is_refused_saying_so():
    tool = copy.deepcopy(AIRTABLE_TOOL)
    tool["parameters"]["filterByFormula"] = (
        "={{ $fromAI('email') + $json.domain }}"  # one expression, two sources
    )
    [message] = refusals(agent_export({"promptType": "define", "text": "Hi"}, (tool, "ai_tool")))
    assert "one expression of it reads both the model's arguments and the run's data" in message
    assert "give each its own {{ }} in n8n" in message
    tool["parameters"]["filterByFormula"] = "={{ $binary.data.fileName }}"
    [message] = refusals(agent_export({"promptType": "define", "text": "Hi"}, (tool, "ai_tool")))
    assert "it reads a file of the run ($binary" in message


@pytest.mark.django_db(transaction=True)
def test_an_app_tool_reads_the_item_the_agent_works_on(alice, alice_api, ai, settings):
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    data = with_lead({"promptType": "define", "text": "Is the lead qualified?"}, lead_tool())
    response = alice_api.post("/api/workflows/import", data)
    assert response.status_code == 201, response.content
    caller = Workflow.objects.get(name="Lead desk")
    companion = Workflow.objects.get(name="Lead desk: Find lead tool")
    [tool] = by_label(caller.graph, "AI Agent")["config"]["tools"]
    assert tool["workflow"] == companion.pk
    assert tool["inputs"] == {"run_email": "{{ nodes.lead.result.email }}"}
    with running(FakeAirtable()) as airtable:
        airtable.add("Leads", Email="ada@example.com", Name="Ada")
        airtable.add("Leads", Email="bob@example.com", Name="Bob")
        credential = store.create(
            alice, "Airtable", "airtable", {"token": TOKEN, "base_url": airtable.url}
        )
        graph = copy.deepcopy(companion.graph)
        by_label(graph, "Find lead")["config"]["credential"] = credential.pk
        companion.save_graph(graph, user=alice)
        # the model tries to give the email too: the run's value wins
        ai.script(
            "openai",
            Reply(tool_calls=[("Find_lead", {"table": "Leads", "run_email": "bob@example.com"})]),
            Reply(text="Yes"),
        )
        execution = engine.start_execution(caller, {})
    execution.refresh_from_db()
    step = Step.objects.get(execution=execution, key="ai_agent")
    assert execution.status == "succeeded", step.error
    [offered] = ai.requests_for("openai")[0].body["tools"]
    assert offered["function"]["parameters"]["properties"] == {"table": {"type": "string"}}
    assert isinstance(step.output, dict)
    [call] = step.output["tool_calls"]
    [record] = call["result"]["records"]
    assert (record["Email"], record["Name"]) == ("ada@example.com", "Ada")
    child = Execution.objects.get(parent=execution)
    called = Step.objects.get(execution=child, key="when_called_by_the_agent")
    assert called.output == {"table": "Leads", "run_email": "ada@example.com"}


# --- Call n8n Workflow tools: their extra inputs ---------------------------------------------


def called_workflow_tool(params: dict[str, Any], version: float) -> dict[str, Any]:
    return n8n_node(
        "Notify",
        f"{LC}toolWorkflow",
        {
            "description": "Tells the lead something",
            "workflowId": {"__rl": True, "value": "={{ $workflow.id }}", "mode": "id"},
            **params,
        },
        version,
    )


def test_version_1_extra_inputs_are_fixed_inputs_of_their_types():
    tool = called_workflow_tool(
        {
            "name": "notify",
            "fields": {
                "values": [
                    {"name": "email", "stringValue": "={{ $('Lead').item.json.email }}"},
                    {"name": "channel", "stringValue": "mail"},
                    {"name": "tries", "type": "numberValue", "numberValue": 2},
                    {"name": "extra", "type": "objectValue", "objectValue": '{"a": 1}'},
                ]
            },
        },
        1.1,
    )
    [converted] = _tools(tool)
    assert converted["inputs"] == {
        "email": "{{ (nodes.lead.result.email) | string }}",
        "channel": "mail",
        "tries": 2,
        "extra": {"a": 1},
    }


def test_inputs_the_called_workflow_does_not_take_are_left_out():
    tool = called_workflow_tool(
        {
            "fields": {
                "values": [{"name": "email", "stringValue": "a"}, {"name": "x", "stringValue": "b"}]
            }
        },
        1.1,
    )
    [converted] = _tools(tool, takes=("email", "query"))
    assert converted["inputs"] == {"email": "a"}


def test_version_2_inputs_the_model_does_not_fill_are_fixed():
    tool = called_workflow_tool(
        {
            "workflowInputs": {
                "mappingMode": "defineBelow",
                "value": {
                    "route": "availability",
                    "email": "={{ $json.email }}",
                    "text": "={{ $fromAI('text', 'What to say', 'string') }}",
                },
                "schema": [],
            }
        },
        2.2,
    )
    [converted] = _tools(tool)
    assert converted["inputs"] == {
        "route": "availability",
        "email": "{{ nodes.lead.result.email }}",
    }


def test_an_extra_input_whose_name_a_workflow_cannot_declare_is_refused():
    tool = called_workflow_tool(
        {"fields": {"values": [{"name": "chat id", "stringValue": "1"}]}}, 1.1
    )
    with pytest.raises(ImportRefused) as refused:
        _tools(tool)
    [issue] = refused.value.issues
    assert "sends the workflow the input 'chat id', which is not a WorkFuse input name" in (
        issue.message
    )


def _tools(tool: dict[str, Any], takes: tuple[str, ...] = ()) -> list[dict[str, Any]]:
    """The tools of the imported agent; the tool calls its own workflow (id 7 once saved),
    which takes the inputs `takes` (none named: whatever it is given)."""
    data = with_lead({"promptType": "define", "text": "Hi"}, tool)
    graph = convert(data, CallTargets(own=Callee(7, "Lead desk", fields=takes)))
    return list(by_label(graph, "AI Agent")["config"]["tools"])


# --- HTTP Request tools: fixed body fields beside the model's ----------------------------------

DALLE_TOOL = n8n_node(
    "Draw",
    f"{LC}toolHttpRequest",
    {
        "url": "https://api.openai.com/v1/images/generations",
        "method": "POST",
        "sendBody": True,
        "parametersBody": {
            "values": [
                {"name": "model", "value": "dall-e-3", "valueProvider": "fieldValue"},
                {"name": "size", "value": "{size}x{size}", "valueProvider": "fieldValue"},
                {"name": "prompt"},
                {
                    "name": "extra",
                    "value": "={{ {\n quality: 'hd', n: 1, tags: ['a', -2, null] } }}",
                    "valueProvider": "fieldValue",
                },
            ]
        },
        "toolDescription": "Draws a picture",
    },
    1.1,
)


EXTRA = {"quality": "hd", "n": 1, "tags": ["a", -2, None]}


def test_fixed_body_fields_make_the_tools_body_template():
    graph = convert(agent_export({"promptType": "define", "text": "Hi"}, (DALLE_TOOL, "ai_tool")))
    [tool] = by_label(graph, "AI Agent")["config"]["tools"]
    assert tool["body"] == {
        "model": "dall-e-3",
        "size": "{size}x{size}",
        "prompt": "{prompt}",
        "extra": EXTRA,
    }
    optional = copy.deepcopy(DALLE_TOOL)
    optional["parameters"]["parametersBody"]["values"][2]["valueProvider"] = "modelOptional"
    [message] = refusals(
        agent_export({"promptType": "define", "text": "Hi"}, (optional, "ai_tool"))
    )
    assert "beside the field 'prompt', which the model may leave out" in message


@pytest.mark.django_db(transaction=True)
def test_an_imported_http_tool_sends_its_fixed_body_fields(ai, alice, settings):
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    with recorder() as api:
        api.script = [(200, {}, {"data": [{"url": "https://img.example/1.png"}]})]
        tool = copy.deepcopy(DALLE_TOOL)
        tool["parameters"]["url"] = f"{api.url}/v1/images/generations"
        data = agent_export({"promptType": "define", "text": "Draw a cat"}, (tool, "ai_tool"))
        ai.script(
            "openai",
            Reply(tool_calls=[("Draw", {"prompt": "a cat", "size": "1024"})]),
            Reply(text="Here it is"),
        )
        execution = engine.start_execution(make_workflow(alice, convert(data)), {})
    execution.refresh_from_db()
    assert execution.status == "succeeded", execution.error
    [request] = api.requests
    assert json.loads(request["body"]) == {
        "model": "dall-e-3",
        "size": "1024x1024",
        "prompt": "a cat",
        "extra": EXTRA,
    }


def test_only_an_expression_that_is_one_literal_is_a_constant():
    assert js_constant.constant("={{ {a: 'x', 'b c': [1.5, true]} }}") == (
        True,
        {"a": "x", "b c": [1.5, True]},
    )
    for text in ("={{ {a: $json.x} }}", "={{ $json.x }}", "={{ {a: 1} }} and", "{ a: 1 }"):
        assert js_constant.constant(text) == (False, None)
    tool = copy.deepcopy(DALLE_TOOL)
    tool["parameters"]["parametersBody"]["values"][3]["value"] = "={{ {q: $json.q} }}"
    [message] = refusals(agent_export({"promptType": "define", "text": "Hi"}, (tool, "ai_tool")))
    assert "builds its body 'extra' from the run's data" in message


def self_calling_v1_tool() -> dict[str, Any]:
    """An agent whose version 1 tool calls its own workflow with the lead's name as an extra
    input; the called part greets with it and the model's query."""
    tool = called_workflow_tool(
        {
            "name": "greet",
            "fields": {
                "values": [{"name": "who", "stringValue": "={{ $('Lead').item.json.name }}"}]
            },
        },
        1.1,
    )
    data = with_lead({"promptType": "define", "text": "Greet the lead"}, tool)
    called = n8n_node("When called", "n8n-nodes-base.executeWorkflowTrigger", {}, 1)
    greet = set_fields("Greet", greeting="=Hello {{ $json.who }}, {{ $json.query }}")
    data["nodes"] += [called, greet]
    data["connections"]["When called"] = {"main": [[{"node": "Greet", "type": "main", "index": 0}]]}
    return data


@pytest.mark.django_db(transaction=True)
def test_a_version_1_tool_sends_its_extra_input_from_the_agents_run(alice, alice_api, ai):
    response = alice_api.post("/api/workflows/import", self_calling_v1_tool())
    assert response.status_code == 201, response.content
    workflow = Workflow.objects.get(name="Lead desk")
    [tool] = by_label(workflow.graph, "AI Agent")["config"]["tools"]
    assert tool["inputs"] == {"who": "{{ (nodes.lead.result.name) | string }}"}
    ai.script(
        "openai",
        Reply(tool_calls=[("greet", {"query": "welcome aboard"})]),
        Reply(text="Done"),
    )
    execution = engine.start_execution(workflow, {})
    execution.refresh_from_db()
    step = Step.objects.get(execution=execution, key="ai_agent")
    assert execution.status == "succeeded", step.error
    [offered] = ai.requests_for("openai")[0].body["tools"]
    assert "who" not in offered["function"]["parameters"].get("properties", {})
    assert isinstance(step.output, dict)
    [call] = step.output["tool_calls"]
    assert call["result"] == {"result": {"greeting": "Hello Ada, welcome aboard"}}


@pytest.mark.django_db(transaction=True)
def test_a_fixed_input_that_cannot_be_filled_is_the_models_error(alice, alice_api, ai):
    response = alice_api.post("/api/workflows/import", self_calling_v1_tool())
    assert response.status_code == 201, response.content
    workflow = Workflow.objects.get(name="Lead desk")
    graph = copy.deepcopy(workflow.graph)
    by_label(graph, "AI Agent")["config"]["tools"][0]["inputs"] = {"who": "{{ 1 / 0 }}"}
    workflow.save_graph(graph, user=alice)
    ai.script(
        "openai", Reply(tool_calls=[("greet", {"query": "hi"})]), Reply(text="Could not greet")
    )
    execution = engine.start_execution(workflow, {})
    execution.refresh_from_db()
    step = Step.objects.get(execution=execution, key="ai_agent")
    assert execution.status == "succeeded", step.error
    assert isinstance(step.output, dict)
    [call] = step.output["tool_calls"]
    assert "tools.greet.inputs.who" in call["error"]
    assert not Execution.objects.filter(parent=execution).exists()
