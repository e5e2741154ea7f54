"""Importing n8n's Google Cloud Natural Language and Google Perspective nodes
(editor/n8n/apps_google_language.py): the configs the corpus's settings become, the refusals,
and imported workflows run in the engine against the fakes."""

from __future__ import annotations

from typing import Any

import pytest

from credentials import store
from editor.n8n import convert
from editor.nodes import NODE_TYPES
from editor.validation import validate_graph
from executions import engine
from executions.models import Step
from tests.engine_helpers import make_workflow
from tests.fakes import running
from tests.fakes.google_natural_language import FakeLanguage
from tests.fakes.google_perspective import API_KEY, FakePerspective
from tests.fakes.google_sheets import new_key
from tests.test_n8n_apps import converted, refusal, single

ATTRS = {
    "requestedAttributesValues": [
        {"attributeName": "identity_attack"},
        {"attributeName": "threat"},
        {"attributeName": "profanity"},
    ]
}


@pytest.mark.parametrize(
    ("kind", "params", "node_type", "config"),
    [
        (
            "googleCloudNaturalLanguage",
            {"content": '={{$json["Any suggestions for us? "]}}', "options": {}},
            "app.google_natural_language",
            {
                "operation": "analyze_sentiment",
                "content": '{{ trigger["Any suggestions for us? "] }}',
            },
        ),
        (
            "googleCloudNaturalLanguage",
            {
                "source": "gcsContentUri",
                "gcsContentUri": "gs://b/o.html",
                "options": {"documentType": "HTML", "language": "de", "encodingType": "UTF8"},
            },
            "app.google_natural_language",
            {
                "operation": "analyze_sentiment",
                "gcs_uri": "gs://b/o.html",
                "document_type": "HTML",
                "language": "de",
                "encoding_type": "UTF8",
            },
        ),
        (
            "googlePerspective",
            {
                "text": '={{$json["message"]["text"]}}',
                "options": {"languages": "en"},
                "requestedAttributesUi": ATTRS,
            },
            "app.google_perspective",
            {
                "operation": "analyze_comment",
                "text": "{{ trigger.message.text }}",
                "attributes": ["identity_attack", "threat", "profanity"],
                "languages": ["en"],
            },
        ),
        (
            "googlePerspective",
            {
                "text": "x",
                "requestedAttributesUi": {
                    "requestedAttributesValues": [
                        {"attributeName": "insult", "scoreThreshold": 0.6},
                        {},
                    ]
                },
            },
            "app.google_perspective",
            {
                "operation": "analyze_comment",
                "text": "x",
                "attributes": ["insult", "flirtation"],
                "score_threshold": 0.6,
            },
        ),
    ],
)
def test_each_node_becomes_its_config(kind, params, node_type, config):
    node = converted(kind, params, 1)
    assert (node["type"], node["config"]) == (node_type, config)
    assert "Credentials are not imported" in node["notes"]
    NODE_TYPES[node_type].Config.model_validate(config)


@pytest.mark.parametrize(
    ("kind", "params", "said"),
    [
        ("googleCloudNaturalLanguage", {"content": ""}, "has no text to analyze"),
        (
            "googleCloudNaturalLanguage",
            {"operation": "analyzeSyntax", "content": "x"},
            "analyzeSyntax",
        ),
        (
            "googleCloudNaturalLanguage",
            {"content": "x", "options": {"model": "v2"}},
            "option(s) model",
        ),
        ("googlePerspective", {"text": "x"}, "asks for no attribute"),
        (
            "googlePerspective",
            {
                "text": "x",
                "requestedAttributesUi": {
                    "requestedAttributesValues": [
                        {"attributeName": "insult", "scoreThreshold": 0.6},
                        {"attributeName": "threat", "scoreThreshold": 0.2},
                    ]
                },
            },
            "a different Score Threshold per attribute",
        ),
    ],
)
def test_what_the_nodes_lack_is_refused_naming_node_and_construct(kind, params, said):
    message = refusal(kind, params, 1)
    assert f"'App' (n8n-nodes-base.{kind})" in message
    assert said in message


def _run(alice: Any, data: dict[str, Any], node_type: str, credential: int, trigger: Any) -> Step:
    graph = convert(data)
    assert validate_graph(graph) == []
    for node in graph["nodes"]:
        if node["type"] == node_type:
            node["config"]["credential"] = credential
    execution = engine.start_execution(make_workflow(alice, graph), trigger)
    execution.refresh_from_db()
    assert execution.status == "succeeded", execution.error
    return Step.objects.get(execution=execution, key="app")


@pytest.mark.django_db(transaction=True)
def test_an_imported_perspective_node_scores_the_telegram_message(alice, settings):
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    params = {"text": '={{$json["message"]["text"]}}', "requestedAttributesUi": ATTRS}
    with running(FakePerspective()) as fake:
        value = {"api_key": API_KEY, "base_url": fake.url}
        credential = store.create(alice, "Mod", "google_perspective", value)
        step = _run(
            alice,
            single("googlePerspective", params),
            "app.google_perspective",
            credential.pk,
            {"message": {"text": "damn"}},
        )
    assert step.output["attributeScores"]["PROFANITY"]["summaryScore"]["value"] == 0.5


@pytest.mark.django_db(transaction=True)
def test_an_imported_natural_language_node_scores_the_form_answer(alice, settings):
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    private, key = new_key()
    params = {"content": '={{$json["feedback"]}}', "options": {}}
    with running(FakeLanguage(private.public_key())) as fake:
        value = {"service_account_key": key, "base_url": fake.url, "token_url": fake.token_url}
        credential = store.create(alice, "Acme Google", "google_sheets", value)
        step = _run(
            alice,
            single("googleCloudNaturalLanguage", params),
            "app.google_natural_language",
            credential.pk,
            {"feedback": "A great, fantastic event"},
        )
    assert step.output["documentSentiment"]["score"] == 0.9
