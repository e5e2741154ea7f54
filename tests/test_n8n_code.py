"""Imported n8n Code (and legacy Function) nodes: the JavaScript runs in the code sandbox with
n8n's names, and returns n8n items whose json becomes the node's `result` list."""

from __future__ import annotations

import copy
import itertools
from typing import Any

import pytest

from editor.graph import ImportRefused
from editor.models import Workflow
from editor.n8n import convert
from editor.nodes import action_code, code_sandbox
from editor.nodes.base import NodeError, RunContext
from editor.validation import validate_graph
from executions import engine


@pytest.fixture(scope="module", autouse=True)
def _sandboxes() -> Any:
    yield
    code_sandbox.shutdown()


def _code_node(name: str, code: str, each: bool = False, x: int = 200) -> dict[str, Any]:
    parameters: dict[str, Any] = {"jsCode": code}
    if each:
        parameters["mode"] = "runOnceForEachItem"
    return {
        "parameters": parameters,
        "id": f"id-{name}",
        "name": name,
        "type": "n8n-nodes-base.code",
        "typeVersion": 2,
        "position": [x, 0],
    }


def _workflow(*nodes: dict[str, Any]) -> dict[str, Any]:
    trigger = {
        "parameters": {},
        "id": "id-start",
        "name": "Start",
        "type": "n8n-nodes-base.manualTrigger",
        "typeVersion": 1,
        "position": [0, 0],
    }
    names = [trigger["name"], *(n["name"] for n in nodes)]
    return {
        "name": "Code",
        "nodes": [trigger, *nodes],
        "connections": {
            a: {"main": [[{"node": b, "type": "main", "index": 0}]]}
            for a, b in itertools.pairwise(names)
        },
        "settings": {"executionOrder": "v1"},
    }


def _by_label(graph: dict[str, Any], label: str) -> dict[str, Any]:
    return next(n for n in graph["nodes"] if n["label"] == label)


def _run(alice: Any, data: dict[str, Any], payload: Any) -> tuple[Any, dict[str, Any]]:
    graph = convert(copy.deepcopy(data))
    assert validate_graph(graph) == []
    execution = engine.start_execution(Workflow.create(alice, "imported", graph=graph), payload)
    execution.refresh_from_db()
    return execution, {s.key: s for s in execution.steps.all()}


SPLIT = "return $json.lines.map(n => ({ n }));"
DOUBLE = """const first = $input.first().json.n;
return { json: { doubled: $json.n * 2, index: $itemIndex, first, via: item.json.n } };"""
SUMMARY = """let total = 0;
for (const item of $input.all()) total += item.json.doubled;
return [{ json: {
  total,
  count: items.length,
  split: $('Split').all().map(i => i.json.n),
  order: $('Start').first().json.order,
  year: $now.year > 2000,
} }];"""


def test_code_node_config_names_the_items_and_nodes_its_code_reads() -> None:
    graph = convert(_workflow(_code_node("Split", SPLIT), _code_node("Double", DOUBLE, each=True)))
    split, double = _by_label(graph, "Split"), _by_label(graph, "Double")
    assert split["config"] == {
        "code": SPLIT,
        "n8n": {"mode": "all", "items": "{{ [trigger] }}", "previous": "Start"},
    }
    # Once per item: the import runs it in a loop over Split's items, as n8n runs it per item.
    assert double["config"]["n8n"] == {"mode": "each", "items": "{{ [item] }}", "previous": "Split"}
    assert "`result`" in split["notes"]


@pytest.mark.django_db(transaction=True)
def test_code_nodes_in_both_modes_pass_n8n_items_along(alice: Any) -> None:
    data = _workflow(
        _code_node("Split", SPLIT),
        _code_node("Double", DOUBLE, each=True, x=400),
        _code_node("Summary", SUMMARY, x=600),
    )
    execution, steps = _run(alice, data, {"order": "A-1", "lines": [2, 3, 5]})
    assert execution.status == "succeeded", execution.error
    assert steps["split"].output["result"] == [{"n": 2}, {"n": 3}, {"n": 5}]
    # Each item's run sees that item ($input.first() too) and its index in the loop.
    assert [steps[f"double[{i}]"].output["result"] for i in range(3)] == [
        [{"doubled": 4, "index": 0, "first": 2, "via": 2}],
        [{"doubled": 6, "index": 1, "first": 3, "via": 3}],
        [{"doubled": 10, "index": 2, "first": 5, "via": 5}],
    ]
    assert steps["summary"].output["result"] == [
        {"total": 20, "count": 3, "split": [2, 3, 5], "order": "A-1", "year": True}
    ]


@pytest.mark.django_db(transaction=True)
def test_the_nodes_after_a_code_node_run_once_per_item_it_returns(alice: Any) -> None:
    shape = {
        "parameters": {
            "assignments": {
                "assignments": [
                    {"id": "a", "name": "n", "value": "={{ $json.n }}", "type": "number"},
                    {"id": "b", "name": "shout", "value": "={{ $json.word.toUpperCase() }}"},
                ]
            },
            "options": {},
        },
        "id": "id-shape",
        "name": "Shape",
        "type": "n8n-nodes-base.set",
        "typeVersion": 3.4,
        "position": [400, 0],
    }
    code = "return [{ n: 1, word: 'hi' }, { n: 2, word: 'yo' }];"
    execution, steps = _run(alice, _workflow(_code_node("Make", code), shape), {})
    assert execution.status == "succeeded", execution.error
    assert [steps[f"shape[{i}]"].output["result"] for i in range(2)] == [
        {"n": 1, "shout": "HI"},
        {"n": 2, "shout": "YO"},
    ]


def _run_code(code: str, mode: str = "all", items: list[Any] | None = None, **n8n: Any) -> Any:
    config = action_code.Config(code=code, n8n={"mode": mode, "items": items, **n8n})
    ctx = RunContext(execution_id="e1", node_id="code", step_key="code", input={"unused": True})
    return action_code.run(config, ctx)["result"]


@pytest.mark.parametrize(
    ("code", "result"),
    [
        ("return [{ json: { a: 1 } }, { json: { a: 2 } }];", [{"a": 1}, {"a": 2}]),
        ("return [{ a: 1 }, { a: 2 }];", [{"a": 1}, {"a": 2}]),
        ("return { a: 1 };", [{"a": 1}]),
        ("return { json: { a: 1 } };", [{"a": 1}]),
        ("return null;", []),
        ("return [];", []),
        (
            "for (const item of $input.all()) item.json.seen = true; return $input.all();",
            [{"x": 1, "seen": True}, {"x": 2, "seen": True}],
        ),
        ("return items.map(i => ({ json: { x: i.json.x + 10 } }));", [{"x": 11}, {"x": 12}]),
    ],
)
def test_returned_items_are_normalised_as_n8n_does(code: str, result: Any) -> None:
    assert _run_code(code, items=[{"x": 1}, {"x": 2}]) == result


@pytest.mark.parametrize(
    ("code", "mode", "message"),
    [
        ("return 5;", "all", "Code doesn't return items properly"),
        ("return;", "all", "Code doesn't return items properly"),
        ("return [{ json: 1 }];", "all", "A 'json' property isn't an object"),
        ("return [{ json: {}, extra: 1 }];", "all", "Unknown top-level item key: extra"),
        ("return [{ json: {} }, { a: 1 }];", "all", "Unknown top-level item key: a (item 1)"),
        ("return [$json];", "each", "Code doesn't return a single object"),
        ("return 'x';", "each", "Code doesn't return an object"),
        ("return $('Nowhere').first();", "all", "n8n node 'Nowhere' is not available here"),
        ("return $env.HOME;", "all", "$env"),
    ],
)
def test_wrong_returns_fail_with_n8n_messages(code: str, mode: str, message: str) -> None:
    with pytest.raises(NodeError) as failed:
        _run_code(code, mode=mode, items=[{"x": 1}])
    assert message in failed.value.message


def test_each_mode_skips_items_the_code_returns_null_for() -> None:
    code = "return $json.x > 1 ? { x: $json.x } : null;"
    assert _run_code(code, mode="each", items=[{"x": 1}, {"x": 2}, {"x": 3}]) == [
        {"x": 2},
        {"x": 3},
    ]


def test_named_nodes_read_under_their_n8n_field_names() -> None:
    code = "return { answer: $('Agent').first().json.output, all: $('Rows').all().length };"
    result = _run_code(
        code,
        items=[{}],
        nodes={"Agent": {"response": "42"}, "Rows": {"id": 1}},
        lists={"Rows": [{"id": 1}, {"id": 2}]},
        aliases={"Agent": [["output", "response"]]},
    )
    assert result == [{"answer": "42", "all": 2}]


def test_extension_methods_stay_out_of_code_nodes() -> None:
    # n8n's Code node has no `.first()` on arrays; objects keep their own `keys` field only.
    assert _run_code("return { f: typeof [].first, k: typeof {}.keys };") == [
        {"f": "undefined", "k": "undefined"}
    ]


def test_legacy_function_nodes_become_code_in_n8n_modes() -> None:
    function: dict[str, Any] = {
        "parameters": {"functionCode": "return items.map(i => ({ json: { v: i.json.v * 2 } }));"},
        "id": "id-f",
        "name": "Function",
        "type": "n8n-nodes-base.function",
        "typeVersion": 1,
        "position": [200, 0],
    }
    function_item: dict[str, Any] = {
        "parameters": {"functionCode": "item.v = item.v + 1;\nreturn item;"},
        "id": "id-fi",
        "name": "Function Item",
        "type": "n8n-nodes-base.functionItem",
        "typeVersion": 1,
        "position": [400, 0],
    }
    graph = convert(_workflow(function, function_item))
    assert _by_label(graph, "Function")["config"]["n8n"]["mode"] == "all"
    assert _by_label(graph, "Function Item")["config"]["n8n"]["mode"] == "functionItem"
    items = [{"v": 1}, {"v": 2}]
    assert _run_code(function["parameters"]["functionCode"], items=items) == [{"v": 2}, {"v": 4}]
    code = function_item["parameters"]["functionCode"]
    assert _run_code(code, mode="functionItem", items=items) == [{"v": 2}, {"v": 3}]


def test_a_code_node_without_code_passes_its_items_on() -> None:
    graph = convert(_workflow(_code_node("Empty", "")))
    node = _by_label(graph, "Empty")
    assert node["config"]["code"] == "return $input.all();"
    assert "no code of its own" in node["notes"]
    assert _run_code(node["config"]["code"], items=[{"a": 1}]) == [{"a": 1}]


def _python_node(name: str, code: str, x: int = 200, **parameters: Any) -> dict[str, Any]:
    node = _code_node(name, "", x=x)
    node["parameters"] = {"language": "python", "pythonCode": code, **parameters}
    return node


CUSTOMERS = """return [{'json': {'email': f'{n}@example.com'}} for n in ('ann', 'bob')]"""
RESTORE = """for i,item in enumerate(_input.all()):
  _input.all()[i].json.restoreEmail = _('Customers').itemMatching(i).json.email

return _input.all();"""


def test_python_code_nodes_import_as_python_with_the_nodes_they_read() -> None:
    data = _workflow(
        _code_node("Customers", "return [{json: {email: 'a'}}, {json: {email: 'b'}}];"),
        _python_node("Restore", RESTORE, x=400),
    )
    node = _by_label(convert(data), "Restore")
    assert node["config"]["language"] == "python"
    assert node["config"]["code"] == RESTORE
    n8n = node["config"]["n8n"]
    assert (n8n["mode"], n8n["previous"], list(n8n["nodes"])) == ("all", "Customers", ["Customers"])
    assert "WorkFuse's Python" in node["notes"]


@pytest.mark.django_db(transaction=True)
def test_python_code_nodes_run_with_n8ns_python_names(alice: Any) -> None:
    data = _workflow(
        _python_node("Customers", CUSTOMERS),
        _python_node("Restore", RESTORE, x=400),
        _python_node(
            "Tag",
            "_input.item.json.tag = _json.email.upper()\nreturn _input.item",
            x=600,
            mode="runOnceForEachItem",
        ),
    )
    execution, steps = _run(alice, data, {})
    assert execution.status == "succeeded", execution.error
    assert steps["restore"].output["result"] == [
        {"email": "ann@example.com", "restoreEmail": "ann@example.com"},
        {"email": "bob@example.com", "restoreEmail": "bob@example.com"},
    ]
    tagged = [steps[key].output["result"] for key in sorted(steps) if key.startswith("tag[")]
    assert [t[0]["tag"] for t in tagged] == ["ANN@EXAMPLE.COM", "BOB@EXAMPLE.COM"]


@pytest.mark.parametrize(
    ("code", "reason"),
    [
        ("import numpy as np\nreturn []", "imports numpy, which WorkFuse's Python does not have"),
        ("from sklearn.cluster import KMeans\nimport json, micropip", "imports sklearn, micropip"),
        ("return [{'json': {}, 'binary': _input.first().binary}]", "n8n's binary data"),
        ("import multiprocessing\nreturn []", "imports multiprocessing"),
        ("import ssl, json\nreturn []", "imports ssl, which"),
        ("rows = open('data.csv').read()\nreturn []", "opens files (open(), or an SQLite"),
        ("import sqlite3\ncon = sqlite3.connect('creds.db')", "opens files"),
    ],
)
def test_python_code_nodes_python_here_cannot_run_are_refused_with_the_reason(
    code: str, reason: str
) -> None:
    with pytest.raises(ImportRefused) as refused:
        convert(_workflow(_python_node("Py", code)))
    [issue] = refused.value.issues
    assert "'Py'" in issue.message and reason in issue.message


def test_an_in_memory_sqlite_database_is_python_here_can_run() -> None:
    code = "import sqlite3\ncon = sqlite3.connect(':memory:')\nreturn []"
    node = next(
        n for n in convert(_workflow(_python_node("Py", code)))["nodes"] if n["label"] == "Py"
    )
    assert node["config"]["language"] == "python"


def test_code_nodes_in_another_language_are_refused_with_the_reason() -> None:
    node = _code_node("Rb", "")
    node["parameters"] = {"language": "ruby", "code": "puts 1"}
    with pytest.raises(ImportRefused) as refused:
        convert(_workflow(node))
    [issue] = refused.value.issues
    assert "ruby" in issue.message and "JavaScript or Python" in issue.message
