"""app.aws_rekognition through boto3 against a fake Rekognition speaking AWS's JSON 1.1 protocol
(tests/fakes/aws_json.py), with S3's access key credential: each operation on an image file from
a step or in a bucket, AWS's refusals, and a run through the engine that downloads the image
first."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from typing import Any

import pytest

from credentials import store
from executions import engine
from executions.models import Step
from tests.app_nodes import app_error, run_app
from tests.engine_helpers import chain, make_workflow
from tests.fakes import running
from tests.fakes.aws_json import ACCESS_KEY_ID, SECRET_KEY, FakeRekognition, picture
from workfuse.lib.node_run import Secret

AR = "app.aws_rekognition"


@pytest.fixture
def rekognition(settings: Any) -> Iterator[FakeRekognition]:
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    with running(FakeRekognition()) as fake:
        yield fake


def key(fake: FakeRekognition, key_id: str = ACCESS_KEY_ID) -> Secret:
    settings = {"access_key_id": key_id, "region": "us-west-2", "base_url": fake.url}
    return Secret("s3", {"secret_access_key": SECRET_KEY}, settings, name="AWS")


def as_file(data: bytes) -> dict[str, Any]:
    content = base64.b64encode(data).decode()
    return {"filename": "p.png", "content_type": "image/png", "size": len(data), "content": content}


def test_labels_of_an_image_file_are_asked_with_its_bytes(rekognition):
    data = picture(labels="Dog,Grass,Ball,Sky")
    output = run_app(
        AR, {"image": as_file(data), "min_confidence": 75, "max_labels": 2}, key(rekognition)
    )
    [request] = rekognition.requests
    assert request.headers["x-amz-target"] == "RekognitionService.DetectLabels"
    assert "/us-west-2/rekognition/aws4_request" in request.headers["authorization"]
    assert request.json == {
        "Image": {"Bytes": base64.b64encode(data).decode()},
        "MinConfidence": 75,
        "MaxLabels": 2,
    }
    assert output == {
        "Labels": [{"Name": "Dog", "Confidence": 99.0}, {"Name": "Grass", "Confidence": 89.0}],
        "LabelModelVersion": "3.0",
    }


def test_text_faces_moderation_and_celebrities_and_an_image_in_a_bucket(rekognition):
    rekognition.objects[("scans", "r.png")] = picture(text="STOP,HERE", faces="2")
    text = run_app(
        AR, {"operation": "detect_text", "bucket": "scans", "key": "r.png"}, key(rekognition)
    )
    assert rekognition.calls[-1][1] == {"Image": {"S3Object": {"Bucket": "scans", "Name": "r.png"}}}
    assert [d["DetectedText"] for d in text["TextDetections"]] == ["STOP HERE", "STOP", "HERE"]
    faces = run_app(
        AR,
        {"operation": "detect_faces", "bucket": "scans", "key": "r.png", "face_attributes": "ALL"},
        key(rekognition),
    )
    assert rekognition.calls[-1][1]["Attributes"] == ["ALL"]
    assert len(faces["FaceDetails"]) == 2 and faces["FaceDetails"][0]["AgeRange"]["Low"] == 25
    image = as_file(picture(unsafe="Violence", celebrities="Ada Lovelace"))
    unsafe = run_app(
        AR, {"operation": "detect_moderation_labels", "image": image}, key(rekognition)
    )
    assert [m["Name"] for m in unsafe["ModerationLabels"]] == ["Violence"]
    famous = run_app(AR, {"operation": "recognize_celebrities", "image": image}, key(rekognition))
    assert [c["Name"] for c in famous["CelebrityFaces"]] == ["Ada Lovelace"]


def test_refusals_name_the_key_or_quote_aws_or_say_what_is_missing(rekognition):
    wrong = app_error(AR, {"image": as_file(picture())}, key(rekognition, "AKIAOLD"))
    assert wrong.message.startswith("AWS Rekognition did not accept the credential “AWS”")
    not_image = app_error(AR, {"image": as_file(b"%PDF-1.7")}, key(rekognition))
    assert not_image.message == (
        "AWS Rekognition refused DetectLabels: InvalidImageFormatException: Request has "
        "invalid image format"
    )
    missing = app_error(AR, {"bucket": "scans", "key": "nope.png"}, key(rekognition))
    assert "InvalidS3ObjectException" in missing.message
    nothing = app_error(AR, {"operation": "detect_text"}, key(rekognition))
    assert nothing.message == "Give the image (a file from an earlier step), or a bucket and a key."


@pytest.mark.django_db(transaction=True)
def test_a_run_labels_the_image_an_earlier_step_made(alice, rekognition):
    value = {
        "access_key_id": ACCESS_KEY_ID,
        "secret_access_key": SECRET_KEY,
        "region": "us-west-2",
        "base_url": rekognition.url,
    }
    credential = store.create(alice, "AWS", "s3", value)
    node = {
        "id": "look",
        "type": AR,
        "config": {"credential": credential.pk, "image": "{{ trigger.photo }}"},
    }
    photo = as_file(picture(labels="Cat"))
    execution = engine.start_execution(make_workflow(alice, chain(node)), {"photo": photo})
    execution.refresh_from_db()
    assert execution.status == "succeeded", execution.error
    step = Step.objects.get(execution=execution, key="look")
    assert step.output is not None and step.output["Labels"][0]["Name"] == "Cat"
    assert SECRET_KEY not in json.dumps([step.input, step.output])
