"""app.google_perspective against a fake Perspective Comment Analyzer
(tests/fakes/google_perspective.py): the request n8n's node sends, thresholds and languages,
Perspective's refusals (a bad key names the credential), the key's test, and a run through the
engine with a stored credential."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from pydantic import ValidationError

from credentials import store
from executions import engine
from executions.models import Step
from integrations.google_perspective import comment_api
from integrations.google_perspective.node import Config
from tests.app_nodes import app_error, run_app
from tests.engine_helpers import chain, make_workflow
from tests.fakes import Answer, running
from tests.fakes.google_perspective import API_KEY, FakePerspective
from workfuse.lib.node_run import NodeError, Secret

GP = "app.google_perspective"


@pytest.fixture
def perspective(settings: Any) -> Iterator[FakePerspective]:
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    with running(FakePerspective()) as fake:
        yield fake


def key(fake: FakePerspective, value: str = API_KEY) -> Secret:
    return Secret("google_perspective", {"api_key": value}, {"base_url": fake.url}, name="Mod")


def test_a_comment_is_scored_for_each_attribute_with_the_key_in_a_header(perspective):
    output = run_app(
        GP,
        {
            "text": "Damn you, I will hurt you",
            "attributes": ["threat", "profanity"],
            "languages": ["en"],
        },
        key(perspective),
    )
    [request] = perspective.requests
    assert request.headers["x-goog-api-key"] == API_KEY and request.query == {}
    assert request.json == {
        "comment": {"text": "Damn you, I will hurt you", "type": "PLAIN_TEXT"},
        "requestedAttributes": {
            "THREAT": {"scoreType": "PROBABILITY"},
            "PROFANITY": {"scoreType": "PROBABILITY"},
        },
        "languages": ["en"],
    }
    assert output["attributeScores"]["PROFANITY"]["summaryScore"]["value"] == 0.5
    assert output["attributeScores"]["THREAT"]["summaryScore"]["value"] == 0.5


def test_a_threshold_leaves_low_scores_out(perspective):
    output = run_app(
        GP,
        {"text": "What a stupid idiot", "attributes": ["insult", "threat"], "score_threshold": 0.5},
        key(perspective),
    )
    assert list(output["attributeScores"]) == ["INSULT"]


def test_refusals_quote_perspective_and_a_bad_key_names_the_credential(perspective):
    bad = app_error(GP, {"text": "hi"}, key(perspective, "AIza-old"))
    assert bad.message.startswith("Google Perspective did not accept the credential “Mod”")
    assert not bad.retryable
    language = app_error(GP, {"text": "hi", "languages": ["xx"]}, key(perspective))
    assert language.message == (
        "Google Perspective refused comments:analyze (HTTP 400): INVALID_ARGUMENT: Attribute "
        "TOXICITY does not support request languages: xx"
    )
    empty = app_error(GP, {"text": " "}, key(perspective))
    assert empty.message.startswith("The text field is empty")
    perspective.script(Answer(429, {"error": {"code": 429, "status": "RESOURCE_EXHAUSTED"}}))
    limited = app_error(GP, {"text": "hi"}, key(perspective))
    assert limited.retryable


def test_attributes_are_checked_when_the_node_is_saved():
    with pytest.raises(ValidationError):
        Config.model_validate({"text": "x", "attributes": ["rudeness"]})
    with pytest.raises(ValidationError):
        Config.model_validate({"text": "x", "attributes": []})


def test_the_key_test_scores_a_harmless_word(perspective):
    assert comment_api.check(key(perspective)) == (
        "Google Perspective accepted the key (“hello” scores 0.05 toxicity)."
    )
    with pytest.raises(NodeError, match="did not accept the credential “Mod”"):
        comment_api.check(key(perspective, "nope"))


@pytest.mark.django_db(transaction=True)
def test_a_run_scores_the_rendered_message_with_the_stored_key(alice, perspective):
    credential = store.create(
        alice, "Mod", "google_perspective", {"api_key": API_KEY, "base_url": perspective.url}
    )
    node = {
        "id": "score",
        "type": GP,
        "config": {"credential": credential.pk, "text": "{{ trigger.message.text }}"},
    }
    execution = engine.start_execution(
        make_workflow(alice, chain(node)), {"message": {"text": "you idiot"}}
    )
    execution.refresh_from_db()
    assert execution.status == "succeeded", execution.error
    step = Step.objects.get(execution=execution, key="score")
    assert step.output is not None
    assert step.output["attributeScores"]["TOXICITY"]["summaryScore"]["value"] == 0.5
    assert API_KEY not in json.dumps([step.input, step.output])
