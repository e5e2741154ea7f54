"""An n8n webhook answering "when the last node finishes" (editor/n8n/last_node.py): imported,
called, it answers what n8n answers (the first item's JSON of the last node, or every item's),
not WorkFuse's step output."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from editor.models import Workflow
from editor.n8n import import_n8n
from editor.validation import validate_graph
from executions.models import Execution
from tests.test_n8n_flow import export, n8n_node, set_fields
from tests.test_n8n_import import by_label


def hook(**params: Any) -> dict:
    return n8n_node(
        "Webhook",
        "webhook",
        {"httpMethod": "POST", "path": "in", "responseMode": "lastNode", **params},
        2,
    )


def code(name: str, js: str) -> dict:
    return n8n_node(name, "code", {"jsCode": js}, 2)


def call(alice_api: Any, data: dict, payload: dict) -> Any:
    response = alice_api.post("/api/workflows/import", data)
    assert response.status_code == 201, response.json()
    workflow = Workflow.objects.get(pk=response.json()["id"])
    workflow.is_active = True
    workflow.save()
    return Client().post(
        f"/hooks/{workflow.webhook_token}",
        data=json.dumps(payload),
        content_type="application/json",
    )


@pytest.mark.django_db(transaction=True)
def test_a_set_after_the_webhook_answers_its_item_as_n8n_does(alice, alice_api):
    data = export(
        "Greeter",
        [hook(), set_fields("Greet", greeting="=Hi {{ $json.body.name }}")],
        [("Webhook", "Greet")],
    )
    answer = call(alice_api, data, {"name": "Ada"})
    assert answer.status_code == 200
    assert answer.json() == {"greeting": "Hi Ada"}  # n8n's item, not {"result": {...}}


@pytest.mark.django_db(transaction=True)
def test_items_of_a_code_node_answer_the_first_or_all(alice, alice_api):
    js = "return [{json: {n: 1}}, {json: {n: 2}}];"
    first = export("First", [hook(), code("Rows", js)], [("Webhook", "Rows")])
    assert call(alice_api, first, {}).json() == {"n": 1}
    every = export(
        "Every", [hook(responseData="allEntries"), code("Rows", js)], [("Webhook", "Rows")]
    )
    assert call(alice_api, every, {}).json() == [{"n": 1}, {"n": 2}]


@pytest.mark.django_db(transaction=True)
def test_per_item_nodes_after_several_items_answer_the_first_item(alice, alice_api):
    data = export(
        "Per item",
        [
            hook(),
            code("Rows", "return [{json: {n: 1}}, {json: {n: 2}}];"),
            set_fields("Double", twice="={{ $json.n * 2 }}"),
        ],
        [("Webhook", "Rows"), ("Rows", "Double")],
    )
    assert call(alice_api, data, {}).json() == {"twice": "2"}


ORDERS = "return $json.body.totals.map(t => ({json: {total: t}}));"


def big_order() -> dict:
    rule = {
        "leftValue": "={{ $json.total }}",
        "rightValue": 100,
        "operator": {"type": "number", "operation": "gt"},
    }
    conditions = {"options": {}, "conditions": [rule], "combinator": "and"}
    return n8n_node("Big?", "if", {"conditions": conditions, "options": {}}, 2)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("totals", "answer"),
    [
        ([120], {"total": 120, "tier": "gold"}),
        ([15], {"total": 15, "tier": "standard"}),
        ([120, 15], {"total": 15, "tier": "standard"}),  # the last branch that ran answers
    ],
)
def test_branches_after_several_items_answer_from_the_last_branch_that_ran(
    alice, alice_api, totals, answer
):
    # The Code node's items make the import loop over them; both branches end inside that
    # loop, so their answers come after it, and the one of a branch that got no items must
    # not answer (n8n does not run a node without items).
    gold, standard = set_fields("Gold", tier="gold"), set_fields("Standard", tier="standard")
    for node in (gold, standard):
        node["parameters"]["includeOtherFields"] = True
    data = export(
        "Triage",
        [hook(), code("Orders", ORDERS), big_order(), gold, standard],
        [("Webhook", "Orders"), ("Orders", "Big?"), ("Big?", 0, "Gold"), ("Big?", 1, "Standard")],
    )
    response = call(alice_api, data, {"totals": totals})
    assert response.status_code == 200, response.json()
    assert response.json() == answer
    run = Execution.objects.get()  # and no answer failed on a branch without items
    assert run.status == "succeeded", run.error


@pytest.mark.django_db(transaction=True)
def test_a_property_name_and_status_are_kept(alice, alice_api):
    options = {"responsePropertyName": "greeting", "responseCode": 201}
    data = export(
        "Property",
        [hook(options=options), set_fields("Greet", greeting="=Hi {{ $json.body.name }}")],
        [("Webhook", "Greet")],
    )
    answer = call(alice_api, data, {"name": "Ada"})
    assert answer.status_code == 201, answer.content
    assert answer.json() == "Hi Ada"


def test_each_end_of_the_flow_answers_and_the_report_lists_them_as_added():
    condition = {
        "conditions": {
            "options": {"caseSensitive": True, "typeValidation": "strict", "version": 2},
            "conditions": [
                {
                    "id": "c1",
                    "leftValue": "={{ $json.body.vip }}",
                    "rightValue": "",
                    "operator": {"type": "boolean", "operation": "true", "singleValue": True},
                }
            ],
            "combinator": "and",
        },
        "options": {},
    }
    data = export(
        "Branches",
        [
            hook(),
            n8n_node("VIP?", "if", condition, 2.2),
            set_fields("Gold", tier="gold"),
            set_fields("Basic", tier="basic"),
        ],
        [("Webhook", "VIP?"), ("VIP?", 0, "Gold"), ("VIP?", 1, "Basic")],
    )
    result = import_n8n(data)
    graph = result.graph
    assert validate_graph(graph) == []
    assert by_label(graph, "Webhook")["config"]["response"] == "respond_node"
    answers = [n for n in graph["nodes"] if n["type"] == "logic.respond"]
    assert {n["label"] for n in answers} == {
        "Answer the webhook after Gold",
        "Answer the webhook after Basic",
    }
    assert all("several places" in n["notes"] for n in answers)
    report = result.report.as_dict()
    assert {a["label"] for a in report["added"]} >= {n["label"] for n in answers}
    assert all("Answer the webhook" not in n["name"] for n in report["nodes"])
    assert "Answer" not in json.dumps(data)  # the export itself is left as it was


def test_a_webhook_with_nothing_after_it_keeps_answering_its_own_output():
    graph = import_n8n(export("Alone", [hook()], [])).graph
    assert [n["type"] for n in graph["nodes"]] == ["trigger.webhook"]
    assert graph["nodes"][0]["config"]["response"] == "last_node"
