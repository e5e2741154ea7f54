"""app.slack's get_profile and update_profile (users.profile.get / users.profile.set) against
the fake Slack: the wire call and the profile n8n outputs."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest

from integrations.slack.node import Config
from tests.app_nodes import app_error, run_app
from tests.fakes import running
from tests.fakes.slack import BOT_TOKEN, USER_TOKEN, FakeSlack
from workfuse.lib.node_run import Secret

SLACK = "app.slack"


@pytest.fixture
def slack(settings: Any) -> Iterator[FakeSlack]:
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    with running(FakeSlack()) as fake:
        yield fake


def token(fake: FakeSlack, value: str = USER_TOKEN) -> Secret:
    return Secret("slack", {"bot_token": value}, {"base_url": fake.api_url}, name="Ada's Slack")


def test_update_profile_sets_the_status_with_its_expiration_and_outputs_the_profile(slack):
    output = run_app(
        SLACK,
        {
            "operation": "update_profile",
            "status_text": "Weekly sync",
            "status_emoji": ":calendar:",
            "status_expiration": "2026-12-24T18:00:00",
            "time_zone": "Europe/Berlin",
        },
        token(slack),
    )

    [request] = slack.requests
    assert (request.method, request.path) == ("POST", "/api/users.profile.set")
    assert request.headers["authorization"] == f"Bearer {USER_TOKEN}"
    expires = int(datetime(2026, 12, 24, 17, tzinfo=UTC).timestamp())  # 18:00 in Berlin
    assert request.json == {
        "profile": {
            "status_text": "Weekly sync",
            "status_emoji": ":calendar:",
            "status_expiration": expires,
        }
    }
    # n8n outputs Slack's profile itself.
    assert output == {
        "real_name": "Ada Lovelace",
        "first_name": "Ada",
        "status_text": "Weekly sync",
        "status_emoji": ":calendar:",
        "status_expiration": expires,
    }


def test_a_status_without_expiration_does_not_expire_and_names_custom_fields(slack):
    run_app(
        SLACK,
        {
            "operation": "update_profile",
            "user": "U0003",
            "status_text": "Focus",
            "last_name": "Byron",
            "custom_fields": [{"id": "Xf0001", "value": "Engineering"}],
        },
        token(slack),
    )
    assert slack.requests[0].json == {
        "user": "U0003",
        "profile": {
            "status_text": "Focus",
            "status_expiration": 0,
            "last_name": "Byron",
            "fields": {"Xf0001": {"value": "Engineering", "alt": ""}},
        },
    }
    assert slack.profiles["U0003"]["last_name"] == "Byron"


def test_clear_status_sends_an_empty_status(slack):
    slack.profiles["U0003"].update(status_text="Lunch", status_emoji=":taco:")
    output = run_app(SLACK, {"operation": "update_profile", "clear_status": True}, token(slack))
    assert slack.requests[0].json == {
        "profile": {"status_text": "", "status_emoji": "", "status_expiration": 0}
    }
    assert (output["status_text"], output["status_emoji"]) == ("", "")


def test_get_profile_reads_a_user_with_labels_as_form_fields(slack):
    slack.profiles["U0003"]["fields"] = {"Xf0001": {"value": "Engineering", "alt": ""}}
    output = run_app(
        SLACK,
        {"operation": "get_profile", "user": "U0003", "include_labels": True},
        token(slack, BOT_TOKEN),
    )
    [request] = slack.requests
    assert request.path == "/api/users.profile.get"
    assert request.form == {"user": "U0003", "include_labels": "true"}
    assert output["first_name"] == "Ada"
    assert output["fields"] == {
        "Xf0001": {"value": "Engineering", "alt": "", "label": "Department"}
    }


def test_get_profile_without_a_user_reads_the_token_s_own(slack):
    output = run_app(SLACK, {"operation": "get_profile"}, token(slack, BOT_TOKEN))
    assert slack.requests[0].form == {}
    assert output["real_name"] == "WorkFuse"


def test_slack_s_refusals_and_an_empty_update_are_errors_a_user_can_act_on(slack):
    error = app_error(
        SLACK, {"operation": "update_profile", "status_text": "x"}, token(slack, BOT_TOKEN)
    )
    assert "Slack" in error.message and "not_allowed_token_type" in error.message
    error = app_error(SLACK, {"operation": "update_profile"}, token(slack))
    assert "nothing to change" in error.message
    assert slack.requests == [slack.requests[0]]  # the empty update sent nothing
    error = app_error(
        SLACK,
        {"operation": "update_profile", "status_text": "x", "status_expiration": "soon"},
        token(slack),
    )
    assert "status_expiration must be a date-time or Unix seconds" in error.message


def test_a_custom_field_without_its_id_is_refused_on_the_field():
    with pytest.raises(ValueError, match="with its ID"):
        Config(operation="update_profile", custom_fields=[{"value": "Engineering"}])
