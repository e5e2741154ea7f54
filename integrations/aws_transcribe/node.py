"""app.aws_transcribe: Amazon Transcribe's jobs, as n8n's AWS Transcribe node drives them: a job
started on a media file in S3 (its language given or identified), a job read (with its
transcript once it is complete, fetched from the address Transcribe gives), a job deleted.
Through boto3's Transcribe client with the S3 access key's pair and region
(integrations/s3/s3_api.py guards the endpoint and maps AWS's errors)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from integrations import http
from integrations.operations import OperationConfig, used_by
from integrations.s3 import s3_api
from integrations.s3.credentials import AccessKey
from integrations.service import credential_for
from workfuse.lib.node_run import NodeError, RunContext, Secret
from workfuse.lib.node_types import NodeType

API = http.Api("AWS Transcribe")
ALL = ("start_job", "get_job", "delete_job")


class Config(OperationConfig):
    credential: int | None = Field(
        None, ge=1, description="Your AWS access key credential (kind s3). Needed to run."
    )
    operation: Literal["start_job", "get_job", "delete_job"] = Field(
        "start_job",
        description="start_job: transcribe a media file kept in S3. get_job: a job's state, "
        "or its transcript once complete. delete_job: forget a job.",
    )
    job_name: str = Field(
        "",
        description="The job's name (unique in the account and region).",
        json_schema_extra=used_by(*ALL, required=True),
    )
    media_uri: str = Field(
        "",
        description="start_job: the media file, s3://bucket/key.mp3 (in the credential's region).",
        json_schema_extra=used_by("start_job", required=True),
    )
    identify_language: bool = Field(
        False,
        description="start_job: let Transcribe identify the language.",
        json_schema_extra=used_by("start_job"),
    )
    language_code: Literal["en-US", "en-GB", "en-IE", "en-IN", "es-ES", "de-DE", "ru-RU"] = Field(
        "en-US",
        description="start_job: the media's language, when it is not identified.",
        json_schema_extra=used_by("start_job"),
    )
    return_transcript: bool = Field(
        True,
        description="get_job: once the job is complete, answer its transcript instead of the job.",
        json_schema_extra=used_by("get_job"),
    )
    simple: bool = Field(
        True,
        description="get_job: the transcript as {transcript: text} rather than Transcribe's "
        "whole result (words, times, confidences).",
        json_schema_extra=used_by("get_job"),
    )


def _transcript(secret: Secret, job: dict[str, Any], simple: bool) -> Any:
    uri = (job.get("Transcript") or {}).get("TranscriptFileUri")
    if not uri:
        raise NodeError("Transcribe says the job is complete but gives no transcript address.")
    reply = http.send(API, secret, "GET", str(uri), what="the transcript")
    result = reply.body
    if not simple:
        return result
    transcripts = (
        (result.get("results") or {}).get("transcripts") if isinstance(result, dict) else None
    )
    if not isinstance(transcripts, list):
        raise NodeError("The transcript file has no results.transcripts list.")
    return {"transcript": " ".join(str(t.get("transcript", "")) for t in transcripts)}


def run(config: Config, ctx: RunContext) -> Any:
    """As n8n outputs it: the TranscriptionJob (start_job, get_job), the transcript (get_job,
    complete, return_transcript), {success: true} (delete_job)."""
    secret, _ = credential_for(ctx, config.operation, AccessKey)
    name = config.job_name
    if config.operation == "start_job":
        params: dict[str, Any] = {
            "TranscriptionJobName": name,
            "Media": {"MediaFileUri": config.media_uri},
        }
        if config.identify_language:
            params["IdentifyLanguage"] = True
        else:
            params["LanguageCode"] = config.language_code
        answer = s3_api.call(
            secret,
            "StartTranscriptionJob",
            lambda c: c.start_transcription_job(**params),
            "transcribe",
            API,
        )
        return answer.get("TranscriptionJob") or {}
    if config.operation == "delete_job":
        s3_api.call(
            secret,
            "DeleteTranscriptionJob",
            lambda c: c.delete_transcription_job(TranscriptionJobName=name),
            "transcribe",
            API,
        )
        return {"success": True}
    answer = s3_api.call(
        secret,
        "GetTranscriptionJob",
        lambda c: c.get_transcription_job(TranscriptionJobName=name),
        "transcribe",
        API,
    )
    job = answer.get("TranscriptionJob") or {}
    if config.return_transcript and job.get("TranscriptionJobStatus") == "COMPLETED":
        return _transcript(secret, job, config.simple)
    return job


NODE = NodeType(
    type="app.aws_transcribe",
    label="AWS Transcribe",
    category="app",
    description="Transcribes audio and video kept in S3 with Amazon Transcribe.",
    Config=Config,
    run=run,
    credential_kinds=(AccessKey.kind,),
    icon="≋",
    examples=(
        (
            "Transcribe s3://calls/monday.mp3 as job monday-call, identifying the language, "
            "with credential 2",
            {
                "credential": 2,
                "operation": "start_job",
                "job_name": "monday-call",
                "media_uri": "s3://calls/monday.mp3",
                "identify_language": True,
            },
        ),
        (
            "Get the transcript of the Transcribe job monday-call",
            {"operation": "get_job", "job_name": "monday-call"},
        ),
        (
            "Delete the Transcribe job monday-call",
            {"operation": "delete_job", "job_name": "monday-call"},
        ),
    ),
)
