from __future__ import annotations

from typing import Any, Literal, Self

from pydantic import Field, field_validator, model_validator

from editor.nodes.base import NodeConfig, NodeType, RunContext

Provider = Literal["openai", "anthropic", "gemini", "openai_compatible"]


class ModelSettings(NodeConfig):
    """Which model answers and how: shared by `action.ai` and `action.agent`."""

    provider: Provider = Field(
        "openai",
        description="Who runs the model: OpenAI, Anthropic, Google Gemini, or any OpenAI-compatible server "
        "(Ollama, vLLM, LM Studio) at base_url.",
    )
    model: str = Field(
        "gpt-4o-mini",
        min_length=1,
        max_length=200,
        description="The model name, e.g. 'gpt-4o-mini'.",
    )
    system_prompt: str = Field("", description="Instructions that frame every answer (optional).")
    prompt: str = Field(
        ...,
        min_length=1,
        description="What to ask; use templates for data, e.g. 'Summarise: {{ trigger.body.text }}'.",
    )
    temperature: float | None = Field(
        None,
        ge=0,
        le=2,
        description="Randomness from 0 (focused) to 2; empty uses the model's default.",
    )
    max_tokens: int | None = Field(None, ge=1, le=200_000, description="Longest answer, in tokens.")
    credential: int | None = Field(
        None, description="An AI provider credential; empty uses the server's key for the provider."
    )
    base_url: str | None = Field(
        None,
        description="For OpenAI-compatible servers: the API base URL, e.g. 'http://localhost:11434/v1'.",
    )

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if self.provider == "openai_compatible" and not (self.base_url or "").strip():
            raise ValueError(
                "provider openai_compatible needs base_url: the server's API address, e.g. "
                "http://localhost:11434/v1"
            )
        if self.provider != "openai_compatible" and (self.base_url or "").strip():
            raise ValueError(
                f"base_url is only for provider openai_compatible; {self.provider} uses the "
                "server's configured address"
            )
        return self


def checked_schema(schema: dict[str, Any] | None) -> dict[str, Any] | None:
    """A JSON Schema a user gave, refused (ValueError) when it cannot be used."""
    if schema:
        from aiconfig.providers.base import schema_problem

        problem = schema_problem(schema)
        if problem:
            raise ValueError(problem)
    return schema


class PriorMessage(NodeConfig):
    """An earlier turn of the conversation, sent before the prompt."""

    role: Literal["user", "assistant"] = Field(
        "user", description="Who said it: user, or assistant (the model, e.g. an example answer)."
    )
    content: str = Field(..., min_length=1, description="The message's text; templates allowed.")


Operation = Literal["message", "image_generate", "transcribe", "translate", "speech"]
NEEDS_PROMPT = ("message", "image_generate", "speech")
OPENAI_ONLY = ("image_generate", "transcribe", "translate", "speech")


class Config(ModelSettings):
    operation: Operation = Field(
        "message",
        description="message: ask the model (with images to look at, if given). "
        "image_generate: make images from the prompt. transcribe: the text spoken in 'file'; "
        "translate: the same in English. speech: read the prompt aloud into an audio file. "
        "Images and audio are OpenAI's.",
    )
    prompt: str = Field(
        "",
        description="What to ask (message), the picture to make (image_generate), the text to "
        "read aloud (speech), or a hint of names and spelling (transcribe, translate); use "
        "templates for data, e.g. 'Summarise: {{ trigger.body.text }}'.",
    )
    messages: list[PriorMessage] = Field(
        default_factory=list,
        max_length=50,
        description="message: earlier turns sent in order before the prompt, each {role: "
        "user|assistant, content}; e.g. an example answer the model should follow.",
    )
    images: list[Any] = Field(
        default_factory=list,
        max_length=10,
        description="message: images for the model to look at, each an https:// URL (several "
        "in one text separated by commas) or a file value (a template such as "
        "'{{ nodes.download.file }}').",
    )
    image_detail: Literal["auto", "low", "high"] = Field(
        "auto",
        description="message, OpenAI: how closely the model looks at the images (low: faster "
        "and fewer tokens).",
    )
    file: Any = Field(
        None,
        description="transcribe, translate: the audio file (mp3, mp4, m4a, wav, webm, ogg, "
        "flac), a template such as '{{ nodes.download.file }}'.",
    )
    language: str = Field(
        "", max_length=10, description="transcribe: the spoken language (ISO 639-1, e.g. 'de')."
    )
    image_size: str = Field(
        "",
        max_length=20,
        description="image_generate: e.g. '1024x1024'; empty: the model's default.",
    )
    image_quality: str = Field(
        "",
        max_length=20,
        description="image_generate: 'standard' or 'hd' (dall-e-3), 'low', 'medium' or 'high' "
        "(gpt-image-1); empty: the model's default.",
    )
    image_style: Literal["", "vivid", "natural"] = Field(
        "", description="image_generate, dall-e-3: vivid or natural."
    )
    image_count: int = Field(1, ge=1, le=10, description="image_generate: how many images.")
    return_urls: bool = Field(
        False,
        description="image_generate, DALL-E: output OpenAI's links to the images ('urls', valid "
        "for an hour) instead of the files.",
    )
    voice: str = Field(
        "alloy", min_length=1, max_length=40, description="speech: the voice, e.g. alloy, nova."
    )
    audio_format: Literal["mp3", "opus", "aac", "flac", "wav", "pcm"] = Field(
        "mp3", description="speech: the audio file's format."
    )
    speed: float | None = Field(None, ge=0.25, le=4, description="speech: 0.25 to 4 (1 is normal).")
    filename: str = Field(
        "",
        max_length=255,
        description="image_generate, speech: the name of the file written (default "
        "'image.png' / 'speech.<format>').",
    )
    json_output: bool = Field(False, description="Ask for a JSON answer and parse it into 'json'.")
    json_schema: dict[str, Any] | None = Field(
        None, description="With json_output: a JSON Schema the answer must match."
    )
    # --- vector ---
    schema_descriptions: dict[str, str] = Field(
        default_factory=dict,
        description="With json_schema: descriptions of its top-level properties that depend on "
        "the run, as templates (e.g. {'department': 'One of: {{ nodes.depts.names }}'}), "
        "rendered each run and set into the schema sent.",
    )
    # --- end vector ---
    stream: bool = Field(False, description="Show the answer token by token while it is written.")

    @field_validator("json_schema")
    @classmethod
    def _usable_schema(cls, schema: dict[str, Any] | None) -> dict[str, Any] | None:
        return checked_schema(schema)

    @model_validator(mode="after")
    def _operation_fits(self) -> Self:
        if self.operation in NEEDS_PROMPT and not self.prompt.strip():
            raise ValueError(f"prompt: {self.operation} needs a prompt")
        if self.operation in OPENAI_ONLY and self.provider != "openai":
            raise ValueError(
                f"operation {self.operation} uses OpenAI's API: choose provider openai"
            )
        if self.operation in ("transcribe", "translate") and self.file in (None, ""):
            raise ValueError(f"file: {self.operation} needs the audio file")
        if self.operation == "translate" and self.model.strip() != "whisper-1":
            raise ValueError("model: OpenAI translates speech with whisper-1 only")
        if self.return_urls and self.model.strip().startswith("gpt-image"):
            raise ValueError("return_urls: gpt-image models answer with the images, not links")
        if self.messages and self.operation != "message":
            raise ValueError("messages are for operation message (the conversation before it)")
        if self.images and self.operation != "message":
            raise ValueError("images are for operation message (the model looks at them)")
        # --- vector ---
        if self.schema_descriptions:
            properties = (self.json_schema or {}).get("properties") or {}
            unknown = sorted(set(self.schema_descriptions) - set(properties))
            if unknown:
                raise ValueError(
                    "schema_descriptions: "
                    + ", ".join(unknown)
                    + " is not a property of json_schema"
                )
        # --- end vector ---
        return self


def run(config: Config, ctx: RunContext) -> dict[str, Any]:
    """Ask the model; the output is {response, json?, model, provider, finish_reason,
    usage: {prompt_tokens, completion_tokens, total_tokens}, latency_ms, cost_usd}.
    image_generate: {file, files, urls, revised_prompt, ...}; transcribe/translate:
    {text, ...}; speech: {file, ...} (docs/ai.md)."""
    from aiconfig.providers import run_node  # the AI SDKs load only when an AI node runs

    return run_node(config, ctx)


NODE = NodeType(
    type="action.ai",
    label="AI prompt",
    category="action",
    description="Asks a language model (OpenAI, Anthropic, Gemini or a self-hosted one) and returns its "
    "answer, as text or JSON, with token usage; it can look at images, and with OpenAI make "
    "images, transcribe audio and read text aloud.",
    Config=Config,
    run=run,
    credential_kinds=("ai_provider",),
    raw_fields=("json_schema",),  # a schema is taken literally, never rendered
)
