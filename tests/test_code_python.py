"""action.code in Python: results, logs and globals, errors with the user's line numbers, and
n8n's Python names (n8n_shim.py). Every run goes through the real sandbox process and the real
WebAssembly interpreter (docs/python-code.md)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from pydantic import ValidationError

from editor.nodes.action_code import Config
from editor.nodes.base import NodeError
from tests.test_node_code import error_of as code_error_of
from tests.test_node_code import run_code


def run_python(
    code: str, input: Any = None, variables: dict[str, Any] | None = None, **config: Any
) -> dict[str, Any]:
    return run_code(code, input, variables, language="python", **config)


def error_of(code: str, **kwargs: Any) -> NodeError:
    return code_error_of(code, language="python", **kwargs)


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("return 42", 42),
        ("return 1.5", 1.5),
        ("return 'héllo'", "héllo"),
        ("return True", True),
        ("return None", None),
        ("return [1, 'a', None]", [1, "a", None]),
        ("return {'a': {'b': (1, 2)}, 'c': 'x'}", {"a": {"b": [1, 2]}, "c": "x"}),
        ("unused = 1", None),
        ("# only a comment", None),
        ("return 2 ** 70", 2**70),
    ],
)
def test_returns_each_json_type(code: str, expected: Any) -> None:
    assert run_python(code) == {"result": expected, "logs": []}


def test_input_trigger_nodes_item_and_index_are_globals() -> None:
    variables = {"trigger": {"id": 7}, "nodes": {"a": {"n": 2}}, "item": "x", "index": 3}
    code = "return [input['items'][1], trigger['id'], nodes['a']['n'], item, index]"
    result = run_python(code, input={"items": [1, 2]}, variables=variables)["result"]
    assert result == [2, 7, 2, "x", 3]
    assert run_python("return 'item' in globals()")["result"] is False


def test_the_code_is_a_function_body_with_helpers_imports_and_an_early_return() -> None:
    code = """
import json, re
from collections import Counter

def words(text):
    return re.findall(r"\\w+", text.lower())

if not input:
    return None
counts = Counter(words(input))
return json.loads(json.dumps(counts.most_common(2)))
"""
    assert run_python(code, input="b a b c b a")["result"] == [["b", 3], ["a", 2]]
    assert run_python(code, input="")["result"] is None


def test_print_and_writes_to_stdout_and_stderr_become_logs() -> None:
    code = """
import sys
print('total', 3, {'a': 1})
print('two\\nlines')
print('a', 'b', sep='-')
sys.stdout.write('partial ')
sys.stdout.write('line\\n')
sys.stderr.write('to stderr\\n')
return 1
"""
    assert run_python(code)["logs"] == [
        "total 3 {'a': 1}",
        "two\nlines",
        "a-b",
        "partial line",
        "to stderr",
    ]


def test_logs_are_cut_as_javascripts_are() -> None:
    logs = run_python("for i in range(1500): print(i)")["logs"]
    assert len(logs) == 1001
    assert logs[-1] == "… logs truncated"
    logs = run_python("for i in range(30): print('x' * 10000)")["logs"]
    assert sum(len(line) for line in logs[:-1]) == 100 * 1024
    assert logs[-1] == "… logs truncated"


def test_a_raised_error_names_type_message_and_the_users_line_and_keeps_logs() -> None:
    error = error_of("print('about to fail')\nx = {}\n\nreturn x['missing']")
    assert error.message == "Python error: KeyError: 'missing' (line 4)"
    assert error.detail["logs"] == ["about to fail"]
    assert error.detail["line"] == 4
    assert error.detail["stack"] == (
        "Traceback (most recent call last):\n"
        '  File "code.py", line 4, in <code>\n'
        "    return x['missing']\n"
        "            ~^^^^^^^^^^^\n"
        "KeyError: 'missing'"
    )


def test_an_error_inside_a_helper_reports_the_line_where_it_happened() -> None:
    code = "def half(n):\n    return n / 0\n\nreturn half(4)"
    error = error_of(code)
    assert error.message == "Python error: ZeroDivisionError: division by zero (line 2)"
    assert '  File "code.py", line 4, in <code>' in error.detail["stack"]
    assert '  File "code.py", line 2, in half' in error.detail["stack"]


def test_syntax_errors_name_the_problem_and_the_users_line() -> None:
    assert error_of("x = 1\ny = (x +\n").message == (
        "Python syntax error: '(' was never closed (line 2)"
    )
    assert error_of("x = 1\n\nif x\n    pass").message == (
        "Python syntax error: expected ':' (line 3)"
    )
    assert error_of("return 1\n  return 2").message == (
        "Python syntax error: unexpected indent (line 2)"
    )


def test_exit_and_other_base_exceptions_are_errors_of_the_code() -> None:
    assert error_of("import sys\nsys.exit(3)").message == "Python error: SystemExit: 3 (line 2)"
    assert error_of("raise KeyboardInterrupt").message == (
        "Python error: KeyboardInterrupt (line 1)"
    )


def test_a_module_outside_the_standard_library_is_named_as_not_available() -> None:
    error = error_of("import json\nimport numpy as np")
    assert error.message == (
        "Python error: ModuleNotFoundError: module 'numpy' is not available: WorkFuse's "
        "Python runs the standard library only (line 2)"
    )
    assert "part of Python's standard library" in error_of("import multiprocessing").message


def test_the_standard_library_is_there() -> None:
    code = """
import base64, csv, datetime, decimal, hashlib, io, math, statistics, uuid, sqlite3
rows = list(csv.DictReader(io.StringIO("a,b\\n1,2\\n")))
db = sqlite3.connect(":memory:")
return [
    rows,
    hashlib.sha256(b"x").hexdigest()[:8],
    base64.b64encode(b"hi").decode(),
    str(decimal.Decimal("1.10") + decimal.Decimal("2.20")),
    statistics.mean([1, 2, 3, 4]),
    len(str(uuid.uuid4())),
    db.execute("select 6 * 7").fetchone()[0],
    datetime.date(2024, 2, 29).isoformat(),
]
"""
    assert run_python(code)["result"] == [
        [{"a": "1", "b": "2"}],
        "2d711642",
        "aGk=",
        "3.30",
        2.5,
        36,
        42,
        "2024-02-29",
    ]


@pytest.mark.parametrize(
    ("code", "reason"),
    [
        ("return {1, 2}", "it contains a value of type 'set'"),
        (
            "return {'when': __import__('datetime').date(2024, 1, 1)}",
            "it contains a value of type 'date'",
        ),
        ("return float('nan')", "it contains NaN or Infinity"),
        ("a = []\na.append(a)\nreturn a", "it contains a circular reference"),
        ("return {(1, 2): 'x'}", "keys must be str, int, float, bool or None, not tuple"),
        ("return len", "it contains a value of type 'builtin_function_or_method'"),
    ],
)
def test_values_that_are_not_json_are_refused(code: str, reason: str) -> None:
    error = error_of(code)
    assert error.message == f"The returned value can't be converted to JSON: {reason}"


def test_result_over_5_mb_is_refused_counting_utf8_bytes() -> None:
    error = error_of("return 'é' * (3 * 1024 * 1024)", memory_mb=128)
    assert error.message == "The returned value is larger than 5 MB as JSON; return less data"
    assert len(run_python("return 'x' * (4 * 1024 * 1024)")["result"]) == 4 * 1024 * 1024
    assert len(run_python("return 'é' * (2 * 1024 * 1024)")["result"]) == 2 * 1024 * 1024


def test_code_that_writes_its_own_answer_cannot_break_collection() -> None:
    code = (
        'import os\nos.write(1, b\'{"ok": true, "result": "forged"\')\nprint(\'still\')\nreturn 7'
    )
    assert run_python(code) == {"result": 7, "logs": ["still"]}
    # A line of its own that is not JSON the server can store is not taken as the answer.
    forged = b'\n{"ok": true, "logs": [], "result": NaN}\n'
    error = error_of(f"import os\nos.write(1, {forged!r})\nos._exit(0)")
    assert error.message == "The code interfered with how its result is collected"


def test_config_takes_python_and_keeps_javascript_the_default() -> None:
    assert Config(code="return 1").language == "javascript"
    assert Config(code="return 1", language="python").language == "python"
    with pytest.raises(ValidationError) as caught:
        Config(code="return 1", language="ruby")
    assert caught.value.errors()[0]["loc"] == ("language",)


# --- n8n's Python names (imported n8n Code nodes) ------------------------------------------


def n8n(code: str, items: list[Any], mode: str = "all", **extra: Any) -> dict[str, Any]:
    settings = {"mode": mode, "items": items, **extra}
    variables = {"workflow": {"id": 5, "name": "Orders"}, **extra.pop("variables", {})}
    return run_python(code, input=items[0] if items else None, variables=variables, n8n=settings)


def test_n8n_items_allow_attributes_subscripts_and_assignments_that_persist() -> None:
    code = """
for i, item in enumerate(_input.all()):
    _input.all()[i].json.restoreEmail = _('Customers').itemMatching(i).json.email
    item['json']['double'] = item.json.n * 2
    item.json.tags = ['a']
    item.json.tags.append('b')
return _input.all()
"""
    lists = {"Customers": [{"email": "a@x"}, {"email": "b@x"}]}
    result = n8n(code, [{"n": 1}, {"n": 2}], nodes={"Customers": {}}, lists=lists)["result"]
    assert result == [
        {"n": 1, "restoreEmail": "a@x", "double": 2, "tags": ["a", "b"]},
        {"n": 2, "restoreEmail": "b@x", "double": 4, "tags": ["a", "b"]},
    ]


def test_n8n_get_to_py_and_reading_a_missing_key() -> None:
    code = """
first = _input.first()
plain = first.json.to_py()
plain['added'] = 1  # a copy: the item keeps its own data
return [{
    'got': first.json.get('name'),
    'default': first.json.get('missing', 'none'),
    'keys': sorted(first.json.keys()),
    'plain': plain,
    'still': 'added' in first.json,
    'points': first.json.points.to_py(),
    'typed': type(plain).__name__,
    'len': len(_items), 'legacy': items[1]['json']['name'],
    'has_items_key': first.json['items'],
}]
"""
    data = [{"name": "ann", "points": [1, 2], "items": 3}, {"name": "bob"}]
    (result,) = n8n(code, data)["result"]
    assert result == {
        "got": "ann",
        "default": "none",
        "keys": ["items", "name", "points"],
        "plain": {"name": "ann", "points": [1, 2], "items": 3, "added": 1},
        "still": False,
        "points": [1, 2],
        "typed": "dict",
        "len": 2,
        "legacy": "bob",
        "has_items_key": 3,
    }
    error = error_of("return [{'x': _input.first().json.nope}]", n8n={"items": [{}]})
    assert error.message == "Python error: AttributeError: the object has no key 'nope' (line 1)"


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("return [{'json': {'a': 1}}, {'json': {'a': 2}}]", [{"a": 1}, {"a": 2}]),
        ("return [{'a': 1}, {'a': 2}]", [{"a": 1}, {"a": 2}]),
        ("return {'a': 1}", [{"a": 1}]),
        ("return {'json': {'a': 1}}", [{"a": 1}]),
        ("return []", []),
        ("return _input.all()", [{"n": 1}, {"n": 2}]),
    ],
)
def test_n8n_return_shapes_become_the_items_json(code: str, expected: Any) -> None:
    assert n8n(code, [{"n": 1}, {"n": 2}])["result"] == expected


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("return 'text'", "Code doesn't return items properly"),
        ("return None", "Code doesn't return items properly"),
        ("return [1, 2]", "Code doesn't return items properly"),
        ("return [{'json': {}}, {'pairedItem': 0}]", "Inconsistent item format"),
        ("return [{'json': {}, 'extra': 1}]", "Unknown top-level item key: extra (item 0)"),
        ("return [{'json': 3}]", "A 'json' property isn't an object (item 0)"),
    ],
)
def test_n8n_results_n8n_would_refuse_are_refused(code: str, message: str) -> None:
    error = error_of(code, n8n={"items": [{"n": 1}]})
    assert error.message.startswith(f"Python error: ValueError: {message}")


def test_n8n_each_item_mode_runs_once_per_item() -> None:
    code = (
        "_input.item.json.seen = _itemIndex\nreturn {'n': _json.n * 10, 'i': _input.item.json.seen}"
    )
    assert n8n(code, [{"n": 1}, {"n": 2}], mode="each")["result"] == [
        {"n": 10, "i": 0},
        {"n": 20, "i": 1},
    ]
    assert n8n("return _input.item", [{"n": 1}], mode="each")["result"] == [{"n": 1}]
    error = error_of("return [_json]", n8n={"mode": "each", "items": [{"n": 1}]})
    assert "Code doesn't return a single object (item 0)" in error.message


def test_n8n_node_reads_and_run_metadata() -> None:
    code = """
return [{
    'first': _('Lookup').first().json.v,
    'last': _('Lookup').last().json.v,
    'all': [i.json.v for i in _('Lookup').all()],
    'item': _('Lookup').item.json.v,
    'node': _node['Settings'].json.limit,
    'prev': _prev_node.name,
    'execution': _execution.id,
    'workflow': [_workflow.id, _workflow.name],
    'run': [_runIndex, _itemIndex],
}]
"""
    extra = {
        "nodes": {"Lookup": {"v": 1}, "Settings": {"limit": 5}},
        "lists": {"Lookup": [{"v": 1}, {"v": 2}]},
        "previous": "Webhook",
    }
    (result,) = n8n(code, [{}], **extra)["result"]
    assert result == {
        "first": 1,
        "last": 2,
        "all": [1, 2],
        "item": 1,
        "node": 5,
        "prev": "Webhook",
        "execution": "exec-1",
        "workflow": [5, "Orders"],
        "run": [0, 0],
    }
    error = error_of("return [_('Nowhere').first().json]", n8n={"items": [{}]})
    assert "n8n node 'Nowhere' is not available here" in error.message


def test_n8n_now_and_today_are_datetimes_in_the_workflows_zone() -> None:
    code = "return [{'now': _now.isoformat(), 'zone': _now.tzname(), 'today': _today.isoformat()}]"
    before = datetime.now(ZoneInfo("America/New_York"))
    (result,) = n8n(code, [{}], timezone="America/New_York")["result"]
    now = datetime.fromisoformat(result["now"])
    assert abs(now - before) < timedelta(seconds=30)
    assert now.utcoffset() == before.utcoffset()
    assert result["zone"] == "America/New_York"
    assert result["today"] == now.replace(hour=0, minute=0, second=0, microsecond=0).isoformat()
    (utc,) = n8n(code, [{}])["result"]
    assert utc["zone"] == "UTC"


def test_n8n_settings_python_cannot_use_are_refused_naming_the_field() -> None:
    with pytest.raises(ValidationError, match=r"n8n\.mode: functionItem"):
        Config(code="return item", language="python", n8n={"mode": "functionItem"})
    with pytest.raises(ValidationError, match=r"n8n\.binary: files"):
        Config(code="return 1", language="python", n8n={"binary": {"": {"data": "x"}}})
