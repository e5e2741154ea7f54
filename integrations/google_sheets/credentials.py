"""Google Sheets' credential: a service account's JSON key file (secret, whole), and where the
Sheets API and the token endpoint are (for tests and private endpoints)."""

from __future__ import annotations

import json
from typing import Any

from pydantic import Field, SecretStr, field_validator

from integrations.service import ApiFields

DEFAULT_BASE_URL = "https://sheets.googleapis.com"
DRIVE_BASE_URL = "https://www.googleapis.com"
DEFAULT_TOKEN_URL = "https://oauth2.googleapis.com/token"  # noqa: S105 (an address, not a secret)


class ServiceAccountKey(ApiFields):
    kind = "google_sheets"
    label = "Google service account key"

    service_account_key: SecretStr = Field(
        min_length=1,
        description="The service account's key file (JSON), pasted whole: Google Cloud console → "
        "IAM → Service accounts → Keys → Add key → JSON. Share each spreadsheet (and each Drive "
        "file or folder) with the account's client_email; enable the Sheets and Drive APIs in "
        "its project.",
    )
    base_url: str | None = Field(
        None,
        description=f"Leave empty for Google ({DEFAULT_BASE_URL}; Drive: {DRIVE_BASE_URL}). "
        "Set it for a test server, which then answers both APIs.",
    )
    token_url: str | None = Field(
        None,
        description=f"Leave empty for Google ({DEFAULT_TOKEN_URL}). Set it for a test server.",
    )

    @field_validator("token_url")
    @classmethod
    def _token_url(cls, value: str | None) -> str | None:
        return cls._base_url(value)  # the same rules as base_url

    @field_validator("service_account_key")
    @classmethod
    def _key(cls, value: SecretStr) -> SecretStr:
        info = key_info(value)  # never quote the key in an error: it is the secret
        missing = [name for name in ("client_email", "private_key") if not info.get(name)]
        if missing:
            raise ValueError(f"must be a service account key file: it has no {', '.join(missing)}")
        if info.get("type", "service_account") != "service_account":
            raise ValueError("must be a service account key (its type is not service_account)")
        if "PRIVATE KEY-----" not in str(info["private_key"]):
            raise ValueError("must hold a PEM private_key (-----BEGIN PRIVATE KEY-----)")
        return SecretStr(json.dumps(info, separators=(",", ":")))

    def info(self) -> dict[str, Any]:
        return key_info(self.service_account_key)


def key_info(value: SecretStr) -> dict[str, Any]:
    try:
        info = json.loads(value.get_secret_value())
    except ValueError:
        raise ValueError("must be the JSON key file, pasted whole") from None
    if not isinstance(info, dict):
        raise ValueError("must be the JSON key file, pasted whole")
    return info
