"""Google Perspective (DESIGN §11): an API key of a Google Cloud project with the Perspective
Comment Analyzer API enabled, and the node app.google_perspective (a comment's toxicity,
insults, threats… scored from 0 to 1)."""

from __future__ import annotations

from integrations.google_perspective import comment_api, node
from integrations.google_perspective.credentials import PerspectiveKey
from integrations.service import CredentialKind, Service

SERVICE = Service(
    name="google_perspective",
    label="Google Perspective",
    kinds=(CredentialKind(PerspectiveKey, test=comment_api.check),),
    node=node.NODE,
)
