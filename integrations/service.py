"""What an integration is (DESIGN §11): a service's credential kinds, its node type `app.<service>`
and the test call behind "Test connection".

A credential kind's fields are a pydantic model. A field typed `SecretStr` (or `SecretStr | None`)
is secret: write-only, kept only in the vault, never shown again. Every other field is a
setting (a `base_url`, say): stored on the credential's row, shown and editable. At run time a
node gets both in `ctx.secret` (`value`: the secret fields, `settings`: the others) and reads
them back as the model with `CredentialKind.read()`.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar, TypeVar
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError, field_validator

from workfuse.lib.node_run import NodeError, RunContext, Secret
from workfuse.lib.node_types import NodeType


def http_url(value: str, what: str = "an http:// or https:// URL") -> str:
    """`value` trimmed, without a trailing slash; ValueError unless it is an http(s) URL with a
    host."""
    value = value.strip().rstrip("/")
    parts = urlsplit(value)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise ValueError(f"must be {what} with a host")
    return value


def field_label(name: str) -> str:
    """A field's name as words: `webhook_url` is "webhook URL"."""
    return " ".join({"url": "URL", "id": "ID"}.get(word, word) for word in name.split("_"))


def secret_url(value: SecretStr) -> SecretStr:
    """A secret URL (a webhook's) trimmed and checked; the error never quotes it."""
    return SecretStr(http_url(value.get_secret_value()))


class CredentialFields(BaseModel):
    """Base of a credential kind's fields: unknown fields are refused, text is trimmed.
    Subclasses name their kind (`slack`: its value in `Credential.kind`) and its label."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    kind: ClassVar[str]
    label: ClassVar[str]


class ApiFields(CredentialFields):
    """Fields of a credential for a service's API: every such credential may point elsewhere than
    the public service (self-hosted, enterprise or regional servers, and tests' local fakes)."""

    base_url: str | None = Field(
        None,
        description="Leave empty for the public service. Set it for a self-hosted, enterprise "
        "or regional server (or a test server).",
    )

    @field_validator("base_url")
    @classmethod
    def _base_url(cls, value: str | None) -> str | None:
        if not value:
            return None
        if urlsplit(value.strip()).password is not None:
            # A setting is shown and never scrubbed: a password belongs in a secret field.
            raise ValueError("must not hold a password: it is shown on the page")
        return http_url(value)


F = TypeVar("F", bound=CredentialFields)


def is_secret(annotation: Any) -> bool:
    """Whether a field's type is SecretStr, alone or optional."""
    if annotation is SecretStr:
        return True
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        return SecretStr in typing.get_args(annotation)
    return False


def read_fields(fields: type[F], secret: Secret) -> F:
    """A credential's fields, from the secret a step (or a test) resolved."""
    secrets = secret.value if isinstance(secret.value, dict) else {}
    try:
        return fields.model_validate({**secret.settings, **secrets})
    except ValidationError as exc:  # stored before its kind changed: never quote the input
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        raise NodeError(
            f"The credential “{secret.name}” does not fit its kind {fields.kind} any more "
            f"({problems}): edit it on the Credentials page."
        ) from None


def credential_for(ctx: RunContext, operation: str, fields: type[F]) -> tuple[Secret, F]:
    """The step's credential and its fields, when it is of the kind `operation` needs."""
    secret = ctx.secret
    if secret is None:
        raise NodeError(
            f"Choose a credential in this node's settings: {operation} needs a {fields.label}."
        )
    if secret.kind != fields.kind:
        raise NodeError(
            f"The {operation} operation needs a {fields.label} credential; “{secret.name}” is "
            f"of kind {secret.kind}: choose another one."
        )
    return secret, read_fields(fields, secret)


@dataclass(frozen=True)
class CredentialKind:
    """One kind of credential for a service: its fields (whose `kind` is its name in
    `Credential.kind`) and its test."""

    Fields: type[CredentialFields]
    # "Test connection": a harmless real call; the service's answer in a sentence. Raises
    # NodeError (with the service's own words) when the service refuses.
    test: Callable[[Secret], str]

    @property
    def kind(self) -> str:
        return self.Fields.kind

    @property
    def label(self) -> str:
        return self.Fields.label

    @property
    def secret_fields(self) -> tuple[str, ...]:
        return tuple(n for n, f in self.Fields.model_fields.items() if is_secret(f.annotation))

    @property
    def field_names(self) -> tuple[str, ...]:
        """The secret fields, then the settings (a form shows them in this order)."""
        others = [n for n in self.Fields.model_fields if n not in self.secret_fields]
        return (*self.secret_fields, *others)

    def split(self, value: dict[str, Any]) -> tuple[dict[str, str], dict[str, Any]]:
        """`value` (the fields by name) validated, as (secret fields, settings); empty optional
        fields are left out. Raises pydantic's ValidationError."""
        fields = self.Fields.model_validate(value)
        secrets: dict[str, str] = {}
        settings: dict[str, Any] = {}
        for name in self.Fields.model_fields:
            current = getattr(fields, name)
            if current is None or current == "":
                continue
            if isinstance(current, SecretStr):
                secrets[name] = current.get_secret_value()
            else:
                settings[name] = fields.model_dump(mode="json", include={name})[name]
        return secrets, settings


@dataclass(frozen=True)
class Service:
    """An outside service: its credential kinds and its node type (`app.<name>`)."""

    name: str
    label: str
    kinds: tuple[CredentialKind, ...]
    node: NodeType
    # trigger.poll with `source` set to this service's name lists its items here, with a
    # credential of one of `kinds` and the poll's settings for the source (Google Sheets: the
    # spreadsheet, range and header row), instead of a plain request sending the credential as a bearer token.
    # Raises NodeError. None: the service is polled as any JSON API (GitHub's issues).
    poll: Callable[[Secret, dict[str, Any]], list[Any]] | None = None
