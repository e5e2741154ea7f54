"""The data nodes (utility.filter, sort, limit, set) run by the engine end to end: each step's
output, per-item templates left for the node to render, their errors failing the step, and a
filter inside a loop body."""

from __future__ import annotations

import pytest

from executions import engine
from executions.models import Execution
from tests.engine_helpers import chain, make_workflow, steps_by_key

pytestmark = pytest.mark.django_db(transaction=True)

ORDERS = [
    {"id": 1, "total": 40, "status": "paid", "customer": "ada"},
    {"id": 2, "total": 250, "status": "paid", "customer": "bob"},
    {"id": 3, "total": 120, "status": "open", "customer": "cy"},
    {"id": 4, "total": 990, "status": "shipped", "customer": "di"},
    {"id": 5, "total": 310, "status": "paid", "customer": "ed"},
]

PIPELINE = chain(
    {
        "id": "worth_it",
        "type": "utility.filter",
        "config": {
            "rules": [
                {"left": "{{ item.total }}", "operator": "gte", "right": "{{ trigger.minimum }}"},
                {
                    "combinator": "or",
                    "rules": [
                        {"left": "{{ item.status }}", "right": "paid"},
                        {"left": "{{ item.status }}", "right": "shipped"},
                    ],
                },
            ]
        },
    },
    {
        "id": "biggest",
        "type": "utility.sort",
        "config": {"by": [{"field": "total", "order": "desc"}]},
    },
    {"id": "top", "type": "utility.limit", "config": {"max": 2}},
    {
        "id": "report",
        "type": "utility.set",
        "config": {
            "keep": "none",
            "fields": [
                {"name": "top", "value": "{{ nodes.top.items }}"},
                {"name": "summary.kept", "value": "{{ nodes.worth_it.count }}", "type": "string"},
                {"name": "summary.best", "value": "{{ nodes.top.items[0].total }}"},
                {"name": "summary.checked", "value": "yes", "type": "boolean"},
            ],
        },
    },
)


def run(workflow, payload) -> Execution:
    execution = engine.start_execution(workflow, payload)
    execution.refresh_from_db()
    return execution


def test_filter_sort_limit_set_each_step_gives_its_output(alice):
    execution = run(make_workflow(alice, PIPELINE), {"orders": ORDERS, "minimum": 100})
    assert execution.status == "succeeded", execution.error
    steps = steps_by_key(execution)
    assert steps["worth_it"].output == {
        "items": [ORDERS[1], ORDERS[3], ORDERS[4]],
        "count": 3,
        "dropped": 2,
    }
    assert steps["biggest"].output == {"items": [ORDERS[3], ORDERS[4], ORDERS[1]]}
    assert steps["top"].output == {"items": [ORDERS[3], ORDERS[4]]}
    assert steps["report"].output == {
        "top": [ORDERS[3], ORDERS[4]],
        "summary": {"kept": "3", "best": 990, "checked": True},
    }
    # Per-item rules are stored as written (the node rendered them item by item); the
    # other templates as rendered.
    assert steps["worth_it"].input["rules"][0]["left"] == "{{ item.total }}"
    assert steps["report"].input["fields"][2]["value"] == 990


def test_a_per_item_template_error_fails_the_step_naming_the_item(alice):
    orders = [{"id": 1, "total": 5, "status": "paid"}, {"id": 2, "status": "paid"}]
    execution = run(make_workflow(alice, PIPELINE), {"orders": orders, "minimum": 1})
    assert execution.status == "failed"
    step = steps_by_key(execution)["worth_it"]
    assert step.status == "failed"
    assert step.error == (
        "Item 1: template error in rules[0].left: 'item.total' is undefined (item has no 'total')"
    )
    assert step.attempt == 1  # a template error is not retried


def test_a_value_that_does_not_convert_once_rendered_fails_the_set_step(alice):
    graph = chain(
        {
            "id": "shape",
            "type": "utility.set",
            "config": {"fields": [{"name": "n", "value": "{{ trigger.n }}", "type": "number"}]},
        }
    )
    execution = run(make_workflow(alice, graph), {"n": "many"})
    step = steps_by_key(execution)["shape"]
    assert step.status == "failed"
    assert 'fields[0]: value "many" is not a number' in step.error


def test_a_filter_in_a_loop_body_sees_its_own_item(alice):
    graph = {
        "nodes": [
            {"id": "start", "type": "trigger.manual", "config": {}},
            {"id": "each", "type": "logic.loop", "config": {"items": "{{ trigger.teams }}"}},
            {
                "id": "adults",
                "type": "utility.filter",
                "config": {
                    "items": "{{ item.people }}",
                    "rules": [{"left": "{{ item.age }}", "operator": "gte", "right": 18}],
                },
            },
        ],
        "edges": [
            {"source": "start", "target": "each"},
            {"source": "each", "source_handle": "each", "target": "adults"},
        ],
    }
    teams = [
        {"people": [{"age": 17}, {"age": 30}]},
        {"people": [{"age": 18}, {"age": 2}, {"age": 44}]},
    ]
    execution = run(make_workflow(alice, graph), {"teams": teams})
    assert execution.status == "succeeded", execution.error
    steps = steps_by_key(execution)
    assert steps["adults[0]"].output["items"] == [{"age": 30}]
    assert steps["adults[1]"].output["items"] == [{"age": 18}, {"age": 44}]
    assert steps["each"].output == {
        "results": [steps["adults[0]"].output, steps["adults[1]"].output]
    }
