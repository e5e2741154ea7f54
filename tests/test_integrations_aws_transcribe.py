"""app.aws_transcribe through boto3 against a real moto_server checking signatures (jobs started,
read while they run, deleted) and a fake Transcribe for a finished job whose transcript is
fetched from a local host (tests/fakes/aws_json.py), with S3's access key credential."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from credentials import store
from executions import engine
from integrations.aws_transcribe.node import Config
from tests.app_nodes import app_error, run_app
from tests.engine_helpers import chain, make_workflow
from tests.fakes import Answer, FakeService, Received, running
from tests.fakes.aws_json import ACCESS_KEY_ID, SECRET_KEY, FakeTranscribe
from tests.fakes.aws_moto import moto_account
from tests.fakes.s3 import MotoS3
from tests.moto import REGION
from workfuse.lib.node_run import Secret

TR = "app.aws_transcribe"
RESULT = {
    "jobName": "call",
    "results": {
        "transcripts": [{"transcript": "Hello there."}, {"transcript": "Bye."}],
        "items": [],
    },
}


@pytest.fixture(scope="module")
def account(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MotoS3]:
    with moto_account(Path(tmp_path_factory.mktemp("transcribe")) / "moto.log") as found:
        yield found


@pytest.fixture(autouse=True)
def private(settings: Any) -> None:
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True


def key(url: str, key_id: str, secret: str) -> Secret:
    settings = {"access_key_id": key_id, "region": REGION, "base_url": url}
    return Secret("s3", {"secret_access_key": secret}, settings, name="AWS")


def moto_key(account: MotoS3, secret: str | None = None) -> Secret:
    return key(account.url, account.access_key_id, secret or account.secret_access_key)


class TranscriptHost(FakeService):
    def respond(self, request: Received) -> Answer:
        return Answer(200, RESULT)


def test_a_job_is_started_with_its_language_read_and_deleted(account):
    start = {"job_name": "call-1", "media_uri": "s3://calls/one.mp3", "language_code": "de-DE"}
    started = run_app(TR, start, moto_key(account))
    assert started["TranscriptionJobName"] == "call-1"
    assert started["LanguageCode"] == "de-DE"
    assert started["Media"] == {"MediaFileUri": "s3://calls/one.mp3"}
    running_job = run_app(TR, {"operation": "get_job", "job_name": "call-1"}, moto_key(account))
    assert running_job["TranscriptionJobStatus"] in ("QUEUED", "IN_PROGRESS")
    deleted = run_app(TR, {"operation": "delete_job", "job_name": "call-1"}, moto_key(account))
    assert deleted == {"success": True}
    gone = app_error(TR, {"operation": "get_job", "job_name": "call-1"}, moto_key(account))
    assert gone.message.startswith(
        "AWS Transcribe refused GetTranscriptionJob: BadRequestException"
    )


def test_the_language_may_be_identified(account):
    config = {"job_name": "call-2", "media_uri": "s3://calls/two.mp3", "identify_language": True}
    started = run_app(TR, config, moto_key(account))
    assert started.get("IdentifyLanguage") is True and "LanguageCode" not in started


def test_a_wrong_secret_key_names_the_credential(account):
    wrong = app_error(TR, {"operation": "get_job", "job_name": "x"}, moto_key(account, "nope"))
    assert "did not accept the credential “AWS”" in wrong.message


def test_a_finished_job_answers_its_transcript_simplified_or_whole():
    with running(TranscriptHost()) as host, running(FakeTranscribe(host.url)) as transcribe:
        secret = key(transcribe.url, ACCESS_KEY_ID, SECRET_KEY)
        simple = run_app(TR, {"operation": "get_job", "job_name": "call"}, secret)
        whole = run_app(TR, {"operation": "get_job", "job_name": "call", "simple": False}, secret)
        job = run_app(
            TR, {"operation": "get_job", "job_name": "call", "return_transcript": False}, secret
        )
    assert simple == {"transcript": "Hello there. Bye."}
    assert whole == RESULT
    assert job["TranscriptionJobStatus"] == "COMPLETED"
    assert host.requests[0].path == "/call/asrOutput.json"


def test_the_job_name_and_media_are_needed():
    with pytest.raises(ValidationError) as caught:
        Config.model_validate({"operation": "start_job"})
    assert {e["loc"] for e in caught.value.errors()} == {("job_name",), ("media_uri",)}


@pytest.mark.django_db(transaction=True)
def test_a_run_starts_a_job_named_after_the_file(alice, account):
    value = {
        "access_key_id": account.access_key_id,
        "secret_access_key": account.secret_access_key,
        "region": REGION,
        "base_url": account.url,
    }
    credential = store.create(alice, "AWS", "s3", value)
    config = {
        "credential": credential.pk,
        "job_name": "{{ trigger.key }}",
        "media_uri": "s3://calls/{{ trigger.key }}.mp3",
    }
    nodes = ({"id": "transcribe", "type": TR, "config": config},)
    execution = engine.start_execution(make_workflow(alice, chain(*nodes)), {"key": "run-3"})
    execution.refresh_from_db()
    assert execution.status == "succeeded", execution.error
    output = execution.steps.get(key="transcribe").output
    assert output is not None and output["TranscriptionJobName"] == "run-3"
