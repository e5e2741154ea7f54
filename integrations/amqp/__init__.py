"""AMQP (DESIGN §11): a broker login (RabbitMQ and other AMQP 0-9-1 brokers), and the node
app.amqp that sends a message to a queue or an exchange, as n8n's AMQP Sender does."""

from __future__ import annotations

from integrations.amqp import broker, node
from integrations.amqp.credentials import Broker
from integrations.service import CredentialKind, Service

SERVICE = Service(
    name="amqp",
    label="AMQP",
    kinds=(CredentialKind(Broker, test=broker.check_broker),),
    node=node.NODE,
)
