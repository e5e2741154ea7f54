"""/api/credentials (DESIGN §8): values are write-only and never returned."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from credentials import store
from credentials.models import Credential
from credentials.vault import VaultError
from workfuse.lib.api_errors import ApiError
from workfuse.lib.params import Pagination, RowId
from workfuse.lib.requests import ApiRequest

router = Router(tags=["credentials"])


class CredentialIn(Schema):
    name: str = Field(..., max_length=100)
    kind: Credential.Kind
    value: Any = Field(
        ...,
        description="The secret: a string, or {username, password} for kind 'basic'. "
        "Write-only: it is never returned.",
    )


class CredentialUpdate(Schema):
    name: str | None = Field(None, max_length=100, description="A new name.")
    value: Any = Field(
        None, description="A new value (rotation): the reference stays, workflows don't change."
    )


class CredentialOut(Schema):
    id: int
    name: str
    kind: str
    created_at: datetime
    updated_at: datetime
    rotated_at: datetime | None
    last_used_at: datetime | None


class WorkflowRef(Schema):
    id: int
    name: str


def _own(request: ApiRequest, credential_id: RowId) -> Credential:
    return get_object_or_404(Credential, pk=credential_id, owner=request.auth)


def _call(action: Any, *args: Any, **kwargs: Any) -> Any:
    try:
        return action(*args, **kwargs)
    except store.CredentialRefused as exc:
        raise ApiError(
            400, "invalid", exc.message, [{"field": exc.field, "message": exc.message}]
        ) from exc
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
