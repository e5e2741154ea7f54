"""n8n expressions on import: exact templates where the meaning is the same, JavaScript run in
the code sandbox (`n8n()`) otherwise, and what each gives when a workflow runs."""

from __future__ import annotations

import copy
import itertools
import json
import time
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from editor import templating
from editor.graph import ImportRefused
from editor.models import Workflow
from editor.n8n import convert
from editor.n8n.expressions import Scope, translate
from editor.nodes import code_sandbox
from editor.templating import TemplateError, render
from editor.validation import validate_graph
from executions import engine

REFS = {
    None: ("trigger.body", {}),
    "Fetch": ("nodes.fetch.body", {}),
    "Agent": ("nodes.agent", {"output": "response"}),
    "Split": ("nodes.split.result[0]", {}),
}
SCOPE = Scope(
    lambda name: REFS.get(name),
    lambda name: "nodes.split.result" if name == "Split" else None,
    timezone="Europe/Berlin",
    previous="Webhook",
)


@pytest.fixture(scope="module", autouse=True)
def _sandboxes() -> Any:
    yield
    code_sandbox.shutdown()


@pytest.mark.parametrize(
    ("expression", "template"),
    [
        # exact: paths keep their value's type; fields named like Python methods are keys
        ("{{ $json.name }}", "{{ trigger.body.name }}"),
        ("{{ $json.items[0].count }}", '{{ trigger.body["items"][0]["count"] }}'),
        ('{{ $json["order id"] }}', '{{ trigger.body["order id"] }}'),
        ("{{ $('Fetch').item.json.id }}", "{{ nodes.fetch.body.id }}"),
        ("{{ $('Fetch').first().json.id }}", "{{ nodes.fetch.body.id }}"),
        ('{{ $node["Fetch"].json["id"] }}', "{{ nodes.fetch.body.id }}"),
        ('{{ $node["Fetch"].data["id"] }}', "{{ nodes.fetch.body.id }}"),  # older name
        ("{{ $input.item.json.id }}", "{{ trigger.body.id }}"),
        ("{{ $('Split').last().json.id }}", "{{ nodes.split.result[-1].id }}"),
        ("{{ $('Agent').item.json.output }}", "{{ nodes.agent.response }}"),
        ("{{ $execution.id }}", "{{ execution.id }}"),
        ("{{ $execution.resumeUrl }}", "{{ execution.resume_url }}"),
        ("{{ $workflow.name }}", "{{ workflow.name }}"),
        ("{{ $runIndex }}", "{{ 0 }}"),
        ("{{ null }}", "{{ none }}"),
        # exact: text prints values as n8n does
        ("Hi {{ $json.name }}!", "Hi {{ trigger.body.name | n8n_text }}!"),
        (" {{ $json.id }}\n", "{{ ' ' ~ trigger.body.id | n8n_text ~ '\\n' }}"),
        ("{{ 'Hi ' + $json.name + '!' }}", "{{ 'Hi ' ~ (trigger.body.name) | n8n_string ~ '!' }}"),
        ("{{ $json.s === 'x' }}", "{{ (trigger.body.s) == 'x' }}"),
        ("{{ $json.s !== null }}", "{{ not (trigger.body.s) is none }}"),
        ("{{ $json.ok === true }}", "{{ (trigger.body.ok) is true }}"),
        ("plain text", "plain text"),
        (
            "{{ $json.a }} and {{ x }}",
            "{{ trigger.body.a | n8n_text }} and {{ n8n('x') | n8n_text }}",
        ),
        # JavaScript: method calls, operators, globals, dates, whole items
        (
            "{{ $json.name.toUpperCase() }}",
            "{{ n8n('$json.name.toUpperCase()', json=trigger.body) }}",
        ),
        ("{{ $json.a ?? 'x' }}", "{{ n8n('$json.a ?? \\'x\\'', json=trigger.body) }}"),
        ("{{ $json.a + $json.b }}", "{{ n8n('$json.a + $json.b', json=trigger.body) }}"),
        ("{{ $json.n > 5 }}", "{{ n8n('$json.n > 5', json=trigger.body) }}"),
        ("{{ $json.tags.length }}", "{{ n8n('$json.tags.length', json=trigger.body) }}"),
        ("{{ $json.a == 1 }}", "{{ n8n('$json.a == 1', json=trigger.body) }}"),
        (
            "{{ $now.toFormat('yyyy') }}",
            "{{ n8n('$now.toFormat(\\'yyyy\\')', tz='Europe/Berlin') }}",
        ),
        ("{{ $itemIndex }}", "{{ n8n('$itemIndex') }}"),
        ("{{ $prevNode.name }}", "{{ n8n('$prevNode.name', prev='Webhook') }}"),
        (
            "{{ JSON.stringify($('Agent').item.json) }}",
            "{{ n8n('JSON.stringify($(\\'Agent\\').item.json)', refs={'Agent': nodes.agent}, "
            "aliases={'Agent': [['output', 'response']]}) }}",
        ),
        (
            "{{ $('Split').all().length }}",
            "{{ n8n('$(\\'Split\\').all().length', refs={'Split': nodes.split.result[0]}, "
            "lists={'Split': nodes.split.result}) }}",
        ),
        # n8n ends a block at the first `}}`, wherever it is; so does the import
        ("{{ '{{x}}' }}", "{{ n8n('\\'\\x7b{x', json=trigger.body) | n8n_text }}' }}"),
        (
            "{{ $json.t.replace(/}}/g, '') }}",
            "{{ n8n('$json.t.replace(/', json=trigger.body) | n8n_text }}/g, '') }}",
        ),
        ("{{ '%}' + '{%' }}", "{{ '%\\x7d' ~ '\\x7b%' }}"),
    ],
)
def test_translation_table(expression: str, template: str) -> None:
    assert translate(expression, SCOPE) == template
    templating.parse(template)  # every translation is a template that parses


def test_env_is_refused_at_import_with_the_node_named() -> None:
    data = _workflow(
        _set_node("Shape", {"stage": "={{ $env.STAGE }}"}),
    )
    with pytest.raises(ImportRefused) as refused:
        convert(data)
    [issue] = refused.value.issues
    assert "'Shape'" in issue.message and "$env" in issue.message


# --- exact translations and the JavaScript agree ----------------------------------------------

JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**53), max_value=2**53)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=8),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(
            st.sampled_from(["count", "items", "a b", "0", "x", "{{", "keys"])
            | st.text(max_size=5),
            children,
            max_size=4,
        )
    ),
    max_leaves=12,
)


@st.composite
def documents_and_paths(draw: Any) -> tuple[Any, list[str | int]]:
    """A JSON object and a path that exists in it (n8n's `undefined` for a missing field fails
    a WorkFuse step instead; docs/n8n-import.md)."""
    document = draw(
        st.dictionaries(st.text(max_size=5) | st.just("count"), JSON_VALUES, min_size=1)
    )
    path: list[str | int] = []
    value: Any = document
    while isinstance(value, dict | list) and value and (not path or draw(st.booleans())):
        if isinstance(value, dict):
            key = draw(st.sampled_from(sorted(value)))
            if key in ("length", "constructor", "__proto__", "prototype", "toString"):
                break
            if "}}" in key:  # ends the block, in n8n as here: not a path n8n can write
                break
            path.append(key)
            value = value[key]
        else:
            index = draw(st.integers(min_value=0, max_value=len(value) - 1))
            path.append(index)
            value = value[index]
    return document, path


def _js_path(path: list[str | int]) -> str:
    text = "$json"
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        elif part.isidentifier() and part.isascii():
            text += f".{part}"
        else:
            text += f"[{json.dumps(part)}]"
    return text


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents_and_paths())
def test_exact_paths_give_what_javascript_gives(case: tuple[Any, list[str | int]]) -> None:
    document, path = case
    context = {"trigger": {"body": document}}
    js = _js_path(path)
    whole = translate("{{ " + js + " }}", SCOPE)
    text = translate("<{{ " + js + " }}>", SCOPE)
    joined = translate("{{ 'v=' + " + js + " }}", SCOPE)
    assert "n8n(" not in whole + text + joined
    # n8n prints a value inside text as `String(v)`, and null, undefined and '' as nothing.
    printed = f"(v => (v || v === 0 || v === false) ? String(v) : '')({js})"
    expected = render(
        "{{ [n8n(js, json=trigger.body), n8n(printed, json=trigger.body), "
        "n8n(concat, json=trigger.body)] }}",
        {**context, "js": js, "printed": printed, "concat": "'v=' + " + js},
    )
    assert _doubles(render(whole, context)) == _doubles(expected[0])
    assert render(text, context) == "<" + expected[1] + ">"
    assert render(joined, context) == expected[2]


def _doubles(value: Any) -> Any:
    """JSON with every number a double, as JavaScript has them: 4.4e16 comes back from the
    sandbox as the integer 44388896746603790, the same double."""
    return json.loads(json.dumps(value), parse_int=float)


@pytest.mark.parametrize("value", [True, None, 1.0, 1e21, 1.5e-7, [1, None, [2, "a"]], {"a": 1}])
def test_text_prints_values_as_javascript_does(value: Any) -> None:
    context = {"trigger": {"body": {"v": value}}}
    native = render(translate("[{{ 'x' + $json.v }}]", SCOPE), context)
    javascript = render("[{{ n8n(\"'x' + $json.v\", json=trigger.body) }}]", context)
    assert native == javascript


def test_a_missing_field_fails_the_step_naming_it() -> None:
    template = translate("{{ $json.customer.email }}", SCOPE)
    with pytest.raises(TemplateError) as failed:
        render(template, {"trigger": {"body": {"id": 1}}})
    assert "trigger.body.customer" in failed.value.message


def test_a_list_field_named_like_a_python_method_is_not_the_method() -> None:
    template = translate("{{ $json.result.count }}", SCOPE)
    with pytest.raises(TemplateError):
        render(template, {"trigger": {"body": {"result": [1, 2]}}})
    assert render(template, {"trigger": {"body": {"result": {"count": 2}}}}) == 2


# --- the JavaScript, run through the engine ---------------------------------------------------


def _set_node(name: str, fields: dict[str, str], x: int = 200) -> dict[str, Any]:
    """An Edit Fields node; a field named `name:type` has that n8n type (default string)."""
    rows = []
    for key, value in fields.items():
        field, _, kind = key.partition(":")
        rows.append(
            {"id": f"{name}-{field}", "name": field, "value": value, "type": kind or "string"}
        )
    return {
        "parameters": {
            "assignments": {"assignments": rows},
            "options": {},
        },
        "id": f"id-{name}",
        "name": name,
        "type": "n8n-nodes-base.set",
        "typeVersion": 3.4,
        "position": [x, 0],
    }


def _workflow(*nodes: dict[str, Any], settings: dict[str, Any] | None = None) -> dict[str, Any]:
    trigger = {
        "parameters": {},
        "id": "id-trigger",
        "name": "Start",
        "type": "n8n-nodes-base.manualTrigger",
        "typeVersion": 1,
        "position": [0, 0],
    }
    names = [trigger["name"], *(n["name"] for n in nodes)]
    connections = {
        a: {"main": [[{"node": b, "type": "main", "index": 0}]]}
        for a, b in itertools.pairwise(names)
    }
    return {
        "name": "Expressions",
        "nodes": [trigger, *nodes],
        "connections": connections,
        "settings": settings or {"executionOrder": "v1"},
    }


def _run(alice: Any, data: dict[str, Any], payload: Any) -> dict[str, Any]:
    graph = convert(copy.deepcopy(data))
    assert validate_graph(graph) == []
    workflow = Workflow.create(alice, "imported", graph=graph)
    execution = engine.start_execution(workflow, payload)
    execution.refresh_from_db()
    steps = {s.node_id: s for s in execution.steps.all()}
    return {"execution": execution, "steps": steps}


ORDER = {"customer": {"name": "ann lee", "email": "Ann@Example.com"}, "lines": [2, 3, 5]}


@pytest.mark.django_db(transaction=True)
def test_javascript_expressions_give_n8n_values_when_the_workflow_runs(alice: Any) -> None:
    data = _workflow(
        _set_node("Fetch", {"id:number": "={{ 41 + 1 }}", "tags:array": "={{ ['a', 'b'] }}"}),
        _set_node(
            "Shape",
            {
                "first": "={{ $('Start').item.json.customer.name.split(' ')[0] }}",
                "domain": "={{ $('Start').item.json.customer.email.toLowerCase().extractDomain() }}",
                "missing": "={{ $json.nothing ?? 'n/a' }}",
                "kind": "={{ $json.id > 40 ? 'big' : 'small' }}",
                "fetched": "={{ JSON.stringify($('Fetch').item.json) }}",
                "older": "={{ $node['Fetch'].data.tags.join('-') }}",
                "title": "={{ 'ann lee'.toTitleCase() }}",
                "count": "=Tags: {{ $json.tags.length }} ({{ $json.tags.join('+') }})",
                "year": "={{ $now.toFormat('yyyy') }}",
                "sum:number": "={{ $('Start').item.json.lines.sum() }}",
            },
            x=400,
        ),
    )
    run = _run(alice, data, ORDER)
    assert run["execution"].status == "succeeded", run["execution"].error
    shaped = run["steps"]["shape"].output["result"]
    assert shaped == {
        "first": "ann",
        "domain": "example.com",
        "missing": "n/a",
        "kind": "big",
        "fetched": '{"id":42,"tags":["a","b"]}',
        "older": "a-b",
        "title": "Ann Lee",
        "count": "Tags: 2 (a+b)",
        "year": str(time.gmtime().tm_year),
        "sum": 10,
    }


@pytest.mark.django_db(transaction=True)
def test_dates_use_the_workflow_time_zone(alice: Any) -> None:
    data = _workflow(
        _set_node(
            "Dates",
            {
                "zone": "={{ $now.zoneName }}",
                "day": "={{ DateTime.fromISO('2024-03-30T12:00:00Z').plus(1, 'day')"
                ".toFormat('yyyy-MM-dd HH:mm') }}",
                "hours": "={{ DateTime.fromISO('2024-03-30T12:00:00Z').plus(24, 'hours')"
                ".toFormat('yyyy-MM-dd HH:mm') }}",
            },
        ),
        settings={"timezone": "Europe/Berlin"},
    )
    run = _run(alice, data, {})
    assert run["steps"]["dates"].output["result"] == {
        "zone": "Europe/Berlin",
        # Summer time started that night: a day later is the same wall time, 24 hours is not.
        "day": "2024-03-31 13:00",
        "hours": "2024-03-31 14:00",
    }


@pytest.mark.django_db(transaction=True)
def test_a_runaway_expression_fails_its_step_and_the_worker_goes_on(alice: Any) -> None:
    data = _workflow(_set_node("Spin", {"x": "={{ (() => { while (true) {} })() }}"}))
    started = time.monotonic()
    run = _run(alice, data, {})
    assert time.monotonic() - started < 10
    assert run["execution"].status == "failed"
    error = run["steps"]["spin"].error
    assert "ran longer than 1000 ms and was stopped" in error and "while (true)" in error
    after = _run(alice, _workflow(_set_node("Fine", {"x": "={{ 'ok'.toUpperCase() }}"})), {})
    assert after["steps"]["fine"].output["result"] == {"x": "OK"}


@pytest.mark.django_db(transaction=True)
def test_a_javascript_error_fails_the_step_with_its_message(alice: Any) -> None:
    data = _workflow(_set_node("Bad", {"x": "={{ $json.nope.deeper.toUpperCase() }}"}))
    run = _run(alice, data, {})
    assert run["execution"].status == "failed"
    error = run["steps"]["bad"].error
    assert "n8n expression `$json.nope.deeper.toUpperCase()`" in error
    assert "Cannot read properties of undefined" in error


def test_all_the_expressions_of_a_rendering_share_one_time_allowance(monkeypatch: Any) -> None:
    monkeypatch.setattr(templating, "N8N_RENDER_MS", 1500)
    slow = "(() => { const t = Date.now(); while (Date.now() - t < 400) {} return 1; })()"
    template = "{% for i in range(3) %}{{ n8n(slow) }}{% endfor %}"
    started = time.monotonic()
    with pytest.raises(TemplateError) as failed:
        templating.render_value({"a": template, "b": template}, {"slow": slow})
    assert time.monotonic() - started < 4
    assert "ran longer than" in failed.value.message or "in all" in failed.value.message
    assert templating.render_value({"a": "{{ n8n(slow) }}"}, {"slow": slow}) == {"a": 1}


def test_validation_checks_what_an_n8n_call_reads() -> None:
    def graph(expression: str) -> dict[str, Any]:
        return {
            "nodes": [
                {"id": "start", "type": "trigger.manual", "config": {}},
                {
                    "id": "shape",
                    "type": "utility.transform",
                    "config": {"language": "template", "expression": expression},
                },
                {"id": "later", "type": "utility.transform", "config": {"expression": "@"}},
            ],
            "edges": [
                {"source": "start", "target": "shape"},
                {"source": "shape", "target": "later"},
            ],
        }

    assert validate_graph(graph("{{ n8n('$json.a', json=trigger) }}")) == []
    [issue] = validate_graph(graph("{{ n8n('$(\"L\").item.json', refs={'L': nodes.later}) }}"))
    assert (issue.node_id, issue.field) == ("shape", "config.expression")
    assert "later" in issue.message
