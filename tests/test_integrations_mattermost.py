"""app.mattermost against a fake Mattermost server (tests/fakes/mattermost.py): each
operation's request (path, bearer token, body) and output, Mattermost's errors and rate
limits, the token's test, and a run through the engine with a stored credential."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from pydantic import ValidationError

from credentials import store
from executions import engine
from executions.models import Step
from integrations.mattermost import rest_api
from integrations.mattermost.node import Config
from integrations.registry import credential_kind
from tests.app_nodes import app_error, run_app
from tests.engine_helpers import chain, make_workflow
from tests.fakes import Answer, running
from tests.fakes.mattermost import CHANNEL_ID, TEAM_ID, TOKEN, USER_ID, FakeMattermost
from workfuse.lib.node_run import NodeError, Secret

MM = "app.mattermost"


@pytest.fixture
def mattermost(settings: Any) -> Iterator[FakeMattermost]:
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    with running(FakeMattermost()) as fake:
        yield fake


def token(fake: FakeMattermost, value: str = TOKEN) -> Secret:
    return Secret("mattermost", {"access_token": value}, {"base_url": fake.url}, name="Chat")


def test_post_message_sends_attachments_as_props_and_a_thread_reply(mattermost):
    attachments = [{"fallback": "Order 42", "title": "Order 42", "color": "#ff0000"}]
    output = run_app(
        MM,
        {
            "channel_id": CHANNEL_ID,
            "message": "New order",
            "attachments": json.dumps(attachments),
            "root_id": "p0000000000000000000000001",
        },
        token(mattermost),
    )
    [request] = mattermost.requests
    assert (request.method, request.path) == ("POST", "/api/v4/posts")
    assert request.headers["authorization"] == f"Bearer {TOKEN}"
    assert request.json == {
        "channel_id": CHANNEL_ID,
        "message": "New order",
        "props": {"attachments": attachments},
        "root_id": "p0000000000000000000000001",
    }
    assert output["message"] == "New order" and output["id"] == mattermost.posts[0]["id"]


def test_post_message_without_attachments_sends_an_empty_list_as_n8n_does(mattermost):
    run_app(MM, {"channel_id": CHANNEL_ID, "message": "Hi"}, token(mattermost))
    assert mattermost.requests[0].json == {
        "channel_id": CHANNEL_ID,
        "message": "Hi",
        "props": {"attachments": []},
    }


def test_post_ephemeral_wraps_the_post_for_one_user(mattermost):
    output = run_app(
        MM,
        {
            "operation": "post_ephemeral",
            "channel_id": CHANNEL_ID,
            "user_id": USER_ID,
            "message": "Only you",
        },
        token(mattermost),
    )
    [request] = mattermost.requests
    assert request.path == "/api/v4/posts/ephemeral"
    assert request.json == {
        "user_id": USER_ID,
        "post": {"channel_id": CHANNEL_ID, "message": "Only you"},
    }
    assert output["type"] == "system_ephemeral"


def test_create_channel_and_add_user(mattermost):
    channel = run_app(
        MM,
        {
            "operation": "create_channel",
            "team_id": TEAM_ID,
            "display_name": "Incident 42",
            "name": "incident-42",
            "channel_type": "private",
        },
        token(mattermost),
    )
    member = run_app(
        MM,
        {"operation": "add_user", "channel_id": channel["id"], "user_id": USER_ID},
        token(mattermost),
    )
    assert mattermost.requests[0].json == {
        "team_id": TEAM_ID,
        "display_name": "Incident 42",
        "name": "incident-42",
        "type": "P",
    }
    assert mattermost.requests[1].path == f"/api/v4/channels/{channel['id']}/members"
    assert member == {"channel_id": channel["id"], "user_id": USER_ID, "roles": "channel_user"}


@pytest.mark.parametrize(
    ("config", "field"),
    [
        ({"message": "x"}, "channel_id"),
        ({"operation": "post_ephemeral", "channel_id": "c", "message": "x"}, "user_id"),
        ({"operation": "create_channel", "team_id": "t", "name": "n"}, "display_name"),
        ({"operation": "add_user", "user_id": "u"}, "channel_id"),
        ({"channel_id": "c", "attachments": '{"a": 1}'}, "attachments"),
    ],
)
def test_each_operation_names_the_fields_it_needs(config, field):
    with pytest.raises(ValidationError) as caught:
        Config.model_validate(config)
    assert caught.value.errors()[0]["loc"] == (field,)


def test_a_wrong_token_names_the_credential_and_other_refusals_quote_mattermost(mattermost):
    error = app_error(MM, {"channel_id": CHANNEL_ID}, token(mattermost, "old"))
    assert not error.retryable
    assert error.message.startswith("Mattermost did not accept the credential “Chat”")
    refused = app_error(MM, {"channel_id": "x" * 26}, token(mattermost))
    assert refused.message == (
        "Mattermost refused post_message (HTTP 403): You do not have the appropriate "
        "permissions. (api.context.permissions.app_error)"
    )


def test_a_rate_limit_waits_as_long_as_mattermost_says(mattermost):
    mattermost.script(
        Answer(429, {"message": "too many requests"}, headers={"X-Ratelimit-Reset": "4"})
    )
    error = app_error(MM, {"channel_id": CHANNEL_ID}, token(mattermost))
    assert error.retryable and error.retry_after == 4


def test_the_token_test_reads_the_user(mattermost):
    assert rest_api.check_token(token(mattermost)) == "Connected to Mattermost as @ada."
    with pytest.raises(NodeError, match="did not accept the credential “Chat”"):
        rest_api.check_token(token(mattermost, "old"))


def test_the_credential_needs_the_servers_address():
    kind = credential_kind("mattermost")
    assert kind is not None and kind.secret_fields == ("access_token",)
    with pytest.raises(ValidationError) as caught:
        kind.split({"access_token": "t"})
    assert caught.value.errors()[0]["loc"] == ("base_url",)


@pytest.mark.django_db(transaction=True)
def test_a_run_posts_the_rendered_message_with_the_stored_credential(alice, mattermost):
    credential = store.create(
        alice, "Chat", "mattermost", {"access_token": TOKEN, "base_url": mattermost.url}
    )
    node = {
        "id": "post",
        "type": MM,
        "config": {
            "credential": credential.pk,
            "channel_id": CHANNEL_ID,
            "message": "Order {{ trigger.number }}",
        },
    }
    execution = engine.start_execution(make_workflow(alice, chain(node)), {"number": 42})
    execution.refresh_from_db()
    assert execution.status == "succeeded", execution.error
    [post] = mattermost.posts
    assert post["message"] == "Order 42"
    step = Step.objects.get(execution=execution, key="post")
    assert step.output is not None and step.output["id"] == post["id"]
    assert TOKEN not in json.dumps([step.input, step.output])
