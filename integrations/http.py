"""Calling a service's HTTP API (from an `app.<service>` node or a credential's test) and
turning its answer into a result, or into a NodeError the engine's retry policy understands.

* Every call goes through the guarded transport (`workfuse.lib.netguard`): a private target is
  refused when the connection opens, unless WORKFUSE_HTTP_ALLOW_PRIVATE=1.
* 429, 5xx, timeouts and lost connections are retryable; the wait the service asks for (its
  own rate-limit signal, else `Retry-After`) becomes the retry's delay.
* The statuses by which a service says "this credential is wrong" (401 and 403 unless the
  service says otherwise) are not retryable and name the credential to fix.
* Other 4xx are not retryable and carry the service's own words.

Messages never quote a URL: some services carry the secret in it (Telegram's bot token, the
webhook URLs of Slack and Discord). The engine scrubs every resolved secret from what it
stores anyway; this keeps the messages readable once scrubbed.
"""

from __future__ import annotations

import http
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

from workfuse.lib import files, netguard, redaction, retry_after
from workfuse.lib.node_run import NodeError, Secret

TIMEOUT_SECONDS = 30.0
MAX_BODY_BYTES = 2 * 1024 * 1024  # these APIs answer a few kilobytes; a runaway server stops here
TEXT_LIMIT = 300
USER_AGENT = "WorkFuse (integrations)"


def no_text(body: Any) -> str | None:
    return None


def no_wait(body: Any) -> float | None:
    return None


def is_429(reply: Reply) -> bool:
    return reply.status == 429


def no_fallback_wait(reply: Reply) -> float | None:
    return None


@dataclass(frozen=True)
class Api:
    """How one service's HTTP API speaks: its name in messages, where its answers say what went
    wrong (`error_text`, from the parsed body), how long its rate-limit answers ask us to wait
    (`retry_after`, from the body; the `Retry-After` header otherwise; then `reset_header`, a
    header holding the Unix time the limit resets) and which statuses mean the credential is
    wrong."""

    service: str
    error_text: Callable[[Any], str | None] = no_text
    retry_after: Callable[[Any], float | None] = no_wait
    auth_statuses: frozenset[int] = field(default_factory=lambda: frozenset({401, 403}))
    # Which answers are rate limits: 429, and for some services others too (GitHub's 403 with
    # `x-ratelimit-remaining: 0`). Checked before the auth statuses.
    is_rate_limit: Callable[[Reply], bool] = is_429
    # The wait when neither the body nor `Retry-After` gives one (GitHub's
    # `x-ratelimit-reset`, Airtable's documented 30 s).
    fallback_wait: Callable[[Reply], float | None] = no_fallback_wait
    # A header holding the Unix time the rate limit resets at (SendGrid's X-RateLimit-Reset),
    # read when neither the body nor `Retry-After` gives a wait.
    reset_header: str | None = None


@dataclass(frozen=True)
class Reply:
    status: int
    headers: httpx.Headers
    body: Any  # parsed JSON, or the text


def send(
    api: Api,
    secret: Secret,
    method: str,
    url: str,
    *,
    what: str,
    timeout: float | None = None,
    headers: dict[str, str] | None = None,
    max_bytes: int | None = None,
    raw: bool = False,
    **body: Any,
) -> Reply:
    """One request (`body`: httpx's `json`, `data`, `content`, `files` or `params`) and its 2xx
    answer. `what` names the call in messages ("chat.postMessage"); `secret` is the credential
    in use, named when the service refuses it. `raw`: a file is downloaded, its answer's body is
    the bytes, read up to `max_bytes` or else the file size limit (workfuse.lib.files). Raises
    NodeError."""
    timeout = timeout or TIMEOUT_SECONDS
    try:
        with netguard.httpx_client() as client:
            request = client.build_request(
                method, url, headers={"User-Agent": USER_AGENT, **(headers or {})}, **body
            )
            request.extensions["timeout"] = httpx.Timeout(timeout).as_dict()
            response = client.send(request, stream=True)
            try:
                limit = max_bytes or (files.max_bytes() if raw else MAX_BODY_BYTES)
                content = _read(response, api, what, limit)
            finally:
                response.close()
    except UnicodeEncodeError:
        # The exception would quote the offending character of the secret: never pass it on.
        raise NodeError(
            f"{_credential(secret)} has characters that cannot be sent in an HTTP header (only "
            "ASCII is allowed): correct it on the Credentials page."
        ) from None
    except httpx.HTTPError as exc:
        raise _transport_error(exc, api, what, timeout) from None
    except httpx.InvalidURL:
        raise NodeError(
            f"Could not send {what} to {api.service}: the address is not a valid URL; check "
            f"{_credential(secret)}."
        ) from None
    except netguard.PrivateTargetError as refused:
        raise NodeError(str(refused), detail={"host": refused.host}) from None
    ok = 200 <= response.status_code < 300
    parsed = content if raw and ok else _parse(content, response)
    reply = Reply(response.status_code, response.headers, parsed)
    if not ok:
        raise failure(api, secret, reply, what)
    return reply


def failure(api: Api, secret: Secret, reply: Reply, what: str) -> NodeError:
    """The NodeError for an answer that is not a success."""
    status = reply.status
    text = _text(api, reply)
    if api.is_rate_limit(reply):
        return rate_limited(api, what, _wait(api, reply), text, status)
    if status >= 500:
        return NodeError(
            f"{api.service} failed to answer {what} (HTTP {status}): {text}",
            retryable=True,
            retry_after=_wait(api, reply),
            detail={"status": status, "error": text},
        )
    if status in api.auth_statuses:
        return auth_error(api, secret, text, status)
    if 300 <= status < 400:
        text = f"it answered with a redirect (HTTP {status}); check the credential's base URL"
    return NodeError(
        f"{api.service} refused {what} (HTTP {status}): {text}",
        detail={"status": status, "error": text},
    )


def auth_error(api: Api, secret: Secret, text: str, status: int | None = None) -> NodeError:
    """Not retryable: no retry fixes a wrong credential, the user must."""
    return NodeError(
        f"{api.service} did not accept {_credential(secret)} ({text}): check it, or rotate it "
        "on the Credentials page.",
        detail={"status": status, "error": text, "credential": secret.name},
    )


def rate_limited(
    api: Api, what: str, seconds: float | None, text: str = "", status: int = 429
) -> NodeError:
    wait = f"; it asks to wait {seconds:g} s" if seconds is not None else ""
    said = f" ({text})" if text else ""
    return NodeError(
        f"{api.service} is rate limiting {what}{said}{wait}.",
        retryable=True,
        retry_after=seconds,
        detail={"status": status, "error": text, "retry_after": seconds},
    )


def _credential(secret: Secret) -> str:
    return f"the credential “{secret.name}”" if secret.name else "the credential"


def _wait(api: Api, reply: Reply) -> float | None:
    for seconds in (api.retry_after(reply.body), retry_after.from_headers(reply.headers)):
        if seconds is not None:
            return seconds
    if api.reset_header:
        seconds = retry_after.until_reset(reply.headers.get(api.reset_header))
        if seconds is not None:
            return seconds
    return api.fallback_wait(reply)


def _text(api: Api, reply: Reply) -> str:
    said = api.error_text(reply.body)
    if not said and isinstance(reply.body, str):
        said = reply.body.strip()
    if not said:
        try:
            said = http.HTTPStatus(reply.status).phrase
        except ValueError:
            said = "no reason given"
    return redaction.truncate(" ".join(str(said).split()), TEXT_LIMIT)


def _read(response: httpx.Response, api: Api, what: str, limit: int = MAX_BODY_BYTES) -> bytes:
    chunks: list[bytes] = []
    size = 0
    for chunk in response.iter_bytes():
        size += len(chunk)
        if size > limit:
            most = f"{limit / 2**20:g} MB" if limit >= 2**20 else f"{limit} bytes"
            raise NodeError(
                f"{api.service} answered {what} with more than {most}; stopped reading."
            )
        chunks.append(chunk)
    return b"".join(chunks)


def _parse(content: bytes, response: httpx.Response) -> Any:
    text = content.decode(response.encoding or "utf-8", errors="replace")
    if "json" in response.headers.get("content-type", "").lower():
        try:
            return json.loads(text)
        except ValueError:
            return text
    return text


def _transport_error(exc: httpx.HTTPError, api: Api, what: str, timeout: float) -> NodeError:
    refused = netguard.refusal(exc)
    if refused is not None:
        return NodeError(str(refused), detail={"host": refused.host})
    name = type(exc).__name__
    if isinstance(exc, httpx.TimeoutException):
        message = f"{api.service} did not answer {what} within {timeout:g} s."
        return NodeError(message, retryable=True, detail={"error": name})
    if isinstance(exc, httpx.NetworkError | httpx.RemoteProtocolError):
        message = f"Could not reach {api.service} for {what}: {exc or name}"
        return NodeError(message, retryable=True, detail={"error": name})
    return NodeError(
        f"Could not send {what} to {api.service}: {exc or name}; check the credential's URL.",
        detail={"error": name},
    )
