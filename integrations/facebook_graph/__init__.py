"""Facebook Graph API (DESIGN §11): an access token, and the node app.facebook_graph."""

from __future__ import annotations

from integrations.facebook_graph import graph_api, node
from integrations.facebook_graph.credentials import AccessToken
from integrations.service import CredentialKind, Service

SERVICE = Service(
    name="facebook_graph",
    label="Facebook Graph API",
    kinds=(CredentialKind(AccessToken, test=graph_api.check_token),),
    node=node.NODE,
)
