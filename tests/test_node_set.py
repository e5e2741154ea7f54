"""utility.set: values of the types asked for, dotted names that build objects, which input
fields are kept, the input never changed in place, validation on save, and its settings form
(a row per value, a list of field names)."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from editor.models import Workflow
from editor.nodes import utility_set
from editor.nodes.base import NodeError, RunContext
from tests.test_node_form import FormReader, apply, render

ORDER = {"id": 7, "customer": {"email": "ada@example.com", "name": "Ada"}, "total": "42.50"}


def run(config: dict, source: Any = ORDER) -> Any:
    ctx = RunContext(execution_id="e", node_id="shape", step_key="shape", input=source)
    return utility_set.run(utility_set.Config.model_validate(config), ctx)


def test_the_output_is_the_object_itself_with_the_values_set():
    fields = [{"name": "paid", "value": True}, {"name": "id", "value": "A-7"}]
    assert run({"fields": fields}) == {**ORDER, "paid": True, "id": "A-7"}


@pytest.mark.parametrize(
    ("value", "type_", "result"),
    [
        (42, "auto", 42),
        ("42", "auto", "42"),  # a string stays a string
        ([1, {"a": None}], "auto", [1, {"a": None}]),  # a template's native value, as it came
        (42, "string", "42"),
        (True, "string", "true"),
        (None, "string", ""),
        ({"a": [1]}, "string", '{"a": [1]}'),
        ("42", "number", 42),
        (" 4.5 ", "number", 4.5),
        ("1e3", "number", 1000.0),
        (7.25, "number", 7.25),
        ("yes", "boolean", True),
        ("OFF", "boolean", False),
        (0, "boolean", False),
        ("true", "boolean", True),
        ('{"a": [1, 2]}', "json", {"a": [1, 2]}),
        ("null", "json", None),
        ([3], "json", [3]),  # a template that gave a list already
    ],
)
def test_each_type_converts_its_value(value, type_, result):
    output = run({"keep": "none", "fields": [{"name": "x", "value": value, "type": type_}]})
    assert output == {"x": result}
    assert type(output["x"]) is type(result)


@pytest.mark.parametrize(
    ("value", "type_", "message"),
    [
        ("abc", "number", '"abc" is not a number'),
        ("nan", "number", '"nan" is not a number'),
        (True, "number", "true is not a number"),
        (None, "number", "nothing is not a number"),
        ("maybe", "boolean", '"maybe" is not true or false'),
        (2, "boolean", "2 is not true or false"),
        ("{oops", "json", "not JSON: "),
    ],
)
def test_a_value_that_does_not_convert_is_refused_naming_the_field(value, type_, message):
    # Known before the run (no template): refused when the config is checked, as on save.
    with pytest.raises(ValueError, match=message):
        utility_set.SetField.model_validate({"name": "x", "value": value, "type": type_})
    # Rendered from a template at run time: the step fails naming the field.
    config = utility_set.Config.model_construct(
        fields=[utility_set.SetField.model_construct(name="x", value=value, type=type_)],
        keep="none",
        keep_fields=[],
        input=None,
    )
    ctx = RunContext(execution_id="e", node_id="n", step_key="n")
    with pytest.raises(NodeError, match=r"fields\[0\] \(x\): "):
        utility_set.run(config, ctx)


def test_dotted_names_build_nested_objects_without_changing_the_input():
    before = copy.deepcopy(ORDER)
    fields = [
        {"name": "customer.tier", "value": "gold"},
        {"name": "shipping.address.city", "value": "Oslo"},
    ]
    output = run({"fields": fields})
    assert output["customer"] == {"email": "ada@example.com", "name": "Ada", "tier": "gold"}
    assert output["shipping"] == {"address": {"city": "Oslo"}}
    assert before == ORDER  # another step's output, which later steps read too
    with pytest.raises(NodeError, match=r"'id' is 7, not an object to set 'id\.x' in"):
        run({"fields": [{"name": "id.x", "value": 1}]})


def test_keep_chooses_which_input_fields_the_output_starts_from():
    assert run({"keep": "none", "fields": [{"name": "a", "value": 1}]}) == {"a": 1}
    selected = run({"keep": "selected", "keep_fields": ["id", "customer.email", "missing"]})
    assert selected == {"id": 7, "customer": {"email": "ada@example.com"}}
    dropped = run({"keep": "except", "keep_fields": ["total", "customer.name", "nope.x"]})
    assert dropped == {"id": 7, "customer": {"email": "ada@example.com"}}
    assert ORDER["customer"]["name"] == "Ada"


def test_input_replaces_the_previous_output_and_must_be_an_object_to_keep_from():
    assert run({"input": {"a": 1}, "fields": [{"name": "b", "value": 2}]}) == {"a": 1, "b": 2}
    with pytest.raises(NodeError, match="the input is list, not an object: use keep 'none'"):
        run({}, [1, 2])
    assert run({"keep": "none", "fields": [{"name": "n", "value": 2}]}, [1, 2]) == {"n": 2}


# Text a database can store (no NUL, no lone surrogate: workfuse/lib/safe_json.py).
TEXT = st.text(st.characters(exclude_categories=["Cs"], exclude_characters="\x00"), max_size=5)
JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**53), 2**53) | TEXT,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(TEXT, inner, max_size=3),
    max_leaves=6,
)


@given(JSON)
def test_auto_keeps_any_value_and_json_reads_back_what_string_wrote(value):
    as_is = run({"keep": "none", "fields": [{"name": "v", "value": value}]})["v"]
    assert as_is == value and type(as_is) is type(value)
    text = utility_set.convert(value, "string")
    if isinstance(value, list | dict):
        assert utility_set.convert(text, "json") == value


@given(st.integers(-(2**63), 2**63 - 1) | st.floats(allow_nan=False, allow_infinity=False))
def test_a_number_written_as_text_reads_back_as_the_same_number(number):
    assert utility_set.convert(utility_set.convert(number, "string"), "number") == number


@given(st.booleans())
def test_a_boolean_written_as_text_reads_back(flag):
    assert utility_set.convert(utility_set.convert(flag, "string"), "boolean") is flag


# --- validation on save ---------------------------------------------------------------------


def graph(config: dict) -> dict:
    return {
        "nodes": [
            {"id": "start", "type": "trigger.manual", "config": {}},
            {"id": "shape", "type": "utility.set", "config": config},
        ],
        "edges": [{"source": "start", "target": "shape"}],
    }


@pytest.mark.django_db
def test_saving_checks_names_types_and_templates(alice_api):
    ok = {"fields": [{"name": "total", "value": "{{ trigger.total }}", "type": "number"}]}
    assert alice_api.post("/api/workflows", {"name": "S", "graph": graph(ok)}).status_code == 201
    bad = {
        "fields": [
            {"name": "a..b", "value": 1},
            {"name": "n", "value": "many", "type": "number"},
            {"name": "t", "value": 1, "type": "text"},
            {"name": "x", "value": "{{ item.x }}"},
        ],
        "keep": "some",
    }
    response = alice_api.post("/api/workflows", {"name": "S", "graph": graph(bad)})
    assert response.status_code == 400
    details = {d["field"]: d["message"] for d in response.json()["details"]}
    assert details == {
        "config.fields[0].name": "'a..b' is not a name: a part between dots is empty",
        "config.fields[1]": 'value "many" is not a number',
        "config.fields[2].type": (
            "Input should be 'auto', 'string', 'number', 'boolean' or 'json'"
        ),
        "config.fields[3].value": (
            "'item' exists only inside a loop body (after a Loop node's 'each' output) and in "
            "the per-item settings of data nodes (a filter's rules, a sort's keys)."
        ),
        "config.keep": "Input should be 'all', 'none', 'selected' or 'except'",
    }
    clash = {"fields": [{"name": "a", "value": 1}, {"name": "a.b", "value": 2}]}
    response = alice_api.post("/api/workflows", {"name": "S", "graph": graph(clash)})
    [detail] = response.json()["details"]
    assert detail == {
        "node_id": "shape",
        "field": "config",
        "message": "fields: 'a' and 'a.b' clash: one is inside the other",
    }


# --- the settings form ---------------------------------------------------------------------


@pytest.mark.django_db
def test_the_form_has_a_row_per_value_and_a_list_of_field_names(alice, alice_client):
    workflow = Workflow.create(alice, "Set", graph=graph({}))
    config = {
        "fields": [
            {"name": "total", "value": "{{ trigger.total }}", "type": "number"},
            {"name": "tags", "value": ["a", "b"]},
            {"name": "note", "value": "42", "type": "string"},
            {"name": "none", "value": None},
        ],
        "keep": "except",
        "keep_fields": ["password", "customer.ssn"],
    }
    response = render(alice_client, workflow, "utility.set", config, node_id="shape")
    form = FormReader(response.content.decode())
    assert form.kinds == {
        "fields": "rows",
        "keep": "select",
        "keep_fields": "list",
        "input": "json",
    }
    assert [v for k, v in form.values if k == "f:fields.value"] == [
        "{{ trigger.total }}", '["a", "b"]', '"42"', "null",
    ]  # fmt: skip
    assert [v for k, v in form.values if k == "f:fields.type"] == [
        "number", "auto", "string", "auto",
    ]  # fmt: skip
    assert [v for k, v in form.values if k == "f:keep_fields.item"] == config["keep_fields"]
    html = response.content.decode()
    assert (
        'name="f:fields.value" value="{{ trigger.total }}" placeholder="Value" aria-label="Value" class="wf-cell-value wf-template"'
        in html
    )
    _, result = apply(alice_client, workflow, "utility.set", config, form.values)
    assert result == {"config": config, "applicable": True, "valid": True}


@pytest.mark.django_db
def test_values_typed_in_the_form_keep_their_types(alice, alice_client):
    workflow = Workflow.create(alice, "Set", graph=graph({}))
    values = [
        ("f:fields", ""),
        *[
            (f"f:fields.{column}", text)
            for row in (
                ("count", "3", "auto"),
                ("label", "hello", "auto"),
                ("flag", "on", "boolean"),
            )
            for column, text in zip(("name", "value", "type"), row, strict=True)
        ],
        ("f:keep_fields", ""),
        ("f:keep_fields.item", "id"),
        ("f:keep_fields.item", ""),
    ]
    _, result = apply(alice_client, workflow, "utility.set", {}, values)
    assert result["config"] == {
        "fields": [
            {"name": "count", "value": 3},
            {"name": "label", "value": "hello"},
            {"name": "flag", "value": "on", "type": "boolean"},
        ],
        "keep_fields": ["id"],
    }
    assert run(result["config"], {}) == {"count": 3, "label": "hello", "flag": True}
    bad = [
        ("f:fields", ""),
        ("f:fields.name", "x"),
        ("f:fields.value", '{"a": '),
        ("f:fields.type", "json"),
    ]
    response, result = apply(alice_client, workflow, "utility.set", {}, bad)
    errors = FormReader(response.content.decode()).errors
    assert result["applicable"] is False
    assert errors["fields"].startswith("Row 1, value: Not valid JSON")
    assert ("f:fields.value", '{"a": ') in FormReader(response.content.decode()).values
    assert json.loads(json.dumps(result["config"])) == {}
