"""Agent tools that run workflows, imported from n8n: the Call n8n Workflow tool calling its
own workflow (editor/n8n/ai_tools.py) and app nodes used as tools, which the set import turns
into companion workflows (editor/n8n/app_tools.py). Imported through the API and run by the
engine against the fake provider."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from credentials import store
from editor.models import Workflow
from editor.n8n import SPECS, app_tools, sets
from executions import engine
from executions.models import Execution, Step
from tests.fake_ai_server import Reply, fake_ai_server
from tests.fakes import running
from tests.fakes.airtable import BASE, TOKEN, FakeAirtable
from tests.test_n8n_ai import LC, agent_export, by_label, n8n_node, refusals
from tests.test_n8n_flow import set_fields


@pytest.fixture
def ai(settings):
    with fake_ai_server() as server:
        settings.OPENAI_BASE_URL = server.openai_url
        settings.OPENAI_API_KEY = "sk-env-openai-0123456789abcdef"
        yield server


SELF = {"__rl": True, "value": "={{ $workflow.id }}", "mode": "id"}
# A template holding its tools' workflow, exported without the id it had in its author's n8n.
AUTHORS = {"__rl": True, "value": "Fgkn0AuthorsId1", "mode": "list", "cachedResultName": "Tools"}


def self_calling_agent(workflow_id: dict[str, Any] = SELF) -> dict[str, Any]:
    tool = n8n_node(
        "Greeter",
        f"{LC}toolWorkflow",
        {"description": "Greets a visitor by name", "workflowId": workflow_id},
        2.2,
    )
    data = agent_export({"promptType": "define", "text": "Greet Ada"}, (tool, "ai_tool"))
    called = n8n_node("When called", "n8n-nodes-base.executeWorkflowTrigger", {}, 1)
    greet = set_fields("Greet", greeting="=Hello {{ $json.name }}")
    data["nodes"] += [called, greet]
    data["connections"]["When called"] = {"main": [[{"node": "Greet", "type": "main", "index": 0}]]}
    data["name"] = "Self caller"
    return data


def test_a_tool_calling_its_own_workflow_needs_the_saving_import():
    [message] = refusals(self_calling_agent())
    assert (
        "its tool 'Greeter' (@n8n/n8n-nodes-langchain.toolWorkflow) calls this same workflow"
        in (message)
    )
    assert "POST /api/workflows/import" in message


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("workflow_id", [SELF, AUTHORS], ids=["workflow.id", "authors-id"])
def test_a_tool_calling_its_own_workflow_runs_it_from_its_called_trigger(
    alice_api, ai, workflow_id
):
    response = alice_api.post("/api/workflows/import", self_calling_agent(workflow_id))
    assert response.status_code == 201, response.content
    said = str(response.json()["report"])
    assert ("'Tools' (n8n id Fgkn0AuthorsId1), which is not imported" in said) == (
        workflow_id is AUTHORS
    )
    workflow = Workflow.objects.get(name="Self caller")
    [tool] = by_label(workflow.graph, "AI Agent")["config"]["tools"]
    assert tool == {
        "type": "workflow",
        "name": "Greeter",
        "description": "Greets a visitor by name",
        "workflow": workflow.pk,
    }
    ai.script(
        "openai",
        Reply(tool_calls=[("Greeter", {"name": "Ada"})]),
        Reply(text="Said hello"),
    )
    execution = engine.start_execution(workflow, {})
    execution.refresh_from_db()
    step = Step.objects.get(execution=execution, key="ai_agent")
    assert execution.status == "succeeded", step.error
    assert isinstance(step.output, dict)
    [call] = step.output["tool_calls"]
    assert call["name"] == "Greeter"
    assert call["result"] == {"result": {"greeting": "Hello Ada"}}
    child = Execution.objects.get(parent=execution)
    assert child.workflow_id == workflow.pk
    assert not Step.objects.filter(execution=child, key="ai_agent").exists()


# --- app nodes used as tools: companion workflows ------------------------------------------

AIRTABLE_TOOL = n8n_node(
    "Find lead",
    "n8n-nodes-base.airtableTool",
    {
        "operation": "search",
        "base": {"__rl": True, "mode": "id", "value": BASE},
        "table": {"__rl": True, "mode": "id", "value": "Leads"},
        "filterByFormula": '={Email} = \'{{ $fromAI("email", "The lead\'s email", "string") }}\'',
        "returnAll": False,
        "limit": 5,
        "options": {},
        "descriptionType": "manual",
        "toolDescription": "Find a lead by email",
    },
    2.1,
)


def app_tool_agent() -> dict[str, Any]:
    data = agent_export(
        {"promptType": "define", "text": "Who is ada@example.com?"}, (AIRTABLE_TOOL, "ai_tool")
    )
    data["name"] = "Lead desk"
    return data


def test_an_app_tool_alone_is_refused_saying_the_saving_import_makes_its_workflow():
    [message] = refusals(app_tool_agent())
    assert "its tool 'Find lead' (n8n-nodes-base.airtableTool) is the n8n airtable node" in message
    assert "POST /api/workflows/import, which makes that workflow" in message


def test_an_app_tool_without_a_companion_form_is_refused_saying_why():
    # the run's data it reads is an input the tool fills (tests/test_n8n_agent_fixed_inputs.py)
    missing = n8n_node("Cal", "n8n-nodes-base.couchDbTool", {}, 1)
    [message] = refusals(agent_export({"promptType": "define", "text": "Hi"}, (missing, "ai_tool")))
    assert "the n8n n8n-nodes-base.couchDb node has no WorkFuse equivalent yet" in message


def test_from_ai_arguments_become_the_companions_inputs():
    [member] = sets.members([app_tool_agent()])
    caller, companion = app_tools.with_companions([member], SPECS)
    tool = next(n for n in caller.data["nodes"] if n["name"] == "Find lead")
    assert tool["type"] == f"{LC}toolWorkflow"
    assert tool["parameters"]["workflowId"]["value"] == companion.n8n_id
    assert tool["parameters"]["description"] == (
        "Find a lead by email\nArguments: email: The lead's email"
    )
    trigger, app = companion.data["nodes"]
    assert trigger["parameters"]["workflowInputs"]["values"] == [
        {"name": "email", "type": "string"}
    ]
    assert app["type"] == "n8n-nodes-base.airtable"
    assert app["parameters"]["filterByFormula"] == "={Email} = '{{ $json.email }}'"
    assert companion.name == "Lead desk: Find lead tool"


@pytest.mark.django_db(transaction=True)
def test_an_imported_app_tool_runs_its_companion_workflow(alice, alice_api, ai, settings):
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    response = alice_api.post("/api/workflows/import", app_tool_agent())
    assert response.status_code == 201, response.content
    reported = {n["name"]: n["status"] for n in response.json()["report"]["nodes"]}
    assert reported["AI Agent"] == "caveats"  # the report reads the export as converted
    caller = Workflow.objects.get(name="Lead desk")
    companion = Workflow.objects.get(name="Lead desk: Find lead tool")
    [tool] = by_label(caller.graph, "AI Agent")["config"]["tools"]
    assert (tool["type"], tool["name"], tool["workflow"]) == ("workflow", "Find_lead", companion.pk)
    trigger = by_label(companion.graph, "When called by the agent")
    assert trigger["config"]["inputs"] == [{"name": "email", "type": "string", "required": False}]
    with running(FakeAirtable()) as airtable:
        airtable.add("Leads", Email="ada@example.com", Name="Ada")
        airtable.add("Leads", Email="bob@example.com", Name="Bob")
        credential = store.create(
            alice, "Airtable", "airtable", {"token": TOKEN, "base_url": airtable.url}
        )
        graph = copy.deepcopy(companion.graph)
        by_label(graph, "Find lead")["config"]["credential"] = credential.pk  # the user's choice
        companion.save_graph(graph, user=alice)
        ai.script(
            "openai",
            Reply(tool_calls=[("Find_lead", {"email": "ada@example.com"})]),
            Reply(text="Ada"),
        )
        execution = engine.start_execution(caller, {})
    execution.refresh_from_db()
    step = Step.objects.get(execution=execution, key="ai_agent")
    assert execution.status == "succeeded", step.error
    assert isinstance(step.output, dict)
    [call] = step.output["tool_calls"]
    [record] = call["result"]["records"]
    # n8n's search flattens a record: its fields beside its id
    assert {k: record[k] for k in ("Email", "Name")} == {"Email": "ada@example.com", "Name": "Ada"}
    assert "fields" not in record and record["id"]
