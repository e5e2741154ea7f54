"""action.code: JavaScript in a fresh V8 isolate, with time and memory limits."""

from __future__ import annotations

import asyncio
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from py_mini_racer._context import context_count  # mini-racer's own test hook
from pydantic import ValidationError

from editor.nodes.action_code import NODE, Config, run
from editor.nodes.base import NodeError, RunContext


def run_code(
    code: str, input: Any = None, variables: dict[str, Any] | None = None, **config: Any
) -> dict[str, Any]:
    ctx = RunContext(
        execution_id="exec-1",
        node_id="code",
        step_key="code",
        input=input,
        variables=variables or {},
    )
    return run(Config(code=code, **config), ctx)


def error_of(code: str, **kwargs: Any) -> NodeError:
    with pytest.raises(NodeError) as caught:
        run_code(code, **kwargs)
    assert caught.value.retryable is False
    return caught.value


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("return 42", 42),
        ("return 1.5", 1.5),
        ("return 'hello'", "hello"),
        ("return true", True),
        ("return null", None),
        ("return [1, 'a', null]", [1, "a", None]),
        ("return {a: {b: [1, 2]}, c: 'x'}", {"a": {"b": [1, 2]}, "c": "x"}),
        ("return undefined", None),
        ("const unused = 1", None),
    ],
)
def test_returns_each_json_type(code: str, expected: Any) -> None:
    assert run_code(code) == {"result": expected, "logs": []}


def test_input_is_visible() -> None:
    assert run_code("return input.items.length", input={"items": [1, 2, 3]})["result"] == 3


def test_trigger_nodes_item_and_index_are_visible() -> None:
    variables = {
        "trigger": {"body": {"user": "ada"}},
        "nodes": {"fetch": {"status": 200}},
        "item": {"id": 7},
        "index": 2,
    }
    code = "return [trigger.body.user, nodes.fetch.status, item.id, index]"
    assert run_code(code, variables=variables)["result"] == ["ada", 200, 7, 2]


def test_item_and_index_are_undefined_outside_a_loop() -> None:
    code = "return [typeof item, typeof index, typeof trigger, nodes]"
    assert run_code(code)["result"] == ["undefined", "undefined", "object", {}]


def test_data_crosses_as_json_not_as_code() -> None:
    tricky = {"s": "\"');}</script>`${globalThis.x = 1}`\u2028\\", "n": [1.5, None, True]}
    assert run_code("return [input, typeof x]", input=tricky)["result"] == [tricky, "undefined"]


def test_changing_input_does_not_touch_the_callers_data() -> None:
    data = {"items": [1]}
    run_code("input.items.push(2); return input", input=data)
    assert data == {"items": [1]}


def test_console_output_is_captured_one_line_per_call() -> None:
    code = """
    console.log("plain", 3, true, null, undefined);
    console.info({a: 1, b: [1, 2]});
    console.warn("warned");
    console.error(new TypeError("bad"));
    return 1
    """
    logs = run_code(code)["logs"]
    assert logs[:3] == ["plain 3 true null undefined", '{"a":1,"b":[1,2]}', "warned"]
    assert logs[3].startswith("TypeError: bad\n    at code.js:5:")


def test_unprintable_console_values_do_not_fail_the_run() -> None:
    code = (
        "const a = {}; a.self = a; console.log(a, Symbol('s'), 5n, function named() {}); return 1"
    )
    assert run_code(code)["logs"] == ["[object Object] Symbol(s) 5 [Function named]"]


def test_logs_are_cut_after_1000_lines() -> None:
    logs = run_code("for (let i = 0; i < 1500; i++) console.log(i)")["logs"]
    assert len(logs) == 1001
    assert logs[999] == "999"
    assert logs[-1] == "… logs truncated"


def test_logs_are_cut_at_100_kb() -> None:
    code = "for (let i = 0; i < 5; i++) console.log(String(i).repeat(40 * 1024))"
    logs = run_code(code)["logs"]
    assert logs[-1] == "… logs truncated"
    assert sum(len(line) for line in logs[:-1]) == 100 * 1024
    assert logs[2] == "2" * (20 * 1024)


def test_await_works() -> None:
    code = """
    const doubled = await Promise.resolve(21).then(n => n * 2);
    await new Promise(resolve => setTimeout(resolve, 20));
    return doubled
    """
    assert run_code(code)["result"] == 42


def test_thrown_error_names_type_message_and_line_and_keeps_logs() -> None:
    error = error_of("console.log('about to fail');\nconst x = 1;\nx();")
    assert error.message == "JavaScript error: TypeError: x is not a function (line 3)"
    assert error.detail["logs"] == ["about to fail"]
    assert error.detail["line"] == 3
    assert error.detail["stack"].startswith("TypeError: x is not a function\n    at code.js:3:1")


def test_error_after_await_reports_the_users_line() -> None:
    error = error_of("await null;\n\nthrow new RangeError('too far')")
    assert error.message == "JavaScript error: RangeError: too far (line 3)"


def test_thrown_non_error_value_is_shown() -> None:
    assert error_of("throw 'nope'").message == "JavaScript error: nope"
    assert error_of("throw {code: 42}").message == 'JavaScript error: {"code":42}'


def test_syntax_error_names_the_problem_and_line() -> None:
    error = error_of("let a = 1;\na b;")
    assert error.message == "JavaScript syntax error: Unexpected identifier 'b' (line 2)"


def test_endless_loop_is_stopped_at_the_time_limit() -> None:
    started = time.monotonic()
    error = error_of("console.log('spinning'); while (true) {}")
    assert time.monotonic() - started < 5
    assert error.message == "Code ran longer than 1000 ms and was stopped"
    assert error.detail["logs"] == ["spinning"]


def test_endless_loop_after_await_is_stopped_too() -> None:
    started = time.monotonic()
    error = error_of("await null; while (true) {}", timeout_ms=300)
    assert time.monotonic() - started < 5
    assert error.message == "Code ran longer than 300 ms and was stopped"


def test_a_promise_that_never_settles_times_out() -> None:
    error = error_of("await new Promise(() => {})", timeout_ms=100)
    assert error.message == "Code ran longer than 100 ms and was stopped"


def test_memory_bomb_is_stopped_at_the_memory_limit() -> None:
    code = "const kept = []; for (let i = 0; ; i++) kept.push('x'.repeat(1000) + i)"
    started = time.monotonic()
    error = error_of(code, timeout_ms=10_000)
    assert time.monotonic() - started < 5
    assert error.message == "Code used more than 64 MB of memory and was stopped"


def test_memory_bomb_after_await_is_stopped_too() -> None:
    code = "await null; const kept = []; for (let i = 0; ; i++) kept.push(['y'.repeat(100) + i])"
    error = error_of(code, timeout_ms=10_000, memory_mb=16)
    assert error.message == "Code used more than 16 MB of memory and was stopped"


def test_runs_share_no_state() -> None:
    assert run_code("globalThis.leak = 'secret'; return typeof leak")["result"] == "string"
    assert run_code("return typeof leak")["result"] == "undefined"


def test_smallest_memory_limit_still_runs_simple_code() -> None:
    assert run_code("return input * 2", input=21, memory_mb=8)["result"] == 42


def test_runs_from_async_code_and_from_several_threads_at_once() -> None:
    async def from_a_running_loop() -> dict[str, Any]:
        return run_code("await null; return input", input="async")

    assert asyncio.run(from_a_running_loop())["result"] == "async"
    with ThreadPoolExecutor(4) as pool:
        results = list(
            pool.map(lambda n: run_code("return input + 1", input=n)["result"], range(8))
        )
    assert results == list(range(1, 9))


def test_this_process_never_creates_an_isolate() -> None:
    """Code runs in sandbox processes only (tests/test_code_sandbox.py checks that a reused
    sandbox frees each of its isolates)."""
    assert context_count() == 0
    assert run_code("return 1")["result"] == 1
    with pytest.raises(NodeError):
        run_code("while (true) {}", timeout_ms=50)
    with pytest.raises(NodeError):
        run_code("x(")
    assert context_count() == 0


@pytest.mark.parametrize(
    ("code", "reason"),
    [
        ("return () => 1", "it is a function"),
        ("return Symbol('s')", "it is a symbol"),
        ("return 10n", "it is a BigInt"),
        ("return {total: 10n}", 'it contains a BigInt at key "total"'),
        ("return [1, function () {}]", 'it contains a function at key "1"'),
        ("const a = {}; a.self = a; return a", "it contains a circular reference"),
    ],
)
def test_values_that_are_not_json_are_refused(code: str, reason: str) -> None:
    error = error_of(code)
    assert error.message == f"The returned value can't be converted to JSON: {reason}"


def test_result_over_5_mb_is_refused() -> None:
    error = error_of("return 'é'.repeat(3 * 1024 * 1024)")
    assert error.message == "The returned value is larger than 5 MB as JSON; return less data"
    assert len(run_code("return 'x'.repeat(4 * 1024 * 1024)")["result"]) == 4 * 1024 * 1024


def test_code_has_no_network_filesystem_or_process() -> None:
    code = "return [fetch, require, process, XMLHttpRequest, Deno, WebSocket].map(() => 0)"
    assert (
        error_of(code).message == "JavaScript error: ReferenceError: fetch is not defined (line 1)"
    )
    names = ["fetch", "require", "process", "XMLHttpRequest", "Deno", "WebSocket", "module"]
    code = f"return {names}.map(name => typeof globalThis[name])"
    assert run_code(code)["result"] == ["undefined"] * len(names)


def test_code_cannot_break_how_its_result_is_collected() -> None:
    code = """
    JSON.stringify = () => 'garbage';
    Atomics.store = null;
    Promise.prototype.then = null;
    console.log('still logging');
    return {ok: true}
    """
    assert run_code(code) == {"result": {"ok": True}, "logs": ["still logging"]}


def test_config_requires_code_and_bounds_the_limits() -> None:
    bad_configs: list[dict[str, Any]] = [
        {},
        {"code": ""},
        {"code": "  \n"},
        {"code": "return 1", "extra": 1},
    ]
    for bad in bad_configs:
        with pytest.raises(ValidationError):
            Config(**bad)
    with pytest.raises(ValidationError):
        Config(code="return 1", timeout_ms=5)
    with pytest.raises(ValidationError):
        Config(code="return 1", timeout_ms=60_001)
    with pytest.raises(ValidationError):
        Config(code="return 1", memory_mb=513)
    config = Config(code="return 1")
    assert (config.timeout_ms, config.memory_mb) == (1000, 64)


def test_catalog_entry_describes_every_field() -> None:
    entry = NODE.catalog_entry()
    assert (entry["type"], entry["label"], entry["category"]) == (
        "action.code",
        "Code",
        "action",
    )
    properties = entry["schema"]["properties"]
    assert set(properties) == {"language", "code", "timeout_ms", "memory_mb", "n8n"}
    assert properties["language"]["enum"] == ["javascript", "python"]
    assert all(prop.get("description") for prop in properties.values())
    assert entry["schema"]["required"] == ["code"]
