"""Importing n8n's training "Customer Messenger (n8n training)" (editor/n8n/training_data.py):
it sends nothing and answers `{output: "Sent message to customer <id>:  <message>"}` per item,
as n8n's node does; imported workflows run in the engine and give n8n's items."""

from __future__ import annotations

from typing import Any

import pytest

from editor.n8n import convert
from editor.validation import validate_graph
from executions import engine
from executions.models import Step
from tests.engine_helpers import make_workflow
from tests.test_n8n_apps import converted, refusal, single
from tests.test_n8n_misc import link, node, set_field

MESSENGER = "n8nTrainingCustomerMessenger"


def run_with(alice: Any, graph: dict[str, Any], payload: dict[str, Any]) -> dict[str, Step]:
    assert validate_graph(graph) == []
    execution = engine.start_execution(make_workflow(alice, graph), payload)
    execution.refresh_from_db()
    assert execution.status == "succeeded", execution.error
    return {s.key: s for s in Step.objects.filter(execution=execution)}


def test_the_messenger_becomes_a_template_of_n8n_s_answer():
    made = converted(MESSENGER, {"customerId": "1", "message": '={{$json["URL"]}}'})
    assert made["type"] == "utility.transform"
    assert made["config"] == {
        "language": "template",
        "expression": {"output": "Sent message to customer 1:  {{ trigger.URL }}"},
    }


def test_literal_braces_in_its_settings_stay_text():
    made = converted(MESSENGER, {"customerId": "{{ 7 }}", "message": "hi"})
    output = made["config"]["expression"]["output"]
    assert output == "Sent message to customer {% raw %}{{ 7 }}{% endraw %}:  hi"


@pytest.mark.parametrize(
    ("params", "said"), [({"message": "hi"}, "no Customer ID"), ({"customerId": "1"}, "no Message")]
)
def test_a_missing_setting_is_refused_by_name(params, said):
    message = refusal(MESSENGER, params)
    assert f"'App' (n8n-nodes-base.{MESSENGER})" in message
    assert said in message


@pytest.mark.django_db(transaction=True)
def test_one_item_gets_n8n_s_answer_and_the_next_node_reads_its_output(alice):
    data = single(MESSENGER, {"customerId": "42", "message": "=Hello {{ $json.name }}"})
    data["nodes"].append(set_field("Read", "said", "={{ $json.output }}", 480))
    data["connections"]["App"] = {"main": [link(("Read", 0))]}
    graph = convert(data)
    steps = run_with(alice, graph, {"name": "Ada"})
    assert steps["app"].output == {"result": {"output": "Sent message to customer 42:  Hello Ada"}}
    assert steps["read"].output == {"result": {"said": "Sent message to customer 42:  Hello Ada"}}


@pytest.mark.django_db(transaction=True)
def test_after_the_training_datastore_each_customer_gets_a_message(alice):
    data = single("n8nTrainingCustomerDatastore", {"operation": "getAllPeople", "limit": 2})
    params = {"customerId": "={{ $json.id }}", "message": "=Hi {{ $json.name }}"}
    data["nodes"].append(node("Messenger", MESSENGER, params, 480))
    data["nodes"].append(set_field("Read", "said", "={{ $json.output }}", 720))
    data["connections"]["App"] = {"main": [link(("Messenger", 0))]}
    data["connections"]["Messenger"] = {"main": [link(("Read", 0))]}
    graph = convert(data)
    steps = run_with(alice, graph, {})
    # The import runs the Messenger and the Set once per customer, in a loop.
    assert [steps[f"messenger[{i}]"].output for i in (0, 1)] == [
        {"result": {"output": "Sent message to customer 23423532:  Hi Jay Gatsby"}},
        {"result": {"output": "Sent message to customer 23423533:  Hi José Arcadio Buendía"}},
    ]
    assert [r["result"] for r in steps["each_app"].output["results"]] == [
        {"said": "Sent message to customer 23423532:  Hi Jay Gatsby"},
        {"said": "Sent message to customer 23423533:  Hi José Arcadio Buendía"},
    ]
