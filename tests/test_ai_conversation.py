"""`Provider.converse`: a multi-turn conversation with native tool calling, through the real
SDKs (openai, anthropic, google-genai) against the fake provider server on 127.0.0.1
(tests/fake_ai_server.py), which answers tool calls in each wire format and refuses histories
the real services would refuse."""

from __future__ import annotations

import json
from typing import Any

import pytest

from aiconfig.providers import get_provider, refuse_key_in_conversation
from aiconfig.providers.base import Provider, ProviderError, ProviderSetupError
from aiconfig.providers.conversation import Conversation, Tool, ToolCall, Turn
from aiconfig.providers.gemini_provider import gemini_schema
from tests.fake_ai_server import FakeAIServer, Reply, fake_ai_server

KEY = "sk-test-conversation-key-0123456789"
MODELS = {
    "openai": "gpt-4o-mini",
    "openai_compatible": "llama3",
    "anthropic": "claude-haiku-4-5",
    "gemini": "gemini-2.5-flash",
}
NAMES = list(MODELS)
WIRE = {"openai_compatible": "openai"}  # the fake's queue and request log for each name
TOOLS = (
    Tool(
        "get_weather",
        "The weather in a city now.",
        {
            "type": "object",
            "properties": {"city": {"type": "string"}},
            "required": ["city"],
            "additionalProperties": False,
        },
    ),
    Tool("get_time", "The time in a zone.", {"properties": {"zone": {"type": "string"}}}),
)
ASKED = [("get_weather", {"city": "Paris"}), ("get_time", {"zone": "CET"})]
# base64 of b"skip_thought_signature_validator"
FOREIGN_SIGNATURE = "c2tpcF90aG91Z2h0X3NpZ25hdHVyZV92YWxpZGF0b3I="
FIRST_IDS = {
    "openai": ["call_fake0", "call_fake1"],
    "openai_compatible": ["call_fake0", "call_fake1"],
    "anthropic": ["toolu_fake0", "toolu_fake1"],
    "gemini": ["call_0_0", "call_0_1"],  # Gemini gives no ids: made up per turn
}


@pytest.fixture
def server():
    with fake_ai_server() as s:
        yield s


def provider_for(server: FakeAIServer, name: str, **kw: Any) -> Provider:
    urls = {
        "openai": server.openai_url,
        "openai_compatible": server.url + "/compat/v1",
        "anthropic": server.anthropic_url,
        "gemini": server.gemini_url,
    }
    return get_provider(name, api_key=KEY, base_url=urls[name], timeout=10, **kw)


def wire(name: str) -> str:
    return WIRE.get(name, name)


def conversation(name: str, messages: list[dict[str, Any]], **kw: Any) -> Conversation:
    return Conversation(
        model=MODELS[name],
        messages=messages,
        system=kw.pop("system", "You answer travellers."),
        tools=kw.pop("tools", TOOLS),
        **kw,
    )


def start() -> list[dict[str, Any]]:
    return [{"role": "user", "content": "Weather and time in Paris?"}]


def answered(history: list[dict[str, Any]], turn: Turn) -> list[dict[str, Any]]:
    """The history with the turn and a tool message per call, through JSON as a database
    stores it."""
    results = {"get_weather": {"sky": "sunny", "celsius": 21}, "get_time": "14:05"}
    tool_messages = [
        {
            "role": "tool",
            "tool_call_id": call.id,
            "name": call.name,
            "content": json.dumps(results[call.name]),
        }
        for call in turn.tool_calls
    ]
    return json.loads(json.dumps([*history, turn.message, *tool_messages]))


def body(server: FakeAIServer, name: str, index: int = -1) -> Any:
    return server.requests_for(wire(name))[index].body


# --- a two-turn tool exchange ------------------------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
def test_two_turn_tool_exchange(server, name):
    server.script(
        wire(name),
        Reply(tool_calls=ASKED, prompt_tokens=40, completion_tokens=12),
        Reply(text="Sunny, 21 °C; it is 14:05.", prompt_tokens=70, completion_tokens=9),
    )
    provider = provider_for(server, name)
    first = provider.converse(conversation(name, start()))
    assert [(c.name, c.arguments) for c in first.tool_calls] == ASKED
    assert [c.id for c in first.tool_calls] == FIRST_IDS[name]
    assert all(c.invalid_arguments is None for c in first.tool_calls)
    assert first.finish_reason == "tool_calls"
    assert first.text == ""
    assert first.usage.as_dict() == {
        "prompt_tokens": 40,
        "completion_tokens": 12,
        "total_tokens": 52,
    }
    assert first.message["role"] == "assistant"
    assert first.message["tool_calls"] == [c.as_dict() for c in first.tool_calls]

    second = provider.converse(conversation(name, answered(start(), first)))
    assert second.text == "Sunny, 21 °C; it is 14:05."
    assert second.tool_calls == [] and second.message["tool_calls"] == []
    assert second.finish_reason == "stop"
    assert second.usage.total_tokens == 79
    assert second.model == MODELS[name]
    assert len(server.requests) == 2


def test_openai_wire_format_each_turn(server):
    server.script("openai", Reply(tool_calls=ASKED), Reply(text="Done."))
    provider = provider_for(server, "openai")
    first = provider.converse(conversation("openai", start(), temperature=0.2, max_tokens=300))
    sent = body(server, "openai", 0)
    assert sent["tools"] == [
        {
            "type": "function",
            "function": {
                "name": "get_weather",
                "description": "The weather in a city now.",
                "parameters": TOOLS[0].parameters,
            },
        },
        {
            "type": "function",
            "function": {
                "name": "get_time",
                "description": "The time in a zone.",
                # OpenAI insists on `type: object`
                "parameters": {"type": "object", "properties": {"zone": {"type": "string"}}},
            },
        },
    ]
    assert sent["messages"] == [
        {"role": "system", "content": "You answer travellers."},
        {"role": "user", "content": "Weather and time in Paris?"},
    ]
    assert sent["temperature"] == 0.2 and sent["max_completion_tokens"] == 300

    provider.converse(conversation("openai", answered(start(), first)))
    assert body(server, "openai", 1)["messages"][2:] == [
        {
            "role": "assistant",
            "content": None,
            "tool_calls": [
                {
                    "id": "call_fake0",
                    "type": "function",
                    "function": {"name": "get_weather", "arguments": '{"city": "Paris"}'},
                },
                {
                    "id": "call_fake1",
                    "type": "function",
                    "function": {"name": "get_time", "arguments": '{"zone": "CET"}'},
                },
            ],
        },
        {
            "role": "tool",
            "tool_call_id": "call_fake0",
            "content": '{"sky": "sunny", "celsius": 21}',
        },
        {"role": "tool", "tool_call_id": "call_fake1", "content": '"14:05"'},
    ]


def test_openai_compatible_server_gets_the_same_tools_at_its_own_address(server):
    server.script("openai", Reply(tool_calls=ASKED))
    provider_for(server, "openai_compatible").converse(
        conversation("openai_compatible", start(), max_tokens=99)
    )
    request = server.requests[0]
    assert request.path == "/compat/v1/chat/completions"
    assert [t["function"]["name"] for t in request.body["tools"]] == ["get_weather", "get_time"]
    assert request.body["max_tokens"] == 99


def test_anthropic_wire_format_each_turn(server):
    server.script("anthropic", Reply(text="Let me look.", tool_calls=ASKED), Reply(text="Done."))
    provider = provider_for(server, "anthropic")
    first = provider.converse(conversation("anthropic", start()))
    assert first.text == "Let me look."
    sent = body(server, "anthropic", 0)
    assert sent["system"] == "You answer travellers."
    assert sent["tools"] == [
        {
            "name": "get_weather",
            "description": "The weather in a city now.",
            "input_schema": TOOLS[0].parameters,
        },
        {
            "name": "get_time",
            "description": "The time in a zone.",
            "input_schema": {"type": "object", "properties": {"zone": {"type": "string"}}},
        },
    ]
    assert "tool_choice" not in sent

    provider.converse(conversation("anthropic", answered(start(), first)))
    assert body(server, "anthropic", 1)["messages"] == [
        {"role": "user", "content": [{"type": "text", "text": "Weather and time in Paris?"}]},
        {
            "role": "assistant",
            "content": [
                {"type": "text", "text": "Let me look."},
                {
                    "type": "tool_use",
                    "id": "toolu_fake0",
                    "name": "get_weather",
                    "input": {"city": "Paris"},
                },
                {
                    "type": "tool_use",
                    "id": "toolu_fake1",
                    "name": "get_time",
                    "input": {"zone": "CET"},
                },
            ],
        },
        {
            "role": "user",  # both results in one user message
            "content": [
                {
                    "type": "tool_result",
                    "tool_use_id": "toolu_fake0",
                    "content": '{"sky": "sunny", "celsius": 21}',
                },
                {"type": "tool_result", "tool_use_id": "toolu_fake1", "content": '"14:05"'},
            ],
        },
    ]


def test_gemini_wire_format_each_turn(server):
    server.script("gemini", Reply(tool_calls=ASKED), Reply(text="Done."))
    provider = provider_for(server, "gemini")
    first = provider.converse(conversation("gemini", start(), temperature=0.4))
    sent = body(server, "gemini", 0)
    assert sent["systemInstruction"]["parts"] == [{"text": "You answer travellers."}]
    assert sent["generationConfig"] == {"temperature": 0.4}
    assert sent["tools"] == [
        {
            "functionDeclarations": [
                {
                    "name": "get_weather",
                    "description": "The weather in a city now.",
                    "parameters": {
                        "type": "OBJECT",
                        "properties": {"city": {"type": "STRING"}},
                        "required": ["city"],
                    },
                },
                {
                    "name": "get_time",
                    "description": "The time in a zone.",
                    "parameters": {"type": "OBJECT", "properties": {"zone": {"type": "STRING"}}},
                },
            ]
        }
    ]

    provider.converse(conversation("gemini", answered(start(), first)))
    assert body(server, "gemini", 1)["contents"] == [
        {"role": "user", "parts": [{"text": "Weather and time in Paris?"}]},
        {
            "role": "model",
            "parts": [
                {
                    "functionCall": {"name": "get_weather", "args": {"city": "Paris"}},
                    # no signature came (no thinking): Google's stand-in keeps Gemini 3 content
                    "thoughtSignature": FOREIGN_SIGNATURE,
                },
                {"functionCall": {"name": "get_time", "args": {"zone": "CET"}}},
            ],
        },
        {
            "role": "user",  # results as data under "result", both in one content
            "parts": [
                {
                    "functionResponse": {
                        "name": "get_weather",
                        "response": {"result": {"sky": "sunny", "celsius": 21}},
                    }
                },
                {"functionResponse": {"name": "get_time", "response": {"result": "14:05"}}},
            ],
        },
    ]


def test_gemini_thought_signatures_and_ids_go_back_as_they_came(server):
    server.script(
        "gemini", Reply(tool_calls=ASKED, call_ids=["g-1", "g-2"], signature="c2lnLTE="), Reply()
    )
    provider = provider_for(server, "gemini")
    first = provider.converse(conversation("gemini", start()))
    assert [c.id for c in first.tool_calls] == ["g-1", "g-2"]
    assert first.message["provider_data"] == {
        "gemini": {"thought_signatures": {"g-1": "c2lnLTE="}, "call_ids": ["g-1", "g-2"]}
    }
    provider.converse(conversation("gemini", answered(start(), first)))
    model, results = body(server, "gemini", 1)["contents"][1:]
    assert model["parts"][0] == {
        "functionCall": {"id": "g-1", "name": "get_weather", "args": {"city": "Paris"}},
        "thoughtSignature": "c2lnLTE=",
    }
    assert "thoughtSignature" not in model["parts"][1]
    assert [p["functionResponse"]["id"] for p in results["parts"]] == ["g-1", "g-2"]


def test_anthropic_thinking_blocks_go_back_before_the_tool_calls(server):
    server.script(
        "anthropic",
        Reply(thinking="Two lookups.", signature="c2lnbmVk", tool_calls=ASKED),
        Reply(),
    )
    provider = provider_for(server, "anthropic")
    first = provider.converse(conversation("anthropic", start()))
    thinking = {"type": "thinking", "thinking": "Two lookups.", "signature": "c2lnbmVk"}
    assert first.message["provider_data"] == {"anthropic": {"thinking": [thinking]}}
    assert first.text == ""
    provider.converse(conversation("anthropic", answered(start(), first)))
    content = body(server, "anthropic", 1)["messages"][1]["content"]
    assert content[0] == thinking
    assert [b["type"] for b in content[1:]] == ["tool_use", "tool_use"]


def test_a_conversation_without_tools_sends_none(server):
    for name in ("openai", "anthropic", "gemini"):
        server.script(name, Reply(text="Hello"))
        turn = provider_for(server, name).converse(conversation(name, start(), tools=()))
        assert turn.text == "Hello" and turn.finish_reason == "stop"
        assert "tools" not in body(server, name)


# --- streaming ----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
def test_streamed_text_reaches_on_text_while_tool_calls_are_assembled(server, name):
    chunks = ["Let ", "me ", "check."]
    server.script(
        wire(name),
        Reply(text="Let me check.", chunks=chunks, tool_calls=ASKED, completion_tokens=20),
    )
    seen: list[str] = []
    turn = provider_for(server, name).converse(conversation(name, start()), seen.append)
    assert seen == chunks
    assert turn.text == "Let me check."
    assert [(c.name, c.arguments) for c in turn.tool_calls] == ASKED
    assert [c.id for c in turn.tool_calls] == FIRST_IDS[name]
    assert turn.finish_reason == "tool_calls"
    assert turn.usage.as_dict() == {
        "prompt_tokens": 12,
        "completion_tokens": 20,
        "total_tokens": 32,
    }
    assert server.requests[0].stream


@pytest.mark.parametrize("name", ["openai", "anthropic", "gemini"])
def test_a_streamed_turn_replays_like_a_whole_one(server, name):
    server.script(name, Reply(tool_calls=ASKED), Reply(text="Done"))
    provider = provider_for(server, name)
    first = provider.converse(conversation(name, start()), lambda _: None)
    second = provider.converse(conversation(name, answered(start(), first)), lambda _: None)
    assert second.text == "Done"


# --- one history, any provider ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("writer", "reader"),
    [
        (w, r)
        for w in ("openai", "anthropic", "gemini")
        for r in ("openai", "openai_compatible", "anthropic", "gemini")
        if w != r
    ],
)
def test_a_history_written_by_one_provider_continues_on_another(server, writer, reader):
    server.script(
        writer, Reply(text="Checking.", tool_calls=ASKED, thinking=None, signature="c2ln")
    )
    first = provider_for(server, writer).converse(conversation(writer, start()))
    history = answered(start(), first)
    history.append({"role": "user", "content": "And tomorrow?"})
    server.script(wire(reader), Reply(text="Rain tomorrow."))
    turn = provider_for(server, reader).converse(conversation(reader, history))
    assert turn.text == "Rain tomorrow."  # the fake refuses histories the real service would
    sent = body(server, reader)
    if wire(reader) == "openai":
        assert [m["role"] for m in sent["messages"]] == [
            "system",
            "user",
            "assistant",
            "tool",
            "tool",
            "user",
        ]
        assert [c["id"] for c in sent["messages"][2]["tool_calls"]] == FIRST_IDS[writer]
    elif reader == "anthropic":
        assert [m["role"] for m in sent["messages"]] == ["user", "assistant", "user"]
        results = sent["messages"][2]["content"]
        assert [b["type"] for b in results] == ["tool_result", "tool_result", "text"]
    else:
        calls = sent["contents"][1]["parts"][1:]
        assert [p["functionCall"]["name"] for p in calls] == ["get_weather", "get_time"]
        # Gemini 3 refuses a foreign call without a signature: Google's documented stand-in
        assert calls[0]["thoughtSignature"] == FOREIGN_SIGNATURE
        assert "thoughtSignature" not in calls[1]
        assert "id" not in calls[0]["functionCall"]  # ids Gemini did not give stay home


def test_ids_from_other_servers_are_made_acceptable_to_anthropic(server):
    history = [
        *start(),
        {
            "role": "assistant",
            "content": "",
            "tool_calls": [
                {"id": "functions.get_time:0", "name": "get_time", "arguments": {"zone": "CET"}}
            ],
        },
        {
            "role": "tool",
            "tool_call_id": "functions.get_time:0",
            "name": "get_time",
            "content": "1",
        },
    ]
    provider_for(server, "anthropic").converse(conversation("anthropic", history))
    use, result = (m["content"][0] for m in body(server, "anthropic")["messages"][1:])
    assert use["id"] == result["tool_use_id"] == "functions_get_time_0"


def test_a_failed_tool_is_flagged_where_the_provider_can_tell(server):
    call = ToolCall("call_1", "get_time", {"zone": "Mars"})
    history = [
        *start(),
        {"role": "assistant", "content": "", "tool_calls": [call.as_dict()]},
        {
            "role": "tool",
            "tool_call_id": "call_1",
            "name": "get_time",
            "content": "unknown zone",
            "is_error": True,
        },
    ]
    for name in ("anthropic", "gemini"):
        provider_for(server, name).converse(conversation(name, history))
    anthropic, gemini = body(server, "anthropic"), body(server, "gemini")
    assert anthropic["messages"][2]["content"][0]["is_error"] is True
    response = gemini["contents"][2]["parts"][0]["functionResponse"]["response"]
    assert response == {"error": "unknown zone"}


# --- arguments the model got wrong --------------------------------------------------------------


@pytest.mark.parametrize("streamed", [False, True])
def test_invalid_arguments_come_back_raw_for_the_agent_to_report(server, streamed):
    server.script(
        "openai",
        Reply(tool_calls=[("get_weather", '{"city": "Par'), ("get_time", "[1, 2]")]),
    )
    on_text = (lambda _: None) if streamed else None
    turn = provider_for(server, "openai").converse(conversation("openai", start()), on_text)
    broken, listed = turn.tool_calls
    assert broken.arguments == {} and broken.invalid_arguments == '{"city": "Par'
    assert listed.arguments == {} and listed.invalid_arguments == "[1, 2]"
    assert turn.message["tool_calls"][0] == {
        "id": "call_fake0",
        "name": "get_weather",
        "arguments": {},
        "invalid_arguments": '{"city": "Par',
    }


@pytest.mark.parametrize(
    ("name", "sent"), [("openai", '{"city": "Par'), ("openai_compatible", "{}")]
)
def test_invalid_arguments_are_replayed_as_each_server_can_take_them(server, name, sent):
    server.script("openai", Reply(tool_calls=[("get_weather", '{"city": "Par')]), Reply())
    provider = provider_for(server, name)
    first = provider.converse(conversation(name, start()))
    history = [
        *start(),
        first.message,
        {
            "role": "tool",
            "tool_call_id": first.tool_calls[0].id,
            "name": "get_weather",
            "content": "The arguments were not valid JSON.",
            "is_error": True,
        },
    ]
    provider.converse(conversation(name, history))
    assert body(server, name)["messages"][2]["tool_calls"][0]["function"]["arguments"] == sent


# --- tool schemas --------------------------------------------------------------------------------


def test_gemini_gets_tool_schemas_without_the_keywords_it_refuses(server):
    schema = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "type": "object",
        "properties": {
            "mode": {"const": "fast"},
            "note": {"type": ["string", "null"], "format": "uri"},
            "when": {"type": "string", "format": "date-time"},
            "level": {"enum": [1, 2, 3], "description": "How hard."},
            "place": {"$ref": "#/$defs/place"},
            "either": {"oneOf": [{"type": "string"}, {"type": "integer"}]},
        },
        "required": ["mode", "ghost"],
        "additionalProperties": False,
        "$defs": {
            "place": {
                "type": "object",
                "properties": {"city": {"type": "string"}},
                "additionalProperties": False,
            }
        },
    }
    server.script("gemini", Reply(tool_calls=[("plan", {"mode": "fast"})]))
    turn = provider_for(server, "gemini").converse(
        conversation("gemini", start(), tools=(Tool("plan", "Plan a trip.", schema),))
    )
    assert turn.tool_calls[0].arguments == {"mode": "fast"}
    declared = body(server, "gemini")["tools"][0]["functionDeclarations"][0]["parameters"]
    assert declared == {
        "type": "OBJECT",
        "properties": {
            "mode": {"enum": ["fast"]},
            "note": {"type": "STRING", "nullable": True},
            "when": {"type": "STRING", "format": "date-time"},
            "level": {"description": "How hard. One of: 1, 2, 3."},
            "place": {"type": "OBJECT", "properties": {"city": {"type": "STRING"}}},
            # the SDK writes this one field by its proto name (the API reads both)
            "either": {"any_of": [{"type": "STRING"}, {"type": "INTEGER"}]},
        },
        "required": ["mode"],
    }


def test_gemini_schema_ends_on_recursive_references():
    tree: dict[str, Any] = {
        "type": "object",
        "properties": {"children": {"type": "array", "items": {"$ref": "#"}}},
        "$defs": {},
    }
    tree["properties"]["children"]["items"] = {"$ref": "#/$defs/node"}
    tree["$defs"]["node"] = {"type": "object", "properties": {"next": {"$ref": "#/$defs/node"}}}
    cut = gemini_schema(tree)
    assert cut["properties"]["children"]["items"]["type"] == "object"
    assert "$ref" not in json.dumps(cut)


def test_gemini_declares_a_tool_without_parameters_without_a_schema(server):
    server.script("gemini", Reply())
    provider_for(server, "gemini").converse(
        conversation("gemini", start(), tools=(Tool("ping", "Ping.", {"type": "object"}),))
    )
    declared = body(server, "gemini")["tools"][0]["functionDeclarations"][0]
    assert declared == {"name": "ping", "description": "Ping."}


# --- refused before sending ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("messages", "tools", "field"),
    [
        ([], TOOLS, "messages:"),
        (start(), (Tool("get weather", "", {"type": "object"}),), "tools[0].name"),
        (start(), (TOOLS[0], TOOLS[0]), "tools[1].name"),
        (start(), (Tool("t", "", {"type": "array"}),), "tools[0].parameters"),
        (start(), (Tool("t", "", {"type": "object", "required": "x"}),), "tools[0].parameters"),
        ([{"role": "assistant", "content": "Hi"}], TOOLS, "messages[0].role"),
        ([{"role": "robot", "content": "Hi"}], TOOLS, "messages[0].role"),
        ([{"role": "user", "content": ""}], TOOLS, "messages[0].content"),
        (
            [*start(), {"role": "tool", "tool_call_id": "nope", "content": "1"}],
            TOOLS,
            "messages[1].tool_call_id",
        ),
        (
            [
                *start(),
                {
                    "role": "assistant",
                    "content": "",
                    "tool_calls": [{"id": "c1", "name": "get_time", "arguments": {}}],
                },
                {"role": "user", "content": "Well?"},
            ],
            TOOLS,
            "messages[2]: the tool calls c1",
        ),
        (
            [
                *start(),
                {
                    "role": "assistant",
                    "content": "",
                    "tool_calls": [{"id": "c1", "name": "get_time", "arguments": "{}"}],
                },
            ],
            TOOLS,
            "messages[1].tool_calls[0].arguments",
        ),
    ],
)
@pytest.mark.parametrize("name", ["openai", "anthropic", "gemini"])
def test_a_malformed_conversation_is_refused_before_sending(server, name, messages, tools, field):
    with pytest.raises(ProviderSetupError) as caught:
        provider_for(server, name).converse(conversation(name, messages, tools=tools))
    assert caught.value.code == "bad_request"
    assert field in caught.value.message
    assert server.requests == []


def test_a_conversation_holding_the_key_is_not_sent():
    history = [
        *start(),
        {
            "role": "assistant",
            "content": "",
            "tool_calls": [{"id": "c1", "name": "get_time", "arguments": {}}],
        },
        {"role": "tool", "tool_call_id": "c1", "content": f'{{"env": "KEY={KEY}"}}'},
    ]
    with pytest.raises(ProviderSetupError) as caught:
        refuse_key_in_conversation(KEY, conversation("openai", history))
    assert caught.value.code == "bad_request" and KEY not in caught.value.message
    refuse_key_in_conversation(KEY, conversation("openai", start()))
    refuse_key_in_conversation("no-key", conversation("openai", history))


# --- provider errors ----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
def test_rate_limits_are_retryable(server, name):
    server.script(wire(name), Reply(status=429, headers={"retry-after": "3"}))
    with pytest.raises(ProviderError) as caught:
        provider_for(server, name).converse(conversation(name, start()))
    assert caught.value.retryable and caught.value.status == 429
    assert caught.value.retry_after == pytest.approx(3)
    assert len(server.requests) == 1


@pytest.mark.parametrize("name", ["openai", "anthropic", "gemini"])
@pytest.mark.parametrize("streamed", [False, True])
def test_a_rejected_key_names_the_credential_and_never_shows_the_key(server, name, streamed):
    server.valid_keys = {"some-other-key"}
    on_text = (lambda _: None) if streamed else None
    with pytest.raises(ProviderError) as caught:
        provider_for(server, name, key_source="credential").converse(
            conversation(name, start()), on_text
        )
    error = caught.value
    assert error.status == 401 and not error.retryable
    assert "Check the credential" in error.message
    assert KEY not in error.message and KEY not in str(error.detail)


@pytest.mark.parametrize("name", ["openai", "anthropic", "gemini"])
def test_a_refused_history_passes_on_the_providers_words_without_the_key(server, name):
    server.script(name, Reply(status=400, error=f"bad tool result near {KEY}"))
    with pytest.raises(ProviderError) as caught:
        provider_for(server, name).converse(conversation(name, start()))
    assert "refused the request (HTTP 400)" in caught.value.message
    assert "bad tool result near" in caught.value.message and KEY not in caught.value.message


def test_a_model_that_refuses_temperature_is_asked_again_without_it(server):
    server.script(
        "openai",
        Reply(status=400, error="Unsupported parameter: 'temperature' is not supported."),
        Reply(tool_calls=ASKED),
    )
    turn = provider_for(server, "openai").converse(conversation("openai", start(), temperature=0.5))
    assert len(turn.tool_calls) == 2
    assert [("temperature" in r.body) for r in server.requests] == [True, False]
    assert "does not accept a temperature" in turn.warnings[0]


def test_reasoning_models_get_no_temperature_in_a_conversation_either(server):
    server.script("openai", Reply())
    turn = provider_for(server, "openai").converse(
        Conversation(model="o4-mini", messages=start(), temperature=0.5)
    )
    assert "temperature" not in server.requests[0].body
    assert "reasoning model" in turn.warnings[0]
