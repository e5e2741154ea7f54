"""app.spontit against a fake Spontit API v3 (tests/fakes/spontit.py): the push sent with every
field, times as Unix seconds, Spontit's refusals, the key's test, and a run through the engine
with a stored credential."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from pydantic import ValidationError

from credentials import store
from executions import engine
from integrations.spontit import rest_api
from integrations.spontit.node import Config
from tests.app_nodes import app_error, run_app
from tests.engine_helpers import chain, make_workflow
from tests.fakes import running
from tests.fakes.spontit import KEY, USER, FakeSpontit
from workfuse.lib.node_run import NodeError, Secret

SP = "app.spontit"


@pytest.fixture
def spontit(settings: Any) -> Iterator[FakeSpontit]:
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    with running(FakeSpontit()) as fake:
        yield fake


def key(fake: FakeSpontit, value: str = KEY) -> Secret:
    return Secret(
        "spontit", {"api_key": value}, {"username": USER, "base_url": fake.url}, name="Phone"
    )


def test_a_push_carries_every_field_as_spontit_names_it(spontit):
    config = {
        "content": "Door bell",
        "title": "Home",
        "subtitle": "Front",
        "channel_name": "alerts",
        "link": "https://example.com/cam",
        "ios_deep_link": "cam://front",
        "open_in_home_feed": True,
        "open_link_in_app": True,
        "push_to_followers": ["u1", " u2 "],
        "push_to_phone_numbers": ["+14155550100"],
        "push_to_emails": ["ada@example.com"],
        "schedule": "2024-05-01T09:00:00",
        "expiration": "1714600000",
        "time_zone": "Europe/Berlin",
    }
    output = run_app(SP, config, key(spontit))
    [request] = spontit.requests
    assert (request.method, request.path) == ("POST", "/v3/push")
    assert (request.headers["x-authorization"], request.headers["x-userid"]) == (KEY, USER)
    sent = {
        "content": "Door bell",
        "pushTitle": "Home",
        "subtitle": "Front",
        "channelName": "alerts",
        "link": "https://example.com/cam",
        "iOSDeepLink": "cam://front",
        "openInHomeFeed": True,
        "openLinkInApp": True,
        "pushToFollowers": ["u1", "u2"],
        "pushToPhoneNumbers": ["+14155550100"],
        "pushToEmails": ["ada@example.com"],
        "scheduled": 1714546800,  # 09:00 in Berlin (UTC+2) is 07:00 UTC
        "expirationStamp": 1714600000,
    }
    assert request.json == sent
    # n8n outputs the `data` of Spontit's answer.
    assert output == {"pushId": "push-1", **sent}


def test_a_plain_push_sends_only_its_content_and_times_with_an_offset_keep_it(spontit):
    run_app(SP, {"content": "Hi", "schedule": "2024-05-01T09:00:00+00:00"}, key(spontit))
    assert spontit.pushes == [{"content": "Hi", "scheduled": 1714554000}]


def test_the_content_is_needed():
    with pytest.raises(ValidationError) as caught:
        Config.model_validate({"title": "hi"})
    assert caught.value.errors()[0]["loc"] == ("content",)


@pytest.mark.parametrize(
    ("config", "said"),
    [
        ({"content": "Hi", "schedule": "tomorrow"}, "schedule must be a date-time or Unix"),
        ({"content": "Hi", "schedule": "1714554000", "time_zone": "Mars/Base"}, "not an IANA"),
        ({"content": " "}, "The content rendered empty"),
    ],
)
def test_bad_values_fail_before_anything_is_sent(spontit, config, said):
    assert said in app_error(SP, config, key(spontit)).message
    assert spontit.requests == []


def test_spontit_s_errors_are_quoted_and_a_wrong_key_names_the_credential(spontit):
    missing = app_error(SP, {"content": "Hi", "channel_name": "news"}, key(spontit))
    assert missing.message == "Spontit refused push (HTTP 404): You have no channel named news."
    wrong = app_error(SP, {"content": "Hi"}, key(spontit, "old"))
    assert not wrong.retryable
    assert wrong.message.startswith("Spontit did not accept the credential “Phone”")


def test_the_key_test_reads_the_main_channel(spontit):
    assert rest_api.check_key(key(spontit)) == f"Connected to Spontit as {USER}."
    assert spontit.requests[0].method == "GET"
    with pytest.raises(NodeError, match="did not accept the credential “Phone”"):
        rest_api.check_key(key(spontit, "old"))


@pytest.mark.django_db(transaction=True)
def test_a_run_pushes_the_rendered_text(alice, spontit):
    credential = store.create(
        alice, "Phone", "spontit", {"api_key": KEY, "username": USER, "base_url": spontit.url}
    )
    nodes = (
        {
            "id": "push",
            "type": SP,
            "config": {"credential": credential.pk, "content": "It is {{ trigger.temp }}°C"},
        },
    )
    execution = engine.start_execution(make_workflow(alice, chain(*nodes)), {"temp": 21})
    execution.refresh_from_db()
    assert execution.status == "succeeded", execution.error
    assert spontit.pushes == [{"content": "It is 21°C"}]
    assert KEY not in json.dumps([s.input for s in execution.steps.all()])
