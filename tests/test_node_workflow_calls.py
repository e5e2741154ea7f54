"""trigger.workflow and action.workflow as a user meets them before anything runs: the declared
inputs and their checks, validation on save (only the owner's callable workflows, the inputs
they declare), the settings form's workflow picker and inputs, and Magic Input's prompt."""

from __future__ import annotations

import json
from typing import Any

import pytest
from pydantic import ValidationError

from editor.models import Workflow
from editor.nodes import trigger_workflow
from editor.nodes.trigger_workflow import Config, WorkflowInput, check_inputs
from tests.call_helpers import GREETER_INPUTS, called, caller
from tests.data_nodes import form as form_of
from tests.data_nodes import form_round_trip
from tests.engine_helpers import make_workflow
from tests.fake_ai_server import Reply
from tests.test_magic_input import KEY, fake  # noqa: F401 (a fixture)
from tests.test_node_form import FormReader, apply, post, result_of

pytestmark = pytest.mark.django_db

DECLARED = [WorkflowInput.model_validate(i) for i in GREETER_INPUTS] + [
    WorkflowInput(name="flag", type="boolean"),
    WorkflowInput(name="data", type="json"),
    WorkflowInput(name="raw", type="any"),
]


# --- trigger.workflow: declared inputs ---------------------------------------------------------


def test_inputs_are_converted_to_their_declared_types():
    given = {"name": 7, "times": "3", "flag": "yes", "data": '{"a": [1]}', "raw": "{x"}
    assert check_inputs(DECLARED, given) == {
        "name": "7",
        "times": 3,
        "flag": True,
        "data": {"a": [1]},
        "raw": "{x",
    }
    assert check_inputs(DECLARED, {"name": "a", "times": None}) == {"name": "a", "times": None}


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ({}, "input 'name' is required"),
        ({"name": None}, "input 'name' is required"),
        ({"name": ["a"]}, "input 'name' must be text, not a list"),
        ({"name": "a", "times": "many"}, "input 'times' (number): \"many\" is not a number"),
        ({"name": "a", "flag": "maybe"}, "input 'flag' (boolean): \"maybe\" is not true or false"),
        ({"name": "a", "data": "{nope"}, "input 'data' (json): not JSON"),
        ({"name": "a", "nam": 1}, "'nam' is not an input of this workflow; its inputs are: data,"),
        ([1], "the inputs must be an object of named values, not a list"),
    ],
)
def test_a_call_that_does_not_fit_names_the_input(given, message):
    with pytest.raises(ValueError, match="^" + message.replace("(", r"\(").replace(")", r"\)")):
        check_inputs(DECLARED, given)


def test_without_declared_inputs_any_object_passes_as_it_is():
    assert check_inputs([], {"anything": [1, {"b": 2}]}) == {"anything": [1, {"b": 2}]}
    assert check_inputs([], None) == {}


def test_input_names_are_identifiers_declared_once():
    with pytest.raises(ValidationError, match="'2nd' is not an input name"):
        Config.model_validate({"inputs": [{"name": "2nd"}]})
    with pytest.raises(ValidationError, match="inputs: 'a' is declared twice"):
        Config.model_validate({"inputs": [{"name": "a"}, {"name": "a", "type": "number"}]})


# --- validation on save ------------------------------------------------------------------------


def save(api: Any, graph: dict) -> Any:
    return api.post("/api/workflows", {"name": "Caller", "graph": graph})


def issues_of(response: Any) -> list[tuple[str, str]]:
    assert response.status_code == 400, response.content
    return [(d["field"], d["message"]) for d in response.json()["details"]]


def test_calling_another_users_workflow_is_refused_on_save(alice_api, bob):
    theirs = make_workflow(bob, called(GREETER_INPUTS), name="Bob's")
    assert issues_of(save(alice_api, caller(theirs.pk, {"name": "x"}))) == [
        (
            "config.workflow",
            f"Workflow {theirs.pk} does not exist or is not yours; pick one of your workflows.",
        )
    ]


def test_only_a_workflow_that_starts_when_called_can_be_called(alice, alice_api):
    plain = make_workflow(alice, {"nodes": [{"id": "s", "type": "trigger.manual"}], "edges": []})
    [(field, message)] = issues_of(save(alice_api, caller(plain.pk)))
    assert field == "config.workflow"
    assert "has no 'When called by a workflow' trigger (trigger.workflow)" in message


def test_the_inputs_passed_are_checked_against_those_declared(alice, alice_api):
    greeter = make_workflow(alice, called(GREETER_INPUTS), name="Greeter")
    response = save(alice_api, caller(greeter.pk, {"times": "often", "nmae": "x"}))
    assert issues_of(response) == [
        ("config.inputs.nmae", "'nmae' is not an input of 'Greeter'; its inputs are: name, times"),
        ("config.inputs", "'Greeter' needs the input 'name' (required)."),
        ("config.inputs.times", "input 'times' (number): \"often\" is not a number."),
    ]
    # Templates are checked when the call runs; literal values that fit are fine.
    ok = save(alice_api, caller(greeter.pk, {"name": "{{ trigger.who }}", "times": "2"}))
    assert ok.status_code == 201, ok.content


def test_a_workflow_may_call_itself(alice, alice_api):
    workflow = make_workflow(alice, called([]))
    graph = called([], {"id": "again", "type": "action.workflow", "config": {"workflow": 0}})
    graph["nodes"][1]["config"]["workflow"] = workflow.pk
    response = alice_api.put(
        f"/api/workflows/{workflow.pk}", {"name": "Recursive", "description": "", "graph": graph}
    )
    assert response.status_code == 200, response.content


# --- the settings form -------------------------------------------------------------------------


@pytest.fixture
def targets(alice: Any, bob: Any) -> dict[str, Workflow]:
    return {
        "greeter": make_workflow(alice, called(GREETER_INPUTS), name="Greeter"),
        "open": make_workflow(alice, called([]), name="Anything goes"),
        "plain": make_workflow(
            alice, {"nodes": [{"id": "s", "type": "trigger.manual"}], "edges": []}, name="Plain"
        ),
        "bobs": make_workflow(bob, called([]), name="Bob's"),
    }


def form(
    client: Any,
    workflow: Workflow,
    config: dict,
    action: str = "render",
    values: list[tuple[str, str]] | None = None,
    **extra: str,
) -> Any:
    data = [
        ("action", action),
        ("node_type", "action.workflow"),
        ("node_id", "call"),
        ("config", json.dumps(config)),
        ("graph", json.dumps(workflow.graph)),
        *extra.items(),
        *(values or []),
    ]
    return post(client, workflow, data)


def test_the_picker_lists_only_my_workflows_that_can_be_called(alice, alice_client, targets):
    workflow = make_workflow(alice, caller(targets["greeter"].pk, {"name": "x"}))
    html = form(alice_client, workflow, {}).content.decode()
    reader = FormReader(html)
    assert reader.kinds["workflow"] == "workflow" and reader.kinds["inputs"] == "keyvalue"
    assert reader.options["f:workflow"] == ["", str(targets["open"].pk), str(targets["greeter"].pk)]
    assert 'name="f:workflow" data-apply-on-change' in html
    assert "Listed: your workflows that start with “When called by a workflow”." in html


def test_choosing_a_workflow_offers_its_required_inputs(alice, alice_client, targets):
    greeter = targets["greeter"]
    workflow = make_workflow(alice, caller(greeter.pk, {"name": "x"}))
    html = form(alice_client, workflow, {"workflow": greeter.pk}).content.decode()
    assert "Inputs of “Greeter”: name (string, required), times (number)." in html
    reader = FormReader(html)
    assert ("f:inputs.key", "name") in reader.values and ("f:inputs.value", "") in reader.values
    assert ("f:inputs.key", "times") not in reader.values
    values = reader.with_values(**{"f:inputs.key": ["name"], "f:inputs.value": ["{{ trigger.n }}"]})
    response = form(alice_client, workflow, {"workflow": greeter.pk}, "apply", values=values)
    result = result_of(response)
    assert result["valid"] is True, response.content.decode()
    assert result["config"] == {"workflow": greeter.pk, "inputs": {"name": "{{ trigger.n }}"}}


def test_a_workflow_that_cannot_be_called_is_shown_with_the_reason(alice, alice_client, targets):
    workflow = make_workflow(alice, caller(targets["greeter"].pk, {"name": "x"}))
    bobs = targets["bobs"].pk
    html = form(alice_client, workflow, {"workflow": bobs}, validate="1").content.decode()
    reader = FormReader(html)
    assert reader.kinds["workflow"] == "workflow"
    assert ("f:workflow", str(bobs)) in reader.values
    assert f"Workflow {bobs} (cannot be called)" in html
    assert "does not exist or is not yours" in reader.errors["workflow"]
    values = FormReader(form(alice_client, workflow, {"workflow": bobs}).content.decode()).values
    response = form(alice_client, workflow, {"workflow": bobs}, "apply", values=values)
    assert result_of(response)["valid"] is False
    assert (
        "does not exist or is not yours" in FormReader(response.content.decode()).errors["workflow"]
    )


def test_declared_inputs_are_edited_as_rows_with_a_yes_no_required_column(alice, alice_client):
    shown = form_of(alice_client, alice, "trigger.workflow", {"inputs": GREETER_INPUTS})
    assert shown.kinds == {"inputs": "rows"}
    assert shown.options["f:inputs.required"] == ["false", "true"]
    assert ("f:inputs.required", "true") in shown.values
    assert form_round_trip(alice_client, alice, "trigger.workflow", {"inputs": GREETER_INPUTS}) == {
        "inputs": GREETER_INPUTS
    }
    workflow = Workflow.create(alice, "Form", graph=called([]))
    values = shown.with_values(
        **{"f:inputs.name": ["email"], "f:inputs.type": ["string"], "f:inputs.required": ["true"]}
    )
    _, result = apply(alice_client, workflow, "trigger.workflow", {}, values)
    assert result["config"] == {"inputs": [{"name": "email", "type": "string", "required": True}]}


# --- Magic Input -------------------------------------------------------------------------------


def test_magic_input_is_told_which_workflows_can_be_called(fake, alice_api, targets):  # noqa: F811
    config = {"workflow": targets["greeter"].pk, "inputs": {"name": "{{ trigger.body.name }}"}}
    fake.script("openai", Reply(json={"config": config, "confidence": 0.9, "reasoning": "ok"}))
    response = alice_api.post(
        "/api/ai/configure", {"node_type": "action.workflow", "prompt": "greet the caller"}
    )
    assert response.json()["valid"] is True
    system = fake.requests_for("openai")[0].body["messages"][0]["content"]
    assert f"- {targets['greeter'].pk} “Greeter” (inputs: name string required, times number)" in (
        system
    )
    assert f"{targets['open'].pk} “Anything goes” (any inputs)" in system
    assert "Bob's" not in system and "Plain" not in system
    assert KEY not in system


def test_call_targets_describe_each_callable_workflow(alice, targets):
    described = [t.describe() for t in trigger_workflow.call_targets(alice)]
    assert described == [
        f"{targets['open'].pk} “Anything goes” (any inputs)",
        f"{targets['greeter'].pk} “Greeter” (inputs: name string required, times number)",
    ]


def test_input_schema_describes_declared_inputs_for_callers_outside_workflows():
    from editor.nodes.trigger_workflow import Config, input_schema

    declared = Config.model_validate(
        {
            "inputs": [
                {"name": "email", "type": "string", "required": True},
                {"name": "times", "type": "number"},
                {"name": "payload", "type": "json"},
            ]
        }
    ).inputs
    assert input_schema(declared) == {
        "type": "object",
        "properties": {"email": {"type": "string"}, "times": {"type": "number"}, "payload": {}},
        "required": ["email"],
    }
    assert input_schema([]) == {"type": "object", "properties": {}}
