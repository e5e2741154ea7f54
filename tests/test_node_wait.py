"""`utility.wait`'s settings and its approval answers (editor/nodes/utility_wait.py), the
template variables it brings (`execution.resume_url`, `workflow`) in validation and the
settings panel, and its settings form."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from editor import variables
from editor.models import Workflow
from editor.nodes import NODE_TYPES, catalog
from editor.nodes.utility_wait import Config, read_answer
from editor.validation import validate_graph
from tests.engine_helpers import chain
from tests.test_node_form import FormReader, apply, render

FORM = Config(
    mode="approval",
    fields=[
        {"name": "comment", "type": "text", "required": True},
        {"name": "amount", "type": "number"},
        {"name": "urgent", "type": "boolean"},
        {"name": "ticket", "type": "string"},
    ],
)


def problems(config: dict) -> list[str]:
    try:
        Config.model_validate(config)
    except ValidationError as exc:
        return [f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors()]
    return []


def test_it_has_a_main_and_a_timeout_output():
    entry = next(e for e in catalog() if e["type"] == "utility.wait")
    assert entry["handles"] == ["main", "timeout"]
    assert NODE_TYPES["utility.wait"].run is None  # the engine runs it, holding no worker


def test_the_defaults_wait_for_a_call_for_as_long_as_it_takes():
    config = Config()
    assert (config.mode, config.timeout_seconds, config.fields) == ("webhook", None, [])


@pytest.mark.parametrize(
    ("config", "expected"),
    [
        ({"mode": "email"}, "mode: Input should be 'webhook', 'approval' or 'form'"),
        ({"timeout_seconds": 0}, "timeout_seconds: Input should be greater than 0"),
        (
            {"timeout_seconds": "soon"},
            "timeout_seconds: Input should be a valid number, unable to parse string as a number",
        ),
        (
            {"fields": [{"name": "note"}]},
            ": Value error, fields are a form's; set mode to 'approval' or 'form', or remove them",
        ),
        (
            {"mode": "approval", "fields": [{"name": "note"}, {"name": "note"}]},
            ": Value error, fields: 'note' appears twice; each field needs its own name",
        ),
        (
            {"mode": "approval", "fields": [{"name": "2nd try"}]},
            "fields.0.name: Value error, '2nd try' is not a field name: use letters, digits "
            "and _ (not first a digit)",
        ),
        (
            {"mode": "approval", "fields": [{"name": "when", "type": "date"}]},
            "fields.0.type: Input should be 'string', 'text', 'number', 'boolean' or 'file'",
        ),
    ],
)
def test_bad_settings_are_refused_naming_the_field(config, expected):
    assert problems(config) == [expected]


def test_an_answer_is_converted_to_the_fields_types():
    values, errors = read_answer(
        FORM, {"comment": "Looks fine\nto me", "amount": "12.50", "urgent": "on", "ticket": " T-1 "}
    )
    assert errors == {}
    assert values == {
        "comment": "Looks fine\nto me",
        "amount": 12.5,
        "urgent": True,
        "ticket": "T-1",
    }


def test_missing_optional_fields_are_empty_and_unticked_boxes_false():
    values, errors = read_answer(FORM, {"comment": "ok"})
    assert errors == {}
    assert values == {"comment": "ok", "amount": None, "urgent": False, "ticket": None}


def test_json_answers_keep_their_types():
    values, errors = read_answer(FORM, {"comment": "ok", "amount": 3, "urgent": False})
    assert errors == {}
    assert (values["amount"], values["urgent"]) == (3, False)


@pytest.mark.parametrize(
    ("posted", "field", "error"),
    [
        ({}, "comment", "This field is required."),
        ({"comment": "   "}, "comment", "This field is required."),
        ({"comment": "ok", "amount": "lots"}, "amount", "'lots' is not a number."),
        ({"comment": "ok", "amount": "inf"}, "amount", "'inf' is not a number."),
        ({"comment": "ok", "amount": True}, "amount", "Enter a number."),
        ({"comment": "ok", "urgent": "perhaps"}, "urgent", "'perhaps' is not yes or no."),
        ({"comment": ["a", "b"]}, "comment", "Enter text."),
        ({"comment": "x" * 10_001}, "comment", "Keep it under 10,000 characters."),
    ],
)
def test_what_is_wrong_with_an_answer_is_told_per_field(posted, field, error):
    _, errors = read_answer(FORM, posted)
    assert errors == {field: error}


def test_a_required_box_must_be_ticked():
    form = Config(mode="approval", fields=[{"name": "agree", "type": "boolean", "required": True}])
    assert read_answer(form, {})[1] == {"agree": "Tick this box to go on."}
    assert read_answer(form, {"agree": "on"}) == ({"agree": True}, {})


# --- template variables ------------------------------------------------------------------------


def notify(body: dict) -> dict:
    return {
        "id": "notify",
        "type": "action.http",
        "config": {"url": "https://x.example", "body": body},
    }


def wait() -> dict:
    return {"id": "wait", "type": "utility.wait", "config": {}}


def test_resume_url_and_the_workflow_are_valid_template_variables():
    graph = chain(
        notify(
            {"link": "{{ execution.resume_url }}", "name": "{{ workflow.name }} #{{ workflow.id }}"}
        ),
        wait(),
    )
    assert validate_graph(graph) == []


def test_resume_url_without_a_wait_in_the_workflow_is_refused():
    [issue] = validate_graph(chain(notify({"link": "{{ execution.resume_url }}"})))
    assert (issue.node_id, issue.field) == ("notify", "config.body.link")
    assert issue.message == (
        "'execution.resume_url' resumes a 'Wait for call or approval' (utility.wait) step, "
        "and this workflow has none; add one after this node."
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "{{ execution.resume }}",
            "'execution' has no 'resume'; it holds id, started_at, resume_url.",
        ),
        ("{{ workflow.owner }}", "'workflow' has no 'owner'; it holds id, name."),
    ],
)
def test_unknown_keys_of_execution_and_workflow_are_named(text, message):
    [issue] = validate_graph(chain(notify({"x": text}), wait()))
    assert issue.message == message


def test_the_settings_panel_lists_resume_url_only_where_a_wait_is(alice):
    without = Workflow.create(alice, "No wait", graph=chain(notify({})))
    paths = [v.path for v in variables.available(without, without.graph, "notify")]
    assert "execution.resume_url" not in paths
    assert {"workflow.id", "workflow.name"} <= set(paths)
    graph = chain(notify({}), wait())
    with_wait = Workflow.create(alice, "With wait", graph=graph)
    paths = [v.path for v in variables.available(with_wait, graph, "notify")]
    assert "execution.resume_url" in paths


# --- the settings form -------------------------------------------------------------------------


def test_an_approval_config_goes_through_the_settings_form_unchanged(alice, alice_client):
    workflow = Workflow.create(alice, "Approvals", graph=chain(wait()))
    config = {
        "mode": "approval",
        "timeout_seconds": 86400.0,
        "title": "Refund {{ trigger.order }}?",
        "description": "Check the order first.",
        "fields": [
            {"name": "comment", "type": "text", "required": True},
            {"name": "amount", "type": "number", "required": False},
        ],
    }
    form = FormReader(render(alice_client, workflow, "utility.wait", config).content.decode())
    response, result = apply(alice_client, workflow, "utility.wait", config, form.values)
    assert response.status_code == 200
    assert result["config"] == config
    assert result["applicable"] is True
