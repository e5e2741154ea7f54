"""MongoDB's credential: the connection string (secret: it holds the password) and the
database to use."""

from __future__ import annotations

from urllib.parse import unquote, urlsplit

from pydantic import Field, SecretStr, field_validator
from pymongo import errors, uri_parser

from integrations.service import CredentialFields

SCHEMES = ("mongodb://", "mongodb+srv://")


class Connection(CredentialFields):
    kind = "mongodb"
    label = "MongoDB connection"

    connection_string: SecretStr = Field(
        description="The connection string, e.g. mongodb+srv://user:password@cluster0.example."
        "mongodb.net/ or mongodb://user:password@db.example.com:27017/?authSource=admin "
        "(options such as tls=true go in it)."
    )
    database: str | None = Field(
        None,
        max_length=64,
        description="The database to use (empty: the one the connection string names).",
    )

    @field_validator("connection_string")
    @classmethod
    def _scheme(cls, value: SecretStr) -> SecretStr:
        # The error never quotes the value: it holds the password.
        text = value.get_secret_value().strip()
        if not text.lower().startswith(SCHEMES):
            raise ValueError("must start with mongodb:// or mongodb+srv://")
        if len(text) <= len(text.split("://")[0]) + 3:
            raise ValueError("must name a host after mongodb:// or mongodb+srv://")
        if text.lower().startswith("mongodb://"):  # a +srv name is read when connecting (DNS)
            try:
                uri_parser.parse_uri(text)
            except (errors.ConfigurationError, ValueError) as error:
                raise ValueError(f"is not one MongoDB reads: {scrub(str(error), text)}") from None
        return SecretStr(text)

    @field_validator("database")
    @classmethod
    def _database(cls, value: str | None) -> str | None:
        if value and any(c in value for c in '/\\. "$'):
            raise ValueError('must be a database name, without / \\ . " $ or spaces')
        return value or None


def scrub(text: str, uri: str) -> str:
    """`text` (pymongo's words about `uri`) without the connection string or its password."""
    try:
        password = urlsplit(uri).password or ""
    except ValueError:  # a port that is not a number: the password is what lies before it
        password = uri.split("://", 1)[-1].rpartition("@")[0].partition(":")[2]
    for form in sorted({uri, password, unquote(password)} - {""}, key=len, reverse=True):
        text = text.replace(form, "[REDACTED]")
    return text
