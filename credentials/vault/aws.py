"""AWS Secrets Manager vault: one secret per credential, named `workfuse/<owner>/<credential>`.

The reference is the ARN exactly as AWS returns it (ARNs carry a random suffix, so they are
never built here). Rotation puts a new version, which AWS labels AWSCURRENT while the old one
becomes AWSPREVIOUS. Deletion skips the recovery window: a deleted credential is gone.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import random
import time
import uuid
from typing import Any

from django.conf import settings

from credentials.vault import SecretNotFound, Vault, VaultError, check_value

logger = logging.getLogger(__name__)

THROTTLING_CODES = frozenset(
    {"ThrottlingException", "TooManyRequestsException", "RequestLimitExceeded"}
)


class AwsSecretsManagerVault(Vault):
    # Our own retries run after botocore's (which already back off on throttling) are spent, so
    # a burst of throttling across many workers gets several seconds to drain, not a failed step.
    max_attempts = 4
    backoff_base = 0.25
    backoff_cap = 4.0

    def __init__(self) -> None:
        self.region: str = settings.AWS_REGION
        self.endpoint_url: str = settings.AWS_ENDPOINT_URL
        self.kms_key_id: str = settings.WORKFUSE_KMS_KEY_ID

    @functools.cached_property
    def client(self) -> Any:
        import boto3
        from botocore.config import Config

        config = Config(
            retries={"mode": "standard", "max_attempts": 3},
            connect_timeout=5,
            read_timeout=15,
        )
        return boto3.client(
            "secretsmanager",
            region_name=self.region or None,
            endpoint_url=self.endpoint_url or None,
            config=config,
        )

    def create(
        self,
        owner_id: int,
        credential_uuid: str,
        value: str,
        *,
        tags: dict[str, str] | None = None,
    ) -> str:
        name = f"workfuse/{owner_id}/{credential_uuid}"
        all_tags = {
            **(tags or {}),
            "workfuse:owner": str(owner_id),
            "workfuse:credential": str(credential_uuid),
        }
        params: dict[str, Any] = {
            "Name": name,
            "SecretString": check_value(value),
            "Description": "WorkFuse credential",
            "Tags": [{"Key": k, "Value": v} for k, v in all_tags.items()],
            # One token for every attempt: if AWS created the secret but the answer was lost, the
            # retry returns the same secret instead of failing with ResourceExistsException.
            "ClientRequestToken": str(uuid.uuid4()),
        }
        if self.kms_key_id:
            params["KmsKeyId"] = self.kms_key_id
        response = self._call("create_secret", name, params, value=value)
        return str(response["ARN"])

    def get(self, ref: str) -> str:
        response = self._call("get_secret_value", _check_ref(ref), {"SecretId": ref})
        if "SecretString" not in response:
            raise VaultError(
                f"secret {ref} holds binary data, not a string; WorkFuse only stores strings",
            )
        return str(response["SecretString"])

    def put(self, ref: str, value: str) -> None:
        params = {
            "SecretId": _check_ref(ref),
            "SecretString": check_value(value),
            # Retries reuse the token, so a repeated rotation cannot push the old value out of
            # AWSPREVIOUS by making a second new version.
            "ClientRequestToken": str(uuid.uuid4()),
        }
        self._call("put_secret_value", ref, params, value=value)

    def delete(self, ref: str) -> None:
        params = {"SecretId": _check_ref(ref), "ForceDeleteWithoutRecovery": True}
        with contextlib.suppress(SecretNotFound):  # already gone is what we wanted
            self._call("delete_secret", ref, params)

    def exists(self, ref: str) -> bool:
        try:
            response = self._call("describe_secret", _check_ref(ref), {"SecretId": ref})
        except SecretNotFound:
            return False
        # A secret scheduled for deletion (outside WorkFuse) can no longer be read.
        return "DeletedDate" not in response

    def _call(
        self, method: str, target: str, params: dict[str, Any], *, value: str | None = None
    ) -> dict[str, Any]:
        """Call a client method, retrying throttling; every failure becomes a VaultError."""
        from botocore.exceptions import BotoCoreError, ClientError, ParamValidationError

        operation = method.title().replace("_", "")
        attempt = 1
        while True:
            try:
                response: dict[str, Any] = getattr(self.client, method)(**params)
                return response
            except ClientError as exc:
                error = exc.response.get("Error", {})
                code = str(error.get("Code", "Unknown"))
                if code not in THROTTLING_CODES or attempt >= self.max_attempts:
                    message = str(error.get("Message", ""))
                    raise _client_error(operation, target, code, message, value) from None
                delay = self._backoff(attempt)
                logger.warning(
                    "Secrets Manager %s throttled (%s), attempt %d of %d; retrying in %.2fs",
                    operation,
                    code,
                    attempt,
                    self.max_attempts,
                    delay,
                )
                time.sleep(delay)
                attempt += 1
            except ParamValidationError:
                # Its message quotes the offending parameter, which may be the secret value.
                raise VaultError(
                    f"AWS Secrets Manager {operation} on {target}: boto3 rejected the request "
                    "parameters",
                    code="ParamValidationError",
                ) from None
            except BotoCoreError as exc:
                raise VaultError(
                    f"AWS Secrets Manager {operation} on {target} failed: {exc}; check "
                    "AWS_REGION, AWS_ENDPOINT_URL, the AWS credentials and the network",
                    code=type(exc).__name__,
                ) from None

    def _backoff(self, attempt: int) -> float:
        # Half fixed, half random: the wait still grows, but throttled workers spread out.
        ceiling = min(self.backoff_cap, self.backoff_base * 2.0 ** (attempt - 1))
        return ceiling / 2 + random.uniform(0, ceiling / 2)


def _client_error(
    operation: str, target: str, code: str, message: str, value: str | None
) -> VaultError:
    if value:
        message = message.replace(value, "***")
    message = message.rstrip(".")
    detail = f"{code}: {message}" if message else code
    text = f"AWS Secrets Manager {operation} on {target} failed with {detail}"
    if code == "ResourceNotFoundException":
        return SecretNotFound(f"{text} (the secret was deleted or never existed)", code=code)
    hint = _HINTS.get(code)
    return VaultError(f"{text}; {hint}" if hint else text, code=code)


_HINTS = {
    "AccessDeniedException": (
        "grant this server's AWS identity secretsmanager access to workfuse/* "
        "(and kms:Decrypt/GenerateDataKey on WORKFUSE_KMS_KEY_ID if set)"
    ),
    "DecryptionFailure": "check that this server may use the secret's KMS key",
    "EncryptionFailure": "check WORKFUSE_KMS_KEY_ID and that this server may use that KMS key",
    "ResourceExistsException": "a secret with this name already exists in AWS",
    "UnrecognizedClientException": "the AWS access key is not valid",
    "InvalidSignatureException": "the AWS secret access key is wrong",
    "ExpiredTokenException": "the AWS session credentials have expired",
}


def _check_ref(ref: str) -> str:
    if not (isinstance(ref, str) and ref.startswith("arn:") and ":secretsmanager:" in ref):
        if isinstance(ref, str) and ref.startswith("local:"):
            raise VaultError(
                "this reference belongs to the local vault but AWS Secrets Manager is "
                "configured; set WORKFUSE_VAULT=local to read it"
            )
        raise VaultError("not an AWS Secrets Manager reference (expected a secret ARN)")
    return ref
