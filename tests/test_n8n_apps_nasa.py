"""Importing n8n's NASA node (editor/n8n/apps_nasa.py) onto `app.nasa`: the Astronomy Picture of
the Day's config, the refusals, and the corpus's daily picture sent to a Telegram channel, run
in the engine against the fake NASA and the fake Telegram."""

from __future__ import annotations

import pytest

from credentials import store
from editor.n8n import convert
from editor.validation import validate_graph
from executions import engine
from tests.engine_helpers import make_workflow
from tests.fakes import running
from tests.fakes.nasa import KEY, TODAY, FakeNasa
from tests.fakes.telegram import BOT_TOKEN, FakeTelegram
from tests.test_n8n_apps import converted, refusal


@pytest.mark.parametrize(
    ("params", "config"),
    [
        ({"download": False, "additionalFields": {}}, {"operation": "apod"}),
        (
            {"download": False, "additionalFields": {"date": "={{ $json.day }}"}},
            {"operation": "apod", "date": "{{ trigger.day }}"},
        ),
    ],
)
def test_the_astronomy_picture_becomes_its_nasa_config(params, config):
    node = converted("nasa", params)
    assert node["type"] == "app.nasa" and node["config"] == config
    assert "choose a NASA credential (an api.nasa.gov key)" in node["notes"]


@pytest.mark.parametrize(
    ("params", "said"),
    [
        ({"resource": "donkiSolarFlare"}, "does 'donkiSolarFlare (its default operation)'"),
        ({"resource": "asteroidNeoBrowse", "operation": "getAll"}, "asteroidNeoBrowse / getAll"),
        ({}, "downloads the picture (Download Image is on, n8n's default)"),
    ],
)
def test_what_the_nasa_node_lacks_is_refused_naming_node_and_construct(params, said):
    message = refusal("nasa", params)
    assert "'App' (n8n-nodes-base.nasa)" in message and said in message


def _corpus() -> dict:
    def node(name: str, kind: str, params: dict, x: int) -> dict:
        return {
            "name": name,
            "type": f"n8n-nodes-base.{kind}",
            "typeVersion": 1,
            "position": [x, 0],
            "parameters": params,
        }

    telegram = {
        "file": '={{$node["NASA"].json["url"]}}',
        "chatId": "-485365454",
        "operation": "sendPhoto",
        "additionalFields": {"caption": '={{$node["NASA"].json["title"]}}'},
    }
    return {
        "name": "Send the Astronomy Picture of the day daily to a Telegram channel",
        "nodes": [
            node("Cron", "cron", {"triggerTimes": {"item": [{"hour": 20}]}}, 0),
            node("NASA", "nasa", {"download": False, "additionalFields": {}}, 200),
            node("Telegram", "telegram", telegram, 400),
        ],
        "connections": {
            "Cron": {"main": [[{"node": "NASA", "type": "main", "index": 0}]]},
            "NASA": {"main": [[{"node": "Telegram", "type": "main", "index": 0}]]},
        },
    }


@pytest.mark.django_db(transaction=True)
def test_the_corpus_s_daily_picture_reaches_the_telegram_channel(alice, settings):
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    graph = convert(_corpus())
    assert validate_graph(graph) == []
    with running(FakeNasa()) as nasa, running(FakeTelegram()) as telegram:
        keys = {
            "app.nasa": store.create(
                alice, "Space", "nasa", {"api_key": KEY, "base_url": nasa.url}
            ),
            "app.telegram": store.create(
                alice, "Bot", "telegram", {"bot_token": BOT_TOKEN, "base_url": telegram.url}
            ),
        }
        for node in graph["nodes"]:
            if node["type"] in keys:
                node["config"]["credential"] = keys[node["type"]].pk
        telegram.chats.add("-485365454")
        execution = engine.start_execution(make_workflow(alice, graph), {})
        execution.refresh_from_db()
    assert execution.status == "succeeded", execution.error
    [sent] = telegram.messages
    assert sent["chat_id"] == "-485365454"
    assert sent["photo"] == f"https://apod.nasa.gov/apod/image/{TODAY}.jpg"
    assert sent["caption"] == f"Nebula of {TODAY}"
