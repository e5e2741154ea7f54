"""app.google_docs: create a Google Doc, read one (its text, as n8n's Simplify gives it, or the
whole document) and update one (insert text, replace all occurrences of a text) as a service
account.

Outputs follow n8n's Google Docs node: create answers Drive's file (`id`, `name`, ...); get
`{documentId, content}` (or the Docs API's document); update the first reply of the batch
with `documentId` (or the whole batch answer).
"""

from __future__ import annotations

import re
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from integrations.google_docs import docs_api
from integrations.google_drive import drive_api
from integrations.google_drive.node import id_of
from integrations.google_sheets.credentials import ServiceAccountKey
from integrations.operations import OperationConfig, json_list, used_by
from integrations.service import credential_for
from workfuse.lib.node_run import NodeError, RunContext, Secret
from workfuse.lib.node_types import NodeType

DOCUMENT = "application/vnd.google-apps.document"
DOC_URL = re.compile(r"/document/d/([A-Za-z0-9_-]+)")
MAX_ACTIONS = 100


class Action(BaseModel):
    """One change of an update, in the order given: n8n's text actions. Kept out of the Config's
    schema (which stays flat for the form and Magic Input): `actions` is a JSON list checked
    against it."""

    model_config = ConfigDict(extra="forbid")

    action: Literal["insert_text", "replace_all_text"] = Field(
        "insert_text",
        description="insert_text: add text (at the end of the body, or at index). "
        "replace_all_text: replace every occurrence of text with replace_text.",
    )
    text: str = Field(
        "", description="insert_text: the text to add. replace_all_text: the text to find."
    )
    replace_text: str = Field("", description="replace_all_text: what replaces it.")
    match_case: bool = Field(False, description="replace_all_text: only the same case.")
    index: int | None = Field(
        None,
        ge=1,
        description="insert_text: where to insert (1 is the start of the body); empty: at the "
        "end of the body (or of segment_id).",
    )
    segment_id: str = Field(
        "", description="insert_text: a header's or footer's id; empty: the body."
    )


class Config(OperationConfig):
    credential: int | None = Field(
        None, ge=1, description="Your Google service account key credential. Needed to run."
    )
    operation: Literal["create", "get", "update"] = Field(
        "create",
        description="create: a new, empty Google Doc. get: a document's text (or all of it). "
        "update: insert text and replace text in a document.",
    )
    title: str = Field(
        "",
        description="create: the document's title.",
        json_schema_extra=used_by("create", required=True),
    )
    folder_id: str = Field(
        "",
        description="create: the folder (or shared drive) to put it in, an id or a folder URL. "
        "Empty: the service account's own drive, which no one else sees.",
        json_schema_extra=used_by("create"),
    )
    document_id: str = Field(
        "",
        description="get, update: the document's id or its URL.",
        json_schema_extra=used_by("get", "update", required=True),
    )
    simplify: bool = Field(
        True,
        description="get: only {documentId, content} (the body's text). update: only the first "
        "change's answer with documentId. Off: what the Docs API answers.",
        json_schema_extra=used_by("get", "update"),
    )
    actions: Any = Field(
        None,
        description='update: the changes, in order, a JSON list of objects, e.g. [{"action": '
        '"insert_text", "text": "Hello"}, {"action": "replace_all_text", "text": "{{name}}", '
        '"replace_text": "Ada"}]. Each: action (insert_text, replace_all_text), text (to insert, '
        "or to find), replace_text, match_case, index (insert_text: where, 1 is the start of "
        "the body; empty: the end), segment_id (a header's or footer's id; empty: the body).",
        examples=[[{"action": "insert_text", "text": "Hello"}]],
        json_schema_extra=used_by("update", required=True),
    )

    @field_validator("actions", mode="before")
    @classmethod
    def _actions(cls, value: Any) -> Any:
        value = json_list(value, "actions")
        if not isinstance(value, list):
            return value
        if len(value) > MAX_ACTIONS:
            raise ValueError(f"at most {MAX_ACTIONS} actions")
        return [_action(entry, index).model_dump() for index, entry in enumerate(value)]


def _action(entry: Any, index: int) -> Action:
    try:
        return Action.model_validate(entry)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(map(str, e['loc'])) or 'the action'}: {e['msg']}" for e in exc.errors()
        )
        raise ValueError(f"action {index + 1}: {problems}") from None


def document_id(value: str) -> str:
    """An id, or the id in a document's URL (…/document/d/<id>/edit)."""
    value = value.strip()
    found = DOC_URL.search(value)
    return found.group(1) if found else value


def plain_text(document: dict[str, Any]) -> str:
    """The body's paragraphs' text, as n8n's Simplify joins it (tables and the like left out)."""
    content = (document.get("body") or {}).get("content") or []
    runs = [
        str((element.get("textRun") or {}).get("content") or "")
        for part in content
        if isinstance(part, dict) and isinstance(part.get("paragraph"), dict)
        for element in part["paragraph"].get("elements") or []
        if isinstance(element, dict)
    ]
    return "".join(runs)


def _request(action: Action) -> dict[str, Any]:
    if action.action == "replace_all_text":
        if not action.text:
            raise NodeError("A replace_all_text action needs text: the text to find.")
        return {
            "replaceAllText": {
                "replaceText": action.replace_text,
                "containsText": {"text": action.text, "matchCase": action.match_case},
            }
        }
    where: dict[str, Any] = {"segmentId": action.segment_id}
    if action.index is not None:
        return {"insertText": {"text": action.text, "location": {**where, "index": action.index}}}
    return {"insertText": {"text": action.text, "endOfSegmentLocation": where}}


def create(secret: Secret, config: Config) -> dict[str, Any]:
    body: dict[str, Any] = {"name": config.title, "mimeType": DOCUMENT}
    if config.folder_id.strip():
        body["parents"] = [id_of(config.folder_id)]
    return drive_api.call(secret, "POST", "/drive/v3/files", "files.create (document)", json=body)


def get(secret: Secret, config: Config) -> dict[str, Any]:
    doc_id = document_id(config.document_id)
    document = docs_api.call(secret, "GET", doc_id, "", "documents.get")
    if config.simplify:
        return {"documentId": doc_id, "content": plain_text(document)}
    return document


def update(secret: Secret, config: Config) -> dict[str, Any]:
    doc_id = document_id(config.document_id)
    if not isinstance(config.actions, list) or not config.actions:
        raise NodeError("actions did not render to a list of changes.")
    body = {"requests": [_request(Action.model_validate(a)) for a in config.actions]}
    answer = docs_api.call(
        secret, "POST", doc_id, ":batchUpdate", "documents.batchUpdate", json=body
    )
    if config.simplify:
        replies = answer.get("replies") or [{}]
        first = replies[0] if isinstance(replies[0], dict) else {}
        inner: Any = next(iter(first.values()), {}) if first else {}
        answer = dict(inner) if isinstance(inner, dict) else {}
    return {**answer, "documentId": doc_id}


def run(config: Config, ctx: RunContext) -> dict[str, Any]:
    """create: Drive's file; get: {documentId, content} or the document; update: the first
    change's answer (or the batch's) with documentId."""
    secret, _ = credential_for(ctx, config.operation, ServiceAccountKey)
    return {"create": create, "get": get, "update": update}[config.operation](secret, config)


NODE = NodeType(
    type="app.google_docs",
    label="Google Docs",
    category="app",
    description="Creates Google Docs, reads a document's text and inserts or replaces text in "
    "it, as a service account.",
    Config=Config,
    run=run,
    credential_kinds=(ServiceAccountKey.kind,),
    icon="▤",
    examples=(
        (
            "Create a Google Doc titled after the request in folder 1FoLdEr, credential 3",
            {
                "credential": 3,
                "operation": "create",
                "title": "RFP answers {{ trigger.body.client }}",
                "folder_id": "1FoLdEr",
            },
        ),
        (
            "Read the text of the Google Doc whose id the previous step found",
            {"operation": "get", "document_id": "{{ nodes.find.id }}"},
        ),
        (
            "Append the agent's answer to the end of document 1DoCiD",
            {
                "operation": "update",
                "document_id": "1DoCiD",
                "actions": [{"action": "insert_text", "text": "{{ nodes.agent.response }}\n"}],
            },
        ),
    ),
)
