"""A real moto_server for AWS services S3's access key also opens (SES, Transcribe): its first
three actions answered without a signature (an IAM user, its policy, its key), then every
request's signature checked, as AWS does."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import boto3

from tests.fakes.s3 import MotoS3
from tests.moto import REGION, moto_server

POLICY = (
    '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}'
)


@contextmanager
def moto_account(log: Path) -> Iterator[MotoS3]:
    """The server's URL and the IAM user's key pair."""
    with moto_server(log, {"INITIAL_NO_AUTH_ACTION_COUNT": "3"}) as url:
        iam = boto3.client(
            "iam",
            region_name=REGION,
            endpoint_url=url,
            aws_access_key_id="setup",
            aws_secret_access_key="setup",
        )
        iam.create_user(UserName="workfuse")
        iam.put_user_policy(UserName="workfuse", PolicyName="all", PolicyDocument=POLICY)
        key = iam.create_access_key(UserName="workfuse")["AccessKey"]
        yield MotoS3(url, key["AccessKeyId"], key["SecretAccessKey"])


def client(account: MotoS3, service: str) -> object:
    """A boto3 client of `service` with the valid key, to arrange and inspect."""
    return boto3.client(
        service,
        region_name=REGION,
        endpoint_url=account.url,
        aws_access_key_id=account.access_key_id,
        aws_secret_access_key=account.secret_access_key,
    )
