"""logic.respond: the HTTP answer to the caller of a webhook with `response: respond_node`.

The node itself only checks its settings and records `{status}`; the engine hands the first
respond step of such a run to the waiting caller (executions/answers.py). Elsewhere (a manual
run, an `immediate` webhook) it records its output and the run goes on.

What the answer may carry is checked here, when the workflow is saved and again once templates
are filled in: no line breaks or control characters in a header (response splitting), and no
header that belongs to the connection or to the server's security policy (`REFUSED_HEADERS`).
A refused header fails the step with a message naming it.
"""

from __future__ import annotations

import json
import re
from typing import Annotated, Any

from pydantic import Field, StringConstraints, field_validator, model_validator

from editor.nodes.action_http import Text
from editor.nodes.base import NodeConfig, NodeError, NodeType, RunContext
from editor.templating import is_template
from workfuse.lib import files

HEADER_NAME_PATTERN = r"^[!#$%&'*+.^_`|~0-9A-Za-z-]+$"
MAX_HEADER_VALUE = 8192
# Printable ASCII and tab: a header value with anything else could split the response (CR, LF)
# or reach the caller mangled (non-ASCII is MIME-encoded by Django).
HEADER_VALUE = re.compile(r"^[\t\x20-\x7e]*$")
MEDIA_TYPE = re.compile(
    r"^[A-Za-z0-9!#$&^_.+-]+/[A-Za-z0-9!#$&^_.+-]+"
    r'(\s*;\s*[A-Za-z0-9!#$&^_.+-]+=("[^"\\\x00-\x1f\x7f]*"|[A-Za-z0-9!#$&^_.+-]+))*$'
)
NO_BODY_STATUSES = (204, 205, 304)

# Headers a workflow may not set, with the reason given to its author.
HOP_BY_HOP = "it belongs to the connection, which the server manages"
SECURITY = "it is part of WorkFuse's own security policy for this site"
SITE = "cookies, storage and sign-in prompts on this site belong to WorkFuse's own sign-in"
REFUSED_HEADERS = {
    **dict.fromkeys(
        (
            "connection",
            "keep-alive",
            "proxy-authenticate",
            "proxy-authorization",
            "proxy-connection",
            "te",
            "trailer",
            "transfer-encoding",
            "upgrade",
            "content-length",
            "host",
        ),
        HOP_BY_HOP,
    ),
    **dict.fromkeys(
        (
            "strict-transport-security",
            "content-security-policy",
            "content-security-policy-report-only",
            "x-content-type-options",
            "x-frame-options",
            "x-xss-protection",
            "referrer-policy",
            "permissions-policy",
            "cross-origin-opener-policy",
            "cross-origin-embedder-policy",
            "cross-origin-resource-policy",
        ),
        SECURITY,
    ),
    **dict.fromkeys(("set-cookie", "clear-site-data", "www-authenticate"), SITE),
    "content-type": "set it with content_type instead",
}


HeaderName = Annotated[str, StringConstraints(pattern=HEADER_NAME_PATTERN, max_length=100)]


class Config(NodeConfig):
    status: int = Field(
        200,
        description="HTTP status code of the answer, 200 to 599, e.g. 201 for created or 422 for "
        "invalid input.",
        json_schema_extra={"minimum": 200, "maximum": 599},
    )
    headers: dict[HeaderName, Text] = Field(
        default_factory=dict,
        description="Response headers as name: value pairs, e.g. Location or Cache-Control; values "
        "may use templates. Connection and security headers are refused.",
    )
    body: Any = Field(
        None,
        description="The answer's body: any JSON value for a JSON content type, text otherwise; may "
        'use templates, e.g. {"id": "{{ nodes.create.body.id }}"}. Empty: no body.',
    )
    content_type: str = Field(
        "application/json",
        max_length=200,
        description="Media type of the body, e.g. application/json, text/plain or text/html.",
    )
    # --- files ---
    file: Any = Field(
        None,
        description="A file to answer with instead of a body, e.g. '{{ nodes.report.file }}': "
        "its bytes are sent; set content_type to its type, e.g. "
        "'{{ nodes.report.file.content_type }}'.",
    )

    @model_validator(mode="after")
    def _body_or_file(self) -> Config:
        if self.file is not None and self.body is not None:
            raise ValueError("answer with a body or a file, not both")
        return self

    # --- end files ---

    @field_validator("status")
    @classmethod
    def _final_status(cls, status: int) -> int:
        if 100 <= status < 200:
            raise ValueError(
                f"{status} is an interim (1xx) status, never an answer by itself; use 200 to 599"
            )
        if not 200 <= status <= 599:
            raise ValueError(f"{status} is not an HTTP status code; use 200 to 599")
        return status

    @field_validator("headers")
    @classmethod
    def _allowed_headers(cls, headers: dict[str, str]) -> dict[str, str]:
        for name, value in headers.items():
            reason = REFUSED_HEADERS.get(name.lower())
            if reason is not None:
                raise ValueError(f"header '{name}' cannot be set: {reason}")
            if is_template(value):
                continue  # checked again once rendered
            if not HEADER_VALUE.match(value):
                raise ValueError(
                    f"header '{name}' has a line break or another control or non-ASCII "
                    "character; header values must be printable ASCII"
                )
            if len(value) > MAX_HEADER_VALUE:
                raise ValueError(
                    f"header '{name}' is {len(value)} characters long, above {MAX_HEADER_VALUE}"
                )
        return headers

    @field_validator("content_type")
    @classmethod
    def _media_type(cls, value: str) -> str:
        value = value.strip()
        if not is_template(value) and not MEDIA_TYPE.match(value):
            raise ValueError(
                f"'{value}' is not a media type such as application/json or "
                "text/plain; charset=utf-8"
            )
        return value


def is_json(content_type: str) -> bool:
    essence = content_type.split(";", 1)[0].strip().lower()
    return essence == "application/json" or essence.endswith("+json")


def media_type(config: Config) -> str:
    """The Content-Type sent: text types say they are UTF-8 unless a charset is given."""
    given = config.content_type
    if config.file is not None:
        return given  # a file's bytes are whatever they are: no charset is claimed for them
    if given.lower().startswith("text/") and "charset=" not in given.lower():
        return f"{given}; charset=utf-8"
    return given


def encoded_body(config: Config) -> bytes:
    """The body's bytes: JSON for a JSON content type; otherwise text as it is, and any other
    value as its JSON text. Nothing for an empty body or a status that has none."""
    # --- files ---
    if config.file is not None and config.status not in NO_BODY_STATUSES:
        return files.read(config.file, "file").data
    # --- end files ---
    if config.body is None or config.status in NO_BODY_STATUSES:
        return b""
    if isinstance(config.body, str) and not is_json(config.content_type):
        return config.body.encode()
    return json.dumps(config.body, ensure_ascii=False).encode()


def run(config: Config, ctx: RunContext) -> dict[str, Any]:
    """The answer is the step's rendered settings (its input); the output says which status."""
    # --- files ---
    if config.file is not None:
        try:
            files.read(config.file, "file")  # a bad file fails this step, not the answer
        except files.FileError as exc:
            raise NodeError(str(exc)) from None
    # --- end files ---
    return {"status": config.status}


NODE = NodeType(
    type="logic.respond",
    label="Respond to webhook",
    category="logic",
    description="Answers the webhook's caller (webhook response: respond_node) with a status, "
    "headers and a body, as soon as it runs; the workflow goes on after answering.",
    Config=Config,
    run=run,
)
