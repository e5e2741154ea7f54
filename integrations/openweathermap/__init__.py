"""OpenWeatherMap (DESIGN §11): an API key, and the node app.openweathermap."""

from __future__ import annotations

from integrations.openweathermap import node, rest_api
from integrations.openweathermap.credentials import ApiKey
from integrations.service import CredentialKind, Service

SERVICE = Service(
    name="openweathermap",
    label="OpenWeatherMap",
    kinds=(CredentialKind(ApiKey, test=rest_api.check_key),),
    node=node.NODE,
)
