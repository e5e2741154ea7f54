"""utility.sort: several keys, stable, mixed types in a fixed order, missing fields last, keys
as paths or per-item templates, validation on save, and its settings form (rows of keys)."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from editor.models import Workflow
from editor.nodes import utility_sort
from editor.nodes.base import NodeError, RunContext
from tests.test_node_form import FormReader, apply, render


def run(config: dict, items: Any, **kwargs: Any) -> list[Any]:
    ctx = RunContext(execution_id="e", node_id="order", step_key="order", input=items, **kwargs)
    output = utility_sort.run(utility_sort.Config.model_validate(config), ctx)
    assert list(output) == ["items"]
    return output["items"]


PEOPLE = [
    {"name": "bea", "age": 30, "city": "Oslo"},
    {"name": "Al", "age": 25},
    {"name": "cy", "age": 30, "city": "Bergen"},
    {"name": "Di", "age": None, "city": "Oslo"},
    {"name": "ed", "age": 25, "city": "Bergen"},
]


def names(items: list[dict]) -> list[str]:
    return [p["name"] for p in items]


def test_sorts_by_a_field_keeping_ties_in_their_order():
    assert names(run({"by": [{"field": "age"}]}, PEOPLE)) == ["Al", "ed", "bea", "cy", "Di"]
    desc = run({"by": [{"field": "age", "order": "desc"}]}, PEOPLE)
    assert names(desc) == ["bea", "cy", "Al", "ed", "Di"]  # null last, ties as they came


def test_later_keys_break_the_ties_of_earlier_ones():
    by = [{"field": "city"}, {"field": "age", "order": "desc"}, {"field": "name"}]
    assert names(run({"by": by}, PEOPLE)) == ["cy", "ed", "bea", "Di", "Al"]


def test_missing_and_null_come_last_in_both_directions():
    for order in ("asc", "desc"):
        assert names(run({"by": [{"field": "city", "order": order}]}, PEOPLE))[-1] == "Al"


def test_a_key_may_be_a_per_item_template():
    by = [{"field": "{{ item.name | lower }}"}]
    assert names(run({"by": by}, PEOPLE)) == ["Al", "bea", "cy", "Di", "ed"]
    by = [{"field": "{{ -index }}"}]  # index: the item's position in the input
    assert names(run({"by": by}, PEOPLE)) == ["ed", "Di", "cy", "Al", "bea"]
    with pytest.raises(NodeError, match=r"Item 0: template error in by\[0\].field: 'item.zip'"):
        run({"by": [{"field": "{{ item.zip }}"}]}, PEOPLE)


def test_paths_reach_inside_objects_and_lists():
    items = [{"a": {"b": [3, 1]}}, {"a": {"b": [1, 9]}}, {"a": {}}]
    assert run({"by": [{"field": "a.b.0"}]}, items) == [items[1], items[0], items[2]]
    assert run({"by": [{"field": "a.b[1]"}]}, items) == [items[0], items[1], items[2]]


def test_mixed_types_order_predictably():
    values = ["b", 3, None, True, {"k": 1}, 1.5, "A", [2], False, -1]
    assert run({}, values) == [False, True, -1, 1.5, 3, "A", "b", [2], {"k": 1}, None]
    assert run({"by": []}, [3, 1, 2], variables={}) == [1, 2, 3]


def test_items_default_to_the_previous_outputs_first_list():
    assert run({}, {"total": 2, "rows": [2, 1]}) == [1, 2]


VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-100, 100),
    st.floats(-1e6, 1e6),
    st.text(max_size=3),
    st.lists(st.integers(0, 3), max_size=2),
    st.dictionaries(st.sampled_from("ab"), st.integers(0, 3), max_size=2),
)


@given(st.lists(st.dictionaries(st.sampled_from(["k", "j"]), VALUES), max_size=25), st.booleans())
def test_output_is_ordered_and_a_permutation_of_the_input(items, descending):
    order = "desc" if descending else "asc"
    output = run({"by": [{"field": "k", "order": order}]}, items)
    assert Counter(map(repr, output)) == Counter(map(repr, items))
    keys = [utility_sort._rank(i["k"]) for i in output if i.get("k") is not None]
    assert keys == sorted(keys, reverse=descending)
    present = [i.get("k") is not None for i in output]
    assert present == sorted(present, reverse=True)  # missing and null last
    # Stable: items with equal keys keep their input order.
    for key in {repr(i.get("k")) for i in items}:
        same = [i for i in items if repr(i.get("k")) == key]
        assert [i for i in output if repr(i.get("k")) == key] == same


# --- validation on save ---------------------------------------------------------------------


def graph(config: dict) -> dict:
    return {
        "nodes": [
            {"id": "start", "type": "trigger.manual", "config": {}},
            {"id": "order", "type": "utility.sort", "config": config},
        ],
        "edges": [{"source": "start", "target": "order"}],
    }


@pytest.mark.django_db
def test_saving_checks_the_keys(alice_api):
    ok = {"by": [{"field": "{{ item.name | lower }}"}, {"field": "age", "order": "desc"}]}
    assert alice_api.post("/api/workflows", {"name": "S", "graph": graph(ok)}).status_code == 201
    bad = {"by": [{"field": "a..b"}, {"field": "x", "order": "down"}, {"order": "asc"}]}
    response = alice_api.post("/api/workflows", {"name": "S", "graph": graph(bad)})
    assert response.status_code == 400
    details = {d["field"]: d["message"] for d in response.json()["details"]}
    assert details == {
        "config.by[0].field": "'a..b' is not a field path: a part between dots is empty",
        "config.by[1].order": "Input should be 'asc' or 'desc'",
        "config.by[2].field": "Field required",
    }
    wrong = {"by": [{"field": "{{ itm.name }}"}]}
    response = alice_api.post("/api/workflows", {"name": "S", "graph": graph(wrong)})
    [detail] = response.json()["details"]
    assert detail["field"] == "config.by[0].field"
    assert "Unknown variable 'itm'" in detail["message"]


# --- the settings form ---------------------------------------------------------------------


@pytest.mark.django_db
def test_the_form_shows_one_row_per_key_and_round_trips(alice, alice_client):
    workflow = Workflow.create(alice, "Sort", graph=graph({}))
    config = {"by": [{"field": "age", "order": "desc"}, {"field": "{{ item.name }}"}]}
    response = render(alice_client, workflow, "utility.sort", config, node_id="order")
    form = FormReader(response.content.decode())
    assert form.kinds == {"items": "json", "by": "rows"}
    assert [v for k, v in form.values if k == "f:by.field"] == ["age", "{{ item.name }}"]
    assert [v for k, v in form.values if k == "f:by.order"] == ["desc", "asc"]
    assert form.options["f:by.order"][:2] == ["asc", "desc"]
    _, result = apply(alice_client, workflow, "utility.sort", config, form.values)
    assert result == {"config": config, "applicable": True, "valid": True}

    added = [*form.values, ("f:by.field", "city"), ("f:by.order", "asc"), ("f:by.field", "")]
    added.append(("f:by.order", "asc"))  # an empty row: left out
    _, result = apply(alice_client, workflow, "utility.sort", config, added)
    assert result["config"]["by"][2] == {"field": "city"}
    assert len(result["config"]["by"]) == 3
