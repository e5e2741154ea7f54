"""n8n's Calculator and Wikipedia tools imported as WorkFuse code and HTTP tools
(editor/n8n/ai_tools_builtin.py, calculator.js): what they become, the calculator's answers
in the code sandbox, and an imported agent calling both against the fake provider and a local
stand-in for Wikipedia's API."""

from __future__ import annotations

import pytest

from editor.n8n import ai_tools_builtin, convert
from editor.nodes import action_code
from editor.nodes.base import RunContext
from editor.validation import validate_graph
from executions import engine
from executions.models import Step
from tests.engine_helpers import make_workflow
from tests.fake_ai_server import Reply, fake_ai_server
from tests.fakes import Answer, FakeService, Received, running
from tests.test_n8n_ai import LC, agent_export, by_label, n8n_node

CALCULATOR = n8n_node("Calculator", f"{LC}toolCalculator", {})
WIKIPEDIA = n8n_node("Wikipedia", f"{LC}toolWikipedia", {})


def test_calculator_and_wikipedia_become_code_and_http_tools_named_as_in_langchain():
    data = agent_export(
        {"promptType": "define", "text": "What is 2+2?"},
        (CALCULATOR, "ai_tool"),
        (WIKIPEDIA, "ai_tool"),
    )
    graph = convert(data)
    assert validate_graph(graph) == []
    agent = by_label(graph, "AI Agent")
    calculator, wikipedia = agent["config"]["tools"]
    assert calculator["type"] == "code" and calculator["name"] == "calculator"
    assert calculator["description"].startswith("Useful for getting the result of a math")
    assert calculator["input_schema"]["required"] == ["input"]
    assert wikipedia["type"] == "http" and wikipedia["name"] == "wikipedia-api"
    assert wikipedia["url"].startswith("https://en.wikipedia.org/w/api.php?")
    assert wikipedia["url"].endswith("&gsrsearch={input}")
    assert "'Page: ... Summary: ...'" in agent["notes"]
    assert "I don't know how to do that." in agent["notes"]


def calculate(expression: object) -> object:
    config = action_code.Config(code=ai_tools_builtin.CALCULATOR_CODE, timeout_ms=2000)
    ctx = RunContext(
        execution_id="e1", node_id="calc", step_key="calc", input={"input": expression}
    )
    return action_code.run(config, ctx)["result"]


@pytest.mark.parametrize(
    ("expression", "answer"),
    [
        ("2 + 2", "4"),
        ("1/3", "0.3333333333333333"),
        ("2^3^2", "512"),
        ("-2^2", "-4"),
        ("(1 + 2) * 3 % 4", "1"),
        ("5!", "120"),
        ("sqrt 16 + 1", "5"),
        ("log(E)", "1"),
        ("log(2)^2", str(1.3862943611198906)),
        ("max(3, 7, 5) - min(2, 1)", "6"),
        ("PI * 2", "6.283185307179586"),
        ("1e3 / 8", "125"),
        ("10 / 0", "Infinity"),
        ("2 +", "I don't know how to do that."),
        ("x + 1", "I don't know how to do that."),
        ("constructor.constructor('return 1')()", "I don't know how to do that."),
        ("1 > 0 ? 1 : 2", "I don't know how to do that."),
    ],
)
def test_the_calculator_answers_like_langchains(expression, answer):
    assert calculate(expression) == answer


class FakeWikipedia(FakeService):
    """Wikipedia's action API: `generator=search` with `prop=extracts`, formatversion 2."""

    def respond(self, request: Received) -> Answer:
        query = request.query.get("gsrsearch", [""])[0]
        page = {"pageid": 1, "title": "Ada Lovelace", "extract": f"About {query}."}
        return Answer(body={"batchcomplete": True, "query": {"pages": [page]}})


@pytest.mark.django_db(transaction=True)
def test_an_imported_agent_calls_the_calculator_and_wikipedia(alice, settings, monkeypatch):
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    with fake_ai_server() as ai, running(FakeWikipedia()) as wiki:
        settings.OPENAI_BASE_URL = ai.openai_url
        settings.OPENAI_API_KEY = "sk-env-openai-0123456789abcdef"
        monkeypatch.setattr(ai_tools_builtin, "WIKIPEDIA_API", wiki.url + "/w/api.php?action=query")
        data = agent_export(
            {"promptType": "define", "text": "Who was Ada?"},
            (CALCULATOR, "ai_tool"),
            (WIKIPEDIA, "ai_tool"),
        )
        ai.script(
            "openai",
            Reply(
                tool_calls=[
                    ("calculator", {"input": "1815 + 36"}),
                    ("wikipedia-api", {"input": "Ada Lovelace"}),
                ]
            ),
            Reply(text="Ada Lovelace, 1815-1851"),
        )
        workflow = make_workflow(alice, convert(data))
        execution = engine.start_execution(workflow, {})
    execution.refresh_from_db()
    step = Step.objects.get(execution=execution, key="ai_agent")
    assert execution.status == "succeeded", step.error
    assert isinstance(step.output, dict)
    calls = {c["name"]: c["result"] for c in step.output["tool_calls"]}
    assert calls["calculator"] == "1851"
    assert calls["wikipedia-api"]["body"]["query"]["pages"][0]["extract"] == "About Ada Lovelace."
    [request] = wiki.requests
    assert request.path == "/w/api.php" and request.query["gsrsearch"] == ["Ada Lovelace"]
