"""app.pushcut against a fake Pushcut API v1 (tests/fakes/pushcut.py): the notification sent
with its overrides, Pushcut's refusals, the key's test, and a run through the engine with a
stored credential."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from pydantic import ValidationError

from credentials import store
from executions import engine
from integrations.pushcut import rest_api
from integrations.pushcut.node import Config
from tests.app_nodes import app_error, run_app
from tests.engine_helpers import chain, make_workflow
from tests.fakes import running
from tests.fakes.pushcut import KEY, FakePushcut
from workfuse.lib.node_run import NodeError, Secret

PC = "app.pushcut"


@pytest.fixture
def pushcut(settings: Any) -> Iterator[FakePushcut]:
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    with running(FakePushcut()) as fake:
        yield fake


def key(fake: FakePushcut, value: str = KEY) -> Secret:
    return Secret("pushcut", {"api_key": value}, {"base_url": fake.url}, name="Phone")


def test_a_notification_is_sent_with_its_overrides_by_its_encoded_name(pushcut):
    config = {
        "notification": "Door bell",
        "text": "Someone rang",
        "title": "Door",
        "action_input": "open",
        "devices": ["iPhone-Ada"],
    }
    output = run_app(PC, config, key(pushcut))
    [request] = pushcut.requests
    assert request.path == "/v1/notifications/Door%20bell"
    assert request.headers["api-key"] == KEY
    assert request.json == {
        "text": "Someone rang",
        "title": "Door",
        "input": "open",
        "devices": ["iPhone-Ada"],
    }
    assert output == {"id": "notif-1", "message": "Notification sent"}


def test_a_notification_without_overrides_sends_no_body(pushcut):
    run_app(PC, {"notification": "n8n"}, key(pushcut))
    assert pushcut.requests[0].body == b""
    assert pushcut.sent == [("n8n", {})]


def test_the_notification_is_needed():
    with pytest.raises(ValidationError) as caught:
        Config.model_validate({"text": "hi"})
    assert caught.value.errors()[0]["loc"] == ("notification",)


def test_pushcut_s_errors_are_quoted_and_a_wrong_key_names_the_credential(pushcut):
    missing = app_error(PC, {"notification": "Garage"}, key(pushcut))
    assert missing.message == (
        "Pushcut refused send_notification (HTTP 404): Notification 'Garage' not found"
    )
    wrong = app_error(PC, {"notification": "n8n"}, key(pushcut, "old"))
    assert not wrong.retryable
    assert wrong.message.startswith("Pushcut did not accept the credential “Phone”")


def test_the_key_test_lists_the_devices(pushcut):
    assert rest_api.check_key(key(pushcut)) == "Connected to Pushcut: 2 devices registered."
    with pytest.raises(NodeError, match="did not accept the credential “Phone”"):
        rest_api.check_key(key(pushcut, "old"))


@pytest.mark.django_db(transaction=True)
def test_a_run_pushes_the_rendered_text(alice, pushcut):
    credential = store.create(alice, "Phone", "pushcut", {"api_key": KEY, "base_url": pushcut.url})
    nodes = (
        {
            "id": "push",
            "type": PC,
            "config": {
                "credential": credential.pk,
                "notification": "n8n",
                "text": "It is {{ trigger.temp }}°C",
            },
        },
    )
    execution = engine.start_execution(make_workflow(alice, chain(*nodes)), {"temp": 21})
    execution.refresh_from_db()
    assert execution.status == "succeeded", execution.error
    assert pushcut.sent == [("n8n", {"text": "It is 21°C"})]
    assert KEY not in json.dumps([s.input for s in execution.steps.all()])
