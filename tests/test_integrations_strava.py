"""app.strava against a fake Strava (tests/fakes/strava.py): the refresh token traded for an
access token, activities created (a form, the start in UTC as n8n sends it), read, updated and
listed page by page, an activity's comments, kudos, laps, zones and streams, Strava's errors
(a wrong refresh token names the credential; a 429 waits for the next quarter hour), the
credential's test, and a run through the engine with a stored credential."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from pydantic import ValidationError

from credentials import store
from executions import engine
from integrations.strava import rest_api
from integrations.strava.node import Config
from tests.app_nodes import app_error, run_app
from tests.engine_helpers import chain, make_workflow
from tests.fakes import running
from tests.fakes.strava import ACCESS_TOKEN, CLIENT_ID, CLIENT_SECRET, REFRESH_TOKEN, FakeStrava
from workfuse.lib.node_run import NodeError, Secret

ST = "app.strava"
RUN = {
    "operation": "create_activity",
    "name": "Morning Run",
    "activity_type": "Run",
    "start_date": "2026-10-01T20:30:00+02:00",
    "elapsed_time": 3600,
}


@pytest.fixture
def strava(settings: Any) -> Iterator[FakeStrava]:
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    with running(FakeStrava()) as fake:
        yield fake


def fields(fake: FakeStrava, refresh: str = REFRESH_TOKEN) -> dict[str, Any]:
    return {
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
        "refresh_token": refresh,
        "base_url": f"{fake.url}/api/v3",
        "token_url": f"{fake.url}/oauth/token",
    }


def athlete(fake: FakeStrava, refresh: str = REFRESH_TOKEN) -> Secret:
    given = fields(fake, refresh)
    secrets = {k: given.pop(k) for k in ("client_secret", "refresh_token")}
    return Secret("strava", secrets, given, name="Ada's Strava")


def test_an_activity_is_created_from_a_form_with_its_start_in_utc(strava):
    made = run_app(ST, RUN | {"distance": "1000", "commute": True}, athlete(strava))
    token, create = strava.requests
    assert token.path == "/oauth/token"
    assert token.form == {
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
        "grant_type": "refresh_token",
        "refresh_token": REFRESH_TOKEN,
    }
    assert create.method == "POST" and create.path == "/api/v3/activities"
    assert create.headers["authorization"] == f"Bearer {ACCESS_TOKEN}"
    assert create.form == {
        "name": "Morning Run",
        "type": "Run",
        "commute": "1",
        "start_date_local": "2026-10-01T18:30:00.000Z",
        "elapsed_time": "3600",
        "distance": "1000.0",
    }
    assert made["id"] == strava.activities[0]["id"] and made["distance"] == 1000.0
    assert made["commute"] is True


def test_an_activity_is_read_and_updated_with_only_the_fields_set(strava):
    ride = strava.add("Ride", "2026-10-02T07:00:00Z", commute=True)
    one = {"activity_id": str(ride["id"])}
    changed = run_app(
        ST,
        one | {"operation": "update_activity", "description": "In the park", "commute": False},
        athlete(strava),
    )
    assert strava.requests[-1].method == "PUT"
    assert strava.requests[-1].form == {"description": "In the park", "commute": "false"}
    assert changed["description"] == "In the park" and changed["commute"] is False
    assert changed["name"] == "Ride"
    read = run_app(ST, one | {"operation": "get_activity"}, athlete(strava))
    assert read["description"] == "In the park"
    missing = app_error(ST, {"activity_id": "1"}, athlete(strava))
    assert missing.message == (
        "Strava refused get_activity (HTTP 404): Record Not Found; Activity id invalid"
    )


def test_activities_are_listed_newest_first_page_by_page(strava, monkeypatch):
    for day in range(1, 6):
        strava.add(f"Day {day}", f"2026-10-0{day}T07:00:00Z")
    monkeypatch.setattr(rest_api, "PAGE", 2)
    listed = run_app(ST, {"operation": "list_activities", "max_results": 5000}, athlete(strava))
    assert [a["name"] for a in listed["items"]] == [f"Day {d}" for d in range(5, 0, -1)]
    pages = [r.query for r in strava.requests if r.path == "/api/v3/athlete/activities"]
    assert [(q["page"], q["per_page"]) for q in pages] == [
        (["1"], ["2"]),
        (["2"], ["2"]),
        (["3"], ["2"]),
    ]
    monkeypatch.setattr(rest_api, "PAGE", 200)
    strava.requests.clear()
    few = run_app(ST, {"operation": "list_activities", "max_results": 3}, athlete(strava))
    assert few["count"] == 3
    assert strava.requests[-1].query == {"page": ["1"], "per_page": ["3"]}


def test_an_activity_s_comments_kudos_laps_zones_and_streams_are_read(strava):
    run = {"activity_id": str(strava.add("Run", "2026-10-02T07:00:00Z")["id"])}
    comments = run_app(ST, run | {"operation": "list_comments", "max_results": 2}, athlete(strava))
    assert [c["text"] for c in comments["items"]] == ["Nice 0", "Nice 1"]
    assert run_app(ST, run | {"operation": "list_kudos"}, athlete(strava))["count"] == 2
    laps = run_app(ST, run | {"operation": "list_laps"}, athlete(strava))
    assert [lap["lap_index"] for lap in laps["items"]] == [1, 2]
    assert run_app(ST, run | {"operation": "list_zones"}, athlete(strava))["items"][0]["type"] == (
        "heartrate"
    )
    streams = run_app(
        ST,
        run | {"operation": "get_streams", "stream_keys": ["heartrate", "watts"]},
        athlete(strava),
    )
    assert set(streams) == {"distance", "heartrate", "watts"}
    assert strava.requests[-1].query == {"keys": ["heartrate,watts"], "key_by_type": ["true"]}


@pytest.mark.parametrize(
    ("config", "field"),
    [
        ({"operation": "get_activity"}, "activity_id"),
        (RUN | {"name": ""}, "name"),
        (RUN | {"start_date": ""}, "start_date"),
        ({"operation": "get_streams", "activity_id": "1"}, "stream_keys"),
    ],
)
def test_each_operation_names_the_fields_it_needs(config, field):
    with pytest.raises(ValidationError) as caught:
        Config.model_validate(config)
    assert caught.value.errors()[0]["loc"] == (field,)


def test_a_start_that_is_not_a_date_fails_the_step_naming_it(strava):
    failed = app_error(ST, RUN | {"start_date": "yesterday"}, athlete(strava))
    assert failed.message == "start_date must be an ISO 8601 date and time, not 'yesterday'."


def test_a_wrong_refresh_token_names_the_credential_and_a_429_waits_for_the_quarter_hour(
    strava,
):
    wrong = app_error(ST, {"activity_id": "1"}, athlete(strava, "old"))
    assert not wrong.retryable
    assert wrong.message.startswith(
        "Strava did not accept the credential “Ada's Strava” (Bad Request; RefreshToken "
        "refresh_token invalid)"
    )
    strava.limited = True
    limited = app_error(ST, {"activity_id": "1"}, athlete(strava))
    assert limited.retryable and 0 < (limited.retry_after or 0) <= 900
    assert "Rate Limit Exceeded" in limited.message


def test_the_credential_test_names_the_athlete(strava):
    assert rest_api.check(athlete(strava)) == "Strava accepted the credential for Ada Lovelace."
    with pytest.raises(NodeError, match="did not accept the credential “Ada's Strava”"):
        rest_api.check(athlete(strava, "old"))


@pytest.mark.django_db(transaction=True)
def test_a_run_logs_the_trigger_s_activity(alice, strava):
    credential = store.create(alice, "Ada's Strava", "strava", fields(strava))
    config = RUN | {"credential": credential.pk, "name": "{{ trigger.title }}"}
    nodes = ({"id": "log", "type": ST, "config": config},)
    execution = engine.start_execution(make_workflow(alice, chain(*nodes)), {"title": "Tempo"})
    execution.refresh_from_db()
    assert execution.status == "succeeded", execution.error
    assert [a["name"] for a in strava.activities] == ["Tempo"]
    stored = json.dumps([s.input for s in execution.steps.all()])
    assert REFRESH_TOKEN not in stored and CLIENT_SECRET not in stored
