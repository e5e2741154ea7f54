"""n8n's AMQP Sender (version 1) as WorkFuse's `app.amqp`: each item sent to the node's Queue /
Topic with its headers, the whole item's json or one of its properties.

n8n's node speaks AMQP 1.0 (rhea); `app.amqp` speaks AMQP 0-9-1 to RabbitMQ, so every import
carries that caveat. The sink is read as RabbitMQ reads an AMQP 1.0 target address:
`/exchange/X/key` and `/topic/key` (the amq.topic exchange) publish through an exchange,
`/queue/Q`, `/amq/queue/Q` and a plain name send to that queue."""

from __future__ import annotations

import json
from typing import Any

from editor.n8n.apps_base import text
from editor.n8n.converter import BASE, Converted, Converter, N8nNode, Refusal, Spec

PROTOCOL = (
    "n8n's AMQP Sender speaks AMQP 1.0 and WorkFuse publishes over AMQP 0-9-1, which RabbitMQ "
    "speaks but brokers that speak only AMQP 1.0 (ActiveMQ Artemis's AMQP port, Azure Service "
    "Bus) do not, and the body goes as JSON text where n8n sent an AMQP-encoded value."
)


def address(sink: str) -> tuple[str, str]:
    """(exchange, routing key) of an AMQP 1.0 target address as RabbitMQ routes it."""
    if sink.startswith("/exchange/"):
        exchange, _, key = sink.removeprefix("/exchange/").partition("/")
        return exchange, key
    if sink.startswith("/topic/"):
        return "amq.topic", sink.removeprefix("/topic/")
    for prefix in ("/amq/queue/", "/queue/"):
        if sink.startswith(prefix):
            return "", sink.removeprefix(prefix)
    return "", sink


def _headers(node: N8nNode, cx: Converter) -> Any:
    given = node.params.get("headerParametersJson")
    if given in (None, "", {}):
        return None
    if isinstance(given, str) and not given.startswith("="):
        try:
            given = json.loads(given)
        except ValueError:
            raise Refusal(
                "has Headers that are not JSON, which n8n fails to parse; fix them in n8n and "
                "export again."
            ) from None
        if not isinstance(given, dict):
            raise Refusal("has Headers that are not a JSON object; fix them in n8n.")
    return text(cx, node, given)


def _amqp(node: N8nNode, cx: Converter) -> Converted:
    p = node.params
    sink = p.get("sink")
    if not isinstance(sink, str) or not sink.strip():
        raise Refusal("names no Queue / Topic, which n8n requires; set it in n8n and export again.")
    if sink.startswith("="):
        raise Refusal(
            "takes its Queue / Topic from an expression; WorkFuse must know at import whether "
            "it names a queue or an exchange. Write the address in n8n and export again."
        )
    exchange, key = address(sink.strip())
    options = p.get("options") or {}
    only = options.get("sendOnlyProperty")
    item = f"={{{{ $json[{json.dumps(only)}] }}}}" if only else "={{ $json }}"
    config: dict[str, Any] = {
        "operation": "send",
        "exchange": exchange,
        "routing_key": key,
        "message": cx.value(item, node),
    }
    headers = _headers(node, cx)
    if headers is not None:
        config["headers"] = headers
    notes = [
        "Credentials are not imported: choose an AMQP broker credential (host, port, user, "
        "password, virtual host) before running.",
        PROTOCOL,
    ]
    if options.get("containerId"):
        notes.append("n8n's Container ID is an AMQP 1.0 setting; WorkFuse names its connection.")
    return Converted("app.amqp", config, notes=notes)


SPECS: dict[str, Spec] = {f"{BASE}amqp": Spec(_amqp, "")}
