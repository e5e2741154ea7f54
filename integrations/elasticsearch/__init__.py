"""Elasticsearch (DESIGN §11): a cluster's address with a user's password or an API key, and the
node app.elasticsearch."""

from __future__ import annotations

from integrations.elasticsearch import node, rest_api
from integrations.elasticsearch.credentials import Cluster
from integrations.service import CredentialKind, Service

SERVICE = Service(
    name="elasticsearch",
    label="Elasticsearch",
    kinds=(CredentialKind(Cluster, test=rest_api.check_cluster),),
    node=node.NODE,
)
