"""Importing n8n's AMQP Sender (editor/n8n/apps_amqp.py) onto `app.amqp`: the sink read as
RabbitMQ reads an AMQP 1.0 address, headers, the item or one of its properties as the message,
the protocol caveat, the refusals, and the corpus's factory data generator (Set → AMQP Sender)
run against the machine's RabbitMQ; its Interval of n8n's default one second stays refused."""

from __future__ import annotations

import json
import uuid
from typing import Any

import amqp
import pytest

from credentials import store
from editor.n8n import convert
from editor.validation import validate_graph
from executions import engine
from tests.engine_helpers import make_workflow
from tests.test_n8n_apps import converted, refusal

pytestmark = pytest.mark.rabbitmq  # the machine's RabbitMQ, which .ci/run starts

BASE = "n8n-nodes-base."


@pytest.mark.parametrize(
    ("sink", "exchange", "key"),
    [
        ("berlin_factory_01", "", "berlin_factory_01"),
        ("/queue/orders", "", "orders"),
        ("/amq/queue/orders", "", "orders"),
        ("/exchange/events/user.signup", "events", "user.signup"),
        ("/exchange/fanout", "fanout", ""),
        ("/topic/sensors.berlin", "amq.topic", "sensors.berlin"),
    ],
)
def test_the_sink_is_read_as_rabbitmq_reads_an_amqp_address(sink, exchange, key):
    node = converted("amqp", {"sink": sink})
    assert node["type"] == "app.amqp"
    assert node["config"] == {
        "operation": "send",
        "exchange": exchange,
        "routing_key": key,
        "message": "{{ trigger }}",
    }
    assert "n8n's AMQP Sender speaks AMQP 1.0" in node["notes"]


def test_headers_and_one_property_of_the_item_carry_over():
    params = {
        "sink": "q",
        "headerParametersJson": '{"site": "berlin"}',
        "options": {"sendOnlyProperty": "reading", "dataAsObject": True},
    }
    config = converted("amqp", params)["config"]
    assert config["headers"] == {"site": "berlin"}
    assert config["message"] == "{{ trigger.reading }}"


@pytest.mark.parametrize(
    ("params", "said"),
    [
        ({}, "names no Queue / Topic"),
        ({"sink": "={{ $json.queue }}"}, "takes its Queue / Topic from an expression"),
        ({"sink": "q", "headerParametersJson": "{site"}, "has Headers that are not JSON"),
    ],
)
def test_what_the_amqp_sender_cannot_do_is_refused_naming_node_and_construct(params, said):
    message = refusal("amqp", params)
    assert "'App' (n8n-nodes-base.amqp)" in message
    assert said in message


def _corpus(trigger: dict[str, Any], queue: str) -> dict[str, Any]:
    values = {"string": [{"name": "machine_id.name", "value": "n8n_cr8"}], "number": []}
    return {
        "name": "Smart Factory Data Generator",
        "nodes": [
            trigger,
            {
                "parameters": {"values": values, "options": {}},
                "name": "Set",
                "type": f"{BASE}set",
                "typeVersion": 1,
                "position": [200, 0],
            },
            {
                "parameters": {"sink": queue, "options": {"dataAsObject": True}},
                "name": "AMQP Sender",
                "type": f"{BASE}amqp",
                "typeVersion": 1,
                "position": [400, 0],
                "credentials": {"amqp": ""},
            },
        ],
        "connections": {
            trigger["name"]: {"main": [[{"node": "Set", "type": "main", "index": 0}]]},
            "Set": {"main": [[{"node": "AMQP Sender", "type": "main", "index": 0}]]},
        },
    }


def test_the_corpus_s_one_second_interval_runs_every_minute():
    interval = {"parameters": {}, "name": "Interval", "type": f"{BASE}interval", "typeVersion": 1}
    graph = convert(_corpus(interval | {"position": [0, 0]}, "q"))
    assert validate_graph(graph) == []
    [trigger] = [node for node in graph["nodes"] if node["label"] == "Interval"]
    assert trigger["config"]["cron"] == "* * * * *"
    assert "n8n ran 'Interval' every 1 seconds" in trigger["notes"]


@pytest.mark.django_db(transaction=True)
def test_the_corpus_s_factory_reading_reaches_the_queue(alice, settings):
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    queue = f"workfuse-test-{uuid.uuid4().hex[:12]}"
    manual = {
        "parameters": {},
        "name": "Start",
        "type": f"{BASE}manualTrigger",
        "typeVersion": 1,
        "position": [0, 0],
    }
    graph = convert(_corpus(manual, queue))
    assert validate_graph(graph) == []
    credential = store.create(
        alice, "Rabbit", "amqp", {"host": "127.0.0.1", "port": 5672, "password": "guest"}
    )
    for node in graph["nodes"]:
        if node["type"] == "app.amqp":
            node["config"]["credential"] = credential.pk
    connection = amqp.Connection(host="127.0.0.1:5672")
    connection.connect()
    channel = connection.channel()
    channel.queue_declare(queue, auto_delete=False)
    try:
        execution = engine.start_execution(make_workflow(alice, graph), {})
        execution.refresh_from_db()
        received = channel.basic_get(queue, no_ack=True)
    finally:
        channel.queue_delete(queue)
        connection.close()
    assert execution.status == "succeeded", execution.error
    assert json.loads(received.body) == {"machine_id": {"name": "n8n_cr8"}}
