"""action.ai's `messages`: earlier turns (an example answer, say) sent in order before the
prompt, through each real SDK against the fake provider server, alone and inside the engine
(where their templates are filled)."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from editor.nodes.action_ai import NODE, Config
from editor.nodes.base import NodeError, RunContext
from executions import engine
from executions.models import Step
from tests.engine_helpers import chain, make_workflow
from tests.fake_ai_server import Reply, fake_ai_server
from tests.test_ai_node import ENV_KEYS, MODELS


@pytest.fixture
def ai(settings):
    with fake_ai_server() as server:
        settings.OPENAI_BASE_URL = server.openai_url
        settings.ANTHROPIC_BASE_URL = server.anthropic_url
        settings.GEMINI_BASE_URL = server.gemini_url
        settings.OPENAI_API_KEY = ENV_KEYS["openai"]
        settings.ANTHROPIC_API_KEY = ENV_KEYS["anthropic"]
        settings.GEMINI_API_KEY = ENV_KEYS["gemini"]
        yield server


EXAMPLE = [
    {"role": "user", "content": "Title for: red mug"},
    {"role": "assistant", "content": "Crimson Coffee Mug"},
]


def run(**config):
    ctx = RunContext(execution_id="exec-1", node_id="ask", step_key="ask")
    return NODE.run(Config.model_validate({"prompt": "Title for: blue pen", **config}), ctx)


def test_openai_gets_the_earlier_turns_between_the_system_prompt_and_the_prompt(ai):
    ai.script("openai", Reply(text="Azure Ballpoint"))
    output = run(system_prompt="Write titles.", messages=EXAMPLE)
    assert output["response"] == "Azure Ballpoint"
    assert ai.requests_for("openai")[0].body["messages"] == [
        {"role": "system", "content": "Write titles."},
        {"role": "user", "content": "Title for: red mug"},
        {"role": "assistant", "content": "Crimson Coffee Mug"},
        {"role": "user", "content": "Title for: blue pen"},
    ]


def test_anthropic_gets_alternating_turns_with_two_user_turns_merged(ai):
    ai.script("anthropic", Reply(text="Azure Ballpoint"))
    output = run(
        provider="anthropic",
        model=MODELS["anthropic"],
        messages=[*EXAMPLE, {"role": "user", "content": "Keep it short."}],
    )
    assert output["response"] == "Azure Ballpoint"
    assert ai.requests_for("anthropic")[0].body["messages"] == [
        {"role": "user", "content": [{"type": "text", "text": "Title for: red mug"}]},
        {"role": "assistant", "content": [{"type": "text", "text": "Crimson Coffee Mug"}]},
        {
            "role": "user",
            "content": [
                {"type": "text", "text": "Keep it short."},
                {"type": "text", "text": "Title for: blue pen"},
            ],
        },
    ]


def test_anthropic_refuses_a_conversation_opening_with_the_assistant_before_sending(ai):
    with pytest.raises(NodeError, match="Anthropic's conversations start with a user message"):
        run(provider="anthropic", model=MODELS["anthropic"], messages=EXAMPLE[1:])
    assert ai.requests_for("anthropic") == []


def test_gemini_gets_the_assistant_turns_as_model_contents(ai):
    ai.script("gemini", Reply(text="Azure Ballpoint"))
    output = run(provider="gemini", model=MODELS["gemini"], messages=EXAMPLE, stream=True)
    assert output["response"] == "Azure Ballpoint"
    contents = ai.requests_for("gemini")[0].body["contents"]
    assert [(c["role"], c["parts"][0]["text"]) for c in contents] == [
        ("user", "Title for: red mug"),
        ("model", "Crimson Coffee Mug"),
        ("user", "Title for: blue pen"),
    ]


def test_json_answers_keep_the_earlier_turns(ai):
    ai.script("openai", Reply(json={"title": "Azure Ballpoint"}))
    output = run(messages=EXAMPLE, json_output=True)
    assert output["json"] == {"title": "Azure Ballpoint"}
    roles = [m["role"] for m in ai.requests_for("openai")[0].body["messages"]]
    assert roles == ["system", "user", "assistant", "user"]


def test_an_earlier_turn_holding_the_key_is_not_sent(ai):
    with pytest.raises(NodeError, match="contains the provider's API key"):
        run(messages=[{"role": "assistant", "content": f"key {ENV_KEYS['openai']}"}])
    assert ai.requests == []


def test_messages_are_checked_field_by_field():
    with pytest.raises(ValidationError, match="role"):
        Config.model_validate({"prompt": "x", "messages": [{"role": "system", "content": "x"}]})
    with pytest.raises(ValidationError, match="content"):
        Config.model_validate({"prompt": "x", "messages": [{"role": "user", "content": ""}]})
    with pytest.raises(ValidationError, match="messages are for operation message"):
        Config.model_validate(
            {"operation": "speech", "prompt": "x", "messages": EXAMPLE, "provider": "openai"}
        )


@pytest.mark.django_db(transaction=True)
def test_the_engine_fills_the_templates_of_earlier_turns(ai, alice):
    ai.script("openai", Reply(text="Azure Ballpoint"))
    node = {
        "id": "ask",
        "type": "action.ai",
        "config": {
            "prompt": "Title for: {{ trigger.item }}",
            "messages": [{"role": "assistant", "content": "Brand: {{ trigger.brand }}"}],
        },
    }
    execution = engine.start_execution(
        make_workflow(alice, chain(node)), {"item": "blue pen", "brand": "Inkwell"}
    )
    execution.refresh_from_db()
    assert execution.status == "succeeded"
    assert Step.objects.get(execution=execution, key="ask").output["response"] == "Azure Ballpoint"
    assert ai.requests[0].body["messages"] == [
        {"role": "assistant", "content": "Brand: Inkwell"},
        {"role": "user", "content": "Title for: blue pen"},
    ]
