"""action.code's sandbox processes: limits on the whole process, crashes kept out of this one."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from editor.nodes import code_runner, code_sandbox
from editor.nodes.action_code import Config, run
from editor.nodes.base import NodeError, RunContext

MB = 1024 * 1024
TICKS = os.sysconf("SC_CLK_TCK")
PAGE = os.sysconf("SC_PAGE_SIZE")


def run_code(code: str, input: Any = None, **config: Any) -> dict[str, Any]:
    ctx = RunContext(execution_id="exec-1", node_id="code", step_key="code", input=input)
    return run(Config(code=code, **config), ctx)


def error_of(code: str, **config: Any) -> NodeError:
    with pytest.raises(NodeError) as caught:
        run_code(code, **config)
    assert caught.value.retryable is False
    return caught.value


def sandboxes() -> dict[int, dict[str, Any]]:
    """This process's sandbox children, read from /proc: state, CPU seconds, resident memory
    and environment."""
    found = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
            with open(f"/proc/{name}/cmdline", "rb") as cmdline:
                command = cmdline.read()
            with open(f"/proc/{name}/environ", "rb") as environ:
                environment = environ.read()
            with open(f"/proc/{name}/statm") as statm:
                rss = int(statm.read().split()[1]) * PAGE
        except OSError:
            continue
        if int(fields[1]) == os.getpid() and b"code_runner.py" in command:
            cpu = (int(fields[11]) + int(fields[12])) / TICKS
            found[int(name)] = {"state": fields[0], "cpu": cpu, "rss": rss, "environ": environment}
    return found


def own_rss() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * PAGE


def wait_for(condition: Any, seconds: float = 10) -> bool:
    """Whether `condition()` holds within `seconds` (a sandbox starts in the background)."""
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    return True


@pytest.fixture
def one_sandbox(settings: Any) -> Any:
    settings.WORKFUSE_CODE_SANDBOXES = 1
    code_sandbox.shutdown()
    # An earlier pool's sandboxes (a spare still starting among them) may take a moment to leave.
    assert wait_for(lambda: not sandboxes()), sandboxes()
    yield
    code_sandbox.shutdown()


def assert_a_normal_step_runs_quickly() -> None:
    started = time.monotonic()
    assert run_code("return input.n + 1", input={"n": 41}) == {"result": 42, "logs": []}
    assert time.monotonic() - started < 2  # a fresh sandbox included


MEMORY_BOMBS = {
    "sparse array fill": "new Array(2**28).fill(1.5)",
    "1 GB ArrayBuffer": "const bytes = new Uint8Array(1e9); bytes.fill(1); return bytes.length",
    "kept ArrayBuffers": "const kept = []; for (;;) kept.push(new Uint8Array(16 * 2**20).fill(1))",
    "Wasm memory grow": "const memory = new WebAssembly.Memory({initial: 1}); for (;;) memory.grow(16)",
    "Wasm memory grow and fill": """
        const memory = new WebAssembly.Memory({initial: 1});
        for (;;) {
          memory.grow(16);
          new Uint8Array(memory.buffer, memory.buffer.byteLength - 2**20).fill(1);
        }""",
}


@pytest.mark.parametrize("code", MEMORY_BOMBS.values(), ids=MEMORY_BOMBS.keys())
def test_memory_bomb_fails_the_step_and_this_process_carries_on(code: str) -> None:
    rss_before = own_rss()
    started = time.monotonic()
    error = error_of(code, timeout_ms=10_000)
    assert error.message == "Code used more than 64 MB of memory and was stopped"
    assert time.monotonic() - started < 5
    assert own_rss() - rss_before < 32 * MB
    assert_a_normal_step_runs_quickly()


def test_memory_limit_follows_memory_mb() -> None:
    code = "const kept = []; for (;;) kept.push(new Uint8Array(2**20).fill(1))"
    big = run_code("return new Uint8Array(100 * 2**20).fill(1).length", memory_mb=256)
    assert big["result"] == 100 * MB
    error = error_of(code, memory_mb=16, timeout_ms=10_000)
    assert error.message == "Code used more than 16 MB of memory and was stopped"


def test_unpaired_surrogates_cross_in_every_reply() -> None:
    assert run_code("console.log('\\ud800'); return '\\udc00'") == {
        "result": "\udc00",
        "logs": ["\ud800"],
    }
    error = error_of("console.log('\\ud800'); while (true) {}", timeout_ms=100)
    assert (error.message, error.detail["logs"]) == (
        "Code ran longer than 100 ms and was stopped",
        ["\ud800"],
    )


def test_endless_loop_is_stopped_at_the_time_limit_and_the_next_step_runs() -> None:
    started = time.monotonic()
    error = error_of("while (true) {}", timeout_ms=200)
    assert error.message == "Code ran longer than 200 ms and was stopped"
    assert time.monotonic() - started < 2
    assert_a_normal_step_runs_quickly()


def test_a_hung_sandbox_is_killed_at_the_time_limit_plus_grace(one_sandbox: Any) -> None:
    run_code("return 1")
    (pid,) = sandboxes()
    os.kill(pid, signal.SIGSTOP)  # stuck where its own timeout can't reach
    started = time.monotonic()
    error = error_of("return 1", timeout_ms=100)
    assert error.message == "Code ran longer than 100 ms and was stopped"
    assert 1.0 <= time.monotonic() - started < 3
    assert pid not in sandboxes()
    assert_a_normal_step_runs_quickly()


def test_the_parent_kills_a_sandbox_whose_resident_memory_passes_the_limit(
    monkeypatch: Any,
) -> None:
    code = "const bytes = new Uint8Array(48 * 2**20).fill(1); while (true) {}"
    # The runner's own cap leaves this run room: it runs until its time is up...
    error = error_of(code, memory_mb=8, timeout_ms=300)
    assert error.message == "Code ran longer than 300 ms and was stopped"
    # ...and with no headroom on the parent's side (the runner's is unchanged in its process),
    # the parent's watch on resident memory stops it.
    monkeypatch.setattr(code_runner, "HEADROOM_MB", 0)
    started = time.monotonic()
    error = error_of(code, memory_mb=8, timeout_ms=10_000)
    assert error.message == "Code used more than 8 MB of memory and was stopped"
    assert time.monotonic() - started < 3


def test_the_code_runs_in_another_process_without_the_servers_environment(
    one_sandbox: Any,
) -> None:
    cpu_before = time.process_time()
    result = run_code("const t = Date.now(); while (Date.now() - t < 500) {} return 1")
    assert result["result"] == 1
    assert time.process_time() - cpu_before < 0.15  # this process only waited
    (sandbox,) = sandboxes().values()
    assert sandbox["cpu"] >= 0.2  # the sandbox spun
    assert "DJANGO_SETTINGS_MODULE" in os.environ
    assert sandbox["environ"] == b""


def test_a_reused_sandbox_gives_every_run_fresh_globals(one_sandbox: Any) -> None:
    pollute = "globalThis.leak = 'secret'; Object.prototype.polluted = 1; Array.isArray = null"
    run_code(pollute)
    (pid,) = sandboxes()
    code = "return [typeof leak, ({}).polluted, typeof Array.isArray]"
    assert run_code(code)["result"] == ["undefined", None, "function"]
    assert list(sandboxes()) == [pid]


def test_set_timeout_works_in_every_fresh_isolate(one_sandbox: Any) -> None:
    # The runner installs its own setTimeout with its prelude instead of MiniRacer's
    # (code_runner._Fresh): every isolate must have it. A delay of 0 threw with MiniRacer's.
    code = """
    const order = [];
    const handle = setTimeout(() => order.push("cleared"), 5);
    clearTimeout(handle);
    await new Promise((resolve) => setTimeout(() => { order.push(input); resolve(); }, 20));
    await new Promise((resolve) => setTimeout((a, b) => { order.push(a + b); resolve(); }, 0, 1, 2));
    Promise.resolve().then(() => order.push("microtask first"));
    await new Promise((resolve) => setTimeout(resolve));
    return order;
    """
    for n in range(3):
        assert run_code(code, input=n)["result"] == [n, 3, "microtask first"]


def test_a_reused_sandbox_frees_every_isolate(one_sandbox: Any) -> None:
    for n in range(10):
        run_code("return [input, new Array(1000).fill(input)]", input=n)
    (pid, before), *_ = sandboxes().items()
    for n in range(100):
        run_code("return [input, new Array(1000).fill(input)]", input=n)
    after = sandboxes()[pid]
    assert after["rss"] - before["rss"] < 30 * MB  # 100 leaked isolates hold over 100 MB


def test_sandboxes_are_replaced_after_their_runs_and_leave_no_zombies(
    one_sandbox: Any, settings: Any
) -> None:
    settings.WORKFUSE_CODE_RUNS_PER_SANDBOX = 3
    served: list[set[int]] = []
    for n in range(7):
        before = set(sandboxes())
        assert run_code("return input", input=n)["result"] == n
        if n % 3 == 2:  # its third run: the sandbox leaves, and a replacement starts at once
            replaced = wait_for(
                lambda before=before: bool(sandboxes()) and not set(sandboxes()) & before
            )
            assert replaced, "no replacement started before a run asked for one"
        served.append(set(sandboxes()))
    a, b, c = served[0], served[3], served[6]
    assert served == [a, a, b, b, b, c, c]  # the replacement is there before the next run
    assert len({*a, *b, *c}) == 3 and all(len(s) == 1 for s in (a, b, c))
    with pytest.raises(NodeError):
        run_code("new Array(2**28).fill(1.5)")
    assert all(s["state"] != "Z" for s in sandboxes().values())
    code_sandbox.shutdown()
    assert wait_for(lambda: sandboxes() == {})


def test_sandboxes_that_reach_their_runs_together_leave_one_at_a_time(settings: Any) -> None:
    """Two sandboxes taken in turn reach their runs one run apart: the second serves on while
    the first one's replacement starts, so the pool is never left without a sandbox."""
    settings.WORKFUSE_CODE_SANDBOXES = 2
    settings.WORKFUSE_CODE_RUNS_PER_SANDBOX = 2
    code_sandbox.shutdown()
    assert wait_for(lambda: not sandboxes()), sandboxes()
    try:
        run_code("return 0")
        assert wait_for(lambda: len(sandboxes()) == 2)
        first_pair = set(sandboxes())
        for n in range(1, 4):  # runs 2 and 4 are the two sandboxes' second runs
            assert run_code("return input", input=n)["result"] == n
        # Right after the fourth run: one of the pair left, the other still serves.
        assert len(set(sandboxes()) & first_pair) == 1, (first_pair, sandboxes())
        assert wait_for(lambda: len(sandboxes()) == 2)
    finally:
        code_sandbox.shutdown()


def test_concurrent_runs_from_threads_succeed_beside_a_bomb() -> None:
    def one(n: int) -> Any:
        if n == 5:
            return error_of("new Array(2**28).fill(1.5)", timeout_ms=10000).message
        return run_code("await null; return input * 2", input=n)["result"]

    with ThreadPoolExecutor(6) as pool:
        results = list(pool.map(one, range(16)))
    expected: list[Any] = [n * 2 for n in range(16)]
    expected[5] = "Code used more than 64 MB of memory and was stopped"
    assert results == expected


@pytest.mark.parametrize("overflow", [2, 0])
def test_a_flood_of_slow_runs_of_one_workflow_does_not_hold_up_another_workflows_step(
    settings: Any, monkeypatch: Any, overflow: int
) -> None:
    # Six runs of workflow 1 that spin to their 1 s limit, two sandboxes: in turn, workflow 2's
    # step waited for four of them (about 3 s: two rounds, each with its sandboxes' restart).
    # Now the next free sandbox is its (0 overflow: one round, about 1.5 s), and with overflow
    # it starts one of its own after 0.25 s.
    settings.WORKFUSE_CODE_SANDBOXES = 2
    monkeypatch.setattr(code_sandbox, "OVERFLOW", overflow)
    code_sandbox.shutdown()

    def step(code: str, workflow_id: int) -> Any:
        ctx = RunContext("e", "code", "code", workflow_id=workflow_id)
        return run(Config(code=code, timeout_ms=1000), ctx)["result"]

    try:
        step("return 0", 2)  # both sandboxes up
        assert wait_for(lambda: len(sandboxes()) == 2)
        with ThreadPoolExecutor(6) as pool:
            flood = [pool.submit(step, "for (;;) {}", 1) for _ in range(6)]
            time.sleep(0.3)
            started = time.monotonic()
            assert step("return 1 + 1", 2) == 2
            waited = time.monotonic() - started
            for run_of_the_flood in flood:
                with pytest.raises(NodeError, match="longer than 1000 ms"):
                    run_of_the_flood.result()
        assert waited < (1.5 if overflow else 2.5), waited
        assert wait_for(lambda: len(sandboxes()) <= 2)  # an overflow sandbox left after its run
    finally:
        code_sandbox.shutdown()


def test_the_first_run_starts_the_pools_other_sandboxes_in_the_background(
    settings: Any,
) -> None:
    settings.WORKFUSE_CODE_SANDBOXES = 3
    code_sandbox.shutdown()
    assert wait_for(lambda: not sandboxes()), sandboxes()
    try:
        assert run_code("return 1")["result"] == 1
        assert wait_for(lambda: len(sandboxes()) == 3), sandboxes()
        started = set(sandboxes())
        # Three runs at once each find one ready: none starts (or waits for) another process.
        with ThreadPoolExecutor(3) as pool:
            results = list(pool.map(lambda n: run_code("return input", input=n), range(3)))
        assert [r["result"] for r in results] == [0, 1, 2]
        assert set(sandboxes()) == started
    finally:
        code_sandbox.shutdown()


def test_a_forked_child_starts_sandboxes_of_its_own(settings: Any) -> None:
    run_code("return 1")
    # The pool's other sandboxes start in the background after the first run.
    assert wait_for(lambda: len(sandboxes()) == settings.WORKFUSE_CODE_SANDBOXES)
    before = set(sandboxes())
    child = os.fork()
    if child == 0:  # pragma: no cover - runs in the child, which leaves with os._exit
        try:
            ok = run_code("return 2")["result"] == 2 and not set(sandboxes()) & before
        finally:
            code_sandbox.shutdown()
        os._exit(0 if ok else 1)
    _, status = os.waitpid(child, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    assert set(sandboxes()) == before
    assert run_code("return 3")["result"] == 3


def test_sandboxes_end_with_the_process() -> None:
    script = textwrap.dedent(
        """
        import django, time
        django.setup()
        from editor.nodes.action_code import Config, run
        from editor.nodes.base import RunContext
        from tests.test_code_sandbox import sandboxes
        ctx = RunContext(execution_id="e", node_id="n", step_key="n", input=1)
        assert run(Config(code="return input"), ctx)["result"] == 1
        while len(sandboxes()) < 2:  # the pool's other one starts in the background
            time.sleep(0.01)
        print(*sandboxes())
        """
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "workfuse.settings",
        "WORKFUSE_CODE_SANDBOXES": "2",
    }
    done = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, timeout=60, check=True
    )
    pids = [int(pid) for pid in done.stdout.split()]
    assert len(pids) == 2
    for pid in pids:  # ended and reaped by that process, not left to init
        with pytest.raises(FileNotFoundError):
            open(f"/proc/{pid}/stat").close()


def test_a_sandbox_leaves_when_its_process_is_killed_mid_run() -> None:
    script = textwrap.dedent(
        """
        import django, os, signal, threading, time
        django.setup()
        from editor.nodes.action_code import Config, run
        from editor.nodes.base import RunContext
        from tests.test_code_sandbox import sandboxes
        ctx = RunContext(execution_id="e", node_id="n", step_key="n")
        stuck = Config(code="return new Array(2**31).indexOf(1)", timeout_ms=300)
        threading.Thread(target=run, args=(stuck, ctx), daemon=True).start()
        while len(sandboxes()) < 2:  # the pool's other one starts in the background
            time.sleep(0.01)
        time.sleep(0.4)  # started, and busy in a builtin for seconds
        print(*sandboxes(), flush=True)
        os.kill(os.getpid(), signal.SIGKILL)
        """
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "workfuse.settings",
        "WORKFUSE_CODE_SANDBOXES": "2",
    }
    done = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, timeout=60)
    pids = [int(pid) for pid in done.stdout.split()]
    assert len(pids) == 2  # the busy one and the idle one
    deadline = time.monotonic() + 5
    while any(_running(pid) for pid in pids) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(_running(pid) for pid in pids)


def _running(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


@pytest.mark.django_db(transaction=True)
def test_a_sandbox_crash_fails_the_step_once_and_is_not_retried(alice: Any) -> None:
    from executions import engine
    from executions.models import Step
    from tests.engine_helpers import chain, make_workflow

    retry = {"max_attempts": 3, "initial_delay_ms": 10}
    # The sparse fill grows slowly: time enough for the memory limit to be the one it meets.
    bomb = {"code": "new Array(2**28).fill(1.5)", "timeout_ms": 10_000}
    graph = chain({"id": "js", "type": "action.code", "config": bomb, "retry": retry})
    execution = engine.start_execution(make_workflow(alice, graph), {})
    execution.refresh_from_db()
    assert execution.status == "failed"
    assert "Code used more than 64 MB of memory and was stopped" in execution.error
    step = Step.objects.get(execution=execution, key="js")
    assert (step.status, step.attempt) == ("failed", 1)
    graph = chain({"id": "js", "type": "action.code", "config": {"code": "return 7"}})
    execution = engine.start_execution(make_workflow(alice, graph), {})
    execution.refresh_from_db()
    assert execution.status == "succeeded"
