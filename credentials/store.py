"""Creating, rotating, renaming and deleting credentials, keeping the vault and the database
consistent: a failed vault write leaves no row; a failed row write leaves no secret."""

from __future__ import annotations

import json
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from pydantic import ValidationError

from accounts.models import SecurityEvent
from credentials.models import Credential, kind_choices
from credentials.vault import VaultError, get_vault
from integrations import registry
from integrations.service import CredentialKind, field_label

MAX_VALUE_LENGTH = 60_000


class CredentialRefused(Exception):
    """A user mistake, with a message naming the field (`value.<name>` for a field of an
    integration's credential). `errors` lists every (field, message), the first one included."""

    def __init__(self, field: str, message: str, errors: list[tuple[str, str]] | None = None):
        self.field, self.message = field, message
        self.errors = errors or [(field, message)]
        super().__init__(message)


class CredentialInUse(Exception):
    def __init__(self, workflows: list[Any]):  # editor Workflows (a layer above)
        self.workflows = workflows
        names = ", ".join(f"“{w.name}”" for w in workflows)
        super().__init__(
            f"Used by {len(workflows)} workflow(s): {names}. Remove it from them first."
        )


def encode_value(kind: str, value: Any) -> str:
    """What goes into the vault: a string; basic auth as JSON {username, password}."""
    if kind == Credential.Kind.BASIC:
        if (
            not isinstance(value, dict)
            or not value.get("username")
            or value.get("password") in (None, "")
        ):
            raise CredentialRefused("value", "Basic credentials need a username and a password.")
        pair = {
            "username": _text(str(value["username"])),
            "password": _text(str(value["password"])),
        }
        return json.dumps(pair)
    if not isinstance(value, str) or not value.strip():
        raise CredentialRefused("value", "Enter the secret value.")
    if len(value) > MAX_VALUE_LENGTH:
        raise CredentialRefused("value", "The value is longer than 60,000 characters.")
    return _text(value.strip())


def encode_fields(kind: CredentialKind, value: Any) -> tuple[str, dict[str, Any]]:
    """An integration credential's fields, checked by its model: what goes into the vault (the
    secret fields as JSON) and the settings kept on the row (the others)."""
    if not isinstance(value, dict):
        names = ", ".join(kind.Fields.model_fields)
        raise CredentialRefused(
            "value", f"A {kind.label} credential's value is an object of its fields: {names}."
        )
    try:
        secrets, settings = kind.split(value)
    except ValidationError as exc:
        errors = [_field_error(kind, error) for error in exc.errors()]
        raise CredentialRefused(*errors[0], errors=errors) from None
    encoded = _text(json.dumps(secrets, ensure_ascii=False))
    if len(encoded) + len(json.dumps(settings)) > MAX_VALUE_LENGTH:
        raise CredentialRefused("value", "The fields are longer than 60,000 characters in all.")
    return encoded, settings


def _field_error(kind: CredentialKind, error: Any) -> tuple[str, str]:
    """(field, message) for one of pydantic's errors; never quoting the input (a secret)."""
    name = str(error["loc"][0]) if error["loc"] else ""
    label = field_label(name)
    if error["type"] in ("missing", "too_short"):
        message = f"Enter the {label}."
    elif error["type"] == "extra_forbidden":
        names = ", ".join(kind.Fields.model_fields)
        message = f"Unknown field '{name}': a {kind.label} credential has {names}."
    elif error["type"] in ("string_type", "string_sub_type"):
        message = f"The {label} must be text."
    else:
        message = f"The {label} {error['msg'].removeprefix('Value error, ')}."
    return (f"value.{name}" if name else "value", message)


def _text(value: str) -> str:
    # A lone surrogate (possible through JSON escapes) cannot be encoded: refuse it here rather
    # than fail later with an error whose repr carries the value.
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise CredentialRefused(
            "value", "The value contains characters that are not valid text."
        ) from None
    return value


def decode_value(kind: str, stored: str) -> Any:
    """The value as a step reads it: basic auth and integrations' secret fields as a dict."""
    if kind == Credential.Kind.BASIC or registry.credential_kind(kind) is not None:
        return json.loads(stored)
    return stored


def _check_name(owner: User, name: str, exclude: int | None = None) -> str:
    name = (name or "").strip()
    if not name:
        raise CredentialRefused("name", "Give the credential a name.")
    if len(name) > 100:
        raise CredentialRefused("name", "Names are at most 100 characters.")
    same = Credential.objects.filter(owner=owner, name=name)
    if exclude is not None:
        same = same.exclude(pk=exclude)
    if same.exists():
        raise CredentialRefused("name", f"You already have a credential named “{name}”.")
    return name


def _encode(kind: str, value: Any) -> tuple[str, dict[str, Any]]:
    """(what goes into the vault, the settings kept on the row) for a value of `kind`."""
    integration = registry.credential_kind(kind)
    if integration is not None:
        return encode_fields(integration, value)
    return encode_value(kind, value), {}


def kinds() -> list[str]:
    return [kind for kind, _ in kind_choices()]


def create(
    owner: User, name: str, kind: str, value: Any, request: HttpRequest | None = None
) -> Credential:
    if kind not in kinds():
        raise CredentialRefused(
            "kind", f"Unknown kind '{kind}'; choose one of {', '.join(kinds())}."
        )
    name = _check_name(owner, name)
    encoded, settings = _encode(kind, value)
    credential = Credential(owner=owner, name=name, kind=kind, settings=settings)
    vault = get_vault()
    credential.secret_ref = vault.create(
        owner.pk, str(credential.uuid), encoded, tags={"workfuse:kind": kind}
    )
    try:
        with transaction.atomic():
            credential.save()
            SecurityEvent.record(
                SecurityEvent.Kind.CREDENTIAL_CREATED,
                user=owner,
                request=request,
                credential=credential.pk,
                name=name,
                credential_kind=kind,
            )
    except Exception:
        vault.delete(credential.secret_ref)  # no orphan secret
        raise
    return credential


def rotate(credential: Credential, value: Any, request: HttpRequest | None = None) -> None:
    """A new value behind the same reference: workflows using it don't change. For an
    integration, `value` holds the fields to change: the others keep their value (a setting
    such as base_url is cleared with null or "")."""
    vault = get_vault()
    integration = registry.credential_kind(credential.kind)
    if integration is not None:
        value = _with_current_fields(credential, integration, value)
    encoded, settings = _encode(credential.kind, value)
    vault.put(credential.secret_ref, encoded)
    credential.settings = settings
    credential.rotated_at = timezone.now()
    credential.save(update_fields=["settings", "rotated_at", "updated_at"])
    SecurityEvent.record(
        SecurityEvent.Kind.CREDENTIAL_ROTATED,
        user=credential.owner,
        request=request,
        credential=credential.pk,
        name=credential.name,
    )


def _with_current_fields(credential: Credential, kind: CredentialKind, value: Any) -> Any:
    if not isinstance(value, dict):
        return value  # refused by encode_fields, naming the fields
    current = {**decode_value(credential.kind, get_vault().get(credential.secret_ref))}
    current.update(credential.settings)
    known = {k: v for k, v in current.items() if k in kind.Fields.model_fields}
    return {**known, **value}


def rename(credential: Credential, name: str) -> None:
    credential.name = _check_name(credential.owner, name, exclude=credential.pk)
    credential.save(update_fields=["name", "updated_at"])


def update(
    credential: Credential,
    *,
    name: str | None = None,
    value: Any = None,
    request: HttpRequest | None = None,
) -> None:
    """Rotate and/or rename. The name is checked first, so a refused request changes nothing."""
    if name is not None:
        _check_name(credential.owner, name, exclude=credential.pk)
    if value is not None:
        rotate(credential, value, request)
    if name is not None:
        rename(credential, name)


def usage(credential: Credential) -> list[Any]:
    """The owner's workflows whose current graph uses this credential (read through the
    owner's reverse relation: credentials sits below the editor and imports none of it)."""
    workflows = credential.owner.workflows.only("id", "name", "graph")
    return [w for w in workflows if credential.pk in credential_ids(w.graph)]


def credential_ids(graph: Any) -> set[int]:
    ids = set()
    for node in (graph or {}).get("nodes", []) if isinstance(graph, dict) else []:
        config = node.get("config") if isinstance(node, dict) else None
        if isinstance(config, dict) and isinstance(config.get("credential"), int):
            ids.add(config["credential"])
    return ids


def delete(credential: Credential, request: HttpRequest | None = None) -> None:
    workflows = usage(credential)
    if workflows:
        raise CredentialInUse(workflows)
    get_vault().delete(credential.secret_ref)  # idempotent: a retry after a failure is safe
    pk, name = credential.pk, credential.name
    credential.delete()
    SecurityEvent.record(
        SecurityEvent.Kind.CREDENTIAL_DELETED,
        user=credential.owner,
        request=request,
        credential=pk,
        name=name,
    )


__all__ = [
    "CredentialInUse",
    "CredentialRefused",
    "VaultError",
    "create",
    "delete",
    "rename",
    "rotate",
    "update",
    "usage",
]
