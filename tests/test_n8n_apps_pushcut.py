"""Importing n8n's Pushcut node (editor/n8n/apps_pushcut.py) onto `app.pushcut`: the config its
settings become, the refusals, and the corpus's daily weather push run in the engine against the
fake OpenWeatherMap and the fake Pushcut."""

from __future__ import annotations

import pytest

from credentials import store
from tests.fakes import running
from tests.fakes.pushcut import KEY, FakePushcut
from tests.n8n_weather import TEMPERATURE, run_weather_push
from tests.test_n8n_apps import converted, refusal

CORPUS = {
    "additionalFields": {"text": TEMPERATURE, "title": "Today's Weather Update"},
    "notificationName": "n8n",
}


def test_the_notification_and_its_overrides_become_the_pushcut_config():
    params = {
        "notificationName": "Door",
        "additionalFields": {"input": "open", "devices": ["iPhone-Ada"], "title": "Hi"},
    }
    node = converted("pushcut", params)
    assert node["type"] == "app.pushcut"
    assert node["config"] == {
        "operation": "send_notification",
        "notification": "Door",
        "title": "Hi",
        "action_input": "open",
        "devices": ["iPhone-Ada"],
    }
    assert "choose a Pushcut credential (an API key)" in node["notes"]


@pytest.mark.parametrize(
    ("params", "said"),
    [
        ({"additionalFields": {"text": "hi"}}, "names no Notification"),
        ({"resource": "device", "operation": "getAll"}, "does 'device / getAll'"),
    ],
)
def test_what_the_pushcut_node_lacks_is_refused_naming_node_and_construct(params, said):
    message = refusal("pushcut", params)
    assert "'App' (n8n-nodes-base.pushcut)" in message
    assert said in message


@pytest.mark.django_db(transaction=True)
def test_the_corpus_s_weather_push_runs(alice, settings):
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    notifier = {"name": "Pushcut", "type": "n8n-nodes-base.pushcut", "parameters": CORPUS}
    with running(FakePushcut()) as pushcut:
        credential = store.create(
            alice, "Phone", "pushcut", {"api_key": KEY, "base_url": pushcut.url}
        )
        execution = run_weather_push(alice, notifier, credential.pk)
        assert execution.status == "succeeded", execution.error
    assert pushcut.sent == [
        (
            "n8n",
            {"text": "Hey! The temperature outside is 4.85°C.", "title": "Today's Weather Update"},
        )
    ]
