"""A fake OpenWeatherMap weather API (`/data/2.5/weather` and `/data/2.5/forecast`): the key in
the `appid` query parameter, the place as `q`, `id`, `lat`+`lon` or `zip`, `units` and `lang`,
answering OpenWeatherMap's JSON shapes (current weather as in n8n's own test fixture; the
forecast's `cod`/`cnt`/`list`/`city`) and its errors `{"cod", "message"}`."""

from __future__ import annotations

from typing import Any

from tests.fakes import Answer, FakeService, Received

API_KEY = "0123456789abcdef0123456789abcdef"
CITIES = {"berlin": (2950159, "Berlin", "DE", 52.5244, 13.4105)}
INVALID_KEY = {
    "cod": 401,
    "message": "Invalid API key. Please see https://openweathermap.org/faq#error401 for more info.",
}


def _one(query: dict[str, list[str]], name: str) -> str | None:
    values = query.get(name)
    return values[-1] if values else None


class FakeOpenWeatherMap(FakeService):
    def respond(self, request: Received) -> Answer:
        q = request.query
        if _one(q, "appid") != API_KEY:
            return Answer(401, INVALID_KEY)
        if request.path not in ("/data/2.5/weather", "/data/2.5/forecast"):
            return Answer(404, {"cod": "404", "message": "Internal error"})
        city = self._city(q)
        if city is None:
            return Answer(404, {"cod": "404", "message": "city not found"})
        if request.path.endswith("/weather"):
            return Answer(200, self._current(city, q))
        steps = [{**self._current(city, q), "dt_txt": f"step {i}"} for i in range(40)]
        return Answer(
            200,
            {
                "cod": "200",
                "message": 0,
                "cnt": 40,
                "list": [{k: s[k] for k in ("main", "weather", "wind", "dt_txt")} for s in steps],
                "city": {"id": city[0], "name": city[1], "country": city[2]},
            },
        )

    def _city(self, q: dict[str, list[str]]) -> tuple[Any, ...] | None:
        berlin = CITIES["berlin"]
        name = (_one(q, "q") or "").split(",")[0].lower()
        if name in CITIES:
            return CITIES[name]
        if _one(q, "id") == str(berlin[0]) or _one(q, "zip") == "10115,de":
            return berlin
        if _one(q, "lat") and _one(q, "lon"):
            return berlin
        return None

    def _current(self, city: tuple[Any, ...], q: dict[str, list[str]]) -> dict[str, Any]:
        celsius = 4.85
        temp = {
            "metric": celsius,
            "imperial": round(celsius * 9 / 5 + 32, 2),
            "standard": round(celsius + 273.15, 2),
        }[_one(q, "units") or "standard"]
        words = {"de": "Bedeckt", None: "overcast clouds"}.get(_one(q, "lang"), "overcast clouds")
        return {
            "coord": {"lon": city[4], "lat": city[3]},
            "weather": [{"id": 804, "main": "Clouds", "description": words, "icon": "04n"}],
            "base": "stations",
            "main": {"temp": temp, "feels_like": temp, "pressure": 1034, "humidity": 85},
            "visibility": 10000,
            "wind": {"speed": 1.79, "deg": 270},
            "clouds": {"all": 100},
            "dt": 1732901176,
            "sys": {"country": city[2], "sunrise": 1732863129, "sunset": 1732892267},
            "timezone": 3600,
            "id": city[0],
            "name": city[1],
            "cod": 200,
        }
