"""logic.ai_classify: the model's verdict (structured output, through the real SDK against the
fake provider) picks the outputs the run goes on down; spend counts in the run."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from editor.nodes.base import RunContext
from editor.nodes.logic_ai_classify import NODE, SYSTEM_PROMPT, Config
from executions import engine
from executions.models import Step
from tests.engine_helpers import make_workflow, transform
from tests.fake_ai_server import Reply, fake_ai_server
from tests.test_ai_node import ENV_KEYS

CATEGORIES = [
    {"name": "Refund", "description": "asks for money back", "handle": "refund"},
    {"name": "Bug", "description": "", "handle": "bug"},
]


@pytest.fixture
def ai(settings):
    with fake_ai_server() as server:
        settings.OPENAI_BASE_URL = server.openai_url
        settings.OPENAI_API_KEY = ENV_KEYS["openai"]
        yield server


def test_the_model_is_asked_as_n8n_asks_it_and_its_verdict_routes(ai):
    ai.script("openai", Reply(json={"Refund": True, "Bug": False, "fallback": False}))
    config = Config.model_validate(
        {"prompt": "I want my money back", "categories": CATEGORIES, "fallback": "other"}
    )
    output = NODE.run(config, RunContext(execution_id="e", node_id="c", step_key="c"))
    assert output["categories"] == ["Refund"]
    assert NODE.active_handles(config, output) == ["refund"]
    assert NODE.output_handles(config) == ["refund", "bug", "other"]
    body = ai.requests_for("openai")[0].body
    system, user = body["messages"]
    assert user == {"role": "user", "content": "I want my money back"}
    assert system["content"].startswith(
        SYSTEM_PROMPT.replace("{categories}", "Refund, Bug") + "\n"
        "Categories are mutually exclusive, and only one can be true\n"
        'If no categories apply, select the "fallback" option.'
    )
    schema = body["response_format"]["json_schema"]["schema"]
    assert schema["required"] == ["Refund", "Bug", "fallback"]
    assert schema["properties"]["Refund"]["description"] == (
        'Should be true if the input has category "Refund" (description: asks for money back)'
    )
    assert output["usage"]["total_tokens"] == 17 and output["cost_usd"] > 0


def test_routes_for_several_none_and_other():
    config = Config.model_validate({"prompt": "x", "categories": CATEGORIES, "multiple": True})
    assert NODE.active_handles(config, {"json": {"Refund": True, "Bug": True}}) == [
        "refund",
        "bug",
    ]
    assert NODE.active_handles(config, {"json": {"Refund": False, "Bug": False}}) == []
    other = Config.model_validate({"prompt": "x", "categories": CATEGORIES, "fallback": "other"})
    assert NODE.active_handles(
        other, {"json": {"Refund": False, "Bug": False, "fallback": True}}
    ) == ["other"]
    with pytest.raises(ValidationError, match="output names must be unique; repeated: bug"):
        Config.model_validate(
            {"prompt": "x", "categories": [*CATEGORIES, {"name": "B2", "handle": "bug"}]}
        )


@pytest.mark.django_db(transaction=True)
def test_in_a_run_only_the_chosen_branch_goes_on(ai, alice):
    ai.script("openai", Reply(json={"Refund": False, "Bug": True}))
    graph = {
        "nodes": [
            {"id": "start", "type": "trigger.manual", "config": {}},
            {
                "id": "sort",
                "type": "logic.ai_classify",
                "config": {"prompt": "{{ trigger.text }}", "categories": CATEGORIES},
            },
            transform("money"),
            transform("fix"),
        ],
        "edges": [
            {"source": "start", "target": "sort"},
            {"source": "sort", "source_handle": "refund", "target": "money"},
            {"source": "sort", "source_handle": "bug", "target": "fix"},
        ],
    }
    execution = engine.start_execution(make_workflow(alice, graph), {"text": "It crashes"})
    execution.refresh_from_db()
    steps = {s.key: s for s in Step.objects.filter(execution=execution)}
    assert execution.status == "succeeded", {k: s.error for k, s in steps.items()}
    assert steps["fix"].status == "succeeded"
    assert steps["money"].status == "skipped"
    assert execution.ai_tokens == 17
