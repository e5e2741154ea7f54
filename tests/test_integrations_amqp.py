"""app.amqp against the machine's RabbitMQ (127.0.0.1:5672, guest/guest): a message sent to a
queue and through an exchange with its headers, the broker's refusals, a wrong password, the
private-network guard, "Test connection" and a run through the engine. Each test declares its
own queues under a unique name and deletes them afterwards (the machine's broker is shared)."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from typing import Any

import amqp
import pytest

from credentials import store
from executions import engine
from integrations.amqp import broker
from tests.app_nodes import app_error, run_app
from tests.engine_helpers import chain, make_workflow
from workfuse.lib.node_run import Secret

pytestmark = pytest.mark.rabbitmq  # the machine's RabbitMQ, which .ci/run starts

AMQP = "app.amqp"
BROKER = {"host": "127.0.0.1", "port": 5672, "username": "guest"}
BROKER_PASSWORD = "guest"  # RabbitMQ's own default account, which logs in from 127.0.0.1 only


@pytest.fixture
def channel(settings: Any) -> Iterator[amqp.Channel]:
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    connection = amqp.Connection(host="127.0.0.1:5672", userid="guest", password="guest")
    connection.connect()
    yield connection.channel()
    connection.close()


@pytest.fixture
def queue(channel: amqp.Channel) -> Iterator[str]:
    name = f"workfuse-test-{uuid.uuid4().hex[:12]}"
    channel.queue_declare(name, auto_delete=False)
    yield name
    channel.queue_delete(name)


def login(password: str = BROKER_PASSWORD) -> Secret:
    return Secret("amqp", {"password": password}, BROKER, name="Rabbit")


def test_an_object_is_sent_to_the_queue_as_json_with_its_headers(channel, queue):
    config = {"routing_key": queue, "message": {"temperature": 21}, "headers": {"site": "berlin"}}
    assert run_app(AMQP, config, login()) == {"exchange": "", "routing_key": queue, "size": 19}
    received = channel.basic_get(queue, no_ack=True)
    assert json.loads(received.body) == {"temperature": 21}
    assert received.properties["content_type"] == "application/json"
    assert received.properties["application_headers"] == {"site": "berlin"}


def test_text_goes_as_it_is_through_an_exchange_and_may_persist(channel, queue):
    exchange = f"{queue}-x"
    channel.exchange_declare(exchange, "topic", auto_delete=False)
    channel.queue_bind(queue, exchange, "orders.*")
    try:
        config = {"exchange": exchange, "routing_key": "orders.created", "message": "hello"}
        run_app(AMQP, config | {"persistent": True}, login())
        received = channel.basic_get(queue, no_ack=True)
    finally:
        channel.exchange_delete(exchange)
    assert received.body == b"hello" and received.properties["delivery_mode"] == 2


def test_a_missing_exchange_is_the_broker_s_refusal_and_not_retried(channel, queue):
    refused = app_error(AMQP, {"exchange": f"{queue}-none", "routing_key": "k"}, login())
    assert refused.message.startswith("The AMQP broker 127.0.0.1:5672 refused the message:")
    assert "NOT_FOUND" in refused.message and not refused.retryable


def test_a_wrong_password_names_the_credential(channel, queue):
    wrong = app_error(AMQP, {"routing_key": queue, "message": "x"}, login("nope"))
    assert wrong.message.startswith("The AMQP broker did not accept the credential “Rabbit”")
    assert "ACCESS_REFUSED" in wrong.message and not wrong.retryable


def test_a_closed_port_is_retryable_and_a_private_broker_refused_by_default(settings):
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    closed = Secret("amqp", {"password": "guest"}, BROKER | {"port": 1}, name="Rabbit")
    unreachable = app_error(AMQP, {"routing_key": "q"}, closed)
    assert (
        unreachable.retryable
        and "Could not reach the AMQP broker 127.0.0.1:1" in unreachable.message
    )
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = False
    refused = app_error(AMQP, {"routing_key": "q"}, login())
    assert "loopback address" in refused.message and not refused.retryable


def test_a_node_with_nowhere_to_send_says_so(channel):
    assert "Name a queue (routing_key) or an exchange" in app_error(AMQP, {}, login()).message


def test_test_connection_names_the_broker(channel):
    assert broker.check_broker(login()).startswith("Connected to RabbitMQ")


@pytest.mark.django_db(transaction=True)
def test_a_run_sends_the_rendered_message_and_keeps_the_password_out(alice, channel, queue):
    credential = store.create(alice, "Rabbit", "amqp", BROKER | {"password": "guest"})
    nodes = (
        {
            "id": "send",
            "type": AMQP,
            "config": {
                "credential": credential.pk,
                "routing_key": queue,
                "message": "{{ trigger.reading }}",
            },
        },
    )
    execution = engine.start_execution(make_workflow(alice, chain(*nodes)), {"reading": {"c": 7}})
    execution.refresh_from_db()
    assert execution.status == "succeeded", execution.error
    assert json.loads(channel.basic_get(queue, no_ack=True).body) == {"c": 7}
