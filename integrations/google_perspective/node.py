"""app.google_perspective: a comment scored by Perspective for the attributes asked
(toxicity, severe toxicity, identity attack, insult, profanity, threat, sexually explicit,
flirtation), each from 0 to 1."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from integrations.google_perspective import comment_api
from integrations.google_perspective.credentials import PerspectiveKey
from integrations.operations import OperationConfig, used_by
from integrations.service import credential_for
from workfuse.lib.node_run import NodeError, RunContext
from workfuse.lib.node_types import NodeType

Attribute = Literal[
    "toxicity",
    "severe_toxicity",
    "identity_attack",
    "insult",
    "profanity",
    "threat",
    "sexually_explicit",
    "flirtation",
]


def _toxicity() -> list[Attribute]:
    return ["toxicity"]


class Config(OperationConfig):
    credential: int | None = Field(
        None, ge=1, description="Your Google Perspective API key credential. Needed to run."
    )
    operation: Literal["analyze_comment"] = Field(
        "analyze_comment", description="analyze_comment: score a text for the attributes asked."
    )
    text: str = Field(
        "",
        description="The comment to score (at most 20 kB).",
        json_schema_extra=used_by("analyze_comment", required=True),
    )
    attributes: list[Attribute] = Field(
        default_factory=_toxicity,
        min_length=1,
        description="What to score it for.",
        examples=[["toxicity", "insult"]],
        json_schema_extra=used_by("analyze_comment"),
    )
    score_threshold: float | None = Field(
        None,
        ge=0,
        le=1,
        description="Leave out the attributes scoring below this (empty: every score).",
        json_schema_extra=used_by("analyze_comment"),
    )
    languages: list[str] = Field(
        default_factory=list,
        description="The text's languages (ISO 639-1: en, es, fr, de, pt, it, ru); empty: "
        "detected.",
        json_schema_extra=used_by("analyze_comment"),
    )


def run(config: Config, ctx: RunContext) -> Any:
    """Perspective's answer as it is, as n8n outputs it: {attributeScores: {TOXICITY:
    {summaryScore: {value, type}, spanScores}, …}, languages, detectedLanguages}."""
    secret, _ = credential_for(ctx, config.operation, PerspectiveKey)
    if not config.text.strip():
        raise NodeError("The text field is empty (or rendered empty): there is nothing to score.")
    wanted: dict[str, Any] = {"scoreType": "PROBABILITY"}
    if config.score_threshold is not None:
        wanted["scoreThreshold"] = config.score_threshold
    body: dict[str, Any] = {
        "comment": {"text": config.text, "type": "PLAIN_TEXT"},
        "requestedAttributes": {name.upper(): dict(wanted) for name in config.attributes},
    }
    languages = [lang.strip() for lang in config.languages if lang.strip()]
    if languages:
        body["languages"] = languages
    return comment_api.analyze(secret, body)


NODE = NodeType(
    type="app.google_perspective",
    label="Google Perspective",
    category="app",
    description="Scores a comment's toxicity, insults, threats, profanity… from 0 to 1 with "
    "Google's Perspective API.",
    Config=Config,
    run=run,
    credential_kinds=(PerspectiveKey.kind,),
    icon="⚠",
    examples=(
        (
            "Score the chat message for toxicity with credential 6",
            {
                "credential": 6,
                "operation": "analyze_comment",
                "text": "{{ trigger.body.message.text }}",
            },
        ),
        (
            "Check the English comment for identity attacks, threats and profanity",
            {
                "operation": "analyze_comment",
                "text": "{{ trigger.body.comment }}",
                "attributes": ["identity_attack", "threat", "profanity"],
                "languages": ["en"],
            },
        ),
        (
            "Only report insults scoring at least 0.8",
            {
                "operation": "analyze_comment",
                "text": "{{ trigger.body.comment }}",
                "attributes": ["insult"],
                "score_threshold": 0.8,
            },
        ),
    ),
)
