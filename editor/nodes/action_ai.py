from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from editor.nodes.base import NodeConfig, NodeType

Provider = Literal["openai", "anthropic", "gemini", "openai_compatible"]


class Config(NodeConfig):
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
    json_output: bool = Field(False, description="Ask for a JSON answer and parse it into 'json'.")
    json_schema: dict[str, Any] | None = Field(
        None, description="With json_output: a JSON Schema the answer must match."
    )
    stream: bool = Field(False, description="Show the answer token by token while it is written.")
    credential: int | None = Field(
        None, description="An AI provider credential; empty uses the server's key for the provider."
    )
    base_url: str | None = Field(
        None,
        description="For OpenAI-compatible servers: the API base URL, e.g. 'http://localhost:11434/v1'.",
    )


NODE = NodeType(
    type="action.ai",
    label="AI Agent",
    category="action",
    description="Asks a language model (OpenAI, Anthropic, Gemini or a self-hosted one) and returns its "
    "answer, as text or JSON, with token usage.",
    Config=Config,
    credential_kinds=("ai_provider",),
)
