"""Reddit (DESIGN §11): a Reddit app's client id and secret (with a user's password to post),
and the node app.reddit."""

from __future__ import annotations

from integrations.reddit import api, node
from integrations.reddit.credentials import RedditApp
from integrations.service import CredentialKind, Service

SERVICE = Service(
    name="reddit",
    label="Reddit",
    kinds=(CredentialKind(RedditApp, test=api.check),),
    node=node.NODE,
)
