"""Agent tools that run workflows, imported from n8n: the Call n8n Workflow tool calling its
own workflow (editor/n8n/ai_tools.py) and app nodes used as tools, which the set import turns
into companion workflows (editor/n8n/app_tools.py). Imported through the API and run by the
engine against the fake provider."""

from __future__ import annotations

from typing import Any

import pytest

from editor.models import Workflow
from executions import engine
from executions.models import Execution, Step
from tests.fake_ai_server import Reply, fake_ai_server
from tests.test_n8n_ai import LC, agent_export, by_label, n8n_node, refusals
from tests.test_n8n_flow import set_fields


@pytest.fixture
def ai(settings):
    with fake_ai_server() as server:
        settings.OPENAI_BASE_URL = server.openai_url
        settings.OPENAI_API_KEY = "sk-env-openai-0123456789abcdef"
        yield server


def self_calling_agent() -> dict[str, Any]:
    tool = n8n_node(
        "Greeter",
        f"{LC}toolWorkflow",
        {
            "description": "Greets a visitor by name",
            "workflowId": {"__rl": True, "value": "={{ $workflow.id }}", "mode": "id"},
        },
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
def test_a_tool_calling_its_own_workflow_runs_it_from_its_called_trigger(alice_api, ai):
    response = alice_api.post("/api/workflows/import", self_calling_agent())
    assert response.status_code == 201, response.content
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
