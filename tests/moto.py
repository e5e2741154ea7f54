"""A real moto_server process for tests of the AWS Secrets Manager vault and of app.s3 (no
in-process mocking, so boto3 really speaks HTTP). A test module uses the fixtures by binding them at module level:

    from tests import moto
    moto_endpoint, aws, sm = moto.moto_endpoint, moto.aws, moto.sm
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import boto3
import pytest

AWS_BACKEND = "credentials.vault.aws.AwsSecretsManagerVault"
REGION = "us-east-1"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def moto_server(log: Path, env: dict[str, str] | None = None) -> Iterator[str]:
    """A moto_server process on a free port (`env`: extra environment, such as
    INITIAL_NO_AUTH_ACTION_COUNT to make it check signatures); yields its URL."""
    port = free_port()
    moto = Path(sys.executable).parent / "moto_server"
    with log.open("wb") as out:
        server = subprocess.Popen(
            [str(moto), "-H", "127.0.0.1", "-p", str(port)],
            stdout=out,
            stderr=out,
            env={**os.environ, **(env or {})},
        )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    try:
        while True:
            try:
                urllib.request.urlopen(f"{url}/moto-api/", timeout=1).close()
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"moto_server did not start:\n{log.read_text()}")
                time.sleep(0.05)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.fixture(scope="session")
def moto_endpoint(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with moto_server(tmp_path_factory.mktemp("moto") / "server.log") as url:
        yield url


@pytest.fixture
def aws(moto_endpoint: str, monkeypatch: pytest.MonkeyPatch, settings: Any) -> str:
    """Settings as with WORKFUSE_VAULT=aws, pointed at the moto_server; returns its URL."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.delenv("AWS_SESSION_TOKEN", raising=False)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    # A developer's ~/.aws config must not leak into the tests.
    monkeypatch.setenv("AWS_CONFIG_FILE", "/nonexistent")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
    settings.WORKFUSE_VAULT = "aws"
    settings.WORKFUSE_VAULT_BACKEND = AWS_BACKEND
    settings.AWS_REGION = REGION
    settings.AWS_ENDPOINT_URL = moto_endpoint
    settings.WORKFUSE_KMS_KEY_ID = ""
    return moto_endpoint


@pytest.fixture
def sm(aws: str) -> Any:
    """A plain boto3 Secrets Manager client on the moto_server, to look behind the vault."""
    return boto3.client("secretsmanager", region_name=REGION, endpoint_url=aws)
