"""S3's API through boto3, with the private-network guard checked before each call.

boto3 sends with urllib3, not httpx, so the guarded transport cannot sit under it. Instead the
endpoint's host is resolved and judged by `netguard.checked_addresses` before every call (a
private or loopback endpoint is refused unless WORKFUSE_HTTP_ALLOW_PRIVATE=1). urllib3 resolves
the name again when it connects, so a DNS answer that changes between the two (rebinding) is
not caught: docs/integrations.md says so. With a custom endpoint the client uses path-style
addresses, so the host checked is the host connected to.

boto3's own retries are off (one attempt): the engine's retry policy retries, with its delays,
recorded attempts and no worker held while waiting.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar
from urllib.parse import urlsplit

import boto3
from botocore import exceptions as aws
from botocore.config import Config

from integrations import http
from integrations.s3.credentials import AccessKey
from integrations.service import read_fields
from workfuse.lib import netguard, retry_after
from workfuse.lib.node_run import NodeError, Secret

API = http.Api("S3")
CONNECT_TIMEOUT = 10
READ_TIMEOUT = 30
# The key is wrong, disabled or lacks permission: the user must fix the credential.
AUTH_CODES = {
    "InvalidAccessKeyId",
    "SignatureDoesNotMatch",
    "AccessDenied",
    "InvalidToken",
    "ExpiredToken",
    "AccountProblem",
    "AllAccessDisabled",
    # The JSON services' (Comprehend, Rekognition) names for the same faults.
    "UnrecognizedClientException",
    "InvalidSignatureException",
    "AccessDeniedException",
    "ExpiredTokenException",
}
# S3 asks us to slow down or failed on its side: a later attempt may succeed.
PASSING_CODES = {
    "SlowDown",
    "Throttling",
    "ThrottlingException",
    "RequestLimitExceeded",
    "TooManyRequests",
    "RequestTimeout",
    "InternalError",
    "ServiceUnavailable",
    "TooManyRequestsException",
    "ProvisionedThroughputExceededException",
    "InternalServerException",
}
THROTTLED = {
    "SlowDown",
    "Throttling",
    "ThrottlingException",
    "TooManyRequestsException",
    "ProvisionedThroughputExceededException",
}
T = TypeVar("T")
# boto3 service names whose endpoint host is named otherwise (SES answers at email.<region>).
ENDPOINT_PREFIX = {"ses": "email"}


def endpoint(fields: AccessKey) -> str:
    return fields.base_url or f"https://s3.{fields.region}.amazonaws.com"


def client(fields: AccessKey, service: str = "s3") -> Any:
    """A boto3 client of `service` (S3's by default; Comprehend and Rekognition use the same
    AWS key) for the credential; configuration from the environment or ~/.aws (another
    endpoint, proxies) is ignored: the credential says where to go."""
    config = Config(
        region_name=fields.region,
        connect_timeout=CONNECT_TIMEOUT,
        read_timeout=READ_TIMEOUT,
        retries={"total_max_attempts": 1},
        s3={"addressing_style": "path" if fields.base_url else "auto"},
        proxies={},
        ignore_configured_endpoint_urls=True,
        user_agent_extra="WorkFuse",
    )
    session = boto3.session.Session(
        aws_access_key_id=fields.access_key_id,
        aws_secret_access_key=fields.secret_access_key.get_secret_value(),
        region_name=fields.region,
    )
    return session.client(service, endpoint_url=fields.base_url or None, config=config)


def call(
    secret: Secret, what: str, action: Callable[[Any], T], service: str = "s3", api: http.Api = API
) -> T:
    """`action(client)` after the endpoint passed the guard; boto3's errors as NodeError.
    `service`: the boto3 client's (S3's by default), `api` names it in messages."""
    fields = read_fields(AccessKey, secret)
    name = api.service
    prefix = ENDPOINT_PREFIX.get(service, service)
    where = f"https://{prefix}.{fields.region}.amazonaws.com" if service != "s3" else ""
    parts = urlsplit(fields.base_url or where or endpoint(fields))
    host = parts.hostname or ""
    try:
        netguard.checked_addresses(host, parts.port or (80 if parts.scheme == "http" else 443))
    except netguard.PrivateTargetError as refused:
        raise NodeError(str(refused), detail={"host": refused.host}) from None
    except OSError:
        raise NodeError(
            f"Could not reach {name} for {what}: the endpoint's host {host} does not resolve.",
            retryable=True,
        ) from None
    try:
        return action(client(fields, service))
    except aws.ClientError as error:
        raise failure(secret, what, error, api) from None
    except (aws.ConnectTimeoutError, aws.ReadTimeoutError):
        raise NodeError(f"{name} did not answer {what} in time.", retryable=True) from None
    except (aws.EndpointConnectionError, aws.ConnectionClosedError) as error:
        raise NodeError(
            f"Could not reach {name} for {what}: {type(error).__name__}", retryable=True
        ) from None
    except aws.ParamValidationError as error:
        raise NodeError(
            f"{name} cannot take {what} as given: {error.kwargs.get('report')}"
        ) from None
    except aws.BotoCoreError as error:
        raise NodeError(f"{name} answered {what} with something unexpected: {error}") from None


def failure(secret: Secret, what: str, error: aws.ClientError, api: http.Api = API) -> NodeError:
    """An AWS error answer (S3's `<Error><Code>…`, or a JSON service's `__type`) as a
    NodeError the engine's policy understands."""
    said = error.response.get("Error", {})
    meta = error.response.get("ResponseMetadata", {})
    code = str(said.get("Code") or "")
    status = int(meta.get("HTTPStatusCode") or 0)
    text = f"{code}: {said.get('Message')}" if said.get("Message") else code or f"HTTP {status}"
    if code in AUTH_CODES or (status in (401, 403) and code not in PASSING_CODES):
        refused = http.auth_error(api, secret, text, status)
        refused.detail["error"] = code
        return refused
    wait = retry_after.from_headers(_headers(meta))
    if status == 429 or code in THROTTLED:
        return http.rate_limited(api, what, wait, code)
    if code in PASSING_CODES or status >= 500:
        return NodeError(
            f"{api.service} failed to answer {what} (HTTP {status}): {text}",
            retryable=True,
            retry_after=wait,
            detail={"status": status, "error": code},
        )
    return NodeError(
        f"{api.service} refused {what}: {text}", detail={"status": status, "error": code}
    )


def _headers(meta: dict[str, Any]) -> dict[str, str]:
    return {str(k).lower(): str(v) for k, v in (meta.get("HTTPHeaders") or {}).items()}


def check_access_key(secret: Secret) -> str:
    """ListBuckets: which buckets the key sees, changing nothing."""
    try:
        answer = call(secret, "ListBuckets", lambda s3: s3.list_buckets())
    except NodeError as error:
        if error.detail.get("error") != "AccessDenied":
            raise
        # S3 checks the signature before the permission: the key is right, only narrow.
        return "S3 accepted the key; it may not list buckets (AccessDenied), which is fine."
    names = [bucket["Name"] for bucket in answer.get("Buckets", [])]
    shown = ", ".join(names[:5]) + (" …" if len(names) > 5 else "")
    seen = f"{len(names)} bucket{'s' if len(names) != 1 else ''}"
    return f"Connected to S3: the key sees {seen}{f' ({shown})' if names else ''}."
