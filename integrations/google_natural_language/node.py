"""app.google_natural_language: a text's sentiment (analyzeSentiment), its entities
(analyzeEntities) or its content categories (classifyText), from Google Cloud Natural
Language; the text given in the config or read from a gs:// object."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from integrations.google_natural_language import language_api
from integrations.google_sheets.credentials import ServiceAccountKey
from integrations.operations import OperationConfig, used_by
from integrations.service import credential_for
from workfuse.lib.node_run import NodeError, RunContext
from workfuse.lib.node_types import NodeType

Operation = Literal["analyze_sentiment", "analyze_entities", "classify_text"]
METHODS = {
    "analyze_sentiment": "analyzeSentiment",
    "analyze_entities": "analyzeEntities",
    "classify_text": "classifyText",
}
ALL = tuple(METHODS)
WITH_OFFSETS = ("analyze_sentiment", "analyze_entities")


class Config(OperationConfig):
    credential: int | None = Field(
        None, ge=1, description="Your Google service-account key credential. Needed to run."
    )
    operation: Operation = Field(
        "analyze_sentiment",
        description="analyze_sentiment: the text's score (-1 negative to 1 positive) and "
        "magnitude, and each sentence's. analyze_entities: the people, places, organisations… "
        "it names. classify_text: its content categories (needs 20 words or more).",
    )
    content: str = Field(
        "",
        description="The text to analyze (empty: read gcs_uri instead).",
        json_schema_extra=used_by(*ALL),
    )
    gcs_uri: str = Field(
        "",
        description="Or a Google Cloud Storage object holding the text: gs://bucket/object.",
        json_schema_extra=used_by(*ALL),
    )
    document_type: Literal["PLAIN_TEXT", "HTML"] = Field(
        "PLAIN_TEXT",
        description="Whether the text is plain or HTML.",
        json_schema_extra=used_by(*ALL),
    )
    language: str = Field(
        "",
        description="The text's language (ISO 639-1 or BCP-47: en, fr, zh-Hant); empty: detected.",
        json_schema_extra=used_by(*ALL),
    )
    encoding_type: Literal["UTF16", "UTF8", "UTF32", "NONE"] = Field(
        "UTF16",
        description="analyze_sentiment / analyze_entities: how sentence and mention offsets "
        "are counted (UTF16 is JavaScript's, n8n's default).",
        json_schema_extra=used_by(*WITH_OFFSETS),
    )


def _document(config: Config) -> dict[str, Any]:
    document: dict[str, Any] = {"type": config.document_type}
    if config.content.strip():
        document["content"] = config.content
    elif config.gcs_uri.strip():
        if not config.gcs_uri.strip().startswith("gs://"):
            raise NodeError(f"The gcs_uri field must start with gs://, not “{config.gcs_uri}”.")
        document["gcsContentUri"] = config.gcs_uri.strip()
    else:
        raise NodeError(
            "There is no text to analyze: the content field is empty (or rendered empty) and "
            "no gcs_uri is set."
        )
    if config.language.strip():
        document["language"] = config.language.strip()
    return document


def run(config: Config, ctx: RunContext) -> Any:
    """Google's answer as it is, as n8n outputs it: analyze_sentiment's {documentSentiment:
    {score, magnitude}, language, sentences}, analyze_entities' {entities, language},
    classify_text's {categories}."""
    secret, _ = credential_for(ctx, config.operation, ServiceAccountKey)
    body: dict[str, Any] = {"document": _document(config)}
    if config.operation in WITH_OFFSETS:
        body["encodingType"] = config.encoding_type
    return language_api.analyze(secret, METHODS[config.operation], body)


NODE = NodeType(
    type="app.google_natural_language",
    label="Google Cloud Natural Language",
    category="app",
    description="Scores a text's sentiment, finds the entities it names or classifies it, "
    "with Google Cloud Natural Language.",
    Config=Config,
    run=run,
    credential_kinds=(ServiceAccountKey.kind,),
    icon="☺",
    examples=(
        (
            "How positive is the feedback in the form answer? Use credential 3",
            {
                "credential": 3,
                "operation": "analyze_sentiment",
                "content": "{{ trigger.body.feedback }}",
            },
        ),
        (
            "Find the people and companies named in the French article",
            {
                "operation": "analyze_entities",
                "content": "{{ trigger.body.article }}",
                "language": "fr",
            },
        ),
        (
            "Classify the HTML page stored at gs://pages/home.html",
            {
                "operation": "classify_text",
                "gcs_uri": "gs://pages/home.html",
                "document_type": "HTML",
            },
        ),
    ),
)
