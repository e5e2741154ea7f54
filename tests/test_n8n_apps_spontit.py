"""Importing n8n's Spontit node (editor/n8n/apps_spontit.py) onto `app.spontit`: the config its
settings become, the refusals, and the corpus's daily weather push run in the engine against the
fake OpenWeatherMap and the fake Spontit, its output the `data` n8n outputs."""

from __future__ import annotations

import pytest

from credentials import store
from editor.n8n import convert
from tests.fakes import running
from tests.fakes.spontit import KEY, USER, FakeSpontit
from tests.n8n_weather import TEMPERATURE, run_weather_push, weather_push
from tests.test_n8n_apps import converted, refusal

CORPUS = {"content": TEMPERATURE, "additionalFields": {"pushTitle": "Today's Weather Update"}}


def test_the_content_and_every_additional_field_become_the_spontit_config():
    params = {
        "content": "Door bell",
        "additionalFields": {
            "pushTitle": "Home",
            "subtitle": "Front",
            "channelName": "alerts",
            "link": "https://example.com/cam",
            "iOSDeepLink": "cam://front",
            "openInHomeFeed": True,
            "openLinkInApp": False,
            "pushToFollowers": "u1,u2",
            "pushToPhoneNumbers": "+14155550100",
            "pushToEmails": '={{ $json["email"] }}',
            "schedule": "2024-05-01T09:00:00",
            "expirationStamp": "2024-05-11T09:00:00",
        },
    }
    node = converted("spontit", params)
    assert node["type"] == "app.spontit"
    assert node["config"] == {
        "operation": "push",
        "content": "Door bell",
        "title": "Home",
        "subtitle": "Front",
        "channel_name": "alerts",
        "link": "https://example.com/cam",
        "ios_deep_link": "cam://front",
        "open_in_home_feed": True,
        "push_to_followers": ["u1", "u2"],
        "push_to_phone_numbers": ["+14155550100"],
        "push_to_emails": ["{{ trigger.email }}"],
        "schedule": "2024-05-01T09:00:00",
        "expiration": "2024-05-11T09:00:00",
    }
    assert "choose a Spontit credential (an API key and username)" in node["notes"]
    # The export does not say the instance's time zone n8n read the times in.
    assert "time_zone (UTC): set it if they differ" in node["notes"]


def test_times_are_read_in_the_workflow_s_time_zone():
    data = weather_push(
        {
            "name": "Spontit",
            "type": "n8n-nodes-base.spontit",
            "parameters": {"content": "Hi", "additionalFields": {"schedule": "2024-05-01T09:00"}},
        }
    )
    data["settings"] = {"timezone": "Europe/Berlin"}
    [node] = [n for n in convert(data)["nodes"] if n["type"] == "app.spontit"]
    assert node["config"]["time_zone"] == "Europe/Berlin"
    assert "time_zone" not in node["notes"]


@pytest.mark.parametrize(
    ("params", "said"),
    [
        ({"additionalFields": {"pushTitle": "hi"}}, "names no Content"),
        ({"operation": "get", "content": "hi"}, "does 'push / get'"),
        ({"content": "hi", "additionalFields": {"pushContent": "x"}}, "sets pushContent"),
        (
            {"content": "hi", "additionalFields": {"openLinkInApp": "={{ $json.x }}"}},
            "sets openLinkInApp with an expression",
        ),
    ],
)
def test_what_the_spontit_node_lacks_is_refused_naming_node_and_construct(params, said):
    message = refusal("spontit", params)
    assert "'App' (n8n-nodes-base.spontit)" in message
    assert said in message


@pytest.mark.django_db(transaction=True)
def test_the_corpus_s_weather_push_runs_and_outputs_spontit_s_data(alice, settings):
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    notifier = {"name": "Spontit", "type": "n8n-nodes-base.spontit", "parameters": CORPUS}
    with running(FakeSpontit()) as spontit:
        credential = store.create(
            alice, "Phone", "spontit", {"api_key": KEY, "username": USER, "base_url": spontit.url}
        )
        execution = run_weather_push(alice, notifier, credential.pk)
        assert execution.status == "succeeded", execution.error
    sent = {
        "content": "Hey! The temperature outside is 4.85°C.",
        "pushTitle": "Today's Weather Update",
    }
    assert spontit.pushes == [sent]
    step = execution.steps.get(node_id="spontit")
    assert step.output == {"pushId": "push-1", "channelName": USER, **sent}
