"""n8n's training nodes. "Customer Datastore (n8n training)" calls nothing and answers five
fixed, made-up customers (n8n's N8nTrainingCustomerDatastore.node.ts); "Customer Messenger (n8n
training)" sends nothing and answers what it would have sent. Each becomes a template transform
whose result is n8n's answer, so the workflows n8n's courses teach with import and run as they
did there."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

from editor.n8n.converter import BASE, Converted, Converter, N8nNode, Refusal, Spec

TYPE = f"{BASE}n8nTrainingCustomerDatastore"
PEOPLE: list[dict[str, Any]] = [
    {
        "id": "23423532",
        "name": "Jay Gatsby",
        "email": "gatsby@west-egg.com",
        "notes": "Keeps asking about a green light??",
        "country": "US",
        "created": "1925-04-10",
    },
    {
        "id": "23423533",
        "name": "José Arcadio Buendía",
        "email": "jab@macondo.co",
        "notes": "Lots of people named after him. Very confusing",
        "country": "CO",
        "created": "1967-05-05",
    },
    {
        "id": "23423534",
        "name": "Max Sendak",
        "email": "info@in-and-out-of-weeks.org",
        "notes": "Keeps rolling his terrible eyes",
        "country": "US",
        "created": "1963-04-09",
    },
    {
        "id": "23423535",
        "name": "Zaphod Beeblebrox",
        "email": "captain@heartofgold.com",
        "notes": "Felt like I was talking to more than one person",
        "country": None,
        "created": "1979-10-12",
    },
    {
        "id": "23423536",
        "name": "Edmund Pevensie",
        "email": "edmund@narnia.gov",
        "notes": "Passionate sailor",
        "country": "UK",
        "created": "1950-10-16",
    },
]
DEFAULT_LIMIT = 5  # n8n's default; its field allows 1 to 10


def _people(node: N8nNode) -> list[dict[str, Any]] | dict[str, Any]:
    """What the node answers for one input item: the first person, or the first `limit`."""
    p = node.params
    operation = p.get("operation") or "getOnePerson"
    if operation == "getOnePerson":
        return PEOPLE[0]
    if operation != "getAllPeople":
        raise Refusal(f"runs the operation '{operation}', which n8n's training node lacks.")
    if p.get("returnAll"):
        return PEOPLE
    limit = p.get("limit", DEFAULT_LIMIT)
    if not isinstance(limit, int) or isinstance(limit, bool):
        raise Refusal(
            "sets its limit with an expression; WorkFuse's copy of the training data needs a "
            "number. Set one in n8n and export again."
        )
    return PEOPLE[: max(limit, 0)]


def _training(node: N8nNode, cx: Converter) -> Converted:
    data = _people(node)
    config = {"language": "template", "expression": json.dumps(data, ensure_ascii=False)}
    return Converted(
        "utility.transform",
        config,
        notes=["n8n's training data: the node's fixed, made-up customers, as n8n answers them."],
    )


def _spec(node: N8nNode, cx: Converter) -> Spec:
    """getAllPeople emits one item per person (the per-item nodes after it loop over them)."""
    many = "result" if node.params.get("operation") == "getAllPeople" else None
    return dataclasses.replace(SPECS[TYPE], per_node=None, items=many)


SPECS: dict[str, Spec] = {TYPE: Spec(_training, "result", per_node=_spec)}


# --- spontit: the training "Customer Messenger (n8n training)" ---
MESSENGER = f"{BASE}n8nTrainingCustomerMessenger"


def _messenger(node: N8nNode, cx: Converter) -> Converted:
    """n8n's training messenger sends nothing: for each item it answers `{output}`, the text
    "Sent message to customer <id>:  <message>" (two spaces, as n8n's
    N8nTrainingCustomerMessenger.node.ts writes it)."""
    parts = []
    for name, label in (("customerId", "Customer ID"), ("message", "Message")):
        value = cx.value(node.params.get(name, ""), node)
        if value in ("", None):
            raise Refusal(f"has no {label}, which n8n's training node requires; set it in n8n.")
        parts.append(value if isinstance(value, str) else json.dumps(value))
    output = f"Sent message to customer {parts[0]}:  {parts[1]}"
    return Converted(
        "utility.transform",
        {"language": "template", "expression": {"output": output}},
        notes=["n8n's training messenger: it sends nothing and answers what n8n answers."],
    )


SPECS[MESSENGER] = Spec(_messenger, "result")
# --- end spontit ---
