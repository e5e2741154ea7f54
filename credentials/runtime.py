"""Resolving a credential inside a running step (and nowhere else)."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.utils import timezone

from accounts.models import SecurityEvent
from credentials.models import Credential
from credentials.store import decode_value
from credentials.vault import VaultError, get_vault
from workfuse.lib.node_run import NodeError, Secret


def resolve(
    owner_id: int,
    credential_id: int,
    kinds: tuple[str, ...],
    *,
    execution_id: str = "",
    node_id: str = "",
) -> Secret:
    """The credential's value for one step. Raises a non-retryable NodeError a user can act on."""
    credential = Credential.objects.filter(pk=credential_id, owner_id=owner_id).first()
    if credential is None:
        raise NodeError(
            f"Credential {credential_id} does not exist (or is not yours); choose another one."
        )
    if kinds and credential.kind not in kinds:
        raise NodeError(
            f"Credential “{credential.name}” is a {credential.get_kind_display()}; this node needs "
            f"one of: {', '.join(kinds)}."
        )
    try:
        value = decode_value(credential.kind, get_vault().get(credential.secret_ref))
    except VaultError as exc:
        raise NodeError(
            f"Credential “{credential.name}” could not be read from the vault: {exc}",
            retryable=True,
        ) from exc
    Credential.objects.filter(pk=credential.pk).update(last_used_at=timezone.now())
    SecurityEvent.record(
        SecurityEvent.Kind.CREDENTIAL_RESOLVED,
        user=credential.owner,
        credential=credential.pk,
        execution=execution_id,
        node=node_id,
    )
    return Secret(
        kind=credential.kind, value=value, settings=dict(credential.settings), name=credential.name
    )


def owned_credentials(owner: User) -> dict[int, str]:
    """id -> kind of the owner's credentials (for graph validation)."""
    return dict(Credential.objects.filter(owner=owner).values_list("id", "kind"))
