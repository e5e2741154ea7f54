"""logic.condition, logic.switch (rules and their groups), utility.transform and utility.merge
behaviour."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from editor.nodes import logic_condition, logic_switch, utility_merge, utility_transform
from editor.nodes.base import NodeError, RunContext
from editor.nodes.rules import RuleSet, check, evaluate
from editor.validation import validate_graph


def ctx(**kwargs) -> RunContext:
    return RunContext(execution_id="e", node_id="n", step_key="n", **kwargs)


@pytest.mark.parametrize(
    ("left", "op", "right", "expected"),
    [
        (10, "eq", "10", True),
        ("10.0", "eq", 10, True),
        (True, "eq", "true", True),
        ("abc", "eq", "ABC", False),
        (None, "eq", None, True),
        (3, "ne", "4", True),
        (12, "gt", 10, True),
        ("12", "gt", 9, True),  # numeric, not lexicographic ("12" < "9" as text)
        ("12", "gt", "9", True),
        (5, "gte", 5, True),
        (4, "lt", 4.5, True),
        (4, "lte", "4", True),
        ("2026-01-02T00:00:00Z", "gt", "2025-12-31T23:00:00Z", True),
        ("apple", "lt", "banana", True),
        ("hello world", "contains", "lo w", True),
        (["a", "b"], "contains", "b", True),
        ([1, 2], "contains", "2", True),
        ({"k": 1}, "contains", "k", True),
        ("hello", "not_contains", "z", True),
        ("invoice-42", "starts_with", "invoice", True),
        ("report.pdf", "ends_with", ".pdf", True),
        ("order 1234", "matches", r"\d{4}$", True),
        ("order", "matches", r"^\d+$", False),
        (0, "exists", None, True),
        (None, "exists", None, False),
        ("", "is_empty", None, True),
        ([], "is_empty", None, True),
        ({}, "is_empty", None, True),
        (0, "is_empty", None, False),
    ],
)
def test_operators(left, op, right, expected):
    assert check(left, op, right) is expected


def test_incomparable_values_fail_clearly():
    with pytest.raises(NodeError, match="Cannot compare list"):
        check([1], "gt", 3)
    with pytest.raises(NodeError, match="not a valid regular expression"):
        check("x", "matches", "(")


def test_condition_and_or_pick_a_handle():
    rules = [
        {"left": 5, "operator": "gt", "right": 3},
        {"left": "a", "operator": "eq", "right": "b"},
    ]
    both = logic_condition.Config.model_validate({"combinator": "and", "rules": rules})
    either = logic_condition.Config.model_validate({"combinator": "or", "rules": rules})
    assert logic_condition.run(both, ctx()) == {"result": False}
    assert logic_condition.NODE.active_handles(both, {"result": False}) == ["false"]
    assert logic_condition.run(either, ctx()) == {"result": True}
    assert logic_condition.NODE.active_handles(either, {"result": True}) == ["true"]


def test_condition_needs_rules_and_known_operators():
    with pytest.raises(ValidationError):
        logic_condition.Config.model_validate({"rules": []})
    with pytest.raises(ValidationError, match="operator"):
        logic_condition.Config.model_validate({"rules": [{"left": 1, "operator": "bigger"}]})


def test_switch_takes_the_first_matching_case_or_the_default():
    config = logic_switch.Config.model_validate(
        {
            "cases": [
                {"handle": "big", "rules": [{"left": 500, "operator": "gte", "right": 100}]},
                {"handle": "also_big", "rules": [{"left": 500, "operator": "gte", "right": 10}]},
            ],
            "default_handle": "small",
        }
    )
    assert logic_switch.NODE.output_handles(config) == ["big", "also_big", "small"]
    assert logic_switch.run(config, ctx()) == {"handle": "big"}
    config.cases[0].rules[0].right = 1000
    assert logic_switch.run(config, ctx()) == {"handle": "also_big"}
    config.cases[1].rules[0].right = 1000
    output = logic_switch.run(config, ctx())
    assert output == {"handle": "small"}
    assert logic_switch.NODE.active_handles(config, output) == ["small"]


def test_switch_refuses_duplicate_or_bad_handles():
    rule = [{"left": 1, "operator": "eq", "right": 1}]
    with pytest.raises(ValidationError, match="repeated: a"):
        logic_switch.Config.model_validate(
            {"cases": [{"handle": "a", "rules": rule}], "default_handle": "a"}
        )
    with pytest.raises(ValidationError, match="not a valid output name"):
        logic_switch.Config.model_validate({"cases": [{"handle": "Not OK", "rules": rule}]})


def test_transform_jmespath_over_the_previous_output_or_a_given_input():
    data = {"orders": [{"id": 1, "total": 50}, {"id": 2, "total": 150}]}
    config = utility_transform.Config.model_validate({"expression": "orders[?total > `100`].id"})
    assert utility_transform.run(config, ctx(input=data)) == {"result": [2]}
    config = utility_transform.Config.model_validate(
        {"expression": "length(@)", "input": [1, 2, 3]}
    )
    assert utility_transform.run(config, ctx(input=data)) == {"result": 3}


def test_transform_template_output_must_be_json():
    config = utility_transform.Config.model_validate(
        {"language": "template", "expression": '{"n": 3}'}
    )
    assert utility_transform.run(config, ctx()) == {"result": {"n": 3}}
    native = utility_transform.Config.model_validate({"language": "template", "expression": [1, 2]})
    assert utility_transform.run(native, ctx()) == {"result": [1, 2]}
    text = utility_transform.Config.model_validate(
        {"language": "template", "expression": "plain text"}
    )
    assert utility_transform.run(text, ctx()) == {"result": "plain text"}
    broken = utility_transform.Config.model_validate(
        {"language": "template", "expression": '{"n": }'}
    )
    with pytest.raises(NodeError, match="not JSON"):
        utility_transform.run(broken, ctx())


def test_transform_refuses_a_broken_query_at_save():
    with pytest.raises(ValidationError, match="not a valid JMESPath query"):
        utility_transform.Config.model_validate({"expression": "orders[?"})


def test_merge_combines_active_inputs_by_node_id():
    config = utility_merge.Config.model_validate({})
    assert utility_merge.run(config, ctx(inputs={"a": {"x": 1}, "b": [2]})) == {
        "inputs": {"a": {"x": 1}, "b": [2]}
    }


# --- rule groups (DESIGN §4: a rule may itself be {combinator, rules}, to any depth) ----------


def rule(value: bool) -> dict:
    return {"left": value, "operator": "eq", "right": True}


def test_a_group_gives_and_or_an_explicit_precedence():
    # total > 100 and (status is paid or status is shipped)
    def config(total: int, status: str) -> logic_condition.Config:
        return logic_condition.Config.model_validate(
            {
                "rules": [
                    {"left": total, "operator": "gt", "right": 100},
                    {
                        "combinator": "or",
                        "rules": [
                            {"left": status, "operator": "eq", "right": "paid"},
                            {"left": status, "operator": "eq", "right": "shipped"},
                        ],
                    },
                ]
            }
        )

    assert logic_condition.run(config(150, "shipped"), ctx()) == {"result": True}
    assert logic_condition.run(config(150, "open"), ctx()) == {"result": False}
    assert logic_condition.run(config(50, "paid"), ctx()) == {"result": False}


def test_switch_cases_hold_groups_too():
    config = logic_switch.Config.model_validate(
        {
            "cases": [
                {
                    "handle": "either",
                    "combinator": "and",
                    "rules": [{"combinator": "or", "rules": [rule(False), rule(True)]}],
                }
            ]
        }
    )
    assert logic_switch.run(config, ctx()) == {"handle": "either"}


@st.composite
def trees(draw: Any, depth: int = 3) -> Any:
    """A random group: booleans as rules, nested groups down to `depth`."""
    leaves = st.booleans().map(rule)
    entries = leaves if depth == 0 else st.one_of(leaves, trees(depth - 1))
    return {
        "combinator": draw(st.sampled_from(["and", "or"])),
        "rules": draw(st.lists(entries, min_size=1, max_size=4)),
    }


def expected(entry: dict) -> bool:
    if "rules" not in entry:
        return entry["left"] is True
    results = [expected(e) for e in entry["rules"]]
    return all(results) if entry["combinator"] == "and" else any(results)


@given(trees())
def test_groups_nest_to_any_depth_and_combine_as_boolean_logic(tree):
    assert evaluate(RuleSet.model_validate(tree)) is expected(tree)


def test_an_error_inside_a_group_names_its_place():
    graph = {
        "nodes": [
            {"id": "start", "type": "trigger.manual", "config": {}},
            {
                "id": "big",
                "type": "logic.condition",
                "config": {
                    "rules": [
                        rule(True),
                        {"combinator": "xor", "rules": [{"operator": "gt", "right": 1}]},
                        {"combinator": "or", "rules": []},
                        5,
                    ]
                },
            },
        ],
        "edges": [{"source": "start", "target": "big"}],
    }
    issues = [(i.field, i.message) for i in validate_graph(graph)]
    assert ("config.rules[1].combinator", "Input should be 'and' or 'or'") in issues
    assert ("config.rules[1].rules[0].left", "Field required") in issues
    assert (
        "config.rules[2].rules",
        "List should have at least 1 item after validation, not 0",
    ) in issues
    assert any(field == "config.rules[3]" for field, _ in issues)


def test_the_schema_describes_groups_for_the_form_and_magic_input():
    schema = logic_condition.Config.model_json_schema()
    entry = schema["properties"]["rules"]["items"]
    assert entry == {"anyOf": [{"$ref": "#/$defs/Rule"}, {"$ref": "#/$defs/RuleSet"}]}
    assert schema["$defs"]["RuleSet"]["properties"]["rules"]["items"] == entry
