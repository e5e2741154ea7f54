"""app.nasa against a fake api.nasa.gov (tests/fakes/nasa.py): the Astronomy Picture of the
Day for today and for a date, NASA's errors, the key's test, and a run through the engine."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from pydantic import ValidationError

from credentials import store
from executions import engine
from integrations.nasa import rest_api
from integrations.nasa.node import Config
from tests.app_nodes import app_error, run_app
from tests.engine_helpers import chain, make_workflow
from tests.fakes import running
from tests.fakes.nasa import KEY, TODAY, FakeNasa
from workfuse.lib.node_run import NodeError, Secret


@pytest.fixture
def nasa(settings: Any) -> Iterator[FakeNasa]:
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    with running(FakeNasa()) as fake:
        yield fake


def key(fake: FakeNasa, value: str = KEY) -> Secret:
    return Secret("nasa", {"api_key": value}, {"base_url": fake.url}, name="Space")


def test_today_s_picture_and_a_given_day_s(nasa):
    today = run_app("app.nasa", {}, key(nasa))
    day = run_app("app.nasa", {"date": "2023-12-24T08:00:00.000Z"}, key(nasa))
    assert today["date"] == TODAY and today["url"].endswith(f"{TODAY}.jpg")
    assert day["title"] == "Nebula of 2023-12-24"
    assert "date" not in nasa.requests[0].query
    assert nasa.requests[1].query == {"date": ["2023-12-24"], "api_key": [KEY]}


def test_a_date_that_is_no_date_is_refused_on_the_field():
    with pytest.raises(ValidationError) as caught:
        Config.model_validate({"date": "soon"})
    assert caught.value.errors()[0]["loc"] == ("date",)


def test_nasa_s_errors_are_quoted_and_a_wrong_key_names_the_credential(nasa):
    refused = app_error("app.nasa", {"date": "2099-01-01"}, key(nasa))
    assert refused.message == (
        f"NASA refused apod (HTTP 400): Date must be between Jun 16, 1995 and {TODAY}."
    )
    wrong = app_error("app.nasa", {}, key(nasa, "old"))
    assert not wrong.retryable and "did not accept the credential “Space”" in wrong.message


def test_the_key_test_reads_today_s_picture(nasa):
    assert (
        rest_api.check_key(key(nasa))
        == f"Connected to NASA: today's picture is “Nebula of {TODAY}”."
    )
    with pytest.raises(NodeError, match="did not accept the credential “Space”"):
        rest_api.check_key(key(nasa, "old"))


@pytest.mark.django_db(transaction=True)
def test_a_run_gets_the_picture_of_the_rendered_day(alice, nasa):
    credential = store.create(alice, "Space", "nasa", {"api_key": KEY, "base_url": nasa.url})
    node = {
        "id": "apod",
        "type": "app.nasa",
        "config": {"credential": credential.pk, "date": "{{ trigger.day }}"},
    }
    execution = engine.start_execution(make_workflow(alice, chain(node)), {"day": "2020-05-05"})
    execution.refresh_from_db()
    assert execution.status == "succeeded", execution.error
    assert execution.steps.get(key="apod").output["title"] == "Nebula of 2020-05-05"
    assert KEY not in json.dumps([s.input for s in execution.steps.all()])
