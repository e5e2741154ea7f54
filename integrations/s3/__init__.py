"""Amazon S3 and S3-compatible stores (DESIGN §11): an access key, and the node app.s3."""

from __future__ import annotations

from integrations.s3 import node, s3_api
from integrations.s3.credentials import AccessKey
from integrations.service import CredentialKind, Service

SERVICE = Service(
    name="s3",
    label="Amazon S3",
    kinds=(CredentialKind(AccessKey, test=s3_api.check_access_key),),
    node=node.NODE,
)
