"""Importing what n8n's chains, OpenAI nodes and agents used to be refused for (editor/n8n/ai.py,
ai_tools.py, ai_tools_extra.py): example answers before the prompt, nested JSON bodies and
expression-free placeholders of HTTP Request tools, SerpApi, workflows carried inside a Call n8n
Workflow tool, models chosen by expression; and what stays refused says what to do."""

from __future__ import annotations

from typing import Any

from editor.n8n import convert
from editor.validation import validate_graph
from tests.test_n8n_ai import LC, TRIGGER, by_label, chain_export, export, n8n_node, refusals, to


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
