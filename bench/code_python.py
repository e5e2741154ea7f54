"""What a trivial action.code run costs in Python (WebAssembly) against JavaScript (V8), through
code_sandbox.run, with the pools warm.

    .venv/bin/python bench/code_python.py [--runs 100] [--gap-ms 150]

Three ways for each language: back to back (the Python runner's next interpreter is still
starting when the next request comes: its start-up is paid by every run), with a pause of
`--gap-ms` between runs (the next interpreter waits ready: the run pays only its own work), and
the first run of a new sandbox. Prints the median, p95 and mean in milliseconds
(docs/python-code.md records a run of it).
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
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "workfuse.settings")

CODE = {"javascript": "return input.n + 1", "python": "return input['n'] + 1"}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=100, help="runs measured per way")
    parser.add_argument("--gap-ms", type=int, default=150, help="pause between spaced runs")
    parser.add_argument("--starts", type=int, default=10, help="runs that start a sandbox")
    args = parser.parse_args()

    import django

    django.setup()
    from editor.nodes import code_sandbox

    print(f"trivial runs through code_sandbox.run, milliseconds ({args.runs} each)")
    print(f"{'way':<34}{'median':>8}{'p95':>8}{'mean':>8}")
    for language in ("javascript", "python"):

        def one(n: int, language: Any = language) -> Any:
            payload = json.dumps({"input": {"n": n}})
            return code_sandbox.run(CODE[language], 1000, 64, payload, language=language)

        def cold(n: int, one: Callable[[int], Any] = one) -> Any:
            code_sandbox.shutdown()
            return one(n)

        for n in range(10):  # warm: the pool's sandboxes started
            one(n)
        report(f"{language} back to back", one, args.runs, 0)
        report(f"{language} spaced {args.gap_ms} ms", one, args.runs, args.gap_ms / 1000)
        report(f"{language} sandbox start + run", cold, args.starts, 0.2)
    code_sandbox.shutdown()
    return 0


def report(name: str, step: Callable[[int], Any], runs: int, gap: float) -> None:
    times = []
    for n in range(runs):
        time.sleep(gap)
        started = time.perf_counter()
        reply = step(n)
        times.append((time.perf_counter() - started) * 1000)
        assert reply == {"ok": True, "logs": [], "result": n + 1}, reply
    times.sort()
    p95 = times[min(len(times) - 1, round(len(times) * 0.95) - 1)]
    print(f"{name:<34}{statistics.median(times):>8.2f}{p95:>8.2f}{statistics.mean(times):>8.2f}")


if __name__ == "__main__":
    sys.exit(main())
