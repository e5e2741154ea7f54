"""The corpus's daily weather push (Cron at 9 → OpenWeatherMap for Berlin → a notifier node) as
an n8n export, for the import tests of Pushcut, Vonage and Spontit, and its run against the fake
OpenWeatherMap with a stored key."""

from __future__ import annotations

from typing import Any

from credentials import store
from editor.n8n import convert
from editor.validation import validate_graph
from executions import engine
from executions.models import Execution
from tests.engine_helpers import make_workflow
from tests.fakes import running
from tests.fakes.openweathermap import API_KEY, FakeOpenWeatherMap

TEMPERATURE = '=Hey! The temperature outside is {{$node["OpenWeatherMap"].json["main"]["temp"]}}°C.'


def weather_push(notifier: dict[str, Any]) -> dict[str, Any]:
    """The export, `notifier` (an n8n node named as its `name`) last."""
    name = notifier["name"]
    return {
        "name": "Weather push",
        "nodes": [
            {
                "name": "Cron",
                "type": "n8n-nodes-base.cron",
                "typeVersion": 1,
                "position": [0, 0],
                "parameters": {"triggerTimes": {"item": [{"hour": 9}]}},
            },
            {
                "name": "OpenWeatherMap",
                "type": "n8n-nodes-base.openWeatherMap",
                "typeVersion": 1,
                "position": [200, 0],
                "parameters": {"cityName": "berlin"},
            },
            {"typeVersion": 1, "position": [400, 0], **notifier},
        ],
        "connections": {
            "Cron": {"main": [[{"node": "OpenWeatherMap", "type": "main", "index": 0}]]},
            "OpenWeatherMap": {"main": [[{"node": name, "type": "main", "index": 0}]]},
        },
    }


def run_weather_push(alice: Any, notifier: dict[str, Any], credential: int) -> Execution:
    """The export imported, its notifier given `credential`, run once as the Cron would."""
    graph = convert(weather_push(notifier))
    assert validate_graph(graph) == []
    with running(FakeOpenWeatherMap()) as owm:
        weather = store.create(
            alice, "Weather", "openweathermap", {"api_key": API_KEY, "base_url": owm.url}
        )
        for node in graph["nodes"]:
            if node["type"] == "app.openweathermap":
                node["config"]["credential"] = weather.pk
            elif node["type"].startswith("app."):
                node["config"]["credential"] = credential
        payload = {"scheduled_at": "2024-05-01T09:00:00Z", "fired_at": "2024-05-01T09:00:00Z"}
        execution = engine.start_execution(make_workflow(alice, graph), payload)
        execution.refresh_from_db()
    return execution
