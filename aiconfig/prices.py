"""Price table for estimating what an AI call cost, in USD per 1 million tokens.

Standard (pay-as-you-go, non-batch, uncached) text prices. Maintain by hand; when a provider
changes prices, change the row and the date below. Unknown models and OpenAI-compatible
servers (self-hosted or third-party, priced by whoever runs them) give no estimate (None).

Sources, checked 2026-11:
* OpenAI: https://developers.openai.com/api/docs/pricing (GPT-5.5/5.4 family as listed in
  June 2026; older models from https://openai.com/api/pricing, 2025).
* Anthropic: https://docs.claude.com/en/docs/about-claude/pricing (April-June 2026).
* Google: https://ai.google.dev/gemini-api/docs/pricing (Gemini 3.5 Flash from its May 2026
  launch; "Pro" models cost more above 200k prompt tokens, recorded as `long`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Price:
    input: float  # USD per 1M prompt tokens
    output: float  # USD per 1M completion tokens (thinking tokens included)
    long: tuple[int, float, float] | None = None  # (above N prompt tokens, input, output)


PRICES: dict[str, dict[str, Price]] = {
    "openai": {
        "gpt-5.5": Price(5.00, 30.00),
        "gpt-5.4": Price(2.50, 15.00),
        "gpt-5.4-mini": Price(0.75, 4.50),
        "gpt-5.4-nano": Price(0.20, 1.25),
        "gpt-5.2": Price(1.75, 14.00),
        "gpt-5.1": Price(1.25, 10.00),
        "gpt-5": Price(1.25, 10.00),
        "gpt-5-mini": Price(0.25, 2.00),
        "gpt-5-nano": Price(0.05, 0.40),
        "gpt-4.1": Price(2.00, 8.00),
        "gpt-4.1-mini": Price(0.40, 1.60),
        "gpt-4.1-nano": Price(0.10, 0.40),
        "gpt-4o": Price(2.50, 10.00),
        "gpt-4o-mini": Price(0.15, 0.60),
        "o3": Price(2.00, 8.00),
        "o4-mini": Price(1.10, 4.40),
        "o3-mini": Price(1.10, 4.40),
        "o1": Price(15.00, 60.00),
        # --- vectors: embeddings models (input tokens only) ---
        "text-embedding-3-small": Price(0.02, 0.0),
        "text-embedding-3-large": Price(0.13, 0.0),
        "text-embedding-ada-002": Price(0.10, 0.0),
        # --- end vectors ---
        # --- aimedia: image and audio models priced by tokens (text/audio in, image/text out) ---
        "gpt-image-1": Price(5.00, 40.00),
        "gpt-image-1-mini": Price(2.00, 8.00),
        "gpt-4o-transcribe": Price(6.00, 10.00),
        "gpt-4o-mini-transcribe": Price(3.00, 5.00),
        # --- end aimedia ---
    },
    "anthropic": {
        "claude-opus-4-7": Price(5.00, 25.00),
        "claude-opus-4-6": Price(5.00, 25.00),
        "claude-opus-4-5": Price(5.00, 25.00),
        "claude-sonnet-4-6": Price(3.00, 15.00),
        "claude-sonnet-4-5": Price(3.00, 15.00),
        "claude-haiku-4-5": Price(1.00, 5.00),
        "claude-opus-4-1": Price(15.00, 75.00),
        "claude-sonnet-4": Price(3.00, 15.00),
    },
    "gemini": {
        "gemini-3.5-flash": Price(1.50, 9.00),
        "gemini-3.1-pro-preview": Price(2.00, 12.00, long=(200_000, 4.00, 18.00)),
        "gemini-3-flash-preview": Price(0.50, 3.00),
        "gemini-3.1-flash-lite-preview": Price(0.25, 1.50),
        "gemini-2.5-pro": Price(1.25, 10.00, long=(200_000, 2.50, 15.00)),
        "gemini-2.5-flash": Price(0.30, 2.50),
        "gemini-2.5-flash-lite": Price(0.10, 0.40),
        "gemini-2.0-flash": Price(0.10, 0.40),
    },
}

# Listed in models_catalog.py, but no price could be confirmed from two sources when the table
# was last checked (sources disagree on Opus 4.8; Sonnet 5 is new): no estimate until added.
UNPRICED = {("anthropic", "claude-opus-4-8"), ("anthropic", "claude-sonnet-5")}

# Dated snapshots cost what their alias costs: gpt-4o-2024-08-06, claude-haiku-4-5-20251001,
# gemini-2.0-flash-001.
_SNAPSHOT = re.compile(r"(-\d{4}-\d{2}-\d{2}|-\d{8}|-\d{3})$")


def price_for(provider: str, model: str) -> Price | None:
    table = PRICES.get(provider)
    if not table or not model:
        return None
    name = model.strip().lower().removeprefix("models/")
    return table.get(name) or table.get(_SNAPSHOT.sub("", name))


def estimate_cost(provider: str, model: str, usage: dict[str, Any]) -> float | None:
    """USD for one call, rounded to a millionth of a dollar; None when the price is unknown."""
    price = price_for(provider, model)
    if price is None:
        return None
    prompt = int(usage.get("prompt_tokens") or 0)
    completion = int(usage.get("completion_tokens") or 0)
    rate_in, rate_out = price.input, price.output
    if price.long and prompt > price.long[0]:
        rate_in, rate_out = price.long[1], price.long[2]
    return round((prompt * rate_in + completion * rate_out) / 1_000_000, 6)


# --- aimedia ---
# Images and audio priced per image, per minute or per character (OpenAI pricing page,
# checked 2026-11). gpt-image-1 and the gpt-4o transcription models report tokens and are
# priced in PRICES; gpt-4o-mini-tts reports nothing to price by, so it has no estimate.
DALL_E_PER_IMAGE: dict[str, dict[tuple[str, str], float]] = {
    "dall-e-3": {
        ("standard", "1024x1024"): 0.040,
        ("standard", "1024x1792"): 0.080,
        ("standard", "1792x1024"): 0.080,
        ("hd", "1024x1024"): 0.080,
        ("hd", "1024x1792"): 0.120,
        ("hd", "1792x1024"): 0.120,
    },
    "dall-e-2": {
        ("standard", "256x256"): 0.016,
        ("standard", "512x512"): 0.018,
        ("standard", "1024x1024"): 0.020,
    },
}
TRANSCRIPTION_PER_MINUTE = {"whisper-1": 0.006}
SPEECH_PER_MILLION_CHARACTERS = {"tts-1": 15.00, "tts-1-hd": 30.00}


def image_cost(
    model: str, quality: str, size: str, count: int, usage: dict[str, Any]
) -> float | None:
    """USD for generated images: by tokens when the model reports them, else per image."""
    if int(usage.get("total_tokens") or 0):
        return estimate_cost("openai", model, usage)
    table = DALL_E_PER_IMAGE.get(model.strip().lower())
    if table is None:
        return None
    each = table.get((quality if quality == "hd" else "standard", size or "1024x1024"))
    return None if each is None else round(each * count, 6)


def transcription_cost(model: str, seconds: float | None, usage: dict[str, Any]) -> float | None:
    if int(usage.get("total_tokens") or 0):
        return estimate_cost("openai", model, usage)
    rate = TRANSCRIPTION_PER_MINUTE.get(model.strip().lower())
    if rate is None or seconds is None:
        return None
    return round(rate * seconds / 60, 6)


def speech_cost(model: str, characters: int) -> float | None:
    rate = SPEECH_PER_MILLION_CHARACTERS.get(model.strip().lower())
    return None if rate is None else round(rate * characters / 1_000_000, 6)


# --- end aimedia ---
