"""Importing n8n's Mattermost node (editor/n8n/apps_mattermost.py) onto `app.mattermost`: the
config each supported operation becomes (from the corpus's own settings), attachments as
Mattermost takes them, the refusals, and an imported workflow run in the engine against the
fake Mattermost."""

from __future__ import annotations

import pytest

from credentials import store
from editor.n8n import convert
from editor.validation import validate_graph
from executions import engine
from tests.engine_helpers import make_workflow
from tests.fakes import running
from tests.fakes.mattermost import CHANNEL_ID, TOKEN, FakeMattermost
from tests.test_n8n_apps import converted, refusal, single


@pytest.mark.parametrize(
    ("params", "config"),
    [
        (
            {
                "message": "=Active Customers: {{$json.active_customers}}",
                "channelId": "w6rsxrqds3bt9pguxzduowqucy",
                "attachments": [],
                "otherOptions": {},
            },
            {
                "operation": "post_message",
                "channel_id": "w6rsxrqds3bt9pguxzduowqucy",
                "message": "Active Customers: {{ trigger.active_customers | n8n_text }}",
            },
        ),
        (
            {
                "message": "Why not?",
                "channelId": "c1",
                "attachments": [
                    {
                        "image_url": "{{ $env.BASE_URL }}",
                        "color": "#00ff00",
                        "fields": {"item": [{"title": "Total", "value": "=${{$json.t}}"}]},
                    }
                ],
                "otherOptions": {"root_id": "p1"},
            },
            {
                "operation": "post_message",
                "channel_id": "c1",
                "message": "Why not?",
                "root_id": "p1",
                "attachments": [
                    {
                        "image_url": "{% raw %}{{ $env.BASE_URL }}{% endraw %}",
                        "color": "#00ff00",
                        "fields": [{"title": "Total", "value": "${{ trigger.t | n8n_text }}"}],
                    }
                ],
            },
        ),
        (
            {"operation": "postEphemeral", "channelId": "c1", "userId": "u1", "message": "Hi"},
            {"operation": "post_ephemeral", "channel_id": "c1", "user_id": "u1", "message": "Hi"},
        ),
        (
            {
                "resource": "channel",
                "teamId": "t1",
                "displayName": "Incident",
                "channel": "incident",
                "type": "private",
            },
            {
                "operation": "create_channel",
                "team_id": "t1",
                "display_name": "Incident",
                "name": "incident",
                "channel_type": "private",
            },
        ),
        (
            {"resource": "channel", "operation": "addUser", "channelId": "c1", "userId": "u1"},
            {"operation": "add_user", "channel_id": "c1", "user_id": "u1"},
        ),
    ],
)
def test_each_operation_becomes_its_mattermost_config(params, config):
    node = converted("mattermost", params)
    assert node["type"] == "app.mattermost"
    assert node["config"] == config
    assert "choose a Mattermost credential" in node["notes"]


@pytest.mark.parametrize(
    ("params", "said"),
    [
        ({"operation": "delete", "postId": "p"}, "does 'message / delete', which WorkFuse's"),
        ({"resource": "reaction"}, "does 'reaction / create'"),
        ({"message": "x", "attachments": []}, "names no channel; set the Channel ID in n8n"),
        (
            {
                "message": "x",
                "channelId": "c",
                "attachments": [{"actions": {"item": [{"type": "button", "name": "Ok"}]}}],
            },
            "adds interactive actions (buttons or menus) to an attachment",
        ),
    ],
)
def test_what_the_mattermost_node_lacks_is_refused_naming_node_and_construct(params, said):
    message = refusal("mattermost", params)
    assert "'App' (n8n-nodes-base.mattermost)" in message
    assert said in message


@pytest.mark.django_db(transaction=True)
def test_an_imported_workflow_posts_the_message(alice, settings):
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    data = single(
        "mattermost",
        {
            "message": "=Workflow {{$json.name}} failed",
            "channelId": CHANNEL_ID,
            "attachments": [{"title": "Details", "fields": {}}],
            "otherOptions": {},
        },
    )
    graph = convert(data)
    assert validate_graph(graph) == []
    with running(FakeMattermost()) as mattermost:
        credential = store.create(
            alice, "Chat", "mattermost", {"access_token": TOKEN, "base_url": mattermost.url}
        )
        for node in graph["nodes"]:
            if node["type"] == "app.mattermost":
                node["config"]["credential"] = credential.pk
        execution = engine.start_execution(make_workflow(alice, graph), {"name": "Backup"})
        execution.refresh_from_db()
        assert execution.status == "succeeded", execution.error
        [post] = mattermost.posts
    assert post["message"] == "Workflow Backup failed"
    assert post["props"] == {"attachments": [{"title": "Details"}]}
