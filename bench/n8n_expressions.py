"""What an imported n8n expression costs per step: a native template against `n8n()`.

    .venv/bin/python bench/n8n_expressions.py [--runs 200] [--warmup 20]

Renders a step's config the way the engine does (`templating.render_value`) with one
expression in it, `--runs` times per variant, on a warm sandbox pool: the exact translation
(`{{ trigger.body.name | n8n_text }}`), the same value through JavaScript (`n8n()`: a method
call), a date (`$now.toFormat(...)`, which compiles Luxon in the isolate), and a config with
five JavaScript expressions. Prints the median, p95 and mean wall milliseconds per step, and the
CPU milliseconds the rendering process spends (the sandbox's own CPU is not counted there).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "workfuse.settings")

CONTEXT = {
    "trigger": {"body": {"name": "ann lee", "email": "Ann@Example.com", "lines": [2, 3, 5]}},
    "nodes": {},
    "execution": {"id": "bench", "started_at": "2026-12-06T00:00:00+00:00"},
    "workflow": {"id": 1, "name": "bench"},
}
JS = "n8n('$json.name.toTitleCase()', json=trigger.body)"
VARIANTS = {
    "native template": {"text": "Hi {{ trigger.body.name | n8n_text }}"},
    "n8n(): method call": {"text": "{{ " + JS + " }}"},
    "n8n(): $now.toFormat": {"text": "{{ n8n('$now.toFormat(\\'yyyy-MM-dd\\')') }}"},
    "five n8n() calls": {f"f{i}": "{{ " + JS + " }}" for i in range(5)},
}


def measure(config: dict[str, Any], runs: int, warmup: int) -> tuple[list[float], float]:
    from editor.templating import render_value

    for _ in range(warmup):
        render_value(config, CONTEXT)
    walls = []
    cpu_start = time.process_time()
    for _ in range(runs):
        start = time.perf_counter()
        render_value(config, CONTEXT)
        walls.append((time.perf_counter() - start) * 1000)
    return walls, (time.process_time() - cpu_start) * 1000 / runs


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=200, help="steps measured per variant")
    parser.add_argument("--warmup", type=int, default=20, help="steps before measuring")
    args = parser.parse_args()

    import django

    django.setup()
    import editor.nodes  # noqa: F401  (hands the code sandbox to the templates)
    from editor.nodes import code_sandbox

    print("| config of one step | median ms | p95 ms | mean ms | CPU ms (this process) |")
    print("|---|---|---|---|---|")
    try:
        for name, config in VARIANTS.items():
            walls, cpu = measure(config, args.runs, args.warmup)
            p95 = statistics.quantiles(walls, n=20)[18]
            print(
                f"| {name} | {statistics.median(walls):.3f} | {p95:.3f} | "
                f"{statistics.fmean(walls):.3f} | {cpu:.3f} |"
            )
    finally:
        code_sandbox.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main())
