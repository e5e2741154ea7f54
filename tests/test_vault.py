"""The credential vault: the local Fernet backend on disk, and the AWS Secrets Manager backend
against a real moto_server process (no in-process mocking, so boto3 really speaks HTTP)."""

from __future__ import annotations

import re
import stat
import threading
import uuid
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured

from credentials.vault import SecretNotFound, VaultError, get_vault
from credentials.vault.aws import AwsSecretsManagerVault
from credentials.vault.local import LocalVault
from tests import moto
from tests.moto import AWS_BACKEND

LOCAL_BACKEND = "credentials.vault.local.LocalVault"
SECRET = "sk-live-4f9a2c81d7e3b6"

# The moto_server fixtures (tests/moto.py), shared with the credentials tests.
moto_endpoint, aws, sm = moto.moto_endpoint, moto.aws, moto.sm


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


# --- local vault -------------------------------------------------------------------------


@pytest.fixture
def data_dir(settings: Any, tmp_path: Path) -> Path:
    settings.WORKFUSE_VAULT = "local"
    settings.WORKFUSE_VAULT_BACKEND = LOCAL_BACKEND
    settings.WORKFUSE_VAULT_DIR = tmp_path / "data" / "vault"
    settings.WORKFUSE_VAULT_KEY = ""
    return tmp_path / "data"


@pytest.fixture
def vault(data_dir: Path) -> LocalVault:
    return LocalVault()


def test_local_round_trip(vault: LocalVault) -> None:
    value = '{"token": "ünïcødé ✓", "n": 1}'
    ref = vault.create(1, str(uuid.uuid4()), value, tags={"kind": "api_key"})

    assert re.fullmatch(r"local:[0-9a-f]{32}", ref)
    assert vault.get(ref) == value
    assert vault.exists(ref)


def test_local_rotation_keeps_the_reference(vault: LocalVault) -> None:
    ref = vault.create(1, str(uuid.uuid4()), "old")

    vault.put(ref, "new")

    assert vault.get(ref) == "new"


def test_local_rotating_a_missing_secret_fails(vault: LocalVault) -> None:
    with pytest.raises(SecretNotFound):
        vault.put(f"local:{uuid.uuid4().hex}", SECRET)


def test_local_delete_is_idempotent(vault: LocalVault) -> None:
    ref = vault.create(1, str(uuid.uuid4()), SECRET)

    vault.delete(ref)
    vault.delete(ref)

    assert not vault.exists(ref)
    with pytest.raises(SecretNotFound, match="not in the local vault"):
        vault.get(ref)


def test_local_files_are_private_and_hold_no_plaintext(vault: LocalVault, data_dir: Path) -> None:
    ref = vault.create(1, str(uuid.uuid4()), SECRET)
    vault.put(ref, SECRET + "-2")

    files = list((data_dir / "vault").iterdir())
    assert [f.name for f in files] == [ref.removeprefix("local:")]  # no temp files left behind
    assert mode(data_dir / "vault") == 0o700
    assert mode(files[0]) == 0o600
    assert SECRET.encode() not in files[0].read_bytes()


def test_local_key_file_is_made_on_first_use_with_mode_0600(data_dir: Path) -> None:
    key_file = data_dir / "vault.key"
    vault = LocalVault()
    assert not key_file.exists()  # building the vault touches nothing

    ref = vault.create(1, str(uuid.uuid4()), SECRET)

    assert mode(key_file) == 0o600
    Fernet(key_file.read_bytes())  # a valid key
    assert LocalVault().get(ref) == SECRET


def test_local_concurrent_first_use_agrees_on_one_key(data_dir: Path) -> None:
    refs: list[str] = []
    start = threading.Barrier(8)

    def store() -> None:
        vault = LocalVault()
        start.wait()
        refs.append(vault.create(1, str(uuid.uuid4()), SECRET))

    threads = [threading.Thread(target=store) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert [LocalVault().get(ref) for ref in refs] == [SECRET] * 8
    assert [p.name for p in data_dir.iterdir() if p.name.startswith(".")] == []


def test_local_vault_with_the_same_key_reads_the_secret(settings: Any, data_dir: Path) -> None:
    settings.WORKFUSE_VAULT_KEY = Fernet.generate_key().decode()
    ref = LocalVault().create(1, str(uuid.uuid4()), SECRET)

    assert LocalVault().get(ref) == SECRET
    assert not (data_dir / "vault.key").exists()


def test_local_wrong_key_fails_clearly(settings: Any, data_dir: Path) -> None:
    settings.WORKFUSE_VAULT_KEY = Fernet.generate_key().decode()
    ref = LocalVault().create(1, str(uuid.uuid4()), SECRET)
    settings.WORKFUSE_VAULT_KEY = Fernet.generate_key().decode()

    with pytest.raises(VaultError, match="different key than WORKFUSE_VAULT_KEY") as exc:
        LocalVault().get(ref)
    assert SECRET not in str(exc.value)


def test_local_invalid_key_is_named_not_shown(settings: Any, data_dir: Path) -> None:
    settings.WORKFUSE_VAULT_KEY = "hunter2-is-not-a-fernet-key"

    with pytest.raises(VaultError, match="WORKFUSE_VAULT_KEY is not a valid Fernet key") as exc:
        LocalVault().create(1, str(uuid.uuid4()), SECRET)
    assert "hunter2" not in str(exc.value)


HEX = "0f1e2d3c4b5a69788796a5b4c3d2e1f0"


@pytest.mark.parametrize(
    "ref",
    [
        "local:../../etc/passwd",
        f"local:../{HEX}",
        f"local:{uuid.UUID(HEX)}",  # the dashed form is not what the vault hands out
        f"local:{HEX.upper()}",
        f"local:{HEX}\n",
        f"local:{HEX}/x",
        "local:",
        "/etc/passwd",
        HEX,
        "",
    ],
)
def test_local_refuses_refs_it_did_not_make(vault: LocalVault, ref: str) -> None:
    for call in (vault.get, vault.delete, vault.exists, lambda r: vault.put(r, SECRET)):
        with pytest.raises(VaultError, match="not a local vault reference"):
            call(ref)


def test_local_vault_explains_an_aws_reference(vault: LocalVault) -> None:
    arn = "arn:aws:secretsmanager:us-east-1:123456789012:secret:workfuse/1/x-AbCdEf"
    with pytest.raises(VaultError, match="WORKFUSE_VAULT=aws"):
        vault.get(arn)


def test_values_must_be_strings(vault: LocalVault) -> None:
    with pytest.raises(VaultError, match="JSON-encode"):
        vault.create(1, str(uuid.uuid4()), {"token": SECRET})  # type: ignore[arg-type]


# --- choosing the backend ----------------------------------------------------------------


def test_get_vault_follows_the_backend_setting(settings: Any, data_dir: Path) -> None:
    assert isinstance(get_vault(), LocalVault)
    assert get_vault() is get_vault()

    settings.WORKFUSE_VAULT_BACKEND = AWS_BACKEND
    assert isinstance(get_vault(), AwsSecretsManagerVault)


def test_get_vault_rebuilds_when_its_settings_change(settings: Any, tmp_path: Path) -> None:
    settings.WORKFUSE_VAULT_BACKEND = LOCAL_BACKEND
    settings.WORKFUSE_VAULT_DIR = tmp_path / "one"
    first = get_vault()
    settings.WORKFUSE_VAULT_DIR = tmp_path / "two"

    assert get_vault() is not first
    assert get_vault().directory == tmp_path / "two"  # type: ignore[attr-defined]


def test_an_unknown_backend_is_a_configuration_error(settings: Any) -> None:
    settings.WORKFUSE_VAULT_BACKEND = "vault"
    with pytest.raises(ImproperlyConfigured, match="WORKFUSE_VAULT to 'local', 'aws'"):
        get_vault()


# --- AWS Secrets Manager vault, against moto_server ----------------------------------------


@pytest.fixture
def aws_vault(aws: str) -> AwsSecretsManagerVault:
    vault = get_vault()
    assert isinstance(vault, AwsSecretsManagerVault)
    vault.backoff_base = 0.01
    return vault


def fail_with(code: str, *, times: int, message: str = "Rate exceeded") -> Any:
    """A botocore before-call handler answering with an AWS error `times` times, then letting
    calls through to the server; `handler.calls` counts every call it saw."""

    def handler(model: Any, **kwargs: Any) -> None:
        handler.calls += 1  # type: ignore[attr-defined]
        if handler.calls <= times:  # type: ignore[attr-defined]
            error = {"Error": {"Code": code, "Message": message}}
            raise ClientError(error, model.name)  # type: ignore[arg-type]

    handler.calls = 0  # type: ignore[attr-defined]
    return handler


def test_aws_create_stores_the_arn_aws_returns(aws_vault: AwsSecretsManagerVault, sm: Any) -> None:
    credential = str(uuid.uuid4())
    ref = aws_vault.create(7, credential, SECRET, tags={"kind": "api_key", "workfuse:owner": "999"})

    assert re.fullmatch(
        rf"arn:aws:secretsmanager:us-east-1:123456789012:secret:workfuse/7/{credential}-\w{{6}}",
        ref,
    )
    described = sm.describe_secret(SecretId=ref)
    assert described["ARN"] == ref
    assert described["Name"] == f"workfuse/7/{credential}"
    assert {t["Key"]: t["Value"] for t in described["Tags"]} == {
        "kind": "api_key",
        "workfuse:owner": "7",  # callers cannot relabel a secret's owner
        "workfuse:credential": credential,
    }
    assert "KmsKeyId" not in described


def test_aws_round_trip(aws_vault: AwsSecretsManagerVault) -> None:
    value = '{"user": "ünïcødé", "password": "p@ss"}'
    ref = aws_vault.create(1, str(uuid.uuid4()), value)

    assert aws_vault.get(ref) == value
    assert aws_vault.exists(ref)


def test_aws_rotation_keeps_the_reference_and_the_previous_version(
    aws_vault: AwsSecretsManagerVault, sm: Any
) -> None:
    ref = aws_vault.create(1, str(uuid.uuid4()), "old-value")

    aws_vault.put(ref, "new-value")

    assert aws_vault.get(ref) == "new-value"
    assert sm.get_secret_value(SecretId=ref)["SecretString"] == "new-value"
    previous = sm.get_secret_value(SecretId=ref, VersionStage="AWSPREVIOUS")
    assert previous["SecretString"] == "old-value"


def test_aws_delete_removes_the_secret_and_is_idempotent(
    aws_vault: AwsSecretsManagerVault, sm: Any
) -> None:
    ref = aws_vault.create(1, str(uuid.uuid4()), SECRET)

    aws_vault.delete(ref)
    aws_vault.delete(ref)

    assert not aws_vault.exists(ref)
    with pytest.raises(SecretNotFound, match="GetSecretValue") as exc:
        aws_vault.get(ref)
    assert exc.value.code == "ResourceNotFoundException"
    with pytest.raises(ClientError, match="ResourceNotFoundException"):
        sm.describe_secret(SecretId=ref)


def test_aws_rotating_a_deleted_secret_fails_without_the_value(
    aws_vault: AwsSecretsManagerVault,
) -> None:
    ref = aws_vault.create(1, str(uuid.uuid4()), "old-value")
    aws_vault.delete(ref)

    with pytest.raises(SecretNotFound, match="PutSecretValue") as exc:
        aws_vault.put(ref, SECRET)
    assert SECRET not in str(exc.value)


def test_aws_uses_the_configured_kms_key(settings: Any, aws: str, sm: Any) -> None:
    kms = boto3.client("kms", region_name="us-east-1", endpoint_url=aws)
    key_arn = kms.create_key(Description="workfuse vault test")["KeyMetadata"]["Arn"]
    settings.WORKFUSE_KMS_KEY_ID = key_arn

    vault = get_vault()
    ref = vault.create(1, str(uuid.uuid4()), SECRET)

    assert sm.describe_secret(SecretId=ref)["KmsKeyId"] == key_arn
    assert vault.get(ref) == SECRET


@pytest.mark.parametrize(
    "code", ["ThrottlingException", "TooManyRequestsException", "RequestLimitExceeded"]
)
def test_aws_throttling_is_retried(aws_vault: AwsSecretsManagerVault, code: str) -> None:
    ref = aws_vault.create(1, str(uuid.uuid4()), SECRET)
    throttle = fail_with(code, times=1)
    aws_vault.client.meta.events.register("before-call.secretsmanager.GetSecretValue", throttle)

    assert aws_vault.get(ref) == SECRET
    assert throttle.calls == 2


def test_aws_persistent_throttling_gives_up_after_a_few_attempts(
    aws_vault: AwsSecretsManagerVault,
) -> None:
    throttle = fail_with("ThrottlingException", times=100)
    aws_vault.client.meta.events.register("before-call.secretsmanager.CreateSecret", throttle)

    with pytest.raises(VaultError, match=r"CreateSecret .* failed with ThrottlingException") as exc:
        aws_vault.create(1, str(uuid.uuid4()), SECRET)
    assert throttle.calls == aws_vault.max_attempts
    assert exc.value.code == "ThrottlingException"


def lose_first_answer(model: Any, **kwargs: Any) -> None:
    """A botocore after-call handler: the server did the work, but the first answer reads as a
    throttle, so the vault retries a request AWS already carried out."""
    lose_first_answer.calls += 1  # type: ignore[attr-defined]
    if lose_first_answer.calls == 1:  # type: ignore[attr-defined]
        error = {"Error": {"Code": "ThrottlingException", "Message": "Rate exceeded"}}
        raise ClientError(error, model.name)  # type: ignore[arg-type]


def test_aws_retried_create_returns_the_secret_already_made(
    aws_vault: AwsSecretsManagerVault, sm: Any
) -> None:
    credential = str(uuid.uuid4())
    lose_first_answer.calls = 0  # type: ignore[attr-defined]
    aws_vault.client.meta.events.register(
        "after-call.secretsmanager.CreateSecret", lose_first_answer
    )

    ref = aws_vault.create(1, credential, SECRET)

    assert sm.describe_secret(SecretId=f"workfuse/1/{credential}")["ARN"] == ref


def test_aws_retried_rotation_keeps_the_old_value_as_previous(
    aws_vault: AwsSecretsManagerVault, sm: Any
) -> None:
    ref = aws_vault.create(1, str(uuid.uuid4()), "old-value")
    lose_first_answer.calls = 0  # type: ignore[attr-defined]
    aws_vault.client.meta.events.register(
        "after-call.secretsmanager.PutSecretValue", lose_first_answer
    )

    aws_vault.put(ref, "new-value")

    assert lose_first_answer.calls == 2  # type: ignore[attr-defined]
    assert len(sm.list_secret_version_ids(SecretId=ref)["Versions"]) == 2
    previous = sm.get_secret_value(SecretId=ref, VersionStage="AWSPREVIOUS")
    assert previous["SecretString"] == "old-value"


def test_aws_errors_name_the_operation_and_code_but_never_the_value(
    aws_vault: AwsSecretsManagerVault,
) -> None:
    ref = aws_vault.create(1, str(uuid.uuid4()), "old-value")
    denied = fail_with("AccessDeniedException", times=1, message=f"not allowed: {SECRET}")
    aws_vault.client.meta.events.register("before-call.secretsmanager.PutSecretValue", denied)

    with pytest.raises(VaultError) as exc:
        aws_vault.put(ref, SECRET)

    message = str(exc.value)
    assert "PutSecretValue" in message
    assert "AccessDeniedException" in message
    assert SECRET not in message
    assert exc.value.__cause__ is None and exc.value.__suppress_context__
    assert denied.calls == 1  # not a throttle, so not retried
    assert aws_vault.get(ref) == "old-value"


def test_aws_rejected_parameters_do_not_echo_them(aws_vault: AwsSecretsManagerVault) -> None:
    with pytest.raises(VaultError, match="rejected the request parameters") as exc:
        aws_vault.create(1, str(uuid.uuid4()), SECRET, tags={"kind": 5})  # type: ignore[dict-item]
    assert SECRET not in str(exc.value)


def test_aws_vault_explains_a_local_reference(aws_vault: AwsSecretsManagerVault) -> None:
    with pytest.raises(VaultError, match="WORKFUSE_VAULT=local"):
        aws_vault.get(f"local:{uuid.uuid4().hex}")
