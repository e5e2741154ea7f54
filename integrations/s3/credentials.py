"""S3's credential: an access key pair (the id is shown, the secret key is write-only), its
region, and an endpoint for S3-compatible stores."""

from __future__ import annotations

import re

from pydantic import Field, SecretStr, field_validator

from integrations.service import ApiFields

REGION = re.compile(r"^[a-z0-9-]{2,32}$")


class AccessKey(ApiFields):
    kind = "s3"
    label = "S3 access key"

    secret_access_key: SecretStr = Field(
        min_length=1,
        description="The secret access key shown once when the access key was created (IAM → "
        "Users → Security credentials).",
    )
    access_key_id: str = Field(
        min_length=1,
        max_length=128,
        description="The access key ID (AKIA…). It is not secret: it names the key.",
    )
    region: str = Field(
        "us-east-1",
        description="The buckets' AWS region, e.g. eu-west-1 (any value the store accepts for "
        "an S3-compatible endpoint).",
    )
    base_url: str | None = Field(
        None,
        description="Leave empty for Amazon S3. Set it for an S3-compatible store (MinIO, "
        "Cloudflare R2, Wasabi, …), e.g. https://minio.example.com:9000.",
    )

    @field_validator("region")
    @classmethod
    def _region(cls, value: str) -> str:
        if not REGION.match(value):
            raise ValueError("must look like us-east-1 (lower-case letters, digits and dashes)")
        return value
