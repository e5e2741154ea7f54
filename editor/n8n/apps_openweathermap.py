"""n8n's OpenWeatherMap node as WorkFuse's `app.openweathermap`: the current weather or the
5-day forecast, for a city name, city id, coordinates or zip code, in n8n's units (its
"format") and language. Both output OpenWeatherMap's JSON as one item, as n8n's node does."""

from __future__ import annotations

from typing import Any

from editor.n8n.apps_base import credential_note, text
from editor.n8n.converter import BASE, Converted, Converter, N8nNode, Refusal, Spec

OPERATIONS = {"currentWeather": "current_weather", "5DayForecast": "forecast"}
# n8n's location choice -> WorkFuse's, with (n8n parameter, WorkFuse field) pairs.
LOCATIONS: dict[str, tuple[str, tuple[tuple[str, str], ...]]] = {
    "cityName": ("city_name", (("cityName", "city_name"),)),
    "cityId": ("city_id", (("cityId", "city_id"),)),
    "coordinates": ("coordinates", (("latitude", "latitude"), ("longitude", "longitude"))),
    "zipCode": ("zip_code", (("zipCode", "zip_code"),)),
}
DEFAULT_CITY_ID = 160001123  # n8n's default for City ID
UNITS = ("metric", "imperial", "standard")


def _weather(node: N8nNode, cx: Converter) -> Converted:
    p = node.params
    op = str(p.get("operation") or "currentWeather")
    if op not in OPERATIONS:
        raise Refusal(f"runs the operation '{op}', which n8n's OpenWeatherMap node lacks.")
    units = str(p.get("format") or "metric")
    if units not in UNITS:
        raise Refusal(f"asks for the format '{units}'; WorkFuse sends {', '.join(UNITS)}.")
    choice = str(p.get("locationSelection") or "cityName")
    if choice not in LOCATIONS:
        raise Refusal(f"gives the location by '{choice}', which n8n's node lacks.")
    location, fields = LOCATIONS[choice]
    config: dict[str, Any] = {"operation": OPERATIONS[op], "location": location, "units": units}
    for param, name in fields:
        default = DEFAULT_CITY_ID if param == "cityId" else ""
        value = text(cx, node, p.get(param, default))
        if value in ("", None):
            raise Refusal(f"leaves '{param}' empty; n8n needs it too. Set it and export again.")
        config[name] = value if isinstance(value, str) else str(value)
    if p.get("language"):
        config["language"] = text(cx, node, p["language"])
    notes = [credential_note("OpenWeatherMap", "an API key")]
    return Converted("app.openweathermap", config, notes=notes)


SPECS: dict[str, Spec] = {f"{BASE}openWeatherMap": Spec(_weather, "")}
