"""Runs of one workflow may share a JavaScript isolate (code_runner.Kept), and must still see
nothing of each other: every trace a run can leave either goes with the run or sends the isolate
away. The end-to-end tests go through action_code and a real sandbox process; the `Kept` tests
run the runner's own class in this process to see which isolate each request got."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest

from editor.nodes import code_runner, code_sandbox
from editor.nodes.action_code import Config, run
from editor.nodes.base import RunContext


def run_code(code: str, input: Any = None, workflow_id: int | None = 1) -> Any:
    ctx = RunContext(
        execution_id="exec-1", node_id="code", step_key="code", input=input, workflow_id=workflow_id
    )
    return run(Config(code=code), ctx)["result"]


@pytest.fixture
def one_sandbox(settings: Any) -> Any:
    settings.WORKFUSE_CODE_SANDBOXES = 1
    code_sandbox.shutdown()
    yield
    code_sandbox.shutdown()


# (what a run leaves behind, what a later run of the same workflow reads of it)
TRACES = {
    "implicit global": ("leak = input", "return typeof leak"),
    "globalThis property": ("globalThis.leak = input", "return typeof globalThis.leak"),
    "this": ("this.leak = input", "return typeof this.leak"),
    "non-configurable global": (
        "Object.defineProperty(globalThis, 'leak', {value: input})",
        "return typeof leak",
    ),
    "prototype pollution from the data": (
        "const target = {}; const [a, b] = input.split('/'); target[a][b] = input",
        "return ({}).polluted === undefined",
    ),
    "a method replaced": (
        "Array.prototype.map = function () { return [input] }",
        "return [1].map((x) => x + 1)",
    ),
    "a method added under a symbol": (
        "Array.prototype[Symbol.for('leak')] = input",
        "return [][Symbol.for('leak')] === undefined",
    ),
    "a global replaced": ("JSON = {stringify: () => input}", "return JSON.stringify({a: 1})"),
    "console replaced": ("console.log = () => {}", "console.log('seen'); return 1"),
    "the last RegExp match": (
        "/(s\\w+)/.exec(input)",
        "return [RegExp.$1, RegExp.input, RegExp.lastMatch]",
    ),
    "Error.stackTraceLimit": (
        "Error.stackTraceLimit = input.length",
        "return Error.stackTraceLimit",
    ),
    "Error.prepareStackTrace": (
        "Error.prepareStackTrace = () => input",
        "return String(new Error('x').stack).startsWith('Error: x')",
    ),
    "a built-in without a global name": (
        "Object.getPrototypeOf(new Intl.Segmenter().segment('')).leak = input",
        "return Object.getPrototypeOf(new Intl.Segmenter().segment('')).leak === undefined",
    ),
    "a built-in function's property": (
        "Math.max.leak = input",
        "return Math.max.leak === undefined",
    ),
    "a method for every function": (
        "Function.prototype.leak = function () { return input }",
        "return typeof (() => 0).leak",
    ),
    "the globals' prototype": (
        "Object.setPrototypeOf(globalThis, {leak: input})",
        "return typeof leak",
    ),
    "a timer": (
        "setTimeout(() => { globalThis.late = input }, 0)",
        "await new Promise((resolve) => setTimeout(resolve, 20)); return typeof late",
    ),
}


@pytest.mark.parametrize("trace", TRACES.values(), ids=TRACES.keys())
def test_a_later_run_of_the_workflow_sees_nothing_an_earlier_run_left(
    one_sandbox: Any, trace: tuple[str, str]
) -> None:
    leave, read = trace
    fresh = run_code(read, workflow_id=None)  # what an isolate of its own gives
    for n in range(3):
        run_code(leave, input=f"__proto__/polluted-secret-{n}")
        assert run_code(read) == fresh
    logs = run(Config(code=read), RunContext("e", "code", "code", workflow_id=1))["logs"]
    assert logs == (["seen"] if "console.log" in read else [])


def test_runs_of_one_workflow_keep_their_isolate_while_it_stays_clean() -> None:
    kept = code_runner.Kept()
    try:
        payload = json.dumps({"input": 1})
        first = kept.take("workflow:1")
        request = {"code": "x = input; return input", "timeout_ms": 1000, "memory_mb": 64}
        assert code_runner.run(first, request, payload) == '{"ok":true,"logs":[],"result":1}'
        kept.finish(request["code"])
        kept.refill(snapshot=True)
        assert kept.take("workflow:1") is first  # kept: the implicit global went with the run
        waited = "await new Promise((resolve) => setTimeout(resolve, 1)); return input"
        assert code_runner.run(first, {**request, "code": waited}, payload).endswith('"result":1}')
        kept.finish(waited)
        kept.refill(snapshot=True)
        assert kept.take("workflow:1") is first  # kept: no timer left pending
        assert kept.tidy
        code_runner.run(first, {**request, "code": "Object.prototype.x = 1"}, payload)
        kept.finish("Object.prototype.x = 1")
        assert not kept.tidy  # the runner's next isolates for this workflow skip the snapshot
        kept.refill(snapshot=True)
        second = kept.take("workflow:1")
        assert second is not first  # the prototype changed: a fresh one
        code_runner.run(second, request, payload)
        kept.finish(request["code"])
        kept.refill(snapshot=True)
        assert kept.take("workflow:2") is not second  # never shared between workflows
    finally:
        kept.drop()


@pytest.mark.parametrize(
    "code",
    [
        "setTimeout(() => 0, 1000); return 1",
        "globalThis['set' + 'Timeout'](() => 0, 1000); return 1",
        "new FinalizationRegistry(() => 0); return 1",
        "WebAssembly.compile(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0])); return 1",
        "Atomics.waitAsync(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1000); return 1",
    ],
)
def test_code_that_may_run_after_its_reply_does_not_keep_its_isolate(code: str) -> None:
    kept = code_runner.Kept()
    try:
        first = kept.take("workflow:1")
        request = {"code": code, "timeout_ms": 1000, "memory_mb": 64}
        assert code_runner.run(first, request, "{}") == '{"ok":true,"logs":[],"result":1}'
        kept.finish(code)
        kept.refill(snapshot=True)
        assert kept.take("workflow:1") is not first
    finally:
        kept.drop()


def test_a_kept_isolate_leaves_after_its_runs(monkeypatch: Any) -> None:
    monkeypatch.setattr(code_runner, "RUNS_PER_ISOLATE", 3)
    kept = code_runner.Kept()
    try:
        request = {"code": "return 1", "timeout_ms": 1000, "memory_mb": 64}
        seen = []
        for _ in range(6):
            js = kept.take("workflow:1")
            seen.append(js)
            code_runner.run(js, request, "{}")
            kept.finish(request["code"])
            kept.refill(snapshot=True)
        assert seen[0] is seen[1] is seen[2]
        assert seen[3] is not seen[2] and seen[3] is seen[4] is seen[5]
    finally:
        kept.drop()


def test_the_workflow_is_the_key_and_its_sandbox_is_chosen_again(settings: Any) -> None:
    settings.WORKFUSE_CODE_SANDBOXES = 2
    code_sandbox.shutdown()
    try:
        run_code("return 1", workflow_id=None)  # starts the pool's other sandbox meanwhile
        pool = code_sandbox._pool("javascript")
        deadline = time.monotonic() + 10
        while len(pool._idle) < 2 and time.monotonic() < deadline:
            time.sleep(0.02)
        run_code("return 1", workflow_id=7)
        run_code("return 1", workflow_id=8)
        keys = sorted(str(sandbox.reuse) for sandbox in pool._all)
        assert keys == ["workflow:7", "workflow:8"]
        for workflow_id in (7, 8, 7, 8):
            run_code("return 1", workflow_id=workflow_id)
        assert sorted(str(sandbox.reuse) for sandbox in pool._all) == keys
    finally:
        code_sandbox.shutdown()
