"""Importing n8n's AWS Transcribe node (editor/n8n/apps_aws_transcribe.py) onto
`app.aws_transcribe`: the config each operation becomes, the refusals, and the corpus's S3 →
Transcribe workflow (a job per object, its media URI naming the S3 node's bucket) run against a
moto_server."""

from __future__ import annotations

from pathlib import Path

import pytest

from credentials import store
from editor.n8n import convert
from editor.validation import validate_graph
from executions import engine
from tests.engine_helpers import make_workflow
from tests.fakes.aws_moto import client, moto_account
from tests.moto import REGION
from tests.test_n8n_apps import converted, refusal

CORPUS = {
    "options": {},
    "mediaFileUri": '=s3://{{$node["AWS S3"].parameter["bucketName"]}}/{{$json["Key"]}}',
    "detectLanguage": True,
    "transcriptionJobName": "={{$json[\"Key\"].replace(/\\s/g,'-')}}",
}


@pytest.mark.parametrize(
    ("params", "config"),
    [
        (
            {"transcriptionJobName": "j", "mediaFileUri": "s3://b/k.mp3", "languageCode": "de-DE"},
            {
                "operation": "start_job",
                "job_name": "j",
                "media_uri": "s3://b/k.mp3",
                "language_code": "de-DE",
            },
        ),
        (
            {"operation": "get", "transcriptionJobName": "j", "simple": False},
            {"operation": "get_job", "job_name": "j", "return_transcript": True, "simple": False},
        ),
        (
            {"operation": "delete", "transcriptionJobName": "j"},
            {"operation": "delete_job", "job_name": "j"},
        ),
    ],
)
def test_each_operation_becomes_its_transcribe_config(params, config):
    node = converted("awsTranscribe", params)
    assert node["type"] == "app.aws_transcribe"
    assert node["config"] == config


@pytest.mark.parametrize(
    ("params", "said"),
    [
        ({"operation": "getAll"}, "does 'transcriptionJob / getAll'"),
        ({"mediaFileUri": "s3://b/k"}, "names no Job Name"),
        (
            {
                "transcriptionJobName": "j",
                "mediaFileUri": "s3://b/k",
                "options": {"vocabularyName": "v"},
            },
            "n8n's node (version 1) fails on any option",
        ),
    ],
)
def test_what_the_transcribe_node_lacks_is_refused_naming_node_and_construct(params, said):
    message = refusal("awsTranscribe", params)
    assert "'App' (n8n-nodes-base.awsTranscribe)" in message
    assert said in message


@pytest.mark.django_db(transaction=True)
def test_the_corpus_s_bucket_transcription_runs(alice, settings, tmp_path):
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    data = {
        "name": "Transcribe a bucket",
        "nodes": [
            {
                "name": "Start",
                "type": "n8n-nodes-base.manualTrigger",
                "typeVersion": 1,
                "position": [0, 0],
                "parameters": {},
            },
            {
                "name": "AWS S3",
                "type": "n8n-nodes-base.awsS3",
                "typeVersion": 1,
                "position": [200, 0],
                "parameters": {
                    "options": {},
                    "operation": "getAll",
                    "returnAll": True,
                    "bucketName": "n8n-docs",
                },
            },
            {
                "name": "AWS Transcribe",
                "type": "n8n-nodes-base.awsTranscribe",
                "typeVersion": 1,
                "position": [400, 0],
                "parameters": CORPUS,
            },
        ],
        "connections": {
            "Start": {"main": [[{"node": "AWS S3", "type": "main", "index": 0}]]},
            "AWS S3": {"main": [[{"node": "AWS Transcribe", "type": "main", "index": 0}]]},
        },
    }
    graph = convert(data)
    assert validate_graph(graph) == []
    with moto_account(Path(tmp_path) / "moto.log") as account:
        s3 = client(account, "s3")
        s3.create_bucket(Bucket="n8n-docs")  # type: ignore[attr-defined]
        for name in ("team call.mp3", "demo.mp3"):
            s3.put_object(Bucket="n8n-docs", Key=name, Body=b"ID3")  # type: ignore[attr-defined]
        value = {
            "access_key_id": account.access_key_id,
            "secret_access_key": account.secret_access_key,
            "region": REGION,
            "base_url": account.url,
        }
        credential = store.create(alice, "AWS", "s3", value)
        for node in graph["nodes"]:
            if node["type"] in ("app.aws_transcribe", "app.s3"):
                node["config"]["credential"] = credential.pk
        execution = engine.start_execution(make_workflow(alice, graph), {})
        execution.refresh_from_db()
        assert execution.status == "succeeded", execution.error
        jobs = client(account, "transcribe").list_transcription_jobs()  # type: ignore[attr-defined]
    names = sorted(j["TranscriptionJobName"] for j in jobs["TranscriptionJobSummaries"])
    assert names == ["demo.mp3", "team-call.mp3"]
    started = [s.output for s in execution.steps.all() if s.key.startswith("aws_transcribe[")]
    uris = sorted(o["Media"]["MediaFileUri"] for o in started if o)
    assert uris == ["s3://n8n-docs/demo.mp3", "s3://n8n-docs/team call.mp3"]
