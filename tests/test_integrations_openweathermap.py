"""app.openweathermap against a fake OpenWeatherMap (tests/fakes/openweathermap.py): each way to
name the place and each operation's request (path, query, the key as `appid`) and output, the
fields each location needs, OpenWeatherMap's errors and rate limit, the key's test, and a run
through the engine with a stored credential whose key never reaches the step."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from typing import Any

import pytest
from pydantic import ValidationError

from credentials import store
from executions import engine
from executions.models import Step
from integrations.openweathermap import rest_api
from integrations.openweathermap.node import Config
from tests.app_nodes import app_error, run_app
from tests.engine_helpers import chain, make_workflow
from tests.fakes import Answer, running
from tests.fakes.openweathermap import API_KEY, FakeOpenWeatherMap
from workfuse.lib.node_run import NodeError, Secret

OWM = "app.openweathermap"


@pytest.fixture
def owm(settings: Any) -> Iterator[FakeOpenWeatherMap]:
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    with running(FakeOpenWeatherMap()) as fake:
        yield fake


def key(fake: FakeOpenWeatherMap, value: str = API_KEY) -> Secret:
    return Secret("openweathermap", {"api_key": value}, {"base_url": fake.url}, name="Weather")


def test_current_weather_by_city_name_sends_units_language_and_the_key(owm):
    output = run_app(OWM, {"city_name": "berlin,de", "language": "de"}, key(owm))
    [request] = owm.requests
    assert (request.method, request.path) == ("GET", "/data/2.5/weather")
    assert request.query == {
        "q": ["berlin,de"],
        "units": ["metric"],
        "lang": ["de"],
        "appid": [API_KEY],
    }
    assert output["name"] == "Berlin" and output["main"]["temp"] == 4.85
    assert output["weather"][0]["description"] == "Bedeckt"


@pytest.mark.parametrize(
    ("config", "query"),
    [
        ({"location": "city_id", "city_id": 2950159}, {"id": ["2950159"]}),
        (
            {"location": "coordinates", "latitude": "52.52", "longitude": "13.39"},
            {"lat": ["52.52"], "lon": ["13.39"]},
        ),
        ({"location": "zip_code", "zip_code": "10115,de"}, {"zip": ["10115,de"]}),
    ],
)
def test_the_forecast_by_each_other_way_of_naming_the_place(owm, config, query):
    output = run_app(OWM, {"operation": "forecast", "units": "imperial", **config}, key(owm))
    [request] = owm.requests
    assert request.path == "/data/2.5/forecast"
    assert request.query == {**query, "units": ["imperial"], "appid": [API_KEY]}
    assert output["cnt"] == 40 and len(output["list"]) == 40
    assert output["list"][0]["main"]["temp"] == 40.73


@pytest.mark.parametrize(
    ("config", "fields"),
    [
        ({}, ["city_name"]),
        ({"location": "coordinates", "latitude": "1"}, ["longitude"]),
        ({"location": "zip_code", "zip_code": " "}, ["zip_code"]),
        ({"units": "kelvin", "city_name": "x"}, ["units"]),
    ],
)
def test_each_location_names_the_fields_it_needs(config, fields):
    with pytest.raises(ValidationError) as caught:
        Config.model_validate(config)
    assert [e["loc"][0] for e in caught.value.errors()] == fields


def test_a_wrong_key_names_the_credential_and_an_unknown_city_quotes_openweathermap(owm):
    error = app_error(OWM, {"city_name": "berlin"}, key(owm, "old"))
    assert not error.retryable
    assert error.message.startswith(
        "OpenWeatherMap did not accept the credential “Weather” (Invalid API key."
    )
    assert "old" not in error.message
    missing = app_error(OWM, {"city_name": "Atlantis"}, key(owm))
    assert missing.message == "OpenWeatherMap refused current_weather (HTTP 404): city not found"


def test_a_rate_limit_is_retried_after_a_minute(owm):
    owm.script(Answer(429, {"cod": 429, "message": "Your account is temporary blocked"}))
    error = app_error(OWM, {"city_name": "berlin"}, key(owm))
    assert error.retryable and error.retry_after == 60
    assert "Your account is temporary blocked" in error.message


def test_no_credential_or_another_kind_is_refused_by_name():
    assert "needs a OpenWeatherMap API key" in app_error(OWM, {"city_name": "x"}, None).message
    other = Secret("trello", {"api_key": "k"}, name="Board")
    assert "“Board” is of kind trello" in app_error(OWM, {"city_name": "x"}, other).message


def test_the_key_test_asks_for_londons_weather(owm):
    owm.script(Answer(200, {"name": "London", "cod": 200}))
    assert rest_api.check_key(key(owm)) == "Connected to OpenWeatherMap: the API key was accepted."
    assert owm.requests[0].query["q"] == ["London"]
    with pytest.raises(NodeError, match="did not accept the credential “Weather”"):
        rest_api.check_key(key(owm, "old"))


@pytest.mark.django_db(transaction=True)
def test_a_run_reads_the_rendered_city_with_the_stored_key(alice, owm, caplog):
    caplog.set_level(logging.INFO)
    credential = store.create(
        alice, "Weather", "openweathermap", {"api_key": API_KEY, "base_url": owm.url}
    )
    node = {
        "id": "weather",
        "type": OWM,
        "config": {"credential": credential.pk, "city_name": "{{ trigger.city }}"},
    }
    execution = engine.start_execution(make_workflow(alice, chain(node)), {"city": "Berlin"})
    execution.refresh_from_db()
    assert execution.status == "succeeded", execution.error
    step = Step.objects.get(execution=execution, key="weather")
    assert step.output is not None and step.output["name"] == "Berlin"
    assert API_KEY not in json.dumps([step.input, step.output])
    assert "appid" in caplog.text and API_KEY not in caplog.text  # httpx logs the URL
