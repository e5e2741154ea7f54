"""“Test connection” (DESIGN §8, `POST /api/credentials/{id}/test`): an integration credential's
test call. The value is read from the vault for that one call, as a step reads it, and is
scrubbed from the answer and from any log line the call writes."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest

from accounts.models import SecurityEvent
from credentials.models import Credential
from credentials.store import decode_value
from credentials.vault import get_vault
from integrations import registry
from workfuse.lib import redaction
from workfuse.lib.node_run import NodeError, Secret


@dataclass(frozen=True)
class Result:
    ok: bool
    message: str  # the service's answer in a sentence


class NotTestable(Exception):
    """The credential is of a base kind: no service to ask."""


def test(credential: Credential, request: HttpRequest | None = None) -> Result:
    """Ask the service whether it accepts the credential. Raises NotTestable for base kinds and
    VaultError when the vault does not answer."""
    kind = registry.credential_kind(credential.kind)
    if kind is None:
        raise NotTestable(
            f"“{credential.name}” is a {credential.get_kind_display()}, which is not tied to one "
            "service: it is checked when a step uses it."
        )
    value = decode_value(credential.kind, get_vault().get(credential.secret_ref))
    secret = Secret(
        credential.kind, value, settings=dict(credential.settings), name=credential.name
    )
    forms = redaction.forms_of(value)
    try:
        with redaction.registered(forms):
            result = Result(True, kind.test(secret))
    except NodeError as error:
        result = Result(False, error.message)
    SecurityEvent.record(
        SecurityEvent.Kind.CREDENTIAL_RESOLVED,
        user=credential.owner,
        request=request,
        credential=credential.pk,
        purpose="test connection",
        ok=result.ok,
    )
    return Result(result.ok, redaction.scrub(result.message, forms))
