"""utility.compare (editor/nodes/utility_compare.py) on n8n's Compare Datasets semantics: the
cases of n8n's own test workflow for skipped fields (workflow.compareDatasets.skipFields.json,
its pinned outputs), fuzzy comparison rule by rule, each way of resolving differences, the
version details, the handles that fire, and a run through the engine."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from pydantic import ValidationError

from editor.nodes.items import MISSING
from editor.nodes.utility_compare import Config, compare, fuzzy_equal, route
from editor.validation import validate_graph
from executions import engine
from executions.models import Step
from tests.engine_helpers import make_workflow
from workfuse.lib.node_run import NodeError

A = [
    {
        "id": i,
        "data": {"name": name, "age": age, "active": True},
        "address": {"city": city, "country": country},
    }
    for i, name, age, city, country in (
        (1, "John", 31, "New York", "USA"),
        (2, "Jane", 26, "London", "UK"),
        (3, "Jack", 36, "Paris", "France"),
    )
]
B = [
    {
        "id": i,
        "data": {"name": name, "age": age, "active": False},
        "address": {"city": city, "country": country},
    }
    for i, name, age, city, country in (
        (1, "John", 30, "New York", "us"),
        (2, "Jane", 25, "London", "uk"),
        (3, "Jack", 35, "Paris", "fr"),
    )
]


def run(a: Any, b: Any, **settings: Any) -> dict[str, list[Any]]:
    config = Config.model_validate(
        {"input_a": a, "input_b": b, "fields": [{"a": "id", "b": "id"}], **settings}
    )
    return compare(config, copy.deepcopy(a), copy.deepcopy(b))


def test_paired_items_that_differ_show_both_versions_of_each_field_as_n8n_does():
    out = run(A, B, n8n_version=2.1)
    assert out["in_a_only"] == out["same"] == out["in_b_only"] == []
    assert out["different"][0] == {
        "keys": {"id": 1},
        "same": {"id": 1},
        "different": {
            "data": {"inputA": A[0]["data"], "inputB": B[0]["data"]},
            "address": {"inputA": A[0]["address"], "inputB": B[0]["address"]},
        },
    }


@pytest.mark.parametrize(
    "skip", [["data", "address"], ["data.age", "data.active", "address.country"]]
)
def test_skipping_what_differs_makes_the_items_the_same_and_outputs_input_as_item(skip):
    out = run(A, B, n8n_version=2.1, skip_fields=skip)
    assert out["same"] == A
    assert out["different"] == []


def test_dotted_skipped_fields_are_set_apart_under_skipped():
    out = run(A, B, n8n_version=2.1, skip_fields=["data.age", "address.country"])
    assert out["different"][0] == {
        "keys": {"id": 1},
        "same": {"id": 1},
        "different": {
            "data": {
                "inputA": {"name": "John", "active": True},
                "inputB": {"name": "John", "active": False},
            },
            "address": {"inputA": {"city": "New York"}, "inputB": {"city": "New York"}},
        },
        "skipped": {
            "data": {"inputA": {"age": 31}, "inputB": {"age": 30}},
            "address": {"inputA": {"country": "USA"}, "inputB": {"country": "us"}},
        },
    }


def test_unpaired_items_go_to_a_only_and_b_only_in_input_order():
    a = [{"id": 1, "x": 1}, {"id": 2, "x": 2}, {"x": 3}, {}]
    b = [{"id": 9}, {"id": 2, "x": 2}, {"id": 1, "x": 1}]
    out = run(a, b)
    assert out["in_a_only"] == [{"x": 3}]  # no id to match on; the empty item is dropped
    assert out["same"] == [{"id": 1, "x": 1}, {"id": 2, "x": 2}]
    assert out["in_b_only"] == [{"id": 9}]
    assert route(None, out) == ["in_a_only", "same", "in_b_only"]


def test_each_way_to_resolve_a_difference():
    a, b = [{"id": 1, "n": "a", "c": "x"}], [{"id": 1, "n": "b", "c": "y"}]
    assert run(a, b, resolve="prefer_a")["different"] == a
    assert run(a, b, resolve="prefer_b")["different"] == b
    mixed = run(a, b, resolve="mix", prefer="b", except_fields=["c", "gone"])["different"]
    assert mixed == [{"id": 1, "n": "b", "c": "x", "gone": None}]


def test_all_matches_pair_an_item_with_every_match_and_first_with_one():
    a = [{"id": 1, "v": 1}]
    b = [{"id": 1, "v": 2}, {"id": 1, "v": 3}]
    assert len(run(a, b, resolve="prefer_b", multiple_matches="all")["different"]) == 2
    out = run(a, b, resolve="prefer_b")
    assert out["different"] == [{"id": 1, "v": 2}]
    assert out["in_b_only"] == [{"id": 1, "v": 3}]


@pytest.mark.parametrize(
    ("a", "b", "equal"),
    [
        (3, "3", True),
        (3.0, "3", True),
        (1.5, "1.5", True),
        (True, "TRUE", True),
        (False, "0", True),
        (True, 1, True),
        (True, 2, False),
        (None, "", True),
        (None, [], True),
        ("", MISSING, True),
        ({"a": 1}, '{"a": 1}', True),
        ([1], "[1]", True),
        ({"a": 1}, "not json", False),
        (None, 0, True),
        (None, "0", True),
        ("a", "b", False),
    ],
)
def test_fuzzy_comparison_follows_n8ns_rules(a, b, equal):
    assert fuzzy_equal(a, b, 2.3) is equal
    assert fuzzy_equal(b, a, 2.3) is equal


def test_before_version_2_fuzzy_null_is_not_zero_and_values_are_named_input1_input2():
    assert fuzzy_equal(None, 0, 1) is False
    out = run([{"id": 1, "n": 0}], [{"id": 1, "n": "x"}], n8n_version=1)
    assert out["different"][0]["different"] == {"n": {"input1": None, "input2": "x"}}


def test_without_fuzzy_types_must_match():
    out = run([{"id": 1, "n": 1}], [{"id": "1", "n": 1}])
    assert out["in_a_only"] and out["in_b_only"]
    out = run([{"id": 1, "n": 1}], [{"id": "1", "n": "1"}], fuzzy=True)
    assert out["same"] == [{"id": 1, "n": 1}]


def test_a_fuzzy_same_pair_outputs_bs_item_when_b_is_preferred():
    out = run([{"id": 1, "n": 1}], [{"id": "1", "n": "1"}], fuzzy=True, resolve="prefer_b")
    assert out["same"] == [{"id": "1", "n": "1"}]


def test_dotted_fields_reach_inside_unless_dot_notation_is_off():
    a, b = [{"user": {"id": 7}}], [{"user.id": 7, "user": {"id": 8}}]
    config = {"fields": [{"a": "user.id", "b": "user.id"}], "resolve": "prefer_a"}
    on = compare(Config.model_validate({"input_a": a, "input_b": b, **config}), a, b)
    assert on["different"] == a  # lodash's get: the key "user.id" as it is wins
    off = Config.model_validate({"input_a": a, "input_b": b, **config, "dot_notation": False})
    assert compare(off, a, b)["in_a_only"] == a


def test_mistakes_name_the_field():
    with pytest.raises(NodeError, match="input_b: item 0 is not an object"):
        run(A, ["x"])
    with pytest.raises(NodeError, match="fields: 'id' is not present in any item of Input B"):
        run(A, [{"other": 1}], n8n_version=2.1)
    assert run(A, [{"other": 1}])["in_b_only"] == [{"other": 1}]
    with pytest.raises(NodeError, match="skip_fields: dot notation is off"):
        run(A, B, dot_notation=False, skip_fields=["data.age"])
    with pytest.raises(ValidationError, match="fields"):
        Config.model_validate({"input_a": [], "input_b": [], "fields": []})


@pytest.mark.django_db(transaction=True)
def test_only_the_outputs_with_items_run_what_follows(alice):
    graph = {
        "nodes": [
            {"id": "start", "type": "trigger.manual", "config": {}},
            {
                "id": "cmp",
                "type": "utility.compare",
                "config": {
                    "input_a": "{{ trigger.a }}",
                    "input_b": "{{ trigger.b }}",
                    "fields": [{"a": "id", "b": "id"}],
                },
            },
            *(
                {
                    "id": f"after_{h}",
                    "type": "utility.transform",
                    "config": {"language": "template", "expression": "{{ nodes.cmp." + h + " }}"},
                }
                for h in ("in_a_only", "same", "different", "in_b_only")
            ),
        ],
        "edges": [
            {"source": "start", "target": "cmp"},
            *(
                {"source": "cmp", "source_handle": h, "target": f"after_{h}"}
                for h in ("in_a_only", "same", "different", "in_b_only")
            ),
        ],
    }
    assert validate_graph(graph) == []
    payload = {"a": [{"id": 1, "v": 1}, {"id": 2, "v": 2}], "b": [{"id": 2, "v": 3}]}
    execution = engine.start_execution(make_workflow(alice, graph), payload)
    execution.refresh_from_db()
    assert execution.status == "succeeded", execution.error
    steps = {s.node_id: s for s in Step.objects.filter(execution=execution)}
    assert steps["after_in_a_only"].output == {"result": [{"id": 1, "v": 1}]}
    different = steps["after_different"].output
    assert different is not None
    assert different["result"][0]["different"] == {"v": {"inputA": 2, "inputB": 3}}
    assert steps["after_same"].status == steps["after_in_b_only"].status == "skipped"
