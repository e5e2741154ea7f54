"""logic.ai_classify ("AI classifier"): a language model puts a text into categories and the
run goes on down the output of each category that applies (n8n's Text Classifier).

The model answers through the provider's structured output, a JSON object with one boolean
per category (and `fallback` when there is an "other" output), as n8n's classifier asks it in
its format instructions. The output names the categories that apply; no category and no
"other" output means no branch goes on.
"""

from __future__ import annotations

from typing import Any, Literal, Self

from pydantic import Field, model_validator

from editor.nodes.action_ai import ModelSettings
from editor.nodes.base import NodeConfig, NodeType, RunContext
from editor.nodes.logic_switch import Handle

SYSTEM_PROMPT = (
    "Please classify the text provided by the user into one of the following categories: "
    "{categories}, and use the provided formatting instructions below. Don't explain, and only "
    "output the json."
)
MULTIPLE = {
    False: "Categories are mutually exclusive, and only one can be true",
    True: "Categories are not mutually exclusive, and multiple can be true",
}
FALLBACK = {
    "other": 'If no categories apply, select the "fallback" option.',
    "discard": "If there is not a very fitting category, select none of the categories.",
}


class Category(NodeConfig):
    name: str = Field(..., min_length=1, max_length=200, description="The category, e.g. 'Refund'.")
    description: str = Field("", description="What belongs in it, if the name does not say.")
    handle: Handle = Field(..., description="The output the run takes for it, e.g. 'refund'.")


class Config(ModelSettings):
    prompt: str = Field(
        ..., min_length=1, description="The text to classify, e.g. '{{ trigger.body.message }}'."
    )
    system_prompt: str = Field(
        SYSTEM_PROMPT,
        description="Instructions; {categories} becomes the categories' names, comma-separated.",
    )
    categories: list[Category] = Field(..., min_length=1, max_length=50)
    multiple: bool = Field(False, description="Several categories may apply to one text.")
    fallback: Literal["discard", "other"] = Field(
        "discard",
        description="When no category applies: discard (no output goes on) or other (the "
        "'other_handle' output).",
    )
    other_handle: Handle = Field("other", description="The output for texts of no category.")

    @model_validator(mode="after")
    def _unique(self) -> Self:
        names = [c.name for c in self.categories]
        handles = [c.handle for c in self.categories]
        if self.fallback == "other":
            names.append("fallback")
            handles.append(self.other_handle)
        for what, values in (("category names", names), ("output names", handles)):
            repeated = sorted({v for v in values if values.count(v) > 1})
            if repeated:
                raise ValueError(f"{what} must be unique; repeated: {', '.join(repeated)}")
        return self


def schema(config: Config) -> dict[str, Any]:
    properties: dict[str, Any] = {
        c.name: {
            "type": "boolean",
            "description": f'Should be true if the input has category "{c.name}" '
            f"(description: {c.description})",
        }
        for c in config.categories
    }
    if config.fallback == "other":
        properties["fallback"] = {
            "type": "boolean",
            "description": "Should be true if none of the other categories apply",
        }
    return {
        "type": "object",
        "properties": properties,
        "required": list(properties),
        "additionalProperties": False,
    }


def run(config: Config, ctx: RunContext) -> dict[str, Any]:
    """Ask the model; the output is {categories: [names that apply], json: {name: bool},
    model, provider, usage, latency_ms, cost_usd}."""
    from aiconfig.providers import run_node
    from editor.nodes import action_ai

    names = ", ".join(c.name for c in config.categories)
    system = "\n".join(
        [
            config.system_prompt.replace("{categories}", names),
            MULTIPLE[config.multiple],
            FALLBACK[config.fallback],
        ]
    )
    asked = action_ai.Config.model_validate(
        {
            **config.model_dump(include=set(ModelSettings.model_fields)),
            "system_prompt": system,
            "json_output": True,
            "json_schema": schema(config),
        }
    )
    answer = run_node(asked, ctx)
    verdict = answer.get("json") or {}
    chosen = [c.name for c in config.categories if verdict.get(c.name) is True]
    output = {"categories": chosen, "json": verdict}
    output.update({k: answer[k] for k in ("model", "provider", "usage", "latency_ms", "cost_usd")})
    return output


def handles(config: Any) -> list[str]:
    if config is None:
        return []
    extra = [config.other_handle] if config.fallback == "other" else []
    return [c.handle for c in config.categories] + extra


def route(config: Config, output: Any) -> list[str]:
    verdict = output.get("json") or {}
    chosen = [c.handle for c in config.categories if verdict.get(c.name) is True]
    if config.fallback == "other" and verdict.get("fallback") is True:
        chosen.append(config.other_handle)
    return chosen


NODE = NodeType(
    type="logic.ai_classify",
    label="AI classifier",
    category="logic",
    description="A language model puts a text into your categories; the run goes on down the "
    "output of each category that applies.",
    Config=Config,
    run=run,
    handles_from_config=handles,
    route=route,
    credential_kinds=("ai_provider",),
    icon="⑃",
    examples=(
        (
            "Sort the support message into refund requests, bug reports, or anything else",
            {
                "provider": "openai",
                "model": "gpt-4o-mini",
                "prompt": "{{ trigger.body.message }}",
                "categories": [
                    {"name": "Refund", "description": "asks for money back", "handle": "refund"},
                    {"name": "Bug report", "description": "something is broken", "handle": "bug"},
                ],
                "fallback": "other",
            },
        ),
    ),
)
