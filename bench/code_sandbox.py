"""What running action.code in a sandbox process costs per step, against running it in-process.

    .venv/bin/python bench/code_sandbox.py [--runs 200] [--warmup 20]

Times `--runs` steps of `return input.n + 1` through the node's `run()` (the pooled sandbox, warm;
steps of no workflow, each in an isolate of its own, then steps of one workflow, which share a
kept isolate) and through the runner's own function called in this process on a fresh isolate
per step, which is what the node did before the sandbox. Prints the median, p95 and mean in milliseconds of
each, and the time a step takes when it has to start its sandbox first (after a crash, after
`WORKFUSE_CODE_RUNS_PER_SANDBOX` runs, or the first step of a process).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "workfuse.settings")

CODE = "return input.n + 1"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=200, help="steps measured per path")
    parser.add_argument("--warmup", type=int, default=20, help="steps before measuring")
    parser.add_argument("--starts", type=int, default=10, help="steps that start a sandbox")
    args = parser.parse_args()

    import django

    django.setup()
    from editor.nodes import action_code, code_runner, code_sandbox
    from editor.nodes.base import RunContext

    config = action_code.Config(code=CODE)

    def context(n: int, workflow_id: int | None = None) -> RunContext:
        return RunContext(
            execution_id="bench",
            node_id="js",
            step_key="js",
            input={"n": n},
            workflow_id=workflow_id,
        )

    isolates = code_runner.Isolates()
    request = {"code": CODE, "timeout_ms": config.timeout_ms, "memory_mb": config.memory_mb}

    def in_process(n: int) -> object:
        isolate = isolates.new()
        js = isolate.__enter__()
        try:
            code_runner.prepare(js)
            reply = code_runner.run(js, request, json.dumps(action_code._globals(context(n))))
        finally:
            isolate.__exit__(None, None, None)
        assert isinstance(reply, str)
        return action_code._result(json.loads(reply), config.timeout_ms, config.memory_mb)

    def sandboxed(n: int) -> object:
        return action_code.run(config, context(n))

    def one_workflow(n: int) -> object:
        return action_code.run(config, context(n, workflow_id=1))

    def cold(n: int) -> object:
        code_sandbox.shutdown()
        return sandboxed(n)

    print(f"{args.runs} steps of `{CODE}` (after {args.warmup} unmeasured), milliseconds")
    print(f"{'path':<28}{'median':>8}{'p95':>8}{'mean':>8}")
    report("in-process (before)", in_process, args.runs, args.warmup)
    report("sandbox pool (after)", sandboxed, args.runs, args.warmup)
    report("sandbox, one workflow's runs", one_workflow, args.runs, args.warmup)
    report("sandbox start + step", cold, args.starts, 0)
    code_sandbox.shutdown()
    return 0


def report(name: str, step: Callable[[int], object], runs: int, warmup: int) -> None:
    for n in range(warmup):
        assert step(n) == {"result": n + 1, "logs": []}
    times = []
    for n in range(runs):
        started = time.perf_counter()
        result = step(n)
        times.append((time.perf_counter() - started) * 1000)
        assert result == {"result": n + 1, "logs": []}
    times.sort()
    p95 = times[min(len(times) - 1, round(len(times) * 0.95) - 1)]
    print(f"{name:<28}{statistics.median(times):>8.2f}{p95:>8.2f}{statistics.mean(times):>8.2f}")


if __name__ == "__main__":
    sys.exit(main())
