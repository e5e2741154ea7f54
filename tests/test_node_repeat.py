"""`logic.repeat` in the editor: its settings, what validation accepts and refuses (bodies,
`iteration` and `last`, what the round fields read), the settings form's rule editor for
`until`, the variables the panel and Magic Input offer, and the palette entry."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from editor import variables
from editor.magic import available_variables
from editor.models import Workflow
from editor.nodes import NODE_TYPES, catalog
from editor.validation import validate_graph
from executions.models import Execution, Step
from tests.test_node_form import FormReader, apply, render

UNTIL = {"rules": [{"left": "{{ last.body.status }}", "right": "done"}]}

POLL = {
    "nodes": [
        {"id": "hook", "type": "trigger.webhook", "config": {}},
        {
            "id": "start_job",
            "type": "action.http",
            "config": {"method": "POST", "url": "https://api.example.com/jobs"},
        },
        {
            "id": "again",
            "type": "logic.repeat",
            "config": {
                "max_iterations": 5,
                "delay_seconds": "{{ 10 * (iteration + 1) }}",
                "until": {
                    "combinator": "or",
                    "rules": [
                        {"left": "{{ last.body.status }}", "right": "done"},
                        {"left": "{{ nodes.check.status }}", "operator": "gte", "right": 500},
                    ],
                },
            },
        },
        {
            "id": "check",
            "type": "action.http",
            "config": {
                "url": "https://api.example.com/jobs/{{ nodes.start_job.body.id }}?try={{ iteration }}"
            },
        },
        {
            "id": "after",
            "type": "action.http",
            "config": {"url": "https://api.example.com/done/{{ nodes.again.last.body.id }}"},
        },
    ],
    "edges": [
        {"source": "hook", "target": "start_job"},
        {"source": "start_job", "target": "again"},
        {"source": "again", "source_handle": "body", "target": "check"},
        {"source": "again", "source_handle": "done", "target": "after"},
    ],
}


def issues_of(change=None) -> list[dict]:
    graph = copy.deepcopy(POLL)
    if change is not None:
        change(graph)
    return [i.as_dict() for i in validate_graph(graph)]


def node(graph: dict, node_id: str) -> dict:
    return next(n for n in graph["nodes"] if n["id"] == node_id)


def messages(issues: list[dict]) -> str:
    return " | ".join(i["message"] for i in issues)


# --- settings ---------------------------------------------------------------------------------


def test_a_poll_with_templates_in_until_delay_and_body_validates():
    assert issues_of() == []


def test_it_has_three_outputs_and_defaults():
    repeat = NODE_TYPES["logic.repeat"]
    assert repeat.handles == ("body", "done", "exhausted")
    config = repeat.Config.model_validate({"until": UNTIL})
    assert (config.max_iterations, config.delay_seconds) == (10, 0.0)
    entry = next(e for e in catalog() if e["type"] == "logic.repeat")
    assert (entry["category"], entry["handles"]) == ("logic", ["body", "done", "exhausted"])


@pytest.mark.parametrize(
    ("change", "field", "says"),
    [
        ({"max_iterations": 0}, "config.max_iterations", "greater than or equal to 1"),
        ({"max_iterations": 1001}, "config.max_iterations", "less than or equal to 1000"),
        ({"delay_seconds": -1}, "config.delay_seconds", "between 0 and 31622400"),
        ({"delay_seconds": "soon"}, "config.delay_seconds", "a number of seconds, got 'soon'"),
        ({"until": {"rules": []}}, "config.until.rules", "at least 1 item"),
        ({"until": None}, "config.until", "valid dictionary"),
        ({"until": {"rules": [{"left": 1, "operator": "near"}]}}, "config.until.rules[0]", ""),
    ],
)
def test_bad_settings_are_refused_on_their_field(change, field, says):
    issues = issues_of(lambda g: node(g, "again")["config"].update(change))
    assert issues and all(i["node_id"] == "again" for i in issues)
    assert issues[0]["field"].startswith(field) and says in issues[0]["message"]


# --- the body ---------------------------------------------------------------------------------


def test_a_body_step_cannot_connect_to_a_step_outside_the_body():
    issues = issues_of(lambda g: g["edges"].append({"source": "check", "target": "after"}))
    assert issues == [
        {
            "node_id": "check",
            "field": "edges[4]",
            "message": "'check' runs once per round of repeat 'again' and cannot connect to "
            "'after' outside it; connect the repeat's 'done' or 'exhausted' output instead.",
        }
    ]


def test_a_repeat_needs_a_body():
    issues = issues_of(lambda g: g["edges"].pop(2))
    assert {
        "node_id": "again",
        "field": "edges",
        "message": "Nothing is connected to the 'body' output of 'again': connect the steps it "
        "should run in each round.",
    } in issues


def test_a_step_on_body_that_also_waits_for_what_follows_the_repeat_is_refused():
    def change(graph: dict) -> None:
        graph["nodes"].append({"id": "both", "type": "utility.merge", "config": {}})
        graph["edges"] += [
            {"source": "again", "source_handle": "body", "target": "both"},
            {"source": "after", "target": "both"},
        ]

    issues = issues_of(change)
    assert issues[0]["node_id"] == "both"
    assert "connected to the 'body' output of 'again' but also waits" in issues[0]["message"]


def test_an_edge_back_is_a_cycle_that_points_to_the_repeat_node():
    issues = issues_of(lambda g: g["edges"].append({"source": "check", "target": "start_job"}))
    cycle = next(i for i in issues if i["field"] == "edges" and "Cycle" in i["message"])
    assert "use a Repeat node (logic.repeat)" in cycle["message"]


# --- templates --------------------------------------------------------------------------------


def test_iteration_is_only_read_inside_the_body_or_by_the_repeat():
    issues = issues_of(lambda g: node(g, "after")["config"].update(url="https://x/{{ iteration }}"))
    assert issues == [
        {
            "node_id": "after",
            "field": "config.url",
            "message": "'iteration' exists only inside a repeat's body (after a Repeat node's "
            "'body' output) and in the repeat's own 'until' and 'delay_seconds'.",
        }
    ]


def test_carried_is_read_inside_the_body_only():
    inside = issues_of(lambda g: node(g, "check")["config"].update(url="https://x/{{ carried }}"))
    assert inside == []
    issues = issues_of(lambda g: node(g, "after")["config"].update(url="https://x/{{ carried }}"))
    assert issues[0]["message"] == (
        "'carried' exists only inside a repeat's body (after a Repeat node's 'body' output): "
        "what the round was given."
    )


def test_last_is_only_read_by_the_repeats_until_and_delay():
    issues = issues_of(lambda g: node(g, "check")["config"].update(url="https://x/{{ last }}"))
    assert issues[0]["field"] == "config.url"
    assert issues[0]["message"].startswith("'last' exists only in a repeat's 'until'")
    issues = issues_of(
        lambda g: node(g, "again")["config"].update(max_iterations="{{ last.body.n }}")
    )
    assert issues[0]["field"] == "config.max_iterations"  # an integer, not a template


def test_the_body_cannot_read_the_repeat_it_runs_in():
    issues = issues_of(
        lambda g: node(g, "check")["config"].update(url="https://x/{{ nodes.again.iterations }}")
    )
    assert issues[0]["message"] == (
        "'check' runs inside the body of 'again', which has no output until its body is done; "
        "read iteration instead."
    )


def test_until_reads_steps_directly_in_the_body_but_not_those_of_a_nested_loop():
    def nest(graph: dict) -> None:
        graph["nodes"] += [
            {"id": "each", "type": "logic.loop", "config": {"items": "{{ [1, 2] }}"}},
            {"id": "leaf", "type": "utility.merge", "config": {}},
        ]
        graph["edges"] += [
            {"source": "check", "target": "each"},
            {"source": "each", "source_handle": "each", "target": "leaf"},
        ]
        node(graph, "again")["config"]["until"]["rules"].append(
            {"left": "{{ nodes.each.results | length }}", "operator": "gt", "right": 0}
        )

    assert issues_of(nest) == []

    def read_leaf(graph: dict) -> None:
        nest(graph)
        node(graph, "again")["config"]["until"]["rules"][0]["left"] = "{{ nodes.leaf }}"

    issues = issues_of(read_leaf)
    assert [i["field"] for i in issues] == ["config.until.rules[0].left"]
    assert "'nodes.leaf' is not upstream of 'again'" in issues[0]["message"]


def test_after_the_repeat_its_body_is_read_through_last():
    issues = issues_of(
        lambda g: node(g, "after")["config"].update(url="https://x/{{ nodes.check.body }}")
    )
    assert "'nodes.check' is not upstream of 'after'" in issues[0]["message"]


def test_a_repeat_inside_a_loop_reads_item_in_until_and_its_body_both():
    graph = {
        "nodes": [
            {"id": "start", "type": "trigger.manual", "config": {}},
            {"id": "each", "type": "logic.loop", "config": {"items": "{{ trigger.jobs }}"}},
            {
                "id": "again",
                "type": "logic.repeat",
                "config": {
                    "until": {"rules": [{"left": "{{ iteration }}", "right": "{{ item }}"}]}
                },
            },
            {
                "id": "work",
                "type": "utility.transform",
                "config": {"expression": "{{ item ~ index ~ iteration }}", "language": "template"},
            },
        ],
        "edges": [
            {"source": "start", "target": "each"},
            {"source": "each", "source_handle": "each", "target": "again"},
            {"source": "again", "source_handle": "body", "target": "work"},
        ],
    }
    assert validate_graph(graph) == []


# --- the settings form ------------------------------------------------------------------------


@pytest.fixture
def workflow(alice: Any) -> Workflow:
    return Workflow.create(alice, "Poll", graph=POLL)


@pytest.mark.django_db
def test_until_is_edited_with_the_rule_editor(alice_client, workflow):
    form = FormReader(render(alice_client, workflow, "logic.repeat", {}).content.decode())
    assert form.kinds == {
        "max_iterations": "number",
        "delay_seconds": "json",
        "until": "ruleset",
        "carry": "toggle",
    }
    assert form.options["f:until.match"] == ["and", "or"]
    values = form.with_values(
        **{
            "f:max_iterations": "12",
            "f:carry": ["0", "1"],  # the hidden marker and the ticked box
            "f:until.match": "or",
            "f:until.row": ["rule", "group", "rule", "end"],
            "f:until.left": ["{{ last.status }}", "{{ iteration }}"],
            "f:until.operator": ["eq", "gte"],
            "f:until.right": ["ready", "3"],
            "f:until.combinator": ["and"],
        }
    )
    _, result = apply(alice_client, workflow, "logic.repeat", {}, values)
    assert result["config"] == {
        "max_iterations": 12,
        "carry": True,
        "until": {
            "combinator": "or",
            "rules": [
                {"left": "{{ last.status }}", "right": "ready"},
                {"rules": [{"left": "{{ iteration }}", "operator": "gte", "right": 3}]},
            ],
        },
    }


@pytest.mark.django_db
def test_an_empty_until_is_an_error_on_its_field(alice_client, workflow):
    form = FormReader(render(alice_client, workflow, "logic.repeat", {}).content.decode())
    response, result = apply(alice_client, workflow, "logic.repeat", {}, form.values)
    assert result["config"] == {"until": {"rules": []}}
    assert (
        "rules: List should have at least 1 item"
        in FormReader(response.content.decode()).errors["until"]
    )


# --- variables --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_panel_offers_iteration_in_the_body_and_last_to_the_repeat(alice, workflow):
    body = {v.path for v in variables.available(workflow, workflow.graph, "check")}
    assert {"iteration", "nodes.start_job"} <= body
    assert "nodes.again" not in body and "last" not in body
    own = {v.path for v in variables.available(workflow, workflow.graph, "again")}
    assert {"iteration", "last", "nodes.check", "nodes.start_job"} <= own
    after = {v.path for v in variables.available(workflow, workflow.graph, "after")}
    assert "iteration" not in after and "nodes.again" in after


@pytest.mark.django_db
def test_after_a_run_the_panel_shows_the_shape_of_last(alice, workflow):
    execution = Execution.objects.create(
        workflow=workflow, version=workflow.versions.get(), status="succeeded"
    )
    output = {"iterations": 2, "last": {"status": 200, "body": {"status": "done"}}}
    Step.objects.create(execution=execution, node_id="again", key="again", output=output)
    Step.objects.create(execution=execution, node_id="check", key="check[1]", output=output["last"])
    own = dict((v.path, v.kind) for v in variables.available(workflow, workflow.graph, "again"))
    assert own["last.body.status"] == "string"
    assert own["nodes.check.body.status"] == "string"  # the last round's
    text = available_variables(workflow, "again")
    assert "- last, iteration (in until and delay_seconds" in text
    # The shape as the stored output gives it (PostgreSQL's jsonb orders keys its own way).
    shown = json.loads(text.split("; last shape ", 1)[1].splitlines()[0])
    assert shown == {"status": "number", "body": {"status": "string"}}
    assert "- iteration: the round of the repeat" in available_variables(workflow, "check")
