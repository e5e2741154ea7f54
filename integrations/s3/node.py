"""app.s3: put, get and list objects in an S3 bucket (or an S3-compatible store)."""

from __future__ import annotations

import base64
import binascii
from typing import Any, Literal

from pydantic import Field

from integrations.operations import OperationConfig, used_by
from integrations.s3 import s3_api
from integrations.s3.credentials import AccessKey
from integrations.service import credential_for
from workfuse.lib.node_run import NodeError, RunContext
from workfuse.lib.node_types import NodeType

MAX_GET_BYTES = 5 * 1024 * 1024  # an object read into a step's output; bigger ones are refused


class Config(OperationConfig):
    credential: int | None = Field(
        None, ge=1, description="Your S3 access key credential. Needed to run."
    )
    operation: Literal["put_object", "get_object", "list_objects"] = Field(
        "put_object",
        description="put_object: store text or base64 bytes under a key. get_object: read an "
        "object (text, or base64 when it is not UTF-8). list_objects: the keys under a prefix.",
    )
    bucket: str = Field(
        "",
        description="The bucket's name, e.g. acme-reports.",
        json_schema_extra=used_by("put_object", "get_object", "list_objects", required=True),
    )
    key: str = Field(
        "",
        description="The object's key (its path in the bucket), e.g. "
        "'orders/{{ trigger.body.id }}.json'.",
        json_schema_extra=used_by("put_object", "get_object", required=True),
    )
    content: str = Field(
        "",
        description="What to store: text (a template such as '{{ nodes.report.result }}'), or "
        "base64 bytes with encoding base64.",
        json_schema_extra=used_by("put_object"),
    )
    encoding: Literal["text", "base64"] = Field(
        "text",
        description="How content is given: text (stored as UTF-8) or base64 (decoded to bytes).",
        json_schema_extra=used_by("put_object"),
    )
    content_type: str = Field(
        "",
        description="The object's Content-Type, e.g. application/json (default: text/plain for "
        "text, application/octet-stream for base64).",
        json_schema_extra=used_by("put_object"),
    )
    max_bytes: int = Field(
        1024 * 1024,
        ge=1,
        le=MAX_GET_BYTES,
        description="The largest object get_object reads (bytes, at most 5 MB); a bigger one "
        "fails the step without being read.",
        json_schema_extra=used_by("get_object"),
    )
    prefix: str = Field(
        "",
        description="Only keys starting with this, e.g. 'orders/2026-'. Empty: every key.",
        json_schema_extra=used_by("list_objects"),
    )
    max_keys: int = Field(
        100,
        ge=1,
        le=1000,
        description="At most this many keys (1 to 1000).",
        json_schema_extra=used_by("list_objects"),
    )
    continuation_token: str = Field(
        "",
        description="Optional: the next_continuation_token of an earlier list_objects, to get "
        "the keys after it.",
        json_schema_extra=used_by("list_objects"),
    )

    def body(self) -> bytes:
        if self.encoding == "text":
            return self.content.encode()
        try:
            return base64.b64decode(self.content, validate=True)
        except (binascii.Error, ValueError):
            raise NodeError(
                "content is not valid base64 (encoding is base64): give base64 text, or set "
                "encoding to text."
            ) from None


def _put(config: Config, ctx: RunContext) -> dict[str, Any]:
    secret, _ = credential_for(ctx, config.operation, AccessKey)
    data = config.body()
    default_type = "text/plain; charset=utf-8" if config.encoding == "text" else None
    content_type = config.content_type or default_type or "application/octet-stream"
    answer = s3_api.call(
        secret,
        "PutObject",
        lambda s3: s3.put_object(
            Bucket=config.bucket, Key=config.key, Body=data, ContentType=content_type
        ),
    )
    return {
        "bucket": config.bucket,
        "key": config.key,
        "size": len(data),
        "etag": str(answer.get("ETag", "")).strip('"'),
        "version_id": answer.get("VersionId"),
    }


def _read(config: Config, answer: dict[str, Any]) -> bytes:
    body = answer["Body"]
    try:
        size = int(answer.get("ContentLength") or 0)
        if size > config.max_bytes:
            raise NodeError(
                f"The object {config.key} is {size} bytes, over max_bytes ({config.max_bytes}): "
                "raise max_bytes (up to 5 MB) or read a smaller object."
            )
        data = body.read(config.max_bytes + 1)
    finally:
        body.close()
    if len(data) > config.max_bytes:
        raise NodeError(f"The object {config.key} is over max_bytes ({config.max_bytes}).")
    return bytes(data)


def _get(config: Config, ctx: RunContext) -> dict[str, Any]:
    secret, _ = credential_for(ctx, config.operation, AccessKey)

    def get(s3: Any) -> tuple[dict[str, Any], bytes]:
        answer = s3.get_object(Bucket=config.bucket, Key=config.key)
        return answer, _read(config, answer)

    answer, data = s3_api.call(secret, "GetObject", get)
    try:
        content, encoding = data.decode("utf-8"), "text"
    except UnicodeDecodeError:
        content, encoding = base64.b64encode(data).decode("ascii"), "base64"
    modified = answer.get("LastModified")
    return {
        "bucket": config.bucket,
        "key": config.key,
        "content": content,
        "encoding": encoding,
        "content_type": answer.get("ContentType", ""),
        "size": len(data),
        "etag": str(answer.get("ETag", "")).strip('"'),
        "last_modified": modified.isoformat() if modified else None,
        "metadata": answer.get("Metadata", {}),
    }


# --- svcc ---
def _as_s3_names(item: dict[str, Any]) -> dict[str, Any]:
    """An object as S3 lists it (n8n's S3 items: `$json["Key"]` reads the same here)."""
    modified = item.get("LastModified")
    return {
        "Key": item["Key"],
        "LastModified": modified.isoformat() if modified else None,
        "ETag": item.get("ETag"),
        "Size": item.get("Size", 0),
        "StorageClass": item.get("StorageClass"),
    }


# --- end svcc ---
def _list(config: Config, ctx: RunContext) -> dict[str, Any]:
    secret, _ = credential_for(ctx, config.operation, AccessKey)
    request: dict[str, Any] = {"Bucket": config.bucket, "MaxKeys": config.max_keys}
    if config.prefix:
        request["Prefix"] = config.prefix
    if config.continuation_token:
        request["ContinuationToken"] = config.continuation_token
    answer = s3_api.call(secret, "ListObjectsV2", lambda s3: s3.list_objects_v2(**request))
    objects = [
        {
            "key": item["Key"],
            "size": item.get("Size", 0),
            "last_modified": item["LastModified"].isoformat() if item.get("LastModified") else None,
            "etag": str(item.get("ETag", "")).strip('"'),
            # --- svcc: S3's own names too, as n8n's S3 node outputs each object ---
            **_as_s3_names(item),
            # --- end svcc ---
        }
        for item in answer.get("Contents", [])
    ]
    return {
        "objects": objects,
        "count": len(objects),
        "is_truncated": bool(answer.get("IsTruncated")),
        "next_continuation_token": answer.get("NextContinuationToken"),
    }


def run(config: Config, ctx: RunContext) -> dict[str, Any]:
    """put_object: {bucket, key, size, etag, version_id}; get_object: {bucket, key, content,
    encoding, content_type, size, etag, last_modified, metadata}; list_objects: {objects:[{key,
    size, last_modified, etag}], count, is_truncated, next_continuation_token}."""
    if config.operation == "get_object":
        return _get(config, ctx)
    if config.operation == "list_objects":
        return _list(config, ctx)
    return _put(config, ctx)


NODE = NodeType(
    type="app.s3",
    label="S3",
    category="app",
    description="Stores, reads or lists objects in an Amazon S3 bucket or an S3-compatible "
    "store (MinIO, R2, …); outputs the object or the keys found.",
    Config=Config,
    run=run,
    credential_kinds=(AccessKey.kind,),
    icon="▤",
    examples=(
        (
            "Save the webhook body as JSON to orders/<id>.json in the acme-orders bucket, "
            "credential 6",
            {
                "credential": 6,
                "operation": "put_object",
                "bucket": "acme-orders",
                "key": "orders/{{ trigger.body.id }}.json",
                "content": "{{ trigger.body | tojson }}",
                "content_type": "application/json",
            },
        ),
        (
            "Read reports/latest.csv from the acme-reports bucket",
            {"operation": "get_object", "bucket": "acme-reports", "key": "reports/latest.csv"},
        ),
        (
            "List up to 50 files under invoices/2026/ in the acme-billing bucket",
            {
                "operation": "list_objects",
                "bucket": "acme-billing",
                "prefix": "invoices/2026/",
                "max_keys": 50,
            },
        ),
    ),
)
