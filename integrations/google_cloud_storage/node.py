"""app.google_cloud_storage: a bucket's objects listed (by prefix, page after page), one
object's metadata read, one object deleted, through the Cloud Storage JSON API v1 as the
service account of a Google key (the Sheets package's token, with Cloud Storage's scope)."""

from __future__ import annotations

from typing import Any, Literal
from urllib.parse import quote

from pydantic import Field

from integrations import http
from integrations.gmail import gmail_api
from integrations.google_sheets import sheets_api
from integrations.google_sheets.credentials import ServiceAccountKey
from integrations.operations import OperationConfig, used_by
from integrations.service import credential_for, read_fields
from workfuse.lib.node_run import NodeError, RunContext, Secret
from workfuse.lib.node_types import NodeType

SCOPE = "https://www.googleapis.com/auth/devstorage.read_write"
BASE_URL = "https://storage.googleapis.com"
PAGE_MAX = 1000  # Cloud Storage's bound on maxResults
MAX_LIST = 10000
API = http.Api(
    "Google Cloud Storage",
    error_text=gmail_api._error_text,
    is_rate_limit=gmail_api._is_rate_limit,
    auth_statuses=frozenset({401}),
)

Operation = Literal["list_objects", "get_object", "delete_object"]
BY_NAME = ("get_object", "delete_object")


class Config(OperationConfig):
    credential: int | None = Field(
        None, ge=1, description="Your Google service-account key credential. Needed to run."
    )
    operation: Operation = Field(
        "list_objects",
        description="list_objects: a bucket's objects. get_object: one object's metadata. "
        "delete_object: delete one object.",
    )
    bucket: str = Field(
        "",
        description="The bucket's name.",
        json_schema_extra=used_by("list_objects", *BY_NAME, required=True),
    )
    object_name: str = Field(
        "",
        description="The object's name (its path in the bucket: photos/cat.png).",
        json_schema_extra=used_by(*BY_NAME, required=True),
    )
    prefix: str = Field(
        "",
        description="list_objects: only the objects whose names start with this.",
        json_schema_extra=used_by("list_objects"),
    )
    delimiter: str = Field(
        "",
        description="list_objects: group names by this (/: only the prefix's own level; the "
        "deeper folders come as `prefixes`).",
        json_schema_extra=used_by("list_objects"),
    )
    max_results: int = Field(
        1000,
        ge=1,
        le=MAX_LIST,
        description="list_objects: at most this many objects.",
        json_schema_extra=used_by("list_objects"),
    )


class Bucket:
    """One bucket for one step: one access token for all its calls."""

    def __init__(self, secret: Secret, name: str) -> None:
        self.secret = secret
        base = read_fields(ServiceAccountKey, secret).base_url or BASE_URL
        self.base = f"{base}/storage/v1/b/{quote(name.strip(), safe='')}"
        self._token: str | None = None

    def call(self, method: str, path: str, what: str, **body: Any) -> dict[str, Any]:
        if self._token is None:
            self._token = sheets_api.access_token(self.secret, SCOPE)
        headers = {"Authorization": f"Bearer {self._token}"}
        url = f"{self.base}{path}"
        reply = http.send(API, self.secret, method, url, what=what, headers=headers, **body)
        if reply.body in ("", None):
            return {}
        if not isinstance(reply.body, dict):
            raise NodeError(
                f"Google Cloud Storage answered {what} with something that is not JSON."
            )
        return reply.body


def _list(bucket: Bucket, config: Config) -> dict[str, Any]:
    params: dict[str, Any] = {}
    for name, value in (("prefix", config.prefix), ("delimiter", config.delimiter)):
        if value:
            params[name] = value
    found: list[Any] = []
    prefixes: list[str] = []
    while len(found) < config.max_results:
        params["maxResults"] = min(config.max_results - len(found), PAGE_MAX)
        page = bucket.call("GET", "/o", "objects.list", params=params)
        found += page.get("items") or []
        prefixes += page.get("prefixes") or []
        if not page.get("nextPageToken"):
            break
        params["pageToken"] = page["nextPageToken"]
    objects = found[: config.max_results]
    return {"objects": objects, "count": len(objects), "prefixes": prefixes}


def run(config: Config, ctx: RunContext) -> Any:
    """list_objects: {objects, count, prefixes}; get_object: Google's object metadata (name,
    bucket, size, contentType, mediaLink, selfLink…); delete_object: {success: true}."""
    secret, _ = credential_for(ctx, config.operation, ServiceAccountKey)
    bucket = Bucket(secret, config.bucket)
    if config.operation == "list_objects":
        return _list(bucket, config)
    path = f"/o/{quote(config.object_name, safe='')}"
    if config.operation == "get_object":
        return bucket.call("GET", path, "objects.get")
    bucket.call("DELETE", path, "objects.delete")
    return {"success": True}


NODE = NodeType(
    type="app.google_cloud_storage",
    label="Google Cloud Storage",
    category="app",
    description="Lists the objects of a Google Cloud Storage bucket, reads an object's "
    "metadata, deletes an object.",
    Config=Config,
    run=run,
    credential_kinds=(ServiceAccountKey.kind,),
    icon="🪣",
    examples=(
        (
            "List the objects under crops/ in the Cloud Storage bucket n8n-demo with credential 3",
            {
                "credential": 3,
                "operation": "list_objects",
                "bucket": "n8n-demo",
                "prefix": "crops/",
            },
        ),
        (
            "Read the metadata of photos/cat.png in the Cloud Storage bucket n8n-demo",
            {"operation": "get_object", "bucket": "n8n-demo", "object_name": "photos/cat.png"},
        ),
        (
            "Delete photos/cat.png from the Cloud Storage bucket n8n-demo",
            {"operation": "delete_object", "bucket": "n8n-demo", "object_name": "photos/cat.png"},
        ),
    ),
)
