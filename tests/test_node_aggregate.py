"""utility.aggregate: every operation, groups, numbers written as text, names and errors."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from editor.nodes import NODE_TYPES, utility_aggregate
from editor.nodes.base import NodeError
from tests.data_nodes import form, form_round_trip, run, run_in_workflow, save_errors

ORDERS = [
    {"country": "DE", "total": 10, "sku": "a", "tags": ["x"]},
    {"country": "FR", "total": "2.5", "sku": "b", "tags": ["y"]},
    {"country": "DE", "total": 5, "sku": "c", "tags": []},
    {"country": "DE", "sku": "d"},
]


def aggregate(config: dict, **context) -> dict:
    return run(utility_aggregate, config, **context)


def op(field: str, name: str, **extra) -> dict:
    return {"field": field, "op": name, **extra}


def test_every_operation_over_the_whole_list():
    operations = [
        op("", "count"),
        op("total", "count", **{"as": "with_total"}),
        op("total", "sum"),
        op("total", "min"),
        op("total", "max"),
        op("total", "avg"),
        op("sku", "first"),
        op("sku", "last"),
        op("sku", "list", **{"as": "skus"}),
        op("sku", "concat", separator="|"),
        op("tags", "concat", **{"as": "all_tags"}),
    ]
    assert aggregate({"items": ORDERS, "operations": operations}) == {
        "count": 4,
        "with_total": 3,
        "sum_total": 17.5,
        "min_total": 2.5,
        "max_total": 10,
        "avg_total": 17.5 / 3,
        "first_sku": "a",
        "last_sku": "d",
        "skus": ["a", "b", "c", "d"],
        "concat_sku": "a|b|c|d",
        "all_tags": ["x", "y"],
    }


def test_groups_keep_their_values_and_first_seen_order():
    result = aggregate(
        {
            "items": ORDERS,
            "group_by": ["country"],
            "operations": [op("", "count"), op("total", "sum", **{"as": "revenue"})],
        }
    )
    assert result == {
        "groups": [
            {"country": "DE", "count": 3, "revenue": 15},
            {"country": "FR", "count": 1, "revenue": 2.5},
        ]
    }


def test_an_empty_list_and_missing_values():
    assert aggregate(
        {
            "items": [],
            "operations": [op("", "count"), op("n", "sum"), op("n", "avg"), op("n", "max")],
        }
    ) == {"count": 0, "sum_n": 0, "avg_n": None, "max_n": None}
    assert aggregate(
        {"items": [{"d": "2026-03-01"}, {"d": "2025-12-31"}], "operations": [op("d", "min")]}
    ) == {"min_d": "2025-12-31"}  # texts that are not numbers compare as text (ISO dates)


def test_the_default_counts_the_previous_output():
    assert aggregate({}, input={"body": [1, 2, 3]}) == {"count": 3}


def test_a_value_that_is_not_a_number_fails_naming_the_item():
    with pytest.raises(NodeError, match="sum of 'total': item 1 has 'lots', which is not a number"):
        aggregate({"items": [{"total": 1}, {"total": "lots"}], "operations": [op("total", "sum")]})


@pytest.mark.django_db
def test_bad_settings_are_refused_on_save_with_their_field(alice_api):
    details = save_errors(
        alice_api, "utility.aggregate", {"operations": [{"field": "a", "op": "median"}]}
    )
    assert details[0]["field"] == "config.operations[0].op"
    details = save_errors(
        alice_api,
        "utility.aggregate",
        {"group_by": ["count"], "operations": [{"op": "count"}]},
    )
    assert "two results are named count" in details[0]["message"]
    assert save_errors(alice_api, "utility.aggregate", {"operations": []})[0]["field"] == (
        "config.operations"
    )


@pytest.mark.django_db
def test_the_form_shows_every_setting(alice, alice_client):
    config = {"operations": [{"field": "total", "op": "sum", "as": "revenue"}]}
    shown = form(alice_client, alice, "utility.aggregate", config)
    assert shown.kinds == {"items": "json", "group_by": "list", "operations": "rows"}
    assert ("f:operations.as", "revenue") in shown.values  # a row per operation
    config = {
        "group_by": ["country"],
        "operations": [{"field": "total", "op": "sum", "as": "revenue"}, {"op": "count"}],
    }
    # The rows post each field, defaults included (separator ", "): the same settings.
    config_type = NODE_TYPES["utility.aggregate"].Config
    back = form_round_trip(alice_client, alice, "utility.aggregate", config)
    assert config_type.model_validate(back) == config_type.model_validate(config)


ROWS = st.lists(
    st.fixed_dictionaries({"g": st.sampled_from(["a", "b", "c"]), "n": st.integers(-1000, 1000)}),
    max_size=30,
)


@given(ROWS)
def test_group_counts_and_sums_add_up_to_the_whole(rows):
    operations = [op("", "count"), op("n", "sum")]
    whole = aggregate({"items": rows, "operations": operations})
    groups = aggregate({"items": rows, "group_by": ["g"], "operations": operations})["groups"]
    assert sum(g["count"] for g in groups) == whole["count"] == len(rows)
    assert sum(g["sum_n"] for g in groups) == whole["sum_n"] == sum(r["n"] for r in rows)
    assert len({g["g"] for g in groups}) == len(groups)


@given(st.lists(st.floats(-1e6, 1e6, allow_nan=False), min_size=1, max_size=30))
def test_avg_lies_between_min_and_max(values):
    items = [{"v": v} for v in values]
    result = aggregate(
        {"items": items, "operations": [op("v", "avg"), op("v", "min"), op("v", "max")]}
    )
    assert result["min_v"] - 1e-6 <= result["avg_v"] <= result["max_v"] + 1e-6
    assert math.isclose(result["avg_v"] * len(values), math.fsum(values), abs_tol=1e-3)


@pytest.mark.django_db(transaction=True)
def test_aggregate_runs_in_a_workflow(alice):
    node = {
        "id": "totals",
        "type": "utility.aggregate",
        "config": {
            "items": "{{ trigger.orders }}",
            "group_by": ["country"],
            "operations": [{"field": "total", "op": "sum", "as": "revenue"}],
        },
    }
    step = run_in_workflow(alice, node, {"orders": ORDERS})
    assert step.output == {
        "groups": [{"country": "DE", "revenue": 15}, {"country": "FR", "revenue": 2.5}]
    }
    assert step.input["operations"][0]["as"] == "revenue"  # stored as the user wrote it
