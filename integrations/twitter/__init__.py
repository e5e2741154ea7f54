"""X, formerly Twitter (DESIGN §11): a user's OAuth 2.0 access token, and the node app.twitter
(X API v2: tweets created, deleted, searched, liked and retweeted; users read)."""

from __future__ import annotations

from integrations.service import CredentialKind, Service
from integrations.twitter import node, x_api
from integrations.twitter.credentials import XAccessToken

SERVICE = Service(
    name="twitter",
    label="X (Twitter)",
    kinds=(CredentialKind(XAccessToken, test=x_api.check_token),),
    node=node.NODE,
)
