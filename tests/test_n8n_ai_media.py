"""Importing n8n's OpenAI image and audio operations, the legacy OpenAI node's text and image
operations and the Basic LLM Chain's image messages (editor/n8n/ai_media.py), and an imported
workflow that makes an image, looks at one and reads text aloud against the fake provider."""

from __future__ import annotations

import base64
from typing import Any

import pytest

from editor.n8n import convert
from editor.validation import validate_graph
from executions import engine
from executions.models import Step
from tests.engine_helpers import make_workflow
from tests.fake_ai_server import FAKE_PNG, Reply, fake_ai_server
from tests.test_n8n_ai import LC, MODEL, TRIGGER, by_label, export, n8n_node, refusals, to

BASE = "n8n-nodes-base."


def one(kind: str, params: dict[str, Any], version: float = 1.8, name: str = "OpenAI") -> dict:
    """The WorkFuse node an n8n node `kind` after a manual trigger becomes."""
    node = n8n_node(name, kind, params, version, 200)
    graph = convert(export([TRIGGER, node], {"Start": to(name)}))
    assert validate_graph(graph) == []
    return by_label(graph, name)


def refused(kind: str, params: dict[str, Any], version: float = 1.8) -> str:
    node = n8n_node("OpenAI", kind, params, version, 200)
    [message] = refusals(export([TRIGGER, node], {"Start": to("OpenAI")}))
    assert message.startswith("n8n node 'OpenAI' (")
    return message


# --- @n8n/n8n-nodes-langchain.openAi -----------------------------------------------------------


def test_image_generate_with_dall_e_3_options():
    node = one(
        f"{LC}openAi",
        {
            "resource": "image",
            "prompt": "=A cover for {{ $json.topic }}",
            "options": {"size": "1792x1024", "style": "natural", "quality": "hd"},
        },
    )
    assert node["type"] == "action.ai"
    assert node["config"] == {
        "provider": "openai",
        "operation": "image_generate",
        "model": "dall-e-3",
        "prompt": "A cover for {{ trigger.topic | n8n_text }}",
        "filename": "data",
        "image_size": "1792x1024",
        "image_quality": "hd",
        "image_style": "natural",
    }


def test_image_generate_with_links_and_several_images_says_how_the_output_differs():
    node = one(
        f"{LC}openAi",
        {
            "resource": "image",
            "model": "dall-e-2",
            "prompt": "Cats",
            "options": {"n": 3, "returnImageUrls": True},
        },
        1.7,
    )
    assert node["config"]["image_count"] == 3 and node["config"]["return_urls"] is True
    assert refused(f"{LC}openAi", {"resource": "image", "prompt": ""}) == (
        "n8n node 'OpenAI' (@n8n/n8n-nodes-langchain.openAi): has no prompt for the image; "
        "write one in n8n and export again."
    )


def test_image_analyze_by_url_keeps_the_comma_separated_text_and_the_token_limit():
    node = one(
        f"{LC}openAi",
        {
            "resource": "image",
            "operation": "analyze",
            "modelId": {"__rl": True, "value": "gpt-4o-mini", "mode": "list"},
            "text": "Describe it",
            "imageUrls": "={{ $json.url }}",
            "options": {"detail": "low"},
        },
        1.6,
    )
    assert node["config"] == {
        "provider": "openai",
        "model": "gpt-4o-mini",
        "prompt": "Describe it",
        "max_tokens": 300,
        "image_detail": "low",
        "images": ["{{ trigger.url }}"],
    }
    old = one(
        f"{LC}openAi",
        {"resource": "image", "operation": "analyze", "imageUrls": "https://a.example/x.png"},
        1.3,
    )
    assert old["config"]["model"] == "gpt-4o"
    assert old["config"]["prompt"] == "What's in this image?"


def test_operations_on_binary_files_name_the_property_they_read():
    message = refused(
        f"{LC}openAi",
        {"resource": "image", "operation": "analyze", "inputType": "base64"},
        1.3,
    )
    assert "reads the file in binary property 'data' of its input" in message
    message = refused(
        f"{LC}openAi",
        {"resource": "audio", "operation": "transcribe", "binaryPropertyName": "voice_message"},
        1.3,
    )
    assert "reads the file in binary property 'voice_message' of its input" in message


def test_audio_generate_reads_the_text_aloud():
    node = one(
        f"{LC}openAi",
        {
            "resource": "audio",
            "input": "={{ $json.text }}",
            "voice": "fable",
            "options": {"response_format": "opus", "speed": 1.2},
        },
        1.3,
    )
    assert node["config"] == {
        "provider": "openai",
        "operation": "speech",
        "model": "tts-1",
        "prompt": "{{ trigger.text }}",
        "voice": "fable",
        "audio_format": "opus",
        "filename": "audio.opus",
        "speed": 1.2,
    }


def test_assistants_and_files_stay_refused_with_the_operation_named():
    assert "does 'file / upload'" in refused(
        f"{LC}openAi", {"resource": "file", "operation": "upload"}
    )


# --- n8n-nodes-base.openAi (legacy) -----------------------------------------------------------


def test_legacy_text_complete_becomes_a_chat_call_with_the_caveat_and_the_16_token_limit():
    node = one(f"{BASE}openAi", {"prompt": "=Classify: {{ $json.text }}", "options": {}}, 1)
    assert node["config"] == {
        "provider": "openai",
        "model": "gpt-4o-mini",
        "prompt": "Classify: {{ trigger.text | n8n_text }}",
        "max_tokens": 16,
    }
    graph = convert(
        export(
            [TRIGGER, n8n_node("OpenAI", f"{BASE}openAi", {"prompt": "x"}, 1)],
            {"Start": to("OpenAI")},
        )
    )
    notes = by_label(graph, "OpenAI")["notes"]
    assert "n8n asked OpenAI's completions API (model text-davinci-003" in notes
    assert "WorkFuse keeps that limit (max_tokens 16)" in notes
    with_tokens = one(f"{BASE}openAi", {"prompt": "Hi", "options": {"maxTokens": 128}}, 1)
    assert with_tokens["config"]["max_tokens"] == 128


def test_legacy_text_edit_sends_the_instruction_as_the_system_prompt():
    node = one(
        f"{BASE}openAi",
        {
            "operation": "edit",
            "input": "={{ $json.body }}",
            "instruction": "Summarise in 20 words",
            "options": {"temperature": 0.3},
        },
        1,
    )
    assert node["config"] == {
        "provider": "openai",
        "model": "gpt-4o-mini",
        "system_prompt": "Summarise in 20 words",
        "prompt": "{{ trigger.body }}",
        "temperature": 0.3,
    }


def test_legacy_image_create_and_versions_n8n_never_had():
    node = one(
        f"{BASE}openAi",
        {
            "resource": "image",
            "prompt": "A fox",
            "responseFormat": "imageUrl",
            "options": {"n": 1, "size": "512x512"},
        },
        1,
    )
    assert node["config"] == {
        "provider": "openai",
        "operation": "image_generate",
        "model": "dall-e-2",
        "prompt": "A fox",
        "filename": "data",
        "image_size": "512x512",
        "image_count": 1,
        "return_urls": True,
    }
    assert "is version 1.8, which n8n's legacy OpenAI node does not have" in refused(
        f"{BASE}openAi", {"model": "gpt-4o-mini"}, 1.8
    )
    assert "sets the option 'topP'" in refused(
        f"{BASE}openAi", {"prompt": "x", "options": {"topP": 0.5}}, 1
    )


# --- legacyai ---
# Exports seen in the wild: the AI section's OpenAI settings under the legacy type name at
# version 1.8, with the Chat Completions API's responseFormat among the options.
STAND_IN = {
    "model": "gpt-4o-mini",
    "messages": {
        "values": [
            {"role": "system", "content": "Classify the email. JSON: {category, summary}"},
            {"role": "user", "content": "=Subject: {{ $json.subject }}"},
        ]
    },
    "options": {"temperature": 0.2, "maxTokens": 200, "responseFormat": "json_object"},
}


def test_a_legacy_openai_node_at_1_8_with_message_a_models_settings_imports_as_that():
    node = one(f"{BASE}openAi", STAND_IN, 1.8)
    assert node["config"] == {
        "provider": "openai",
        "model": "gpt-4o-mini",
        "system_prompt": "Classify the email. JSON: {category, summary}",
        "prompt": "Subject: {{ trigger.subject | n8n_text }}",
        "temperature": 0.2,
        "max_tokens": 200,
        "json_output": True,
    }
    assert (
        "n8n's export says version 1.8 of the legacy OpenAI node (n8n-nodes-base.openAi), which "
        "has versions 1 and 1.1 only; its settings (model, messages.values) are those of the "
        "OpenAI node's Message a Model (@n8n/n8n-nodes-langchain.openAi), so WorkFuse imports "
        "it as that." in node["notes"]
    )
    assert (
        "options.responseFormat json_object is not a setting of Message a Model" in (node["notes"])
    )
    plain = one(f"{BASE}openAi", {**STAND_IN, "options": {}}, 1.8)
    assert "json_output" not in plain["config"]
    assert "responseFormat" not in plain["notes"]


@pytest.mark.parametrize(
    "params",
    [
        {**STAND_IN, "prompt": {"messages": [{"content": "Hi"}]}},  # the legacy node's own
        {key: value for key, value in STAND_IN.items() if key != "model"},
        {**STAND_IN, "messages": {"values": []}},
        {**STAND_IN, "resource": "image"},
    ],
)
def test_a_legacy_openai_node_at_1_8_without_message_a_models_settings_stays_refused(params):
    message = refused(f"{BASE}openAi", params, 1.8)
    assert "is version 1.8, which n8n's legacy OpenAI node does not have" in message
    assert "edited or generated outside n8n" in message


# --- end legacyai ---


# --- Basic LLM Chain image messages -----------------------------------------------------------


def chain(messages: list[dict[str, Any]]) -> dict[str, Any]:
    node = n8n_node(
        "Chain",
        f"{LC}chainLlm",
        {"promptType": "define", "text": "What is it?", "messages": {"messageValues": messages}},
        1.5,
        200,
    )
    return export(
        [TRIGGER, node, MODEL],
        {"Start": to("Chain"), MODEL["name"]: to("Chain", "ai_languageModel")},
    )


def test_a_chain_sends_its_image_urls_with_the_prompt():
    graph = convert(
        chain(
            [
                {"message": "Be brief"},
                {
                    "type": "HumanMessagePromptTemplate",
                    "messageType": "imageUrl",
                    "imageUrl": "={{ $json.picture }}",
                },
            ]
        )
    )
    assert validate_graph(graph) == []
    config = by_label(graph, "Chain")["config"]
    assert config["images"] == ["{{ trigger.picture }}"]
    assert config["system_prompt"] == "Be brief"
    [message] = refusals(
        chain([{"type": "HumanMessagePromptTemplate", "messageType": "imageBinary"}])
    )
    assert "n8n node 'Chain' (@n8n/n8n-nodes-langchain.chainLlm): reads the file in binary " in (
        message
    )


# --- an imported workflow, run ----------------------------------------------------------------


@pytest.fixture
def ai(settings):
    with fake_ai_server() as server:
        settings.OPENAI_BASE_URL = server.openai_url
        settings.OPENAI_API_KEY = "sk-env-openai-0123456789abcdef"
        yield server


@pytest.mark.django_db(transaction=True)
def test_an_imported_workflow_draws_looks_and_speaks(ai, alice):
    nodes = [
        TRIGGER,
        n8n_node(
            "Draw",
            f"{LC}openAi",
            {"resource": "image", "prompt": "={{ $json.subject }}", "options": {}},
            1.3,
            200,
        ),
        n8n_node(
            "Look",
            f"{LC}openAi",
            {
                "resource": "image",
                "operation": "analyze",
                "text": "What is in these?",
                "imageUrls": "={{ $('Start').item.json.urls }}",
            },
            1.3,
            400,
        ),
        n8n_node(
            "Say",
            f"{LC}openAi",
            {"resource": "audio", "input": "={{ $json.content }}", "options": {}},
            1.3,
            600,
        ),
    ]
    data = export(nodes, {"Start": to("Draw"), "Draw": to("Look"), "Look": to("Say")})
    ai.script("openai", Reply(text="A fox and a hen", prompt_tokens=500, completion_tokens=5))
    execution = engine.start_execution(
        make_workflow(alice, convert(data)),
        {"subject": "A fox", "urls": "https://a.example/1.png, https://a.example/2.png"},
    )
    execution.refresh_from_db()
    steps = {s.key: s for s in Step.objects.filter(execution=execution)}
    assert execution.status == "succeeded", {k: s.error for k, s in steps.items()}
    drawn = steps["draw"].output["file"]
    assert base64.b64decode(drawn["content"]) == FAKE_PNG + b"0:A fox"
    assert steps["draw"].output["cost_usd"] == 0.04  # dall-e-3, standard, 1024x1024
    content = ai.requests_for("openai")[0].body["messages"][0]["content"]
    assert [part.get("image_url", {}).get("url") for part in content[1:]] == [
        "https://a.example/1.png",
        "https://a.example/2.png",
    ]
    assert ai.requests_for("openai")[0].body["max_completion_tokens"] == 300
    speech = steps["say"].output["file"]
    assert speech["filename"] == "audio.mp3"
    assert base64.b64decode(speech["content"]) == b"FAKEAUDIO:mp3:alloy:A fox and a hen"
    assert float(execution.ai_cost_usd) > 0.04


# --- legacyai ---
@pytest.mark.django_db(transaction=True)
def test_an_imported_legacy_1_8_node_messages_the_model_and_the_code_after_parses_its_text(
    ai, alice
):
    """As the corpus's exports: a Code node makes the items, the node messages the model once
    per item (in the loop the import adds), and a Code node after it parses each item's
    n8n message.content, the answer's text."""
    make = "return [{json: {subject: 'The site is down'}}, {json: {subject: 'Lunch?'}}];"
    parse = "return $input.all().map((i) => ({json: JSON.parse(i.json.message.content)}));"
    nodes = [
        TRIGGER,
        n8n_node("Emails", f"{BASE}code", {"jsCode": make}, 2, 100),
        n8n_node("Classify", f"{BASE}openAi", STAND_IN, 1.8, 200),
        n8n_node("Parse", f"{BASE}code", {"jsCode": parse}, 2, 400),
    ]
    data = export(nodes, {"Start": to("Emails"), "Emails": to("Classify"), "Classify": to("Parse")})
    ai.script(
        "openai",
        Reply(text='{"category": "urgent", "summary": "An outage"}'),
        Reply(text='{"category": "spam", "summary": "An invitation"}'),
    )
    execution = engine.start_execution(make_workflow(alice, convert(data)), {})
    execution.refresh_from_db()
    steps = {s.key: s for s in Step.objects.filter(execution=execution)}
    assert execution.status == "succeeded", {k: s.error for k, s in steps.items()}
    requests = ai.requests_for("openai")
    assert [r.body["messages"][1] for r in requests] == [
        {"role": "user", "content": "Subject: The site is down"},
        {"role": "user", "content": "Subject: Lunch?"},
    ]
    for request in requests:
        assert request.body["model"] == "gpt-4o-mini"
        assert request.body["messages"][0]["role"] == "system"
        assert request.body["messages"][0]["content"].startswith(
            "Classify the email. JSON: {category, summary}"
        )
        assert request.body["response_format"] == {"type": "json_object"}
        assert request.body["temperature"] == 0.2
    assert steps["classify[0]"].output["response"] == (
        '{"category": "urgent", "summary": "An outage"}'
    )
    assert steps["parse"].output["result"] == [
        {"category": "urgent", "summary": "An outage"},
        {"category": "spam", "summary": "An invitation"},
    ]


# --- end legacyai ---


# --- Text Classifier --------------------------------------------------------------------------


def classifier_export(options: dict[str, Any]) -> dict[str, Any]:
    node = n8n_node(
        "Classify",
        f"{LC}textClassifier",
        {
            "inputText": "={{ $json.message }}",
            "categories": {
                "categories": [
                    {"category": "Refund request", "description": "money back"},
                    {"category": "Bug"},
                ]
            },
            "options": options,
        },
        1.1,
        200,
    )
    nodes = [
        TRIGGER,
        node,
        MODEL,
        n8n_node("Pay", f"{BASE}noOp", {}, 1, 400),
        n8n_node(
            "Fix",
            f"{BASE}set",
            {
                "assignments": {
                    "assignments": [
                        {"name": "m", "value": "={{ $json.message }}", "type": "string"}
                    ]
                }
            },
            3.4,
            400,
        ),
        n8n_node("Else", f"{BASE}noOp", {}, 1, 400),
    ]
    outputs = [
        [{"node": "Pay", "type": "main", "index": 0}],
        [{"node": "Fix", "type": "main", "index": 0}],
    ]
    if options.get("fallback") == "other":
        outputs.append([{"node": "Else", "type": "main", "index": 0}])
    return export(
        nodes,
        {
            "Start": to("Classify"),
            MODEL["name"]: to("Classify", "ai_languageModel"),
            "Classify": {"main": outputs},
        },
    )


def test_the_text_classifier_becomes_one_ai_classifier_step_with_an_output_per_category():
    graph = convert(classifier_export({"fallback": "other", "multiClass": True}))
    assert validate_graph(graph) == []
    node = by_label(graph, "Classify")
    assert node["type"] == "logic.ai_classify"
    config = node["config"]
    assert config["prompt"] == "{{ trigger.message }}"
    assert config["categories"] == [
        {"name": "Refund request", "description": "money back", "handle": "refund_request"},
        {"name": "Bug", "description": "", "handle": "bug"},
    ]
    assert config["multiple"] is True and config["fallback"] == "other"
    handles = {
        (e["source_handle"], by_id(graph, e["target"])["label"])
        for e in graph["edges"]
        if e["source"] == node["id"]
    }
    assert handles == {("refund_request", "Pay"), ("bug", "Fix"), ("other", "Else")}
    # the items pass through: after the classifier $json is still the trigger's item
    assert "trigger.message" in str(by_label(graph, "Fix")["config"])


def by_id(graph: dict[str, Any], node_id: str) -> dict[str, Any]:
    return next(n for n in graph["nodes"] if n["id"] == node_id)


@pytest.mark.django_db(transaction=True)
def test_an_imported_classifier_sends_the_run_down_its_category(ai, alice):
    ai.script("openai", Reply(json={"Refund request": False, "Bug": True}))
    workflow = make_workflow(alice, convert(classifier_export({})))
    execution = engine.start_execution(workflow, {"message": "It crashes"})
    execution.refresh_from_db()
    steps = {s.key: s for s in Step.objects.filter(execution=execution)}
    assert execution.status == "succeeded", {k: s.error for k, s in steps.items()}
    assert steps["classify"].output["categories"] == ["Bug"]
    assert steps["pay"].status == "skipped"
    assert steps["fix"].status == "succeeded"
    assert "It crashes" in str(steps["fix"].output)


def classifier_named(first: str, second: str) -> dict[str, Any]:
    data = classifier_export({})
    rows = data["nodes"][1]["parameters"]["categories"]["categories"]
    rows[0]["category"], rows[1]["category"] = first, second
    return data


@pytest.mark.django_db(transaction=True)
def test_category_names_written_as_expressions_without_blocks_or_as_literals_are_fixed(ai, alice):
    # n8n evaluates "=Bug" to the text "Bug" and "={{ 'Refund request' }}" to that literal,
    # whatever the item holds.
    graph = convert(classifier_named("={{ 'Refund request' }}", "=Bug"))
    names = [c["name"] for c in by_label(graph, "Classify")["config"]["categories"]]
    assert names == ["Refund request", "Bug"]
    ai.script("openai", Reply(json={"Refund request": False, "Bug": True}))
    workflow = make_workflow(alice, graph)
    execution = engine.start_execution(workflow, {"message": "It crashes"})
    execution.refresh_from_db()
    steps = {s.key: s for s in Step.objects.filter(execution=execution)}
    assert execution.status == "succeeded", {k: s.error for k, s in steps.items()}
    assert steps["classify"].output["categories"] == ["Bug"]
    assert steps["pay"].status == "skipped"
    assert steps["fix"].status == "succeeded"


def test_a_category_named_by_the_item_stays_refused():
    (message,) = refusals(classifier_named("={{ $json.kind }}", "Bug"))
    assert message.endswith("has a category without a fixed name; name each one in n8n.")
