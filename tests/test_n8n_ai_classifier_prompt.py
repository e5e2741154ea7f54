"""The Text Classifier's system prompt template given as an expression (editor/n8n/ai_media.py):
n8n evaluates it for the item, then fills in {categories}. Run against the fake provider."""

from __future__ import annotations

import pytest

from editor.n8n import convert
from executions import engine
from executions.models import Step
from tests.engine_helpers import make_workflow
from tests.fake_ai_server import Reply, fake_ai_server
from tests.test_n8n_ai import by_label
from tests.test_n8n_ai_media import classifier_export

TEMPLATE = "Sort the text into {categories}. Only output the json with the selected {categories}."


@pytest.fixture
def ai(settings):
    with fake_ai_server() as server:
        settings.OPENAI_BASE_URL = server.openai_url
        settings.OPENAI_API_KEY = "sk-env-openai-0123456789abcdef"
        yield server


def test_an_expression_without_templates_is_its_text():
    graph = convert(classifier_export({"systemPromptTemplate": "=" + TEMPLATE}))
    assert by_label(graph, "Classify")["config"]["system_prompt"] == TEMPLATE


@pytest.mark.django_db(transaction=True)
def test_an_expression_reading_the_item_is_filled_for_it_then_the_categories(ai, alice):
    template = "=For {{ $json.team }}: sort the text into {categories}."
    graph = convert(classifier_export({"systemPromptTemplate": template}))
    assert by_label(graph, "Classify")["config"]["system_prompt"] == (
        "For {{ trigger.team | n8n_text }}: sort the text into {categories}."
    )
    ai.script("openai", Reply(json={"Refund request": True, "Bug": False}))
    execution = engine.start_execution(
        make_workflow(alice, graph), {"message": "Money back", "team": "billing"}
    )
    execution.refresh_from_db()
    step = Step.objects.get(execution=execution, key="classify")
    assert execution.status == "succeeded", step.error
    [request] = ai.requests_for("openai")
    system = request.body["messages"][0]["content"]
    assert system.startswith("For billing: sort the text into Refund request, Bug.")
