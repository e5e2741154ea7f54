"""The credential vault: where secret values live, behind a reference stored in the database.

The backend is chosen by dotted path in `settings.WORKFUSE_VAULT_BACKEND`, the way Django picks
`SESSION_ENGINE`: `credentials.vault.local.LocalVault` (Fernet-encrypted files) or
`credentials.vault.aws.AwsSecretsManagerVault`. Values are strings; callers JSON-encode
structured values. Nothing in this package ever puts a secret value in an error or a log line.
"""

from __future__ import annotations

import abc
import functools

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.module_loading import import_string

__all__ = ["SecretNotFound", "Vault", "VaultError", "get_vault"]


class VaultError(Exception):
    """A vault operation failed. The message tells a user or operator what to do about it and
    never contains a secret value."""

    def __init__(self, message: str, *, code: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.code = code


class SecretNotFound(VaultError):
    """The reference points at no secret (never created, or deleted)."""


class Vault(abc.ABC):
    """Stores secret values and hands back a reference to keep in the database."""

    @abc.abstractmethod
    def create(
        self,
        owner_id: int,
        credential_uuid: str,
        value: str,
        *,
        tags: dict[str, str] | None = None,
    ) -> str:
        """Store a new secret and return its reference."""

    @abc.abstractmethod
    def get(self, ref: str) -> str:
        """The current value behind `ref`; SecretNotFound if there is none."""

    @abc.abstractmethod
    def put(self, ref: str, value: str) -> None:
        """Rotate: replace the value behind an existing reference, which stays the same."""

    @abc.abstractmethod
    def delete(self, ref: str) -> None:
        """Remove the secret for good. Deleting a secret that is already gone is not an error."""

    @abc.abstractmethod
    def exists(self, ref: str) -> bool:
        """Whether `ref` points at a live secret."""


def check_value(value: object) -> str:
    if not isinstance(value, str):
        raise VaultError(
            f"secret values must be strings, not {type(value).__name__}; "
            "JSON-encode structured values before storing them"
        )
    return value


def get_vault() -> Vault:
    """The configured vault, one instance per backend setting."""
    return _load_vault(settings.WORKFUSE_VAULT_BACKEND)


@functools.cache
def _load_vault(path: str) -> Vault:
    try:
        backend = import_string(path)
    except ImportError as exc:
        raise ImproperlyConfigured(
            f"WORKFUSE_VAULT_BACKEND {path!r} cannot be imported ({exc}); "
            "set WORKFUSE_VAULT to 'local', 'aws' or the dotted path of a Vault class"
        ) from exc
    if not (isinstance(backend, type) and issubclass(backend, Vault)):
        raise ImproperlyConfigured(f"WORKFUSE_VAULT_BACKEND {path!r} is not a Vault class")
    return backend()


@receiver(setting_changed)
def _forget_vault(*, setting: str, **kwargs: object) -> None:
    # Backends read their settings once, when built; a test overriding any of them needs a new one.
    if setting.startswith(("WORKFUSE_VAULT", "AWS_")) or setting == "WORKFUSE_KMS_KEY_ID":
        _load_vault.cache_clear()
