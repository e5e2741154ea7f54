"""LinkedIn (DESIGN §11): a member's OAuth 2.0 access token, and the node app.linkedin (posts
shared as a member or an organization, through the Posts API)."""

from __future__ import annotations

from integrations.linkedin import node, posts_api
from integrations.linkedin.credentials import LinkedInToken
from integrations.service import CredentialKind, Service

SERVICE = Service(
    name="linkedin",
    label="LinkedIn",
    kinds=(CredentialKind(LinkedInToken, test=posts_api.check_token),),
    node=node.NODE,
)
