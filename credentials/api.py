"""/api/credentials (DESIGN §8): values are write-only and never returned."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from credentials import connection, store
from credentials.models import Credential
from credentials.vault import VaultError
from integrations import registry
from integrations.service import is_secret
from workfuse.lib.api_errors import ApiError
from workfuse.lib.params import Pagination, RowId
from workfuse.lib.requests import ApiRequest

router = Router(tags=["credentials"])


def _integration_fields() -> str:
    """Each integration kind's fields, for the API's description (secret ones marked)."""
    lines = []
    for kind in registry.KINDS.values():
        infos = kind.Fields.model_fields
        fields = ", ".join(
            name
            + (" (secret)" if is_secret(infos[name].annotation) else "")
            + ("" if infos[name].is_required() else " (optional)")
            for name in kind.field_names
        )
        lines.append(f"'{kind.kind}' ({kind.label}): {{{fields}}}")
    return "; ".join(lines)


class CredentialIn(Schema):
    name: str = Field(..., max_length=100)
    kind: str = Field(
        ...,
        description="api_key, bearer, basic, header, ai_provider, webhook_secret or "
        "pdf_password, or an "
        "integration's kind (" + ", ".join(registry.KINDS) + ").",
    )
    value: Any = Field(
        ...,
        description="The secret: a string, or {username, password} for kind 'basic'. For an "
        "integration's kind, an object of its fields: " + _integration_fields() + ". Secret "
        "fields are write-only (never returned); the others are returned as `settings`.",
    )


class CredentialUpdate(Schema):
    name: str | None = Field(None, max_length=100, description="A new name.")
    value: Any = Field(
        None,
        description="A new value (rotation): the reference stays, workflows don't change. For "
        "an integration's kind, only the fields given change (null clears an optional one).",
    )


class CredentialOut(Schema):
    id: int
    name: str
    kind: str
    settings: dict[str, Any] = Field(
        description="An integration credential's non-secret fields (base_url, ...)."
    )
    created_at: datetime
    updated_at: datetime
    rotated_at: datetime | None
    last_used_at: datetime | None


class TestResult(Schema):
    ok: bool
    message: str = Field(description="The service's answer, in a sentence.")


class WorkflowRef(Schema):
    id: int
    name: str


def _own(request: ApiRequest, credential_id: RowId) -> Credential:
    return get_object_or_404(Credential, pk=credential_id, owner=request.auth)


def _call(action: Any, *args: Any, **kwargs: Any) -> Any:
    try:
        return action(*args, **kwargs)
    except store.CredentialRefused as exc:
        details = [{"field": field, "message": message} for field, message in exc.errors]
        raise ApiError(400, "invalid", exc.message, details) from exc
    except store.CredentialInUse as exc:
        raise ApiError(
            409, "in_use", str(exc), [{"id": w.pk, "name": w.name} for w in exc.workflows]
        ) from exc
    except VaultError as exc:
        raise ApiError(
            503, "vault_unavailable", f"The credential vault did not answer: {exc}"
        ) from exc


@router.get("", response=list[CredentialOut], summary="List my credentials (never their values)")
@paginate(Pagination)
def list_credentials(request: ApiRequest) -> QuerySet[Credential]:
    return Credential.objects.filter(owner=request.auth)


@router.post("", response={201: CredentialOut}, summary="Create a credential")
def create_credential(request: ApiRequest, payload: CredentialIn) -> Status[Credential]:
    return Status(
        201, _call(store.create, request.auth, payload.name, payload.kind, payload.value, request)
    )


@router.put("/{credential_id}", response=CredentialOut, summary="Rotate the value and/or rename")
def update_credential(
    request: ApiRequest, credential_id: RowId, payload: CredentialUpdate
) -> Credential:
    credential = _own(request, credential_id)
    _call(store.update, credential, name=payload.name, value=payload.value, request=request)
    return credential


@router.delete("/{credential_id}", response={204: None}, summary="Delete (refused while in use)")
def delete_credential(request: ApiRequest, credential_id: RowId) -> Status[None]:
    _call(store.delete, _own(request, credential_id), request)
    return Status(204, None)


@router.get("/{credential_id}/usage", response=list[WorkflowRef], summary="Workflows that use it")
def credential_usage(request: ApiRequest, credential_id: RowId) -> list[Any]:
    return store.usage(_own(request, credential_id))


@router.post(
    "/{credential_id}/test",
    response=TestResult,
    summary="Test connection: a harmless real call to the service",
    description="For an integration's credential: asks the service whether it accepts the "
    "credential (Slack auth.test, Telegram getMe, ...). `ok` is false with the service's own "
    "words when it does not. Base kinds (api_key, bearer, ...) answer 400 not_testable.",
)
def test_credential(request: ApiRequest, credential_id: RowId) -> connection.Result:
    credential = _own(request, credential_id)
    try:
        return _call(connection.test, credential, request)
    except connection.NotTestable as exc:
        raise ApiError(400, "not_testable", str(exc)) from exc
