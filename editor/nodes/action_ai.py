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


class Config(ModelSettings):
    json_output: bool = Field(False, description="Ask for a JSON answer and parse it into 'json'.")
    json_schema: dict[str, Any] | None = Field(
        None, description="With json_output: a JSON Schema the answer must match."
    )
    stream: bool = Field(False, description="Show the answer token by token while it is written.")

    @field_validator("json_schema")
    @classmethod
    def _usable_schema(cls, schema: dict[str, Any] | None) -> dict[str, Any] | None:
        return checked_schema(schema)


def run(config: Config, ctx: RunContext) -> dict[str, Any]:
    """Ask the model; the output is {response, json?, model, provider, finish_reason,
    usage: {prompt_tokens, completion_tokens, total_tokens}, latency_ms, cost_usd}."""
    from aiconfig.providers import run_node  # the AI SDKs load only when an AI node runs

    return run_node(config, ctx)


NODE = NodeType(
    type="action.ai",
    label="AI prompt",
    category="action",
    description="Asks a language model (OpenAI, Anthropic, Gemini or a self-hosted one) and returns its "
    "answer, as text or JSON, with token usage.",
    Config=Config,
    run=run,
    credential_kinds=("ai_provider",),
    raw_fields=("json_schema",),  # a schema is taken literally, never rendered
)
