"""app.aws_comprehend: a text's sentiment (DetectSentiment), its dominant language
(DetectDominantLanguage) or its entities (DetectEntities), through boto3's Comprehend client
with the S3 access key's pair and region (integrations/s3/s3_api.py guards the endpoint and maps
AWS's errors)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from integrations import http
from integrations.operations import OperationConfig, used_by
from integrations.s3 import s3_api
from integrations.s3.credentials import AccessKey
from integrations.service import credential_for
from workfuse.lib.node_run import NodeError, RunContext
from workfuse.lib.node_types import NodeType

Operation = Literal["detect_sentiment", "detect_dominant_language", "detect_entities"]
ALL = ("detect_sentiment", "detect_dominant_language", "detect_entities")
WITH_LANGUAGE = ("detect_sentiment", "detect_entities")
API = http.Api("AWS Comprehend")
MAX_BYTES = 5000  # Comprehend's limit for one text of the real-time Detect* calls (UTF-8)


class Config(OperationConfig):
    credential: int | None = Field(
        None, ge=1, description="Your AWS access key credential (kind s3). Needed to run."
    )
    operation: Operation = Field(
        "detect_sentiment",
        description="detect_sentiment: POSITIVE, NEGATIVE, NEUTRAL or MIXED, with scores. "
        "detect_dominant_language: the languages the text is in, with scores. "
        "detect_entities: the people, places, organisations, dates… it names.",
    )
    text: str = Field(
        "",
        description="The text (at most 5,000 bytes in UTF-8).",
        json_schema_extra=used_by(*ALL, required=True),
    )
    language_code: Literal[
        "en", "es", "fr", "de", "it", "pt", "ar", "hi", "ja", "ko", "zh", "zh-TW"
    ] = Field(
        "en",
        description="detect_sentiment / detect_entities: the text's language.",
        json_schema_extra=used_by(*WITH_LANGUAGE),
    )
    simple: bool = Field(
        True,
        description="detect_dominant_language: answer {<language code>: score} (n8n's "
        "simplified output) rather than Comprehend's {Languages: [...]}.",
        json_schema_extra=used_by("detect_dominant_language"),
    )


def run(config: Config, ctx: RunContext) -> Any:
    """As n8n outputs it: {Sentiment, SentimentScore}; {<code>: score} (simple) or
    {Languages}; {Entities}. AWS's ResponseMetadata is left out."""
    secret, _ = credential_for(ctx, config.operation, AccessKey)
    if not config.text.strip():
        raise NodeError("The text field is empty (or rendered empty): there is nothing to analyze.")
    if len(config.text.encode()) > MAX_BYTES:
        raise NodeError(
            f"The text is {len(config.text.encode())} bytes; Comprehend takes at most "
            f"{MAX_BYTES}: shorten it (or split it) before this node."
        )
    op = config.operation
    if op == "detect_dominant_language":
        answer = s3_api.call(
            secret,
            "DetectDominantLanguage",
            lambda c: c.detect_dominant_language(Text=config.text),
            "comprehend",
            API,
        )
        languages = answer.get("Languages") or []
        if config.simple:
            return {lang["LanguageCode"]: lang["Score"] for lang in languages}
        return {"Languages": languages}
    name = "DetectSentiment" if op == "detect_sentiment" else "DetectEntities"
    method = "detect_sentiment" if op == "detect_sentiment" else "detect_entities"
    answer = s3_api.call(
        secret,
        name,
        lambda c: getattr(c, method)(Text=config.text, LanguageCode=config.language_code),
        "comprehend",
        API,
    )
    return {k: v for k, v in answer.items() if k != "ResponseMetadata"}


NODE = NodeType(
    type="app.aws_comprehend",
    label="AWS Comprehend",
    category="app",
    description="Finds a text's sentiment, dominant language or entities with Amazon Comprehend.",
    Config=Config,
    run=run,
    credential_kinds=(AccessKey.kind,),
    icon="☯",
    examples=(
        (
            "Is the feedback positive or negative? Use credential 2",
            {
                "credential": 2,
                "operation": "detect_sentiment",
                "text": "{{ trigger.body.feedback }}",
            },
        ),
        (
            "Which language is the message written in?",
            {"operation": "detect_dominant_language", "text": "{{ trigger.body.message }}"},
        ),
        (
            "Find the people and places named in the Spanish text",
            {
                "operation": "detect_entities",
                "text": "{{ trigger.body.text }}",
                "language_code": "es",
            },
        ),
    ),
)
