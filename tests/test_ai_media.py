"""action.ai beyond text: images to look at (vision, by URL and by file value, for OpenAI,
Anthropic and Gemini), image generation, transcription/translation and speech (OpenAI) —
through the real SDKs against the fake provider server, alone and inside the engine (run
budget and spend)."""

from __future__ import annotations

import base64

import pytest
from pydantic import ValidationError

from aiconfig import prices
from editor.nodes.action_ai import NODE, Config
from editor.nodes.base import NodeError, RunContext
from executions import engine
from executions.models import Execution, Step
from tests.engine_helpers import chain, make_workflow
from tests.fake_ai_server import FAKE_PNG, Reply, fake_ai_server
from tests.test_ai_node import ENV_KEYS, MODELS

PNG = FAKE_PNG + b"a cat"
PNG_VALUE = {
    "filename": "cat.png",
    "content_type": "image/png",
    "size": len(PNG),
    "content": base64.b64encode(PNG).decode(),
}
AUDIO = b"ID3" + bytes(range(256)) * 8  # 2,051 bytes: the fake hears 2.05 s
AUDIO_VALUE = {
    "filename": "call.mp3",
    "content_type": "audio/mpeg",
    "size": len(AUDIO),
    "content": base64.b64encode(AUDIO).decode(),
}


@pytest.fixture
def ai(settings):
    with fake_ai_server() as server:
        settings.OPENAI_BASE_URL = server.openai_url
        settings.ANTHROPIC_BASE_URL = server.anthropic_url
        settings.GEMINI_BASE_URL = server.gemini_url
        settings.OPENAI_API_KEY = ENV_KEYS["openai"]
        settings.ANTHROPIC_API_KEY = ENV_KEYS["anthropic"]
        settings.GEMINI_API_KEY = ENV_KEYS["gemini"]
        settings.WORKFUSE_HTTP_ALLOW_PRIVATE = False
        yield server


def run(**config):
    ctx = RunContext(execution_id="e", node_id="ask", step_key="ask", emit=lambda _: None)
    return NODE.run(Config.model_validate(config), ctx)


# --- vision ----------------------------------------------------------------------------------


def test_openai_sees_an_image_url_and_a_file(ai):
    ai.script("openai", Reply(text="Two cats."))
    output = run(prompt="What is in these?", images=["https://example.com/cat.jpg", PNG_VALUE])
    assert output["response"] == "Two cats."
    content = ai.requests_for("openai")[0].body["messages"][0]["content"]
    assert content == [
        {"type": "text", "text": "What is in these?"},
        {"type": "image_url", "image_url": {"url": "https://example.com/cat.jpg"}},
        {
            "type": "image_url",
            "image_url": {"url": f"data:image/png;base64,{PNG_VALUE['content']}"},
        },
    ]


def test_anthropic_sees_an_image_url_and_a_file(ai):
    ai.script("anthropic", Reply(text="A cat."))
    output = run(
        provider="anthropic",
        model=MODELS["anthropic"],
        prompt="Describe",
        images=["https://example.com/cat.jpg", PNG_VALUE],
    )
    assert output["response"] == "A cat."
    content = ai.requests_for("anthropic")[0].body["messages"][0]["content"]
    assert content == [
        {"type": "image", "source": {"type": "url", "url": "https://example.com/cat.jpg"}},
        {
            "type": "image",
            "source": {"type": "base64", "media_type": "image/png", "data": PNG_VALUE["content"]},
        },
        {"type": "text", "text": "Describe"},
    ]


def test_gemini_sees_a_file_and_refuses_a_url(ai):
    ai.script("gemini", Reply(text="A cat."))
    output = run(provider="gemini", model=MODELS["gemini"], prompt="Describe", images=[PNG_VALUE])
    assert output["response"] == "A cat."
    parts = ai.requests_for("gemini")[0].body["contents"][0]["parts"]
    assert parts[0] == {"text": "Describe"}
    assert parts[1]["inlineData"] == {"data": PNG_VALUE["content"], "mime_type": "image/png"}
    with pytest.raises(NodeError, match="Gemini does not fetch images from URLs"):
        run(provider="gemini", model=MODELS["gemini"], prompt="x", images=["https://e.com/a.png"])
    assert len(ai.requests_for("gemini")) == 1


def test_images_that_are_not_images_are_refused_before_sending(ai):
    with pytest.raises(NodeError, match=r"images\[0\] must be an http\(s\) image URL"):
        run(prompt="x", images=["ftp://example.com/a.png"])
    with pytest.raises(NodeError, match=r"images\[0\] is audio/mpeg"):
        run(prompt="x", images=[AUDIO_VALUE])
    with pytest.raises(NodeError, match=r"images\[0\].content is not valid base64"):
        run(prompt="x", images=[{**PNG_VALUE, "content": "!!"}])
    assert ai.requests == []


# --- image generation ------------------------------------------------------------------------


def test_dall_e_3_image_comes_back_as_a_file_with_its_price(ai):
    output = run(
        operation="image_generate",
        model="dall-e-3",
        prompt="A lighthouse at dusk",
        image_size="1792x1024",
        image_quality="hd",
        image_style="natural",
    )
    body = ai.requests_for("openai_images")[0].body
    assert body == {
        "model": "dall-e-3",
        "prompt": "A lighthouse at dusk",
        "n": 1,
        "size": "1792x1024",
        "quality": "hd",
        "style": "natural",
        "response_format": "b64_json",
    }
    data = FAKE_PNG + b"0:A lighthouse at dusk"
    assert output["file"] == {
        "filename": "image.png",
        "content_type": "image/png",
        "size": len(data),
        "content": base64.b64encode(data).decode(),
    }
    assert output["files"] == [output["file"]]
    assert output["revised_prompt"] == "A detailed picture: A lighthouse at dusk"
    assert output["cost_usd"] == 0.12
    assert output["usage"]["total_tokens"] == 0


def test_gpt_image_reports_tokens_and_is_priced_by_them(ai):
    ai.script("openai_images", Reply(prompt_tokens=20, completion_tokens=1000))
    output = run(
        operation="image_generate",
        model="gpt-image-1",
        prompt="Logo",
        image_count=2,
        filename="logo.png",
    )
    assert "response_format" not in ai.requests_for("openai_images")[0].body
    assert [f["filename"] for f in output["files"]] == ["logo-1.png", "logo-2.png"]
    assert output["usage"] == {"prompt_tokens": 20, "completion_tokens": 1000, "total_tokens": 1020}
    assert output["cost_usd"] == pytest.approx((20 * 5 + 1000 * 40) / 1e6)


# --- audio -----------------------------------------------------------------------------------


def test_whisper_transcribes_a_file_priced_by_the_minute(ai):
    ai.script("openai_audio", Reply(text="Hello, this is Ann."))
    output = run(operation="transcribe", model="whisper-1", file=AUDIO_VALUE, language="en")
    form = ai.requests_for("openai_audio")[0].body
    assert ai.requests_for("openai_audio")[0].path.endswith("/audio/transcriptions")
    assert form["file"] == {"filename": "call.mp3", "content_type": "audio/mpeg", "data": AUDIO}
    assert form["model"] == "whisper-1" and form["language"] == "en"
    assert form["response_format"] == "verbose_json"
    assert output["text"] == "Hello, this is Ann."
    assert output["duration_seconds"] == 2.05
    assert output["cost_usd"] == pytest.approx(0.006 * 2.05 / 60, abs=1e-6)


def test_translation_writes_english(ai):
    ai.script("openai_audio", Reply(text="Good morning"))
    output = run(operation="translate", model="whisper-1", file=AUDIO_VALUE, language="de")
    recorded = ai.requests_for("openai_audio")[0]
    assert recorded.path.endswith("/audio/translations")
    assert "language" not in recorded.body  # the translation is always English
    assert output["text"] == "Good morning"


def test_a_gpt_4o_transcription_counts_tokens(ai):
    ai.script("openai_audio", Reply(text="Hi", prompt_tokens=50, completion_tokens=3))
    output = run(operation="transcribe", model="gpt-4o-transcribe", file=AUDIO_VALUE)
    assert ai.requests_for("openai_audio")[0].body["response_format"] == "json"
    assert output["usage"]["total_tokens"] == 53
    assert output["cost_usd"] == prices.estimate_cost(
        "openai", "gpt-4o-transcribe", output["usage"]
    )


def test_audio_that_is_not_audio_is_refused(ai):
    with pytest.raises(NodeError, match=r"'cat\.png' is not an audio file"):
        run(operation="transcribe", model="whisper-1", file=PNG_VALUE)
    assert ai.requests == []


def test_speech_comes_back_as_an_audio_file(ai):
    output = run(
        operation="speech", model="tts-1", prompt="Your order shipped.", voice="nova", speed=1.5
    )
    body = ai.requests_for("openai_speech")[0].body
    assert body == {
        "model": "tts-1",
        "input": "Your order shipped.",
        "voice": "nova",
        "response_format": "mp3",
        "speed": 1.5,
    }
    data = b"FAKEAUDIO:mp3:nova:Your order shipped."
    assert output["file"]["filename"] == "speech.mp3"
    assert output["file"]["content_type"] == "audio/mpeg"
    assert base64.b64decode(output["file"]["content"]) == data
    assert output["cost_usd"] == pytest.approx(15 * len("Your order shipped.") / 1e6)


def test_a_rejected_key_on_the_audio_api_never_shows_the_key(ai):
    ai.valid_keys = {"another"}
    with pytest.raises(NodeError) as caught:
        run(operation="speech", model="tts-1", prompt="Hi")
    assert ENV_KEYS["openai"] not in caught.value.message
    assert not caught.value.retryable


def test_config_rules():
    with pytest.raises(ValidationError, match="image_generate needs a prompt"):
        Config.model_validate({"operation": "image_generate", "model": "dall-e-3"})
    with pytest.raises(ValidationError, match="choose provider openai"):
        Config.model_validate(
            {"operation": "speech", "provider": "anthropic", "model": "x", "prompt": "Hi"}
        )
    with pytest.raises(ValidationError, match="transcribe needs the audio file"):
        Config.model_validate({"operation": "transcribe", "model": "whisper-1"})
    with pytest.raises(ValidationError, match="translates speech with whisper-1 only"):
        Config.model_validate({"operation": "translate", "model": "gpt-4o", "file": "x"})
    with pytest.raises(ValidationError, match="images are for operation message"):
        Config.model_validate(
            {"operation": "speech", "model": "tts-1", "prompt": "x", "images": ["https://a.b/c"]}
        )
    # existing configs are unchanged: a prompt is all a message needs
    assert Config.model_validate({"prompt": "Hi"}).operation == "message"
    with pytest.raises(ValidationError, match="message needs a prompt"):
        Config.model_validate({})


# --- in a run: templates, spend and budget ----------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_generated_image_feeds_a_vision_step_and_both_count_in_the_runs_spend(ai, alice):
    ai.script("openai_images", Reply(prompt_tokens=10, completion_tokens=100))
    ai.script("openai", Reply(text="A red bicycle.", prompt_tokens=300, completion_tokens=4))
    graph = chain(
        {
            "id": "draw",
            "type": "action.ai",
            "config": {
                "operation": "image_generate",
                "model": "gpt-image-1",
                "prompt": "{{ trigger.subject }}",
            },
        },
        {
            "id": "look",
            "type": "action.ai",
            "config": {"prompt": "What is this?", "images": ["{{ nodes.draw.file }}"]},
        },
    )
    execution = engine.start_execution(make_workflow(alice, graph), {"subject": "A red bicycle"})
    execution.refresh_from_db()
    assert execution.status == "succeeded", Step.objects.filter(execution=execution).values(
        "key", "error"
    )
    look = Step.objects.get(execution=execution, key="look")
    assert look.output["response"] == "A red bicycle."
    sent = ai.requests_for("openai")[0].body["messages"][0]["content"][1]["image_url"]["url"]
    drawn = base64.b64encode(FAKE_PNG + b"0:A red bicycle").decode()
    assert sent == f"data:image/png;base64,{drawn}"
    assert execution.ai_tokens == 110 + 304
    image = (10 * 5 + 100 * 40) / 1e6
    text = prices.estimate_cost("openai", "gpt-4o-mini", look.output["usage"])
    assert float(execution.ai_cost_usd) == pytest.approx(image + text, abs=2e-6)


@pytest.mark.django_db(transaction=True)
def test_a_run_over_its_budget_makes_no_more_images(ai, alice):
    ai.script("openai_images", Reply(prompt_tokens=10, completion_tokens=100))
    node = {
        "type": "action.ai",
        "config": {"operation": "image_generate", "model": "gpt-image-1", "prompt": "A cat"},
    }
    workflow = make_workflow(alice, chain({**node, "id": "one"}, {**node, "id": "two"}))
    workflow.ai_budget = {"max_tokens_per_run": 50}
    workflow.save()
    execution = engine.start_execution(workflow)
    execution.refresh_from_db()
    assert execution.status == "failed"
    assert len(ai.requests_for("openai_images")) == 1
    step = Step.objects.get(execution=execution, key="two")
    assert "max_tokens_per_run is 50 tokens" in step.error
    assert Execution.objects.get(pk=execution.pk).ai_tokens == 110
