"""YouTube (DESIGN §11): a Google OAuth 2.0 refresh-token credential (Gmail's machinery, with
YouTube's scope), and the node app.youtube (YouTube Data API v3: videos searched and read,
a playlist's items listed, channels read)."""

from __future__ import annotations

from integrations.service import CredentialKind, Service
from integrations.youtube import data_api, node
from integrations.youtube.credentials import YouTubeOAuth2

SERVICE = Service(
    name="youtube",
    label="YouTube",
    kinds=(CredentialKind(YouTubeOAuth2, test=data_api.check),),
    node=node.NODE,
)
