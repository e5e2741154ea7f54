"""Importing n8n's AWS Comprehend and AWS Rekognition nodes (editor/n8n/apps_aws_ai.py) onto
`app.aws_comprehend` and `app.aws_rekognition`: the configs the settings become, the refusals,
the credential slot, and imported workflows run in the engine against the fakes (Rekognition
reading the image an HTTP Request downloaded)."""

from __future__ import annotations

import pytest

from credentials import store
from editor.n8n import convert, import_n8n
from editor.nodes import NODE_TYPES
from editor.validation import validate_graph
from executions import engine
from executions.models import Step
from tests.engine_helpers import make_workflow
from tests.fakes import Answer, FakeService, Received, running
from tests.fakes.aws_json import (
    ACCESS_KEY_ID,
    SECRET_KEY,
    FakeComprehend,
    FakeRekognition,
    picture,
)
from tests.test_n8n_apps import converted, refusal, single

FEEDBACK = '={{$json["What did you think about the event?"]}}'


@pytest.mark.parametrize(
    ("params", "config"),
    [
        (
            {"text": FEEDBACK, "operation": "detectSentiment"},
            {
                "operation": "detect_sentiment",
                "text": '{{ trigger["What did you think about the event?"] }}',
                "language_code": "en",
            },
        ),
        ({"text": "x"}, {"operation": "detect_dominant_language", "text": "x", "simple": True}),
        (
            {"text": "x", "operation": "detectDominantLanguage", "simple": False},
            {"operation": "detect_dominant_language", "text": "x", "simple": False},
        ),
        (
            {"text": "x", "operation": "detectEntities", "languageCode": "de"},
            {"operation": "detect_entities", "text": "x", "language_code": "de"},
        ),
    ],
)
def test_each_operation_becomes_its_comprehend_config(params, config):
    node = converted("awsComprehend", params, 1)
    assert (node["type"], node["config"]) == ("app.aws_comprehend", config)
    assert "choose a AWS access key credential" in node["notes"]
    NODE_TYPES["app.aws_comprehend"].Config.model_validate(config)


@pytest.mark.parametrize(
    ("params", "said"),
    [
        ({"operation": "detectSentiment"}, "has no Text to analyze"),
        ({"operation": "detectKeyPhrases", "text": "x"}, "does 'text / detectKeyPhrases'"),
        (
            {"operation": "detectEntities", "text": "x", "additionalFields": {"endpointArn": "a"}},
            "sets endpointArn (a custom endpoint)",
        ),
    ],
)
def test_what_the_comprehend_node_lacks_is_refused_naming_node_and_construct(params, said):
    message = refusal("awsComprehend", params, 1)
    assert "'App' (n8n-nodes-base.awsComprehend)" in message
    assert said in message


def test_the_report_asks_for_an_aws_access_key():
    data = single("awsComprehend", {"text": "x", "operation": "detectSentiment"})
    data["nodes"][1]["credentials"] = {"aws": "AWS Comprehend Credentials"}
    [slot] = import_n8n(data).report.credentials
    assert slot.kind == "s3"


@pytest.mark.django_db(transaction=True)
def test_an_imported_workflow_reads_the_sentiment_of_the_form_answer(alice, settings):
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    graph = convert(single("awsComprehend", {"text": FEEDBACK, "operation": "detectSentiment"}))
    assert validate_graph(graph) == []
    with running(FakeComprehend()) as fake:
        value = {
            "access_key_id": ACCESS_KEY_ID,
            "secret_access_key": SECRET_KEY,
            "region": "us-east-1",
            "base_url": fake.url,
        }
        credential = store.create(alice, "AWS", "s3", value)
        for node in graph["nodes"]:
            if node["type"] == "app.aws_comprehend":
                node["config"]["credential"] = credential.pk
        answer = {"What did you think about the event?": "I love it"}
        execution = engine.start_execution(make_workflow(alice, graph), answer)
        execution.refresh_from_db()
        assert execution.status == "succeeded", execution.error
    assert Step.objects.get(execution=execution, key="app").output["Sentiment"] == "POSITIVE"


@pytest.mark.parametrize(
    ("params", "config"),
    [
        (
            {"type": "detectText", "bucket": "scans", "name": "={{ $json.key }}"},
            {"operation": "detect_text", "bucket": "scans", "key": "{{ trigger.key }}"},
        ),
        (
            {
                "bucket": "b",
                "name": "k",
                "additionalFields": {"attributes": ["all"], "version": "3"},
            },
            {
                "operation": "detect_faces",
                "bucket": "b",
                "key": "k",
                "version": "3",
                "face_attributes": "ALL",
            },
        ),
        (
            {
                "type": "detectLabels",
                "bucket": "b",
                "name": "k",
                "additionalFields": {"minConfidence": 80, "maxLabels": 5},
            },
            {
                "operation": "detect_labels",
                "bucket": "b",
                "key": "k",
                "min_confidence": 80,
                "max_labels": 5,
            },
        ),
        (
            {"type": "detectModerationLabels", "bucket": "b", "name": "k"},
            {"operation": "detect_moderation_labels", "bucket": "b", "key": "k"},
        ),
        (
            {"type": "recognizeCelebrity", "bucket": "b", "name": "k"},
            {"operation": "recognize_celebrities", "bucket": "b", "key": "k"},
        ),
    ],
)
def test_each_analysis_becomes_its_rekognition_config(params, config):
    node = converted("awsRekognition", params, 1)
    assert (node["type"], node["config"]) == ("app.aws_rekognition", config)
    NODE_TYPES["app.aws_rekognition"].Config.model_validate(config)


@pytest.mark.parametrize(
    ("params", "said"),
    [
        ({"type": "detectText"}, "names no Bucket or Name"),
        ({"type": "detectText", "binaryData": True}, "reads the file in binary property 'data'"),
        (
            {
                "type": "detectText",
                "bucket": "b",
                "name": "k",
                "additionalFields": {"wordFilterUi": {"MinConfidence": 60}},
            },
            "sets wordFilterUi",
        ),
        ({"type": "detectPPE", "bucket": "b", "name": "k"}, "does 'image / detectPPE'"),
    ],
)
def test_what_the_rekognition_node_lacks_is_refused_naming_node_and_construct(params, said):
    message = refusal("awsRekognition", params, 1)
    assert "'App' (n8n-nodes-base.awsRekognition)" in message
    assert said in message


class ImageHost(FakeService):
    def respond(self, request: Received) -> Answer:
        return Answer(200, picture(text="OPEN,DAILY"), {"Content-Type": "image/png"})


@pytest.mark.django_db(transaction=True)
def test_an_imported_workflow_reads_the_text_of_the_downloaded_image(alice, settings):
    """The corpus's shape: an HTTP Request (version 1) saves the image as a file, then
    Rekognition's detectText reads it from binary property data."""
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    data = single("awsRekognition", {"type": "detectText", "binaryData": True})
    with running(FakeRekognition()) as fake, running(ImageHost()) as host:
        fetch = {
            "parameters": {"url": f"{host.url}/sign.png", "responseFormat": "file"},
            "name": "HTTP Request",
            "type": "n8n-nodes-base.httpRequest",
            "typeVersion": 1,
            "position": [120, 0],
        }
        data["nodes"].insert(1, fetch)
        data["connections"] = {
            "Start": {"main": [[{"node": "HTTP Request", "type": "main", "index": 0}]]},
            "HTTP Request": {"main": [[{"node": "App", "type": "main", "index": 0}]]},
        }
        graph = convert(data)
        assert validate_graph(graph) == []
        value = {
            "access_key_id": ACCESS_KEY_ID,
            "secret_access_key": SECRET_KEY,
            "region": "us-east-1",
            "base_url": fake.url,
        }
        credential = store.create(alice, "AWS", "s3", value)
        look = next(n for n in graph["nodes"] if n["type"] == "app.aws_rekognition")
        look["config"]["credential"] = credential.pk
        execution = engine.start_execution(make_workflow(alice, graph), {})
        execution.refresh_from_db()
        assert execution.status == "succeeded", execution.error
    output = Step.objects.get(execution=execution, key=look["id"]).output
    assert output["TextDetections"][0]["DetectedText"] == "OPEN DAILY"
