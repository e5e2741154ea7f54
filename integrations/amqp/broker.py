"""Publishing to a user's AMQP 0-9-1 broker (RabbitMQ) with py-amqp, Celery's own client.

The broker is an outbound target like any URL: its name is resolved once and judged by the
private-network guard (`workfuse.lib.netguard`), and the connection goes to a checked address
while TLS still checks the certificate against the host name. Each message is published with
publisher confirms, so a step succeeds only once the broker took the message.
"""

from __future__ import annotations

import socket
import ssl
from collections.abc import Callable
from typing import Any, TypeVar

import amqp
from amqp import exceptions

from integrations import http
from integrations.amqp.credentials import Broker
from integrations.service import read_fields
from workfuse.lib import netguard, redaction
from workfuse.lib.node_run import NodeError, Secret

API = http.Api("The AMQP broker")
TIMEOUT_SECONDS = 15.0
TEXT_LIMIT = 300
T = TypeVar("T")


def call(secret: Secret, what: str, action: Callable[[amqp.Channel], T]) -> T:
    """`action` on a channel in confirm mode; every failure as a NodeError naming `what`."""
    fields = read_fields(Broker, secret)
    where = f"AMQP broker {fields.host}:{fields.port}"
    try:
        address = netguard.checked_addresses(fields.host, fields.port)[0]
    except netguard.PrivateTargetError as refused:
        raise NodeError(str(refused), detail={"host": refused.host}) from None
    except (OSError, IndexError):
        raise NodeError(
            f"Could not reach the {where}: the host does not resolve.", retryable=True
        ) from None
    connection = amqp.Connection(
        host=f"[{address}]:{fields.port}" if address.version == 6 else f"{address}:{fields.port}",
        userid=fields.username,
        password=fields.password.get_secret_value() if fields.password else "",
        virtual_host=fields.vhost,
        ssl=_tls(fields) if fields.tls else False,
        connect_timeout=TIMEOUT_SECONDS,
        read_timeout=TIMEOUT_SECONDS,
        write_timeout=TIMEOUT_SECONDS,
        client_properties={"connection_name": "WorkFuse"},
    )
    try:
        connection.connect()
        channel = connection.channel()
        channel.confirm_select()
        return action(channel)
    except Exception as exc:
        raise failure(exc, secret, where, what) from None
    finally:
        try:
            connection.close()
        except (OSError, exceptions.AMQPError):
            connection.collect()


def _tls(fields: Broker) -> dict[str, Any]:
    # py-amqp wraps the socket with these: the certificate is checked against the host name.
    return {"server_hostname": fields.host, "cert_reqs": ssl.CERT_REQUIRED}


def publish(
    channel: amqp.Channel,
    exchange: str,
    routing_key: str,
    body: bytes,
    content_type: str,
    headers: dict[str, Any],
    persistent: bool,
) -> None:
    message = amqp.basic_message.Message(
        body,
        content_type=content_type,
        application_headers=headers or None,
        delivery_mode=2 if persistent else 1,
    )
    channel.basic_publish_confirm(message, exchange=exchange, routing_key=routing_key)


def check_broker(secret: Secret) -> str:
    """Log in and open a channel, sending nothing."""
    fields = read_fields(Broker, secret)

    def version(channel: amqp.Channel) -> str:
        properties = channel.connection.server_properties
        return f"{properties.get('product', 'AMQP')} {properties.get('version', '')}".strip()

    said = call(secret, "the login", version)
    return f"Connected to {said} at {fields.host}:{fields.port}, virtual host {fields.vhost}."


def failure(exc: Exception, secret: Secret, where: str, what: str) -> NodeError:
    # A broker's words may hold control bytes (NUL cannot be stored in PostgreSQL): spaces.
    printable = "".join(ch if ch.isprintable() else " " for ch in str(exc))
    text = " ".join(printable.split()).removeprefix("(0, 0): ")
    said = redaction.truncate(text or type(exc).__name__, TEXT_LIMIT)
    if isinstance(exc, exceptions.AccessRefused) and "login" in said.lower():
        return http.auth_error(API, secret, said)
    if isinstance(exc, exceptions.AccessRefused | exceptions.NotAllowed):
        return NodeError(f"The {where} refused {what}: {said}", detail={"error": said})
    if isinstance(exc, exceptions.NotFound):
        return NodeError(f"The {where} refused {what}: {said}", detail={"error": said})
    if isinstance(exc, exceptions.MessageNacked):
        return NodeError(f"The {where} did not take the message: {said}", retryable=True)
    if isinstance(exc, TimeoutError | socket.timeout):
        return NodeError(
            f"The {where} did not answer within {TIMEOUT_SECONDS:g} s.", retryable=True
        )
    if isinstance(exc, OSError | exceptions.RecoverableConnectionError):
        return NodeError(f"Could not reach the {where}: {said}", retryable=True)
    if isinstance(exc, exceptions.AMQPError):
        return NodeError(f"The {where} refused {what}: {said}", detail={"error": said})
    raise exc
