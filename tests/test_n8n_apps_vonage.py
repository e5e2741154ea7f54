"""Importing n8n's Vonage node (editor/n8n/apps_vonage.py) onto `app.vonage`: the config its
settings become, the refusals, and the corpus's daily weather SMS run in the engine against the
fake OpenWeatherMap and the fake Vonage."""

from __future__ import annotations

import pytest

from credentials import store
from tests.fakes import running
from tests.fakes.vonage import API_KEY, API_SECRET, FakeVonage
from tests.n8n_weather import TEMPERATURE, run_weather_push
from tests.test_n8n_apps import converted, refusal

CORPUS = {"to": "1234", "from": "Vonage APIs", "message": TEMPERATURE, "additionalFields": {}}


def test_the_sms_and_its_options_become_the_vonage_config():
    params = CORPUS | {
        "message": "hi",
        "additionalFields": {"client-ref": "order-7", "ttl": 60, "callback": ""},
    }
    node = converted("vonage", params)
    assert node["type"] == "app.vonage"
    assert node["config"] == {
        "operation": "send_sms",
        "sender": "Vonage APIs",
        "to": "1234",
        "message": "hi",
        "options": {"client-ref": "order-7", "ttl": 60},
    }
    assert "choose a Vonage credential (an API key and secret)" in node["notes"]


@pytest.mark.parametrize(
    ("params", "said"),
    [
        ({"from": "Acme", "message": "hi"}, "names no To"),
        ({"resource": "call", "operation": "make"}, "does 'call / make'"),
    ],
)
def test_what_the_vonage_node_lacks_is_refused_naming_node_and_construct(params, said):
    message = refusal("vonage", params)
    assert "'App' (n8n-nodes-base.vonage)" in message
    assert said in message


@pytest.mark.django_db(transaction=True)
def test_the_corpus_s_weather_sms_runs(alice, settings):
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    notifier = {"name": "Vonage", "type": "n8n-nodes-base.vonage", "parameters": CORPUS}
    with running(FakeVonage()) as vonage:
        value = {"api_key": API_KEY, "api_secret": API_SECRET, "base_url": vonage.url}
        credential = store.create(alice, "SMS", "vonage", value)
        execution = run_weather_push(alice, notifier, credential.pk)
        assert execution.status == "succeeded", execution.error
    [sent] = vonage.sent
    assert (sent["from"], sent["to"], sent["type"]) == ("Vonage APIs", "1234", "text")
    assert sent["text"] == "Hey! The temperature outside is 4.85°C."
    output = execution.steps.get(key="vonage").output
    assert output is not None and output["messages"][0]["status"] == "0"
