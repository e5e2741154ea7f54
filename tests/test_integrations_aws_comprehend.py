"""app.aws_comprehend through boto3 against a fake Comprehend speaking AWS's JSON 1.1 protocol
(tests/fakes/aws_json.py), with S3's access key credential: each operation's call and output,
AWS's refusals, and a run through the engine with a stored credential."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from credentials import store
from executions import engine
from executions.models import Step
from tests.app_nodes import app_error, run_app
from tests.engine_helpers import chain, make_workflow
from tests.fakes import Answer, running
from tests.fakes.aws_json import ACCESS_KEY_ID, SECRET_KEY, FakeComprehend
from workfuse.lib.node_run import Secret

AC = "app.aws_comprehend"


@pytest.fixture
def comprehend(settings: Any) -> Iterator[FakeComprehend]:
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    with running(FakeComprehend()) as fake:
        yield fake


def key(fake: FakeComprehend, key_id: str = ACCESS_KEY_ID) -> Secret:
    settings = {"access_key_id": key_id, "region": "eu-west-1", "base_url": fake.url}
    return Secret("s3", {"secret_access_key": SECRET_KEY}, settings, name="AWS")


def test_sentiment_is_asked_in_english_by_default_and_answered_as_aws_does(comprehend):
    output = run_app(AC, {"text": "What a great event"}, key(comprehend))
    [request] = comprehend.requests
    assert request.headers["x-amz-target"] == "Comprehend_20171127.DetectSentiment"
    assert "/eu-west-1/comprehend/aws4_request" in request.headers["authorization"]
    assert request.json == {"Text": "What a great event", "LanguageCode": "en"}
    assert output == {
        "Sentiment": "POSITIVE",
        "SentimentScore": {"Positive": 0.97, "Negative": 0.01, "Neutral": 0.01, "Mixed": 0.01},
    }


def test_dominant_language_simple_or_whole_and_entities(comprehend):
    simple = run_app(
        AC,
        {"operation": "detect_dominant_language", "text": "el gato es muy bonito"},
        key(comprehend),
    )
    assert simple == {"es": 0.99, "en": 0.01}
    whole = run_app(
        AC,
        {"operation": "detect_dominant_language", "text": "hello", "simple": False},
        key(comprehend),
    )
    assert whole == {
        "Languages": [{"LanguageCode": "es", "Score": 0.5}, {"LanguageCode": "en", "Score": 0.5}]
    }
    entities = run_app(
        AC,
        {"operation": "detect_entities", "text": "Ada met Charles", "language_code": "fr"},
        key(comprehend),
    )
    assert comprehend.calls[-1] == (
        "DetectEntities",
        {"Text": "Ada met Charles", "LanguageCode": "fr"},
    )
    assert [e["Text"] for e in entities["Entities"]] == ["Ada", "Charles"]


def test_refusals_name_the_key_or_quote_aws(comprehend):
    wrong = app_error(AC, {"text": "good"}, key(comprehend, "AKIAOLD"))
    assert wrong.message.startswith("AWS Comprehend did not accept the credential “AWS”")
    assert not wrong.retryable
    unsupported = app_error(AC, {"text": "good", "language_code": "ja"}, key(comprehend))
    assert unsupported.message == (
        "AWS Comprehend refused DetectSentiment: UnsupportedLanguageException: The language "
        "code is not supported."
    )
    long = app_error(AC, {"text": "é" * 2600}, key(comprehend))
    assert long.message.startswith("The text is 5200 bytes; Comprehend takes at most 5000")
    comprehend.script(Answer(400, {"__type": "ThrottlingException", "message": "Rate exceeded"}))
    throttled = app_error(AC, {"text": "good"}, key(comprehend))
    assert throttled.retryable


@pytest.mark.django_db(transaction=True)
def test_a_run_reads_the_rendered_feedback_s_sentiment_with_the_stored_key(alice, comprehend):
    value = {
        "access_key_id": ACCESS_KEY_ID,
        "secret_access_key": SECRET_KEY,
        "region": "eu-west-1",
        "base_url": comprehend.url,
    }
    credential = store.create(alice, "AWS", "s3", value)
    node = {
        "id": "mood",
        "type": AC,
        "config": {"credential": credential.pk, "text": "{{ trigger.said }}"},
    }
    execution = engine.start_execution(make_workflow(alice, chain(node)), {"said": "boring talk"})
    execution.refresh_from_db()
    assert execution.status == "succeeded", execution.error
    step = Step.objects.get(execution=execution, key="mood")
    assert step.output is not None and step.output["Sentiment"] == "NEGATIVE"
    assert SECRET_KEY not in json.dumps([step.input, step.output])
