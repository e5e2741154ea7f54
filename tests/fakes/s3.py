"""S3 for tests: a real moto_server that checks signatures (an IAM user whose access key may do
anything in S3), and a scripted fake answering S3's XML errors (throttling, failures) that
moto never sends."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import boto3

from tests.fakes import Answer, FakeService, Received
from tests.moto import REGION, moto_server

POLICY = '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}'


@dataclass(frozen=True)
class MotoS3:
    url: str
    access_key_id: str
    secret_access_key: str

    def client(self) -> object:
        """A boto3 client with the valid key, to arrange and inspect buckets."""
        return boto3.client(
            "s3",
            region_name=REGION,
            endpoint_url=self.url,
            aws_access_key_id=self.access_key_id,
            aws_secret_access_key=self.secret_access_key,
        )

    def new_bucket(self) -> str:
        name = f"wf-{uuid.uuid4().hex[:12]}"
        self.client().create_bucket(Bucket=name)  # type: ignore[attr-defined]
        return name


@contextmanager
def moto_s3(log: Path) -> Iterator[MotoS3]:
    """moto_server answering its first three actions without a signature (creating the user, its
    policy and its key), then checking every request's signature as S3 does."""
    with moto_server(log, {"INITIAL_NO_AUTH_ACTION_COUNT": "3"}) as url:
        iam = boto3.client(
            "iam",
            region_name=REGION,
            endpoint_url=url,
            aws_access_key_id="setup",
            aws_secret_access_key="setup",
        )
        iam.create_user(UserName="workfuse")
        iam.put_user_policy(UserName="workfuse", PolicyName="s3", PolicyDocument=POLICY)
        key = iam.create_access_key(UserName="workfuse")["AccessKey"]
        yield MotoS3(url, key["AccessKeyId"], key["SecretAccessKey"])


def s3_error(status: int, code: str, message: str, **headers: str) -> Answer:
    """An S3 error answer, as S3 sends it."""
    body = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f"<Error><Code>{code}</Code><Message>{message}</Message>"
        "<RequestId>4442587FB7D0A2F9</RequestId><HostId>fake</HostId></Error>"
    )
    return Answer(status, body, {"Content-Type": "application/xml", **headers})


class FakeS3(FakeService):
    """Answers what is scripted; anything else is S3's answer for an empty account."""

    def respond(self, request: Received) -> Answer:
        body = (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            '<ListAllMyBucketsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">'
            "<Owner><ID>fake</ID></Owner><Buckets></Buckets></ListAllMyBucketsResult>"
        )
        return Answer(200, body, {"Content-Type": "application/xml"})
