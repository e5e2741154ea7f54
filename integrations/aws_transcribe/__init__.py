"""Amazon Transcribe (DESIGN §11): the node app.aws_transcribe (transcription jobs started,
read with their transcript, deleted), with the AWS access key credential S3 uses (kind `s3`;
an IAM user needs `transcribe:*Job` and read access to the media's bucket)."""

from __future__ import annotations

from integrations.aws_transcribe import node
from integrations.s3 import SERVICE as S3
from integrations.service import Service

SERVICE = Service(name="aws_transcribe", label="AWS Transcribe", kinds=S3.kinds, node=node.NODE)
