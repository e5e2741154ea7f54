"""Models per provider for the action.ai model dropdown (any other name may be typed), and the
model-specific rules the adapters follow.

Lists checked 2026-11 against the providers' model pages and the model names the installed
SDKs know (openai 3.54 `ChatModel`, anthropic 2.12 `ModelParam`); prices live in prices.py.
Keep the newest first. `openai_compatible` has no list: the server decides what it serves.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class Model:
    id: str
    label: str
    note: str = ""


MODELS: dict[str, tuple[Model, ...]] = {
    "openai": (
        Model("gpt-5.5", "GPT-5.5", "flagship; reasoning model (no temperature)"),
        Model("gpt-5.4", "GPT-5.4", "reasoning model (no temperature)"),
        Model("gpt-5.4-mini", "GPT-5.4 mini", "fast and cheap; reasoning model (no temperature)"),
        Model("gpt-5.4-nano", "GPT-5.4 nano", "cheapest; reasoning model (no temperature)"),
        Model("gpt-5.2", "GPT-5.2", "reasoning model (no temperature)"),
        Model("gpt-4.1", "GPT-4.1", "non-reasoning; shutdown announced for 2027-01-14"),
        Model("gpt-4.1-mini", "GPT-4.1 mini", "non-reasoning; shutdown announced for 2027-01-14"),
        Model("gpt-4o", "GPT-4o", "shutdown announced for 2027-01-14"),
        Model("gpt-4o-mini", "GPT-4o mini", "shutdown announced for 2027-01-14"),
    ),
    "anthropic": (
        Model("claude-sonnet-5", "Claude Sonnet 5", "no temperature; thinks by default"),
        Model("claude-opus-4-8", "Claude Opus 4.8", "no temperature"),
        Model("claude-opus-4-7", "Claude Opus 4.7", "no temperature"),
        Model("claude-sonnet-4-6", "Claude Sonnet 4.6"),
        Model("claude-haiku-4-5", "Claude Haiku 4.5", "fastest and cheapest"),
        Model("claude-opus-4-6", "Claude Opus 4.6"),
        Model("claude-sonnet-4-5", "Claude Sonnet 4.5"),
    ),
    "gemini": (
        Model("gemini-3.5-flash", "Gemini 3.5 Flash"),
        Model("gemini-3.1-pro-preview", "Gemini 3.1 Pro (preview)"),
        Model("gemini-3-flash-preview", "Gemini 3 Flash (preview)"),
        Model("gemini-3.1-flash-lite-preview", "Gemini 3.1 Flash-Lite (preview)"),
        Model("gemini-2.5-pro", "Gemini 2.5 Pro"),
        Model("gemini-2.5-flash", "Gemini 2.5 Flash"),
        Model("gemini-2.5-flash-lite", "Gemini 2.5 Flash-Lite", "cheapest"),
    ),
    "openai_compatible": (),
}

DEFAULT_MODELS = {
    "openai": "gpt-5.4-mini",
    "anthropic": "claude-sonnet-4-6",
    "gemini": "gemini-2.5-flash",
    "openai_compatible": "",
}


def models_for(provider: str) -> list[dict[str, str]]:
    """The dropdown's entries for one provider: [{id, label, note}]."""
    return [asdict(m) for m in MODELS.get(provider, ())]


def catalog() -> dict[str, dict]:
    """Every provider's models and default, for the editor."""
    return {
        provider: {"models": models_for(provider), "default": DEFAULT_MODELS.get(provider, "")}
        for provider in MODELS
    }


# --- model-specific parameters -----------------------------------------------------------------

# OpenAI reasoning models (o-series, GPT-5 and later) reject `temperature` other than the
# default; "-chat" variants are not reasoning models.
_OPENAI_REASONING = re.compile(r"^(o\d+(-|$)|gpt-(5|6|7)([.-]|$))")


def openai_is_reasoning(model: str) -> bool:
    model = model.lower().removeprefix("openai/")
    return bool(_OPENAI_REASONING.match(model)) and "-chat" not in model


_CLAUDE = re.compile(
    r"^claude-(?P<family>opus|sonnet|haiku|fable|mythos)(?:-(?P<major>\d+)(?:-(?P<minor>\d{1,2}))?)?"
    r"(?:-\d{8})?(?:$|-)"
)


def claude_version(model: str) -> tuple[str, int, int] | None:
    """('sonnet', 4, 6) for 'claude-sonnet-4-6'; None for older naming or other models."""
    match = _CLAUDE.match(model.lower())
    if not match:
        return None
    major = int(match.group("major") or 0)
    return match.group("family"), major, int(match.group("minor") or 0)


def anthropic_rejects_sampling(model: str) -> bool:
    """Opus 4.7 and later refuse temperature/top_p/top_k with HTTP 400."""
    version = claude_version(model)
    if version is None:
        return False
    family, major, minor = version
    return family in ("fable", "mythos") or (major, minor) >= (4, 7)


def anthropic_json_by_output_format(model: str) -> bool:
    """Claude 5 models think by default, and thinking cannot be combined with a forced tool:
    ask them for JSON with structured outputs (`output_config.format`) instead."""
    version = claude_version(model)
    if version is None:
        return False
    family, major, _ = version
    return family in ("fable", "mythos") or major >= 5


ANTHROPIC_DEFAULT_MAX_TOKENS = 8192  # Anthropic requires max_tokens; thinking counts toward it
ANTHROPIC_MAX_TEMPERATURE = 1.0
