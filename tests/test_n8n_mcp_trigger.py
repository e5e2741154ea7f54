"""n8n's MCP Server Trigger imported as a workflow per tool (editor/n8n/mcp_servers.py), which
WorkFuse's MCP server (mcpserver/) lists and runs: the tools' Gmail calls go to the fake Gmail."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from editor.models import Workflow
from editor.n8n import SPECS, convert, sets
from editor.n8n.mcp_servers import TRIGGER_NAME, with_companions
from executions.models import Execution
from mcpserver import tools
from tests.fakes.gmail import message
from tests.test_n8n_agent_workflow_tools import AIRTABLE_TOOL
from tests.test_n8n_ai import LC, by_label
from tests.test_n8n_gmail import choose, gmail, oauth_credential  # noqa: F401  (the fixture)
from tests.test_n8n_items import export, manual

MANUAL_DESCRIPTION = "Add labels to an email message."


def gmail_tool(name: str, params: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": name,
        "type": "n8n-nodes-base.gmailTool",
        "typeVersion": 2.1,
        "position": [0, 0],
        "parameters": params,
        "credentials": {"gmailOAuth2": {"id": "g1", "name": "Gmail account"}},
    }


LABEL = gmail_tool(
    "addLabels",
    {
        "operation": "addLabels",
        "messageId": "={{ /*n8n-auto-generated-fromAI-override*/ $fromAI('Message_ID', ``, "
        "'string') }}",
        "labelIds": "={{ $fromAI('Label_IDs', 'label ids, comma-separated', 'string') }}",
        "descriptionType": "manual",
        "toolDescription": MANUAL_DESCRIPTION,
    },
)
GET = gmail_tool(
    "GET_EMAIL",
    {
        "operation": "get",
        "simple": False,
        "messageId": "={{ $fromAI('Message_ID', ``, 'string') }}",
        "options": {},
    },
)


def server(*tools_: dict[str, Any], extra: tuple[dict[str, Any], ...] = ()) -> dict[str, Any]:
    trigger = {
        "name": "Gmail MCP",
        "type": f"{LC}mcpTrigger",
        "typeVersion": 1,
        "position": [0, 0],
        "parameters": {"path": "gmail-enhanced", "authentication": "bearerAuth"},
    }
    note = {"name": "Note", "type": "n8n-nodes-base.stickyNote", "parameters": {"content": "x"}}
    link = [[{"node": "Gmail MCP", "type": "ai_tool", "index": 0}]]
    return {
        "id": "mcp1",
        "name": "Gmail MCP Server",
        "nodes": [*tools_, trigger, note, *extra],
        "connections": {t["name"]: {"ai_tool": link} for t in tools_},
    }


def refusals(data: dict[str, Any], alice_api: Any) -> list[str]:
    response = alice_api.post("/api/workflows/import", data)
    assert response.status_code == 400, response.content
    return [d["message"] for d in response.json()["details"]]


def test_each_tool_becomes_a_workflow_started_by_its_arguments():
    [member] = sets.members([server(LABEL, GET)])
    group, [served] = with_companions([member], SPECS)
    assert [m.name for m in group] == ["Gmail MCP: addLabels", "Gmail MCP: GET_EMAIL"]
    assert group[0].n8n_id == "mcp1"  # the export's own workflow is the first tool's
    start, app = group[1].data["nodes"]
    assert start["name"] == TRIGGER_NAME
    assert start["parameters"]["workflowInputs"]["values"] == [
        {"name": "Message_ID", "type": "string"}
    ]
    assert app["type"] == "n8n-nodes-base.gmail"
    assert app["parameters"]["messageId"] == "={{ $json.Message_ID }}"
    assert "served the tool 'GET_EMAIL' at its path 'gmail-enhanced'" in start["notes"]
    assert "to clients sending a bearer token" in start["notes"]
    assert served.descriptions == (
        f"{MANUAL_DESCRIPTION}\nArguments: Message_ID; Label_IDs: label ids, comma-separated",
        "Runs the gmail app: get.\nArguments: Message_ID",
    )


@pytest.mark.django_db(transaction=True)
def test_the_imported_tools_are_served_and_run_by_workfuses_mcp_server(
    alice,
    alice_api,
    gmail,  # noqa: F811
):
    response = alice_api.post("/api/workflows/import", server(LABEL, GET))
    assert response.status_code == 201, response.content
    body = response.json()
    made = {w["name"]: w["id"] for w in body["report"]["workflows"]}
    assert list(made) == ["Gmail MCP: addLabels", "Gmail MCP: GET_EMAIL"]
    assert body["id"] == made["Gmail MCP: addLabels"]
    assert tools.tools_for(alice) == []  # imported inactive, as every import
    credential = oauth_credential(alice, gmail)
    for workflow in Workflow.objects.filter(pk__in=made.values()):
        workflow.save_graph(choose(workflow.graph, credential), user=alice)
        workflow.is_active = True  # served while active, as n8n served it while active
        workflow.save(update_fields=["is_active"])

    listed = {tool.title: tool for tool in tools.tools_for(alice)}
    assert set(listed) == set(made)
    labels = listed["Gmail MCP: addLabels"]
    assert labels.name == f"gmail_mcp_addlabels_{made['Gmail MCP: addLabels']}"
    assert labels.description.startswith(MANUAL_DESCRIPTION)
    assert labels.input_schema["properties"] == {
        "Message_ID": {"type": "string"},
        "Label_IDs": {"type": "string"},
    }

    ident = gmail.deliver(message(subject="Invoice 7"))
    label = gmail.add_label("Billing")
    found = tools.find_tool(alice, labels.name)
    assert found is not None
    inputs = tools.check_arguments(found, {"Message_ID": ident, "Label_IDs": label})
    run = uuid.uuid4()
    tools.start(alice, found, inputs, run)
    execution = Execution.objects.get(pk=run)
    assert execution.status == "succeeded", execution.error
    assert label in gmail.messages[ident].label_ids
    outcome = tools.outcome(run, execution.status)
    assert not outcome.is_error and outcome.structured is not None
    assert outcome.structured["id"] == ident

    get = listed["Gmail MCP: GET_EMAIL"]
    inputs = tools.check_arguments(get, {"Message_ID": ident})
    run = uuid.uuid4()
    tools.start(alice, get, inputs, run)
    outcome = tools.outcome(run, Execution.objects.get(pk=run).status)
    assert not outcome.is_error, outcome.text
    assert outcome.structured is not None and outcome.structured["subject"] == "Invoice 7"


@pytest.mark.django_db
def test_a_tool_without_a_workflow_of_its_own_is_refused_saying_why(alice_api):
    http = {
        "name": "Wiki",
        "type": f"{LC}toolWikipedia",
        "typeVersion": 1,
        "parameters": {},
    }
    caller = {
        "name": "Other flow",
        "type": f"{LC}toolWorkflow",
        "typeVersion": 2.2,
        "parameters": {"workflowId": {"__rl": True, "value": "abc", "mode": "list"}},
    }
    messages = refusals(server(LABEL, http, caller), alice_api)
    assert any(
        "n8n node 'Wiki' (@n8n/n8n-nodes-langchain.toolWikipedia) is a tool of the MCP Server "
        "Trigger 'Gmail MCP'"
        in m
        and "n8n app nodes used as tools" in m
        for m in messages
    ), messages
    assert any(
        "'Other flow'" in m and "WorkFuse's MCP server serves itself: import that workflow" in m
        for m in messages
    ), messages


@pytest.mark.django_db
def test_an_app_tool_reading_the_run_s_data_is_refused(alice_api):
    tool = gmail_tool("Reply", {"operation": "get", "messageId": "={{ $json.id }}"})
    [message_] = refusals(server(tool), alice_api)
    assert "an MCP client's call brings only the tool's arguments" in message_
    assert "$json.id" in message_


@pytest.mark.django_db
def test_other_nodes_beside_the_trigger_are_refused(alice_api):
    other = {
        "name": "Start",
        "type": "n8n-nodes-base.manualTrigger",
        "typeVersion": 1,
        "parameters": {},
    }
    [message_] = refusals(server(LABEL, extra=(other,)), alice_api)
    assert "n8n node 'Start' (n8n-nodes-base.manualTrigger) shares its export" in message_
    assert "Move the MCP Server Trigger and its tools to a workflow of their own" in message_


@pytest.mark.django_db
def test_a_trigger_without_tools_is_refused(alice_api):
    [message_] = refusals(server(), alice_api)
    assert "has no tools hanging from it, so it serves nothing" in message_


@pytest.mark.django_db
def test_an_app_tool_of_another_app_is_served_too(alice_api):
    response = alice_api.post("/api/workflows/import", server(AIRTABLE_TOOL))
    assert response.status_code == 201, response.content
    workflow = Workflow.objects.get(pk=response.json()["id"])
    assert workflow.name == "Gmail MCP: Find lead"
    assert workflow.description == "Find a lead by email\nArguments: email: The lead's email"
    trigger = by_label(workflow.graph, TRIGGER_NAME)
    assert trigger["type"] == "trigger.workflow"
    assert trigger["config"]["inputs"] == [{"name": "email", "type": "string", "required": False}]


def test_simplify_chosen_by_an_argument_is_a_caveat_of_the_gmail_node():
    params = {"operation": "get", "messageId": "={{ $json.id }}"}
    params["simple"] = "={{ $fromAI('Simplify', ``, 'boolean') }}"
    node = {**gmail_tool("Get", params), "type": "n8n-nodes-base.gmail"}
    [app] = [
        n
        for n in convert(export([manual(), node], [("Start", 0, "Get", 0)]))["nodes"]
        if n["type"] == "app.gmail"
    ]
    assert "simple" not in app["config"]
    assert "n8n chose Simplify with an expression ({{ $fromAI('Simplify'" in app["notes"]
