"""Elasticsearch's credential: the cluster's address, and either a user name with its password
(HTTP basic auth) or an API key (`Authorization: ApiKey …`, the encoded key Kibana shows)."""

from __future__ import annotations

from typing import Self

from pydantic import Field, SecretStr, model_validator

from integrations.service import ApiFields


class Cluster(ApiFields):
    kind = "elasticsearch"
    label = "Elasticsearch cluster"

    password: SecretStr | None = Field(None, description="The user's password (with username).")
    api_key: SecretStr | None = Field(
        None, description="Or an API key: the encoded value (base64 of id:key) Kibana shows."
    )
    username: str = Field("", description="The user, e.g. elastic (with password).")
    # Required here: every cluster has its own address.
    base_url: str = Field(
        min_length=1,
        description="The cluster's address, e.g. https://my-deployment.es.europe-west1.gcp."
        "cloud.es.io:443 or http://localhost:9200.",
    )

    @model_validator(mode="after")
    def _one_way_in(self) -> Self:
        if self.api_key is None and (self.password is None or not self.username):
            raise ValueError("needs an API key, or a username with its password")
        return self
