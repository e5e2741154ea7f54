"""app.google_firebase_database: the data at a path of a Firebase Realtime Database read (GET),
set (PUT), pushed to (POST: a new child with a generated key), updated (PATCH) or deleted, over
the database's REST API (`https://<project>.firebaseio.com/<path>.json`) as the service account
of a Google key. Errors are Firebase's `{"error": "…"}` (401 Permission denied)."""

from __future__ import annotations

from typing import Any, Literal
from urllib.parse import quote

from pydantic import Field, field_validator

from integrations import http
from integrations.google_sheets import sheets_api
from integrations.google_sheets.credentials import ServiceAccountKey
from integrations.operations import OperationConfig, json_object, used_by
from integrations.service import credential_for, read_fields
from workfuse.lib.node_run import NodeError, RunContext
from workfuse.lib.node_types import NodeType

# Firebase asks for both scopes; google-auth puts the text as it is in the token's scope claim.
SCOPES = (
    "https://www.googleapis.com/auth/firebase.database "
    "https://www.googleapis.com/auth/userinfo.email"
)
METHODS = {"get": "GET", "set": "PUT", "push": "POST", "update": "PATCH", "delete": "DELETE"}
WRITING = ("set", "push", "update")


def _error_text(body: Any) -> str | None:
    if isinstance(body, dict) and isinstance(body.get("error"), str):
        return str(body["error"])
    return sheets_api.error_text(body)


API = http.Api("Firebase Realtime Database", error_text=_error_text, auth_statuses=frozenset({401}))


class Config(OperationConfig):
    credential: int | None = Field(
        None, ge=1, description="Your Google service-account key credential. Needed to run."
    )
    operation: Literal["get", "set", "push", "update", "delete"] = Field(
        "get",
        description="get: the data at the path. set: replace it. push: add a child with a new "
        "key. update: change some of its children. delete: remove it.",
    )
    project_id: str = Field(
        "",
        description="The Firebase project's id (its database is https://<id>.firebaseio.com), "
        "unless database_url is set.",
        json_schema_extra=used_by(*METHODS),
    )
    database_url: str = Field(
        "",
        description="The database's address when it is not https://<project>.firebaseio.com "
        "(https://<project>-default-rtdb.europe-west1.firebasedatabase.app).",
        json_schema_extra=used_by(*METHODS),
    )
    path: str = Field(
        "",
        description="The path in the database (users/ada); empty: the root.",
        json_schema_extra=used_by(*METHODS),
    )
    data: Any = Field(
        None,
        description='set / push / update: the data, as a JSON object ({"latitude": 51.5}).',
        json_schema_extra=used_by(*WRITING, required=True),
    )

    @field_validator("data", mode="before")
    @classmethod
    def _data(cls, value: Any) -> Any:
        return json_object(value, "data")


def _url(config: Config, base_url: str | None) -> str:
    root = config.database_url.strip().rstrip("/") or base_url
    if not root:
        if not config.project_id.strip():
            raise NodeError("Set the project_id (or the database_url) of the Firebase database.")
        root = f"https://{quote(config.project_id.strip(), safe='')}.firebaseio.com"
    path = "/".join(quote(p, safe="") for p in config.path.strip("/").split("/") if p)
    return f"{root}/{path}.json"


def run(config: Config, ctx: RunContext) -> Any:
    """The data at the path as Firebase answers it (get: `{value}` when it is not an object);
    push: `{name}` (the new child's key); set / update: the data written; delete:
    `{success: true}`."""
    secret, _ = credential_for(ctx, config.operation, ServiceAccountKey)
    url = _url(config, read_fields(ServiceAccountKey, secret).base_url)
    body: dict[str, Any] = {}
    if config.operation in WRITING:
        if not isinstance(config.data, dict):
            raise NodeError("The data field must render to a JSON object.")
        body["json"] = config.data
    token = sheets_api.access_token(secret, SCOPES)
    headers = {"Authorization": f"Bearer {token}"}
    method = METHODS[config.operation]
    reply = http.send(API, secret, method, url, what=config.operation, headers=headers, **body)
    if config.operation == "delete":
        return {"success": True}
    return reply.body if isinstance(reply.body, dict) else {"value": reply.body}


NODE = NodeType(
    type="app.google_firebase_database",
    label="Google Firebase Realtime Database",
    category="app",
    description="Reads, writes, pushes to, updates and deletes the data at a path of a Firebase "
    "Realtime Database.",
    Config=Config,
    run=run,
    credential_kinds=(ServiceAccountKey.kind,),
    icon="🔥",
    examples=(
        (
            "Read users/ada from the Firebase database of project acme-app with credential 3",
            {"credential": 3, "operation": "get", "project_id": "acme-app", "path": "users/ada"},
        ),
        (
            "Set users/ada to name Ada in the Firebase database of project acme-app",
            {
                "operation": "set",
                "project_id": "acme-app",
                "path": "users/ada",
                "data": {"name": "Ada"},
            },
        ),
        (
            "Push the ISS position to iss in the Firebase database of project acme-app",
            {
                "operation": "push",
                "project_id": "acme-app",
                "path": "iss",
                "data": {"latitude": "{{ item.latitude }}"},
            },
        ),
        (
            "Update the score of users/ada to 10 in the Firebase database of project acme-app",
            {
                "operation": "update",
                "project_id": "acme-app",
                "path": "users/ada",
                "data": {"score": 10},
            },
        ),
        (
            "Delete users/ada from the Firebase database of project acme-app",
            {"operation": "delete", "project_id": "acme-app", "path": "users/ada"},
        ),
    ),
)
