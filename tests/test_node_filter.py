"""utility.filter: rules tested on each item (with `item` and `index`), groups, the default
list, errors naming the item, validation on save, and its settings form with the rule editor."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from editor.models import Workflow
from editor.nodes import utility_filter
from editor.nodes.base import NodeError, RunContext
from tests.test_node_form import FormReader, apply, render

ORDERS = [
    {"id": 1, "total": 50, "status": "paid"},
    {"id": 2, "total": 150, "status": "open", "email": "b@example.com"},
    {"id": 3, "total": 300, "status": "shipped"},
    {"id": 4, "total": 120, "status": "paid", "email": "d@example.com"},
]


def ctx(**kwargs: Any) -> RunContext:
    return RunContext(execution_id="e", node_id="keep", step_key="keep", **kwargs)


def run(config: dict, items: Any = ORDERS, **kwargs: Any) -> dict:
    return utility_filter.run(
        utility_filter.Config.model_validate(config), ctx(input=items, **kwargs)
    )


def ids(output: dict) -> list[int]:
    return [item["id"] for item in output["items"]]


def test_keeps_the_items_whose_rules_hold_and_counts_both():
    output = run({"rules": [{"left": "{{ item.total }}", "operator": "gt", "right": 100}]})
    assert ids(output) == [2, 3, 4]
    assert (output["count"], output["dropped"]) == (3, 1)
    assert output["items"][0] is ORDERS[1]  # the items themselves, in their order


def test_groups_mix_and_with_or():
    paid_or_shipped = {
        "combinator": "or",
        "rules": [
            {"left": "{{ item.status }}", "right": "paid"},
            {"left": "{{ item.status }}", "right": "shipped"},
        ],
    }
    big = {"left": "{{ item.total }}", "operator": "gte", "right": "120"}
    assert ids(run({"rules": [big, paid_or_shipped]})) == [3, 4]
    assert ids(run({"combinator": "or", "rules": [big, paid_or_shipped]})) == [1, 2, 3, 4]


def test_index_is_the_items_position_and_the_run_context_is_there_too():
    rules = [
        {"left": "{{ index }}", "operator": "lt", "right": "{{ trigger.keep }}"},
        {"left": "{{ item.id }}", "operator": "ne", "right": 2},
    ]
    output = run({"rules": rules}, variables={"trigger": {"keep": 3}, "nodes": {}})
    assert ids(output) == [1, 3]


def test_no_rules_keeps_every_item():
    assert run({}) == {"items": ORDERS, "count": 4, "dropped": 0}


def test_exists_and_is_empty_treat_a_missing_field_as_not_there():
    assert ids(run({"rules": [{"left": "{{ item.email }}", "operator": "exists"}]})) == [2, 4]
    empty = {"left": "{{ item.email }}", "operator": "is_empty"}
    assert ids(run({"rules": [empty]})) == [1, 3]


def test_a_missing_field_in_a_comparison_fails_naming_the_item_and_the_rule():
    rules = [{"left": "{{ item.id }}", "operator": "gt", "right": 0}, {"left": "{{ item.email }}"}]
    with pytest.raises(NodeError) as failure:
        run({"rules": [{"combinator": "and", "rules": rules}]})
    assert failure.value.message == (
        "Item 0: template error in rules[0].rules[1].left: 'item.email' is undefined "
        "(item has no 'email')"
    )


def test_items_default_to_the_previous_output_or_its_first_list():
    rule = {"left": "{{ item }}", "operator": "gt", "right": 1}
    assert run({"rules": [rule]}, items=[1, 2, 3])["items"] == [2, 3]
    assert run({"rules": [rule]}, items={"count": 3, "values": [0, 5]})["items"] == [5]
    assert run({"items": [4, 0], "rules": [rule]}, items=[9])["items"] == [4]
    with pytest.raises(NodeError, match="items is empty and the previous node's output"):
        run({"rules": [rule]}, items={"count": 3})


def test_per_item_templates_share_one_cpu_budget(settings):
    settings.WORKFUSE_TEMPLATE_CPU_MS = 50
    slow = "{% for i in range(3000) %}{{ i }}{% endfor %}"
    # Unbounded, the pass takes about 1 s of CPU here: twenty budgets, so a faster machine
    # still spends one long before the last item.
    with pytest.raises(NodeError, match="WORKFUSE_TEMPLATE_CPU_MS"):
        run({"rules": [{"left": slow, "operator": "exists"}]}, items=list(range(2000)))


@given(
    st.lists(st.integers(-1000, 1000), max_size=40),
    st.integers(-1000, 1000),
    st.sampled_from(["gt", "lte", "eq", "ne"]),
)
def test_keeps_exactly_the_matching_items_in_order(numbers, threshold, operator):
    items = [{"n": n} for n in numbers]
    output = run(
        {"rules": [{"left": "{{ item.n }}", "operator": operator, "right": threshold}]}, items
    )
    compare = {
        "gt": lambda n: n > threshold,
        "lte": lambda n: n <= threshold,
        "eq": lambda n: n == threshold,
        "ne": lambda n: n != threshold,
    }[operator]
    assert output["items"] == [item for item in items if compare(item["n"])]
    assert output["count"] + output["dropped"] == len(items)


# --- validation on save ---------------------------------------------------------------------


def graph(config: dict) -> dict:
    return {
        "nodes": [
            {"id": "start", "type": "trigger.manual", "config": {}},
            {"id": "keep", "type": "utility.filter", "config": config},
        ],
        "edges": [{"source": "start", "target": "keep"}],
    }


@pytest.mark.django_db
def test_saving_accepts_item_in_the_rules_only(alice_api):
    rules = [{"left": "{{ item.total }}", "operator": "gt", "right": "{{ trigger.min }}"}]
    created = alice_api.post("/api/workflows", {"name": "F", "graph": graph({"rules": rules})})
    assert created.status_code == 201, created.content
    response = alice_api.patch(
        f"/api/workflows/{created.json()['id']}",
        {"graph": graph({"items": "{{ item.orders }}", "rules": rules})},
    )
    assert response.status_code == 400
    [detail] = response.json()["details"]
    assert (detail["node_id"], detail["field"]) == ("keep", "config.items")
    assert detail["message"].startswith("'item' exists only inside a loop body")


@pytest.mark.django_db
def test_saving_refuses_a_bad_rule_naming_its_field(alice_api):
    rules = [
        {"left": "{{ item.total }}", "operator": "bigger", "right": 1},
        {"combinator": "or", "rules": [{"left": "{{ itme.total }}", "operator": "exists"}]},
    ]
    response = alice_api.post("/api/workflows", {"name": "F", "graph": graph({"rules": rules})})
    assert response.status_code == 400
    details = {d["field"]: d["message"] for d in response.json()["details"]}
    assert "config.rules[0].operator" in details
    assert "'eq', 'ne'" in details["config.rules[0].operator"]
    response = alice_api.post(
        "/api/workflows", {"name": "F", "graph": graph({"rules": rules[1:], "items": 7})}
    )
    details = {d["field"]: d["message"] for d in response.json()["details"]}
    assert details["config.items"] == (
        "must be a list or a template such as '{{ nodes.fetch.body.items }}'"
    )
    response = alice_api.post("/api/workflows", {"name": "F", "graph": graph({"rules": rules[1:]})})
    [detail] = response.json()["details"]
    assert detail["field"] == "config.rules[0].rules[0].left"
    assert "Unknown variable 'itme'" in detail["message"]


# --- the settings form: the rule editor ------------------------------------------------------


@pytest.fixture
def workflow(alice: Any) -> Workflow:
    return Workflow.create(alice, "Orders", graph=graph({}))


NESTED = {
    "combinator": "or",
    "rules": [
        {"left": "{{ item.total }}", "operator": "gt", "right": 100},
        {
            "combinator": "and",
            "rules": [
                {"left": "{{ item.status }}", "right": "paid"},
                {"left": "{{ item.email }}", "operator": "exists"},
                {"combinator": "or", "rules": [{"left": "{{ index }}", "right": None}]},
            ],
        },
    ],
}


@pytest.mark.django_db
def test_the_form_shows_rules_and_groups_as_rows_and_gives_back_the_same_config(
    alice_client, workflow
):
    response = render(alice_client, workflow, "utility.filter", NESTED)
    form = FormReader(response.content.decode())
    assert form.kinds == {"items": "json", "combinator": "select", "rules": "rules"}
    assert [v for k, v in form.values if k == "f:rules.row"] == [
        "rule", "group", "rule", "rule", "group", "rule", "end", "end",
    ]  # fmt: skip
    assert [v for k, v in form.values if k == "f:rules.left"] == [
        "{{ item.total }}", "{{ item.status }}", "{{ item.email }}", "{{ index }}",
    ]  # fmt: skip
    assert [v for k, v in form.values if k == "f:rules.right"] == ["100", "paid", "", "null"]
    html = response.content.decode()
    assert 'data-field="rules" data-per-item' in html
    assert 'data-tree-template="group"' in html and 'data-tree-add="group"' in html
    _, result = apply(alice_client, workflow, "utility.filter", NESTED, form.values)
    assert result == {"config": NESTED, "applicable": True, "valid": True}


@pytest.mark.django_db
def test_rules_and_groups_added_in_the_form_become_the_config(alice_client, workflow):
    """As the browser posts them after "+ Rule" and "+ Group": rows in document order."""
    values = [
        ("f:combinator", "and"),
        ("f:rules", ""),
        ("f:rules.row", "rule"),
        ("f:rules.left", "{{ item.total }}"),
        ("f:rules.operator", "gte"),
        ("f:rules.right", "100"),
        ("f:rules.row", "group"),
        ("f:rules.combinator", "or"),
        ("f:rules.row", "rule"),
        ("f:rules.left", "{{ item.tags }}"),
        ("f:rules.operator", "contains"),
        ("f:rules.right", "vip"),
        ("f:rules.row", "rule"),
        ("f:rules.left", "{{ item.note }}"),
        ("f:rules.operator", "is_empty"),
        ("f:rules.right", ""),
        ("f:rules.row", "end"),
    ]
    _, result = apply(alice_client, workflow, "utility.filter", {}, values)
    assert result["config"] == {
        "rules": [
            {"left": "{{ item.total }}", "operator": "gte", "right": 100},
            {
                "combinator": "or",
                "rules": [
                    {"left": "{{ item.tags }}", "operator": "contains", "right": "vip"},
                    {"left": "{{ item.note }}", "operator": "is_empty"},
                ],
            },
        ]
    }
    assert result["valid"] is True


@pytest.mark.django_db
def test_form_errors_name_the_rule_and_keep_what_was_typed(alice_client, workflow):
    values = [
        ("f:rules", ""),
        ("f:rules.row", "rule"),
        ("f:rules.left", ""),
        ("f:rules.operator", "eq"),
        ("f:rules.right", "1"),
        ("f:rules.row", "group"),
        ("f:rules.combinator", "and"),
        ("f:rules.row", "rule"),
        ("f:rules.left", "{{ item.x }}"),
        ("f:rules.operator", "eq"),
        ("f:rules.right", '{"broken": '),
        ("f:rules.row", "end"),
    ]
    response, result = apply(alice_client, workflow, "utility.filter", {}, values)
    form = FormReader(response.content.decode())
    assert result["applicable"] is False
    assert form.errors["rules"] == (
        "Rule 2, compared with: Not valid JSON: Expecting value at line 1, column 11."
    )
    assert ("f:rules.right", '{"broken": ') in form.values  # shown again, not lost
    assert [v for k, v in form.values if k == "f:rules.row"] == ["rule", "group", "rule", "end"]

    values[10] = ("f:rules.right", "2")
    response, result = apply(alice_client, workflow, "utility.filter", {}, values)
    assert result["applicable"] is True and result["valid"] is False
    assert FormReader(response.content.decode()).errors["rules"] == "[0].left: Field required"


@pytest.mark.django_db
def test_the_variables_offer_the_items_fields_in_the_rules_only(alice, alice_client, workflow):
    from executions.models import Execution

    execution = Execution.objects.create(
        workflow=workflow, version=workflow.versions.get(), status="succeeded"
    )
    execution.steps.create(
        node_id="start", key="start", status="succeeded", output={"orders": ORDERS}
    )
    html = render(alice_client, workflow, "utility.filter", {}, node_id="keep").content.decode()
    assert '<li data-per-item><button type="button" class="wf-var" data-var="item.total"' in html
    assert '<li data-per-item><button type="button" class="wf-var" data-var="index"' in html
    assert 'data-var="trigger.orders"' in html
    response = render(
        alice_client,
        workflow,
        "utility.filter",
        {"items": "{{ trigger.orders[1:] }}"},
        node_id="keep",
    )
    assert 'data-var="item.email"' in response.content.decode()  # the list's first element


def test_the_form_value_of_a_rule_tree_is_json_when_it_is_not_one():
    from editor.node_form import fields_for

    fields = {f.name: f for f in fields_for(utility_filter.NODE, {"rules": [{"x": 1}]})}
    assert fields["rules"].kind == "json"
    assert json.loads(fields["rules"].value) == [{"x": 1}]


@pytest.mark.django_db
def test_magic_input_is_told_where_item_can_be_read_and_its_shape(alice, workflow):
    from editor import magic
    from executions.models import Execution

    execution = Execution.objects.create(
        workflow=workflow, version=workflow.versions.get(), status="succeeded"
    )
    execution.steps.create(node_id="start", key="start", status="succeeded", output=ORDERS)
    text = magic.available_variables(workflow, "keep")
    assert (
        "- item, index: only inside rules, evaluated once per element of the list: the current "
        'element and its position; item shape {"id": "number", "total": "number", '
        '"status": "string"}'
    ) in text


@pytest.mark.django_db
def test_a_row_of_an_unknown_kind_is_refused_not_a_crash(alice_client, workflow):
    values = [("f:rules", ""), ("f:rules.row", "rule"), ("f:rules.left", "1")]
    values += [("f:rules.row", "bogus")]
    response, result = apply(alice_client, workflow, "utility.filter", {}, values)
    assert response.status_code == 200
    assert result["applicable"] is False
    form = FormReader(response.content.decode())
    assert form.errors["rules"] == "Unknown row 'bogus'."
    assert ("f:rules.left", "1") in form.values
