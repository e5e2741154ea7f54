"""The local vault: one Fernet-encrypted file per secret, for embedded installs.

Files live in `WORKFUSE_VAULT_DIR` (mode 0700), each named by a random uuid that is also the
reference (`local:<hex>`), each written atomically with mode 0600. The key is
`WORKFUSE_VAULT_KEY`, or else a key file next to the directory (`vault.key`, mode 0600) made on
first use — back it up with the directory: without it the secrets cannot be read.
"""

from __future__ import annotations

import contextlib
import functools
import os
import re
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings

from credentials.vault import SecretNotFound, Vault, VaultError, check_value

_REF = re.compile(r"local:([0-9a-f]{32})")
_GENERATE_KEY = (
    'python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"'
)


class LocalVault(Vault):
    def __init__(self) -> None:
        self.directory = Path(settings.WORKFUSE_VAULT_DIR)
        self.key_path = self.directory.parent / "vault.key"
        self._key_setting: str = settings.WORKFUSE_VAULT_KEY

    def create(
        self,
        owner_id: int,
        credential_uuid: str,
        value: str,
        *,
        tags: dict[str, str] | None = None,
    ) -> str:
        ref = f"local:{uuid.uuid4().hex}"
        self._write(self._path(ref), check_value(value))
        return ref

    def get(self, ref: str) -> str:
        path = self._path(ref)
        try:
            token = path.read_bytes()
        except FileNotFoundError:
            raise SecretNotFound(
                f"secret {ref} is not in the local vault ({self.directory}); "
                "it was deleted, or WORKFUSE_VAULT_DIR points at another directory"
            ) from None
        except OSError as exc:
            raise _os_error(f"read {ref}", exc) from None
        try:
            return self._fernet.decrypt(token).decode()
        except InvalidToken:
            raise VaultError(
                f"cannot decrypt secret {ref}: it was encrypted with a different key than "
                f"{self._key_source} (or the file is damaged); restore the original vault key"
            ) from None

    def put(self, ref: str, value: str) -> None:
        path = self._path(ref)
        if not path.exists():
            raise SecretNotFound(f"cannot rotate secret {ref}: it is not in the local vault")
        self._write(path, check_value(value))

    def delete(self, ref: str) -> None:
        with _os_errors(f"delete {ref}"):
            self._path(ref).unlink(missing_ok=True)

    def exists(self, ref: str) -> bool:
        return self._path(ref).is_file()

    def _path(self, ref: str) -> Path:
        # Only refs this vault made are accepted, so a ref can never name a path outside the dir.
        match = _REF.fullmatch(ref) if isinstance(ref, str) else None
        if match is None:
            if isinstance(ref, str) and ref.startswith("arn:"):
                raise VaultError(
                    "this reference is an AWS Secrets Manager ARN but the local vault is "
                    "configured; set WORKFUSE_VAULT=aws to read it"
                )
            raise VaultError("not a local vault reference (expected 'local:' and 32 hex digits)")
        return self.directory / match.group(1)

    def _write(self, path: Path, value: str) -> None:
        token = self._fernet.encrypt(value.encode())
        with _os_errors(f"write to {self.directory}"):
            self._make_directory()
            # mkstemp creates the file with mode 0600; the rename makes the write all-or-nothing.
            fd, tmp = tempfile.mkstemp(dir=self.directory, prefix=".tmp-")
            try:
                with os.fdopen(fd, "wb") as f:
                    f.write(token)
                    f.flush()
                    os.fsync(f.fileno())
                os.replace(tmp, path)
            except BaseException:
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(tmp)
                raise

    def _make_directory(self) -> None:
        try:
            self.directory.mkdir(mode=0o700, parents=True)
        except FileExistsError:
            return
        os.chmod(self.directory, 0o700)  # mkdir's mode is filtered by the umask

    @functools.cached_property
    def _fernet(self) -> Fernet:
        if self._key_setting:
            return _fernet(self._key_setting, "WORKFUSE_VAULT_KEY")
        return _fernet(self._key_from_file(), f"the vault key file {self.key_path}")

    @property
    def _key_source(self) -> str:
        return "WORKFUSE_VAULT_KEY" if self._key_setting else f"the key in {self.key_path}"

    def _key_from_file(self) -> bytes:
        with _os_errors(f"read or create the vault key file {self.key_path}"):
            with contextlib.suppress(FileNotFoundError):
                return self.key_path.read_bytes().strip()
            self.key_path.parent.mkdir(parents=True, exist_ok=True)
            # Write the key in full under a private name, then link it into place: link fails if
            # the file exists, so concurrent first uses agree on one key and never read half of it.
            fd, tmp = tempfile.mkstemp(dir=self.key_path.parent, prefix=".vault.key-")
            try:
                with os.fdopen(fd, "wb") as f:
                    f.write(Fernet.generate_key())
                    f.flush()
                    os.fsync(f.fileno())
                with contextlib.suppress(FileExistsError):
                    os.link(tmp, self.key_path)
            finally:
                os.unlink(tmp)
            return self.key_path.read_bytes().strip()


def _fernet(key: str | bytes, source: str) -> Fernet:
    try:
        return Fernet(key)
    except (ValueError, TypeError):  # binascii.Error is a ValueError
        raise VaultError(
            f"{source} is not a valid Fernet key (32 url-safe base64-encoded bytes); "
            f"generate one with: {_GENERATE_KEY}"
        ) from None


@contextlib.contextmanager
def _os_errors(action: str) -> Iterator[None]:
    try:
        yield
    except OSError as exc:
        raise _os_error(action, exc) from None


def _os_error(action: str, exc: OSError) -> VaultError:
    return VaultError(
        f"local vault cannot {action}: {exc.strerror or exc}; "
        "check that the path exists and this process may read and write it"
    )
