"""action.http: call any HTTP API and hand its response to the next node.

The node never reaches private networks by accident (DESIGN §10): every connection, each
redirect hop included, goes through the private-network guard of `workfuse.lib.netguard`,
which checks the addresses a host resolves to at connect time and connects to the checked one.
Redirects are followed here, hop by hop, so the time limit spans them all and credentials stay
with their origin.
"""

from __future__ import annotations

import base64
import http
import json
import secrets
import time
from email.message import Message
from email.utils import collapse_rfc2231_value
from typing import Annotated, Any, Literal, Self
from urllib.parse import unquote, urlsplit

import httpx
from pydantic import BeforeValidator, Field, StringConstraints, field_validator, model_validator

from editor.nodes.base import NodeConfig, NodeError, NodeType, RunContext, Secret
from workfuse.lib import files, netguard, redaction, retry_after

MAX_BODY_BYTES = 10 * 1024 * 1024
MAX_REDIRECTS = 10
USER_AGENT = "WorkFuse (action.http)"
MESSAGE_SNIPPET = 300
DETAIL_SNIPPET = 2000
TEXT_TYPES = {"application/xml", "application/x-www-form-urlencoded"}
Method = Literal["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]
HEADER_NAME_PATTERN = r"^[!#$%&'*+.^_`|~0-9A-Za-z-]+$"


def _upper(value: Any) -> Any:
    return value.upper() if isinstance(value, str) else value


def _as_text(value: Any) -> Any:
    # A value that is exactly one template keeps its native type, so `{{ nodes.a.body.id }}`
    # may arrive as a number; a header or query value is text on the wire anyway.
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    return value


Text = Annotated[str, BeforeValidator(_as_text)]
HeaderName = Annotated[str, StringConstraints(pattern=HEADER_NAME_PATTERN)]


class Config(NodeConfig):
    method: Annotated[Method, BeforeValidator(_upper)] = Field(
        "GET", description="HTTP method: GET, POST, PUT, PATCH, DELETE, HEAD or OPTIONS."
    )
    url: str = Field(
        min_length=1,
        description="Full http:// or https:// address to call; may use templates, e.g. "
        "https://api.example.com/users/{{ trigger.body.user_id }}.",
    )
    query: dict[str, Text] = Field(
        default_factory=dict,
        description="Query string parameters added to the URL, as name: value pairs.",
    )
    headers: dict[HeaderName, Text] = Field(
        default_factory=dict,
        description="Request headers as name: value pairs, e.g. Content-Type or Accept. "
        "An Idempotency-Key header is added unless you set one.",
    )
    body_type: Literal["json", "form", "raw", "multipart", "file"] = Field(
        "json",
        description="How the body is encoded: json (sent as application/json), form (an object of "
        "fields sent as application/x-www-form-urlencoded), raw (text sent as is; set "
        "Content-Type in headers, text/plain otherwise), multipart (an object of fields sent as "
        "multipart/form-data; a field whose value is a file, e.g. '{{ nodes.report.file }}', is "
        "sent as a file) or file (the bytes of a file, e.g. '{{ nodes.report.file }}', with its "
        "content type unless headers set one).",
    )
    body: Any = Field(
        None,
        description="Request body: any JSON value for json, an object of fields for form and "
        "multipart, text for raw, a file for file. Leave empty to send no body.",
    )
    response_format: Literal["auto", "file", "detect"] = Field(
        "auto",
        description="auto: the body parsed by its content type (JSON, text, or base64 for "
        "binary). file: the body kept as a file in the output's `file` (named from the "
        "Content-Disposition header or the URL), for steps that read, upload or attach files. "
        "detect: JSON and text as the body, anything else as a file.",
    )
    credential: int | None = Field(
        None, ge=1, description="Credential whose secret authenticates the request (see auth)."
    )
    auth: Literal["bearer", "basic", "header", "query"] | None = Field(
        None,
        description="How the credential is sent: bearer (Authorization: Bearer <secret>), basic "
        "(HTTP basic with the credential's username and password), header (the secret in the "
        "header named by auth_header_name) or query (the secret in the query parameter named by "
        "auth_query_param). Empty: no authentication, or with a credential, the way its kind "
        "implies (bearer and basic as such, api_key and header in auth_header_name).",
    )
    auth_header_name: HeaderName = Field(
        "X-API-Key", description="For auth=header: the header that carries the secret."
    )
    auth_query_param: str = Field(
        "api_key",
        min_length=1,
        description="For auth=query: the query parameter that carries the secret.",
    )
    timeout_ms: int = Field(
        30000,
        ge=100,
        le=600000,
        description="Time limit for the whole request in milliseconds (connecting, redirects and "
        "reading the response), from 100 to 600000.",
    )
    follow_redirects: bool = Field(
        True,
        description="Follow 3xx redirects (up to 10). Off: the redirect response itself is the output.",
    )
    fail_on_status: bool = Field(
        True,
        description="Fail the step on a 4xx or 5xx status (429 and 5xx are retried). Off: any "
        "response is the output, whatever its status.",
    )

    @field_validator("url")
    @classmethod
    def _http_url(cls, url: str) -> str:
        url = url.strip()
        if "{{" in url:
            return url  # checked again once rendered, before run()
        parts = urlsplit(url)
        if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
            raise ValueError(
                "must be an http:// or https:// URL with a host, e.g. https://api.example.com/users"
            )
        return url

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if self.auth and self.credential is None:
            raise ValueError(
                f"auth '{self.auth}' needs a credential: choose one, or clear auth to send the "
                "request without authentication"
            )
        is_template = isinstance(self.body, str) and "{{" in self.body
        if self.body_type in ("form", "multipart") and not (
            self.body is None or is_template or isinstance(self.body, dict)
        ):
            raise ValueError(
                f"body_type '{self.body_type}' needs the body to be an object of field: value"
            )
        if self.body_type == "file" and not (is_template or files.is_file(self.body)):
            raise ValueError(
                "body_type 'file' needs the body to be a file, e.g. '{{ nodes.report.file }}'"
            )
        return self


# --- building the request -------------------------------------------------------------------


def _single_value(secret: Secret, auth: str) -> str:
    if isinstance(secret.value, str) and secret.value.strip():
        return secret.value.strip()
    parts = ", ".join(sorted(secret.value)) if isinstance(secret.value, dict) else "no text"
    raise NodeError(
        f"auth '{auth}' needs a credential holding one secret value, but this {secret.kind} "
        f"credential holds {parts}; choose a bearer, api_key or header credential."
    )


def _basic_token(secret: Secret) -> str:
    value = secret.value
    if isinstance(value, str) and ":" in value:
        username, password = value.split(":", 1)
    elif isinstance(value, dict) and {"username", "password"} <= set(value):
        username, password = str(value["username"]), str(value["password"])
    else:
        raise NodeError(
            f"auth 'basic' needs a credential with a username and password, but this "
            f"{secret.kind} credential has none; choose a basic credential."
        )
    return base64.b64encode(f"{username}:{password}".encode()).decode("ascii")


KIND_AUTH = {"bearer": "bearer", "basic": "basic", "api_key": "header", "header": "header"}


def _with_auth(config: Config, secret: Secret | None) -> Config:
    """The config with `auth` filled in from the credential's kind when the user left it empty
    (DESIGN §3 shows a credential without auth)."""
    if config.auth or config.credential is None or secret is None:
        return config
    if secret.kind not in KIND_AUTH:
        raise NodeError(
            f"Credential {config.credential} is a {secret.kind} credential, which this node "
            "cannot send by itself; set auth to bearer, basic, header or query."
        )
    return config.model_copy(update={"auth": KIND_AUTH[secret.kind]})


def _apply_auth(
    config: Config, secret: Secret | None, headers: httpx.Headers, params: dict[str, str]
) -> None:
    if config.auth is None and config.credential is None:
        return
    if secret is None:
        raise NodeError(
            f"Credential {config.credential} could not be resolved, so the request was not sent; "
            "check that the credential still exists and that you may use it."
        )
    try:
        if config.auth == "bearer":
            headers["Authorization"] = f"Bearer {_single_value(secret, 'bearer')}"
        elif config.auth == "basic":
            headers["Authorization"] = f"Basic {_basic_token(secret)}"
        elif config.auth == "header":
            headers[config.auth_header_name] = _single_value(secret, "header")
        else:
            params[config.auth_query_param] = _single_value(secret, "query")
    except UnicodeEncodeError:
        # The exception would quote the offending character of the secret: never pass it on.
        raise NodeError(
            "The credential's value has characters that cannot be sent in an HTTP header (only "
            "ASCII is allowed); rotate it to an ASCII value."
        ) from None


def _form_value(value: Any) -> Any:
    if isinstance(value, list):
        return [_form_value(item) for item in value]
    if isinstance(value, dict):
        return json.dumps(value)
    if value is None:
        return ""
    return _as_text(value)


def _file(value: Any, where: str) -> files.File:
    try:
        return files.read(value, where)
    except files.FileError as exc:
        raise NodeError(str(exc)) from None


def _quoted(text: str) -> str:
    # As browsers write names in multipart headers (WHATWG): no raw quote or line break.
    return text.replace("\r", "%0D").replace("\n", "%0A").replace('"', "%22")


def _multipart(body: dict[str, Any]) -> tuple[bytes, str]:
    """A multipart/form-data body (RFC 7578) and its Content-Type: a value that is a file, or a
    list of files, is sent as file parts; anything else as text fields, as in a form body."""
    boundary = secrets.token_hex(16)
    out: list[bytes] = []
    for key, value in body.items():
        name = _quoted(str(key))
        values = value if isinstance(value, list) else [value]
        if values and all(files.is_file(v) for v in values):
            for index, item in enumerate(values):
                file = _file(item, f"body.{key}" + (f"[{index}]" if len(values) > 1 else ""))
                head = (
                    f'Content-Disposition: form-data; name="{name}"; '
                    f'filename="{_quoted(file.filename)}"\r\nContent-Type: {file.content_type}'
                )
                out += [f"--{boundary}\r\n{head}\r\n\r\n".encode(), file.data, b"\r\n"]
            continue
        texts = _form_value(value)
        for text in texts if isinstance(texts, list) else [texts]:
            head = f'Content-Disposition: form-data; name="{name}"'
            out.append(f"--{boundary}\r\n{head}\r\n\r\n{text}\r\n".encode())
    out.append(f"--{boundary}--\r\n".encode())
    return b"".join(out), f"multipart/form-data; boundary={boundary}"


def _body_arguments(config: Config) -> tuple[dict[str, Any], str | None]:
    """httpx's body arguments, and the Content-Type the body implies (None: httpx sets it)."""
    body = config.body
    if body is None:
        return {}, None
    if config.body_type == "json":
        return {"json": body}, None
    if config.body_type == "form":
        return {"data": {str(key): _form_value(value) for key, value in body.items()}}, None
    if config.body_type == "multipart":
        if not isinstance(body, dict):
            raise NodeError("body_type 'multipart' needs the body to be an object of field: value.")
        parts, boundary_type = _multipart(body)
        return {"content": parts}, boundary_type
    if config.body_type == "file":
        file = _file(body, "body")
        return {"content": file.data}, file.content_type
    text = body if isinstance(body, str) else json.dumps(body)
    return {"content": text}, "text/plain; charset=utf-8"


def _build_request(client: httpx.Client, config: Config, ctx: RunContext) -> httpx.Request:
    headers = httpx.Headers(config.headers)
    headers.setdefault("User-Agent", USER_AGENT)
    headers.setdefault("Idempotency-Key", ctx.idempotency_key)
    arguments, content_type = _body_arguments(config)
    if config.body_type == "multipart" and content_type:
        headers["Content-Type"] = content_type  # its boundary is the one in the body
    elif content_type:
        headers.setdefault("Content-Type", content_type)
    params = dict(config.query)
    _apply_auth(config, ctx.secret, headers, params)
    try:
        # httpx 0.28 replaces a URL's own query with `params=`; the user expects both.
        url = httpx.URL(config.url).copy_merge_params(params)
        return client.build_request(config.method, url, headers=headers, **arguments)
    except (httpx.InvalidURL, TypeError, ValueError) as exc:
        raise NodeError(f"Could not build the request to {config.url}: {exc}") from exc


# --- sending ------------------------------------------------------------------------------


def _where(request: httpx.Request, config: Config) -> str:
    url = request.url
    if config.auth == "query" and config.auth_query_param in url.params:
        url = url.copy_set_param(config.auth_query_param, "REDACTED")
    return f"{request.method} {url}"


def _transport_error(exc: httpx.HTTPError, request: httpx.Request, config: Config) -> NodeError:
    where = _where(request, config)
    origin = (
        f"{request.url.host}:{request.url.port or (443 if request.url.scheme == 'https' else 80)}"
    )
    limit = f"Timed out after {config.timeout_ms} ms"
    retryable = True
    if isinstance(exc, httpx.ConnectTimeout):
        message = f"{limit} connecting to {origin} ({where})."
    elif isinstance(exc, httpx.WriteTimeout):
        message = f"{limit} sending the request {where}."
    elif isinstance(exc, httpx.TimeoutException):
        message = f"{limit} waiting for the response to {where}."
    elif isinstance(exc, httpx.ConnectError):
        message = f"Could not connect to {origin} for {where}: {exc}"
    elif isinstance(exc, httpx.NetworkError | httpx.RemoteProtocolError):
        message = f"The connection failed during {where}: {exc}"
    elif isinstance(exc, httpx.UnsupportedProtocol):
        message, retryable = f"Cannot send {where}: only http and https URLs are supported.", False
    elif isinstance(exc, httpx.LocalProtocolError):
        message, retryable = f"Could not send {where}; check header names and values: {exc}", False
    else:
        message, retryable = f"{where} failed: {exc}", False
    return NodeError(message, retryable=retryable, detail={"error": type(exc).__name__})


def _timed_out(request: httpx.Request, config: Config) -> NodeError:
    return NodeError(
        f"Timed out after {config.timeout_ms} ms waiting for the response to {_where(request, config)}.",
        retryable=True,
        detail={"error": "Timeout"},
    )


def _send_once(
    client: httpx.Client, request: httpx.Request, config: Config, deadline: float
) -> httpx.Response:
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise _timed_out(request, config)
    request.extensions["timeout"] = httpx.Timeout(remaining).as_dict()
    try:
        return client.send(request, stream=True)
    except httpx.HTTPError as exc:
        raise _transport_error(exc, request, config) from exc
    except netguard.PrivateTargetError as refused:
        raise NodeError(
            str(refused),
            detail={
                "host": refused.host,
                "address": str(refused.address),
                "reason": refused.reason,
            },
        ) from None


def _keeps_credentials(old: httpx.URL, new: httpx.URL) -> bool:
    """Same rule as httpx for Authorization: same origin, or an http -> https upgrade."""
    if old.host != new.host:
        return False
    if old.scheme == new.scheme:
        return old.port == new.port
    upgrade = old.scheme == "http" and new.scheme == "https"
    return upgrade and old.port in (None, 80) and new.port in (None, 443)


def _follow(
    client: httpx.Client, request: httpx.Request, config: Config, deadline: float
) -> tuple[httpx.Request, httpx.Response]:
    # Followed here, not by httpx, so the total time limit spans every hop and a credential
    # in a custom header does not travel to another host.
    for _hop in range(MAX_REDIRECTS + 1):
        response = _send_once(client, request, config, deadline)
        if not (config.follow_redirects and response.next_request is not None):
            return request, response
        response.close()
        following = response.next_request
        if not _keeps_credentials(request.url, following.url):
            following.headers.pop("Authorization", None)
            if config.auth == "header":
                following.headers.pop(config.auth_header_name, None)
        request = following
    raise NodeError(
        f"Stopped after {MAX_REDIRECTS} redirects starting from {config.method} {config.url}; "
        f"the last one pointed to {request.url}."
    )


def _read_body(
    response: httpx.Response, request: httpx.Request, config: Config, deadline: float
) -> bytes:
    declared = response.headers.get("content-length", "")
    if request.method != "HEAD" and declared.isdigit() and int(declared) > MAX_BODY_BYTES:
        raise _too_large(f"is {int(declared)} bytes", request, config)
    chunks: list[bytes] = []
    size = 0
    try:
        for chunk in response.iter_bytes():
            size += len(chunk)
            if size > MAX_BODY_BYTES:
                raise _too_large(f"passed {size} bytes before reading stopped", request, config)
            if time.monotonic() > deadline:
                raise _timed_out(request, config)
            chunks.append(chunk)
    except httpx.HTTPError as exc:
        raise _transport_error(exc, request, config) from exc
    return b"".join(chunks)


def _too_large(size: str, request: httpx.Request, config: Config) -> NodeError:
    return NodeError(
        f"The response to {_where(request, config)} {size}, over the {MAX_BODY_BYTES // 2**20} MB "
        f"limit ({MAX_BODY_BYTES} bytes)."
    )


# --- the response -------------------------------------------------------------------------


def _text(content: bytes, response: httpx.Response) -> str:
    return content.decode(response.encoding or "utf-8", errors="replace")


def parse_body(content: bytes, response: httpx.Response) -> tuple[Any, str | None]:
    """The body by content type, and its encoding when it is not text ("base64")."""
    if not content:
        return "", None
    mime = response.headers.get("content-type", "").split(";")[0].strip().lower()
    if mime == "application/json" or mime.endswith("+json"):
        text = _text(content, response)
        try:
            return json.loads(text), None
        except ValueError:
            return text, None
    if mime.startswith("text/") or mime in TEXT_TYPES or mime.endswith("+xml"):
        return _text(content, response), None
    # Scrubbing cannot see into base64: the step's secrets go before the body is encoded.
    return base64.b64encode(redaction.scrub_bytes(content)).decode("ascii"), "base64"


def _filename(response: httpx.Response, request: httpx.Request) -> str:
    """The name the server gives the file (Content-Disposition, `filename*` first), else the
    last segment of the URL's path, else "file"; never a path."""
    disposition = response.headers.get("content-disposition", "")
    if disposition:
        message = Message()
        message["content-disposition"] = disposition
        params = message.get_params(header="content-disposition") or []
        names = [v for k, v in params if k.lower() == "filename"]
        # RFC 6266: an extended `filename*` (a tuple once parsed) wins over the plain one.
        names.sort(key=lambda v: not isinstance(v, tuple))
        if names:
            name = collapse_rfc2231_value(names[0]).replace("\\", "/").rsplit("/", 1)[-1]
            return name.strip() or "file"
    return unquote(request.url.path.rsplit("/", 1)[-1]).strip() or "file"


def _as_file(content: bytes, response: httpx.Response, request: httpx.Request) -> dict[str, Any]:
    # Scrubbing cannot see into base64: the step's secrets go before the file is encoded.
    data = redaction.scrub_bytes(content)
    try:
        file = files.make(
            data,
            _filename(response, request),
            response.headers.get("content-type") or None,
            f"The response to {request.method} {request.url.copy_with(query=None)}",
        )
    except files.FileError as exc:
        raise NodeError(str(exc)) from None
    return file.value()


def _status_error(
    response: httpx.Response,
    request: httpx.Request,
    config: Config,
    content: bytes,
    encoding: str | None,
) -> NodeError:
    status = response.status_code
    try:
        reason = response.reason_phrase or http.HTTPStatus(status).phrase
    except ValueError:
        reason = ""
    if encoding:
        snippet = f"<{len(content)} bytes of {response.headers.get('content-type', 'binary data')}>"
    else:
        snippet = _text(content, response).strip()
    message = f"HTTP {status} {reason}".rstrip() + f" from {_where(request, config)}"
    if snippet:
        message += f": {redaction.truncate(snippet, MESSAGE_SNIPPET)}"
    retryable = status == 429 or status >= 500
    return NodeError(
        message,
        retryable=retryable,
        retry_after=retry_after.parse(response.headers.get("retry-after")) if retryable else None,
        detail={
            "status": status,
            "headers": dict(response.headers.items()),
            "body": redaction.truncate(snippet, DETAIL_SNIPPET),
        },
    )


# --- keeping secrets out of errors ----------------------------------------------------------


def _redacted(error: NodeError, secret: Secret) -> NodeError:
    forms = redaction.forms_of(secret.value)
    return NodeError(
        redaction.scrub(error.message, forms),
        retryable=error.retryable,
        retry_after=error.retry_after,
        detail=redaction.scrub(error.detail, forms),
    )


# --- the node -------------------------------------------------------------------------------


def _call(config: Config, ctx: RunContext) -> dict[str, Any]:
    config = _with_auth(config, ctx.secret)
    started = time.monotonic()
    deadline = started + config.timeout_ms / 1000
    with netguard.httpx_client() as client:
        request = _build_request(client, config, ctx)
        request, response = _follow(client, request, config, deadline)
        try:
            content = _read_body(response, request, config, deadline)
        finally:
            response.close()
    duration_ms = round((time.monotonic() - started) * 1000)
    body, encoding = parse_body(content, response)
    if config.fail_on_status and response.status_code >= 400:
        raise _status_error(response, request, config, content, encoding)
    output: dict[str, Any] = {"status": response.status_code}
    output["headers"] = dict(response.headers.items())
    if config.response_format == "file" or (config.response_format == "detect" and encoding):
        output["file"] = _as_file(content, response, request)
    else:
        output["body"] = body
        if encoding:
            output["body_encoding"] = encoding
    output["duration_ms"] = duration_ms
    return output


def run(config: Config, ctx: RunContext) -> dict[str, Any]:
    """Send the request; the output is {status, headers, body, duration_ms}, plus
    `body_encoding: "base64"` when the body is binary; with response_format "file",
    {status, headers, file, duration_ms} (`file` a file value, see workfuse.lib.files), and
    with "detect" that when the body is binary."""
    try:
        return _call(config, ctx)
    except NodeError as error:
        if ctx.secret is None:
            raise
        # The original error's cause may carry the secret (a URL, an echoed header).
        raise _redacted(error, ctx.secret) from None


NODE = NodeType(
    type="action.http",
    label="HTTP Request",
    category="action",
    description="Calls an HTTP API (any method, headers, query, JSON/form/raw body, optional "
    "credential) and outputs the response's status, headers and parsed body.",
    Config=Config,
    run=run,
    credential_kinds=("api_key", "bearer", "basic", "header"),
)
