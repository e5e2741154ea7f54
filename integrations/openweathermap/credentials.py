"""OpenWeatherMap's credential: an account's API key (home.openweathermap.org/api_keys).
OpenWeatherMap takes it only as the `appid` query parameter; the key stays in the vault, and
no message quotes the URL that carries it (integrations/http.py)."""

from __future__ import annotations

from pydantic import Field, SecretStr

from integrations.service import ApiFields


class ApiKey(ApiFields):
    kind = "openweathermap"
    label = "OpenWeatherMap API key"

    api_key: SecretStr = Field(
        min_length=1,
        description="Your API key (home.openweathermap.org/api_keys); a new key may take a "
        "couple of hours to work.",
    )
