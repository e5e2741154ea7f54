"""app.openweathermap: the current weather, or the 5-day forecast in 3-hour steps, for a city
name, a city id, coordinates or a zip code; the output is OpenWeatherMap's JSON as it answers
(as n8n's OpenWeatherMap node gives it)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import ConfigDict, Field, model_validator

from integrations.openweathermap import rest_api
from integrations.openweathermap.credentials import ApiKey
from integrations.operations import OperationConfig, field_errors, used_by
from integrations.service import credential_for
from workfuse.lib.node_run import RunContext
from workfuse.lib.node_types import NodeType

Operation = Literal["current_weather", "forecast"]
Location = Literal["city_name", "city_id", "coordinates", "zip_code"]
ENDPOINTS = {"current_weather": "weather", "forecast": "forecast"}
# The fields each way of naming the place needs, and the query parameter each becomes.
LOCATION_FIELDS: dict[str, dict[str, str]] = {
    "city_name": {"city_name": "q"},
    "city_id": {"city_id": "id"},
    "coordinates": {"latitude": "lat", "longitude": "lon"},
    "zip_code": {"zip_code": "zip"},
}


class Config(OperationConfig):
    model_config = ConfigDict(coerce_numbers_to_str=True)

    credential: int | None = Field(
        None, ge=1, description="Your OpenWeatherMap API key credential. Needed to run."
    )
    operation: Operation = Field(
        "current_weather",
        description="current_weather: the weather now. forecast: the next 5 days in 3-hour "
        "steps (OpenWeatherMap's `list`).",
    )
    location: Location = Field(
        "city_name",
        description="How the place is given: city_name, city_id, coordinates (latitude and "
        "longitude) or zip_code.",
    )
    city_name: str = Field(
        "",
        description="For city_name: the city, optionally with its country code, e.g. 'berlin,de'.",
        json_schema_extra=used_by("current_weather", "forecast"),  # with the default location
    )
    city_id: str = Field(
        "", description="For city_id: OpenWeatherMap's city id, e.g. '2950159' (Berlin)."
    )
    latitude: str = Field("", description="For coordinates: the latitude, e.g. '52.52'.")
    longitude: str = Field("", description="For coordinates: the longitude, e.g. '13.39'.")
    zip_code: str = Field(
        "", description="For zip_code: the zip code and country code, e.g. '10115,de'."
    )
    units: Literal["metric", "imperial", "standard"] = Field(
        "metric",
        description="metric: °C and m/s. imperial: °F and miles/hour. standard: kelvin and m/s.",
    )
    language: str = Field(
        "", description="A language code for the descriptions (en, de, fr, …). Empty: English."
    )

    @model_validator(mode="after")
    def _place_given(self) -> Config:
        missing = {
            name: f"Needed when the location is given by {self.location}."
            for name in LOCATION_FIELDS[self.location]
            if not str(getattr(self, name)).strip()
        }
        if missing:
            raise field_errors(self, missing)
        return self


def query(config: Config) -> dict[str, str]:
    """OpenWeatherMap's query parameters for the config (the key is added by the call)."""
    params: dict[str, str] = {"units": config.units}
    for name, param in LOCATION_FIELDS[config.location].items():
        params[param] = str(getattr(config, name)).strip()
    if config.language.strip():
        params["lang"] = config.language.strip()
    return params


def run(config: Config, ctx: RunContext) -> Any:
    """OpenWeatherMap's answer: the current weather object, or the forecast object (`list`
    of 3-hour steps, `city`, `cnt`)."""
    secret, _ = credential_for(ctx, config.operation, ApiKey)
    endpoint = ENDPOINTS[config.operation]
    return rest_api.call(secret, endpoint, query(config), what=config.operation)


NODE = NodeType(
    type="app.openweathermap",
    label="OpenWeatherMap",
    category="app",
    description="Reads the current weather or the 5-day forecast for a city, a city id, "
    "coordinates or a zip code; outputs OpenWeatherMap's JSON.",
    Config=Config,
    run=run,
    credential_kinds=(ApiKey.kind,),
    icon="☀",
    examples=(
        (
            "What's the weather in the city the webhook sent, in Celsius, with credential 3",
            {
                "credential": 3,
                "operation": "current_weather",
                "location": "city_name",
                "city_name": "{{ trigger.body.city }}",
                "units": "metric",
            },
        ),
        (
            "The 5-day forecast for latitude 52.52, longitude 13.39 in Fahrenheit, in German",
            {
                "operation": "forecast",
                "location": "coordinates",
                "latitude": "52.52",
                "longitude": "13.39",
                "units": "imperial",
                "language": "de",
            },
        ),
    ),
)
