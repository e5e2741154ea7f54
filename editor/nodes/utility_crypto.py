"""utility.crypto: hash or sign a value with a stored key, or make a UUID or random token."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import uuid
from typing import Any, Literal

from pydantic import Field

from editor.nodes import items as data
from editor.nodes.base import NodeConfig, NodeError, NodeType, RunContext
from workfuse.lib import files


class Config(NodeConfig):
    operation: Literal["hash", "hmac", "uuid", "random"] = Field(
        "hash",
        description="hash: a digest of the value. hmac: the value signed with the credential's "
        "key (as webhooks are signed). uuid: a random UUID (version 4). random: 'length' random "
        "bytes, as a token.",
    )
    algorithm: Literal["md5", "sha1", "sha256", "sha512"] = Field(
        "sha256", description="For hash and hmac: md5, sha1, sha256 or sha512."
    )
    value: Any = Field(
        "",
        description="For hash and hmac: the text to hash or sign, usually a template such as "
        "'{{ trigger.body | tojson }}'. Objects and lists are taken as compact JSON.",
    )
    # --- fileops ---
    file: Any = Field(
        None,
        description="For hash and hmac: a file value (usually a template such as "
        "'{{ nodes.download.file }}') whose bytes are hashed or signed instead of 'value'.",
    )
    # --- end fileops ---
    encoding: Literal["hex", "base64"] = Field(
        "hex", description="How hash, hmac and random results are written: hex or base64."
    )
    credential: int | None = Field(
        None,
        ge=1,
        validate_default=True,
        description="For hmac: the credential holding the key (a webhook secret or API key). "
        "The key never appears in the output. Needed to run.",
    )
    length: int = Field(32, ge=1, le=1024, description="For random: how many bytes, 1 to 1024.")
    output_field: str = Field("", max_length=200, description=data.OUTPUT_FIELD_HELP)
    input: Any = Field(None, description=data.INTO_HELP)


def _bytes(value: Any) -> bytes:
    if isinstance(value, str):
        return value.encode()
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode()


def _file_bytes(value: Any) -> bytes:
    try:
        return files.read(value, "file").data
    except files.FileError as exc:
        raise NodeError(str(exc)) from None


def _key(config: Config, ctx: RunContext) -> bytes:
    secret = ctx.secret
    if config.credential is None:  # a slot left to fill, as an n8n import leaves it
        raise NodeError(
            "hmac needs a credential holding the key: choose one (a webhook secret or API key) "
            "in this node's settings."
        )
    if secret is None or not isinstance(secret.value, str) or not secret.value:
        raise NodeError(
            "hmac needs a credential holding one secret value (a webhook secret or API key)."
        )
    return secret.value.encode()


def _encoded(digest: bytes, encoding: str) -> str:
    return digest.hex() if encoding == "hex" else base64.b64encode(digest).decode("ascii")


def run(config: Config, ctx: RunContext) -> dict[str, Any]:
    """{result}: the digest, signature or token as text (or `input` with it as output_field)."""
    return data.with_result(_result(config, ctx), config.output_field, config.input)


def _result(config: Config, ctx: RunContext) -> str:
    if config.operation == "uuid":
        return str(uuid.uuid4())
    if config.operation == "random":
        return _encoded(secrets.token_bytes(config.length), config.encoding)
    message = _bytes(config.value) if config.file is None else _file_bytes(config.file)
    if config.operation == "hmac":
        digest = hmac.new(_key(config, ctx), message, config.algorithm).digest()
    else:
        # md5 and sha1 are here to match what other systems send, not to protect anything.
        digest = hashlib.new(config.algorithm, message, usedforsecurity=False).digest()
    return _encoded(digest, config.encoding)


NODE = NodeType(
    contained=True,
    type="utility.crypto",
    label="Crypto",
    category="utility",
    description="Hashes (MD5, SHA-1, SHA-256, SHA-512) or HMAC-signs a value or a file's bytes "
    "with a stored key, "
    "or makes a UUID or a random token.",
    Config=Config,
    run=run,
    credential_kinds=("webhook_secret", "api_key"),
)
